"""The cases app's panels on the dashboard (registered in cases.apps): the worker's own open
cases and the coordinator's city-wide counts."""

from __future__ import annotations

from django.db.models import Count

from cases import extensions
from cases.models import Case, CaseStatus
from cases.selectors import cases_led_by
from portal.caching import refreshed_aggregate
from portal.roles import Capability, can


def worker_panel(request) -> dict[str, object]:
    user = request.user
    mine = cases_led_by(user)
    high_without_referral = mine.filter(risk_level="high")
    # The referrals app lends the condition (cases.extensions); cases never imports it.
    referrals_available = extensions.referrals_known()
    if referrals_available:
        high_without_referral = high_without_referral.exclude(extensions.case_has_referral())
    return {
        "open_count": mine.count(),
        "open_cases": list(mine.select_related("district").order_by("-reported_at")[:8]),
        "high_without_referral": list(high_without_referral.order_by("-reported_at")[:8]),
        "referrals_available": referrals_available,
    }


@refreshed_aggregate("cases:by_status")
def city_case_counts() -> dict[str, object]:
    """Cases by status and the open high-risk ones, city-wide: a minute old at most, counted
    by the worker while the coordinators read the previous figures (portal.caching)."""
    counts = dict(Case.objects.values_list("status").annotate(n=Count("pk")).order_by())
    high_open = Case.objects.filter(risk_level="high").exclude(status=CaseStatus.CLOSED).count()
    return {"counts": counts, "high_open": high_open}


def coordinator_panel(request) -> dict[str, object]:
    """City-wide counts (a coordinator sees every case)."""
    if not can(request.user, Capability.CASE_VIEW_ALL):
        return {"by_status": [], "high_open": 0}
    cached = city_case_counts()
    counts = cached["value"]["counts"]
    return {
        "by_status": [(label, counts.get(value, 0)) for value, label in CaseStatus.choices],
        "high_open": cached["value"]["high_open"],
        "computed_at": cached["computed_at"],
    }
