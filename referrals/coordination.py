"""The coordinator's view of the city's referrals: what is overdue or escalated, and the
city-wide counts by service and provider (referrals:index for coordinators)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.utils import timezone, translation

from portal.caching import refreshed_aggregate
from portal.models import Organisation
from portal.roles import Capability, can
from referrals.models import OPEN_STATUSES, Referral, ReferralStatus, overdue_q


@dataclass(frozen=True)
class OverdueRow:
    referral: Referral
    late_by: timedelta  # since the answer was due; zero for an escalated one not yet due


def overdue_rows(
    *, now, service: str = "", district: str = "", limit: int = 30
) -> list[OverdueRow]:
    """Overdue and escalated referrals, most late first, once per case and service: a chain of
    hops (decline, escalation, a manual resend) is one problem for the coordinator, shown by its
    newest referral."""
    qs = Referral.objects.filter(
        Q(status=ReferralStatus.ESCALATED) | overdue_q(now),
        status__in=[ReferralStatus.SENT, ReferralStatus.ESCALATED],
    )
    if service:
        qs = qs.filter(service=service)
    if district:
        qs = qs.filter(case__district__slug=district)
    # The newest of a chain is the one no later referral of the same case and service
    # outranks: walked in due order through the (status, due_at) index and stopped after
    # `limit` rows, instead of DISTINCT ON over every overdue referral of the city.
    newer = qs.filter(case_id=OuterRef("case_id"), service=OuterRef("service")).filter(
        Q(sent_at__gt=OuterRef("sent_at")) | Q(sent_at=OuterRef("sent_at"), pk__gt=OuterRef("pk"))
    )
    referrals = (
        qs.filter(~Exists(newer))
        .select_related("case", "case__district", "provider")
        .order_by("due_at", "pk")[:limit]
    )
    return [OverdueRow(r, max(now - r.due_at, timedelta(0))) for r in referrals]


@refreshed_aggregate("referrals:coordination")
def city_referral_counts(language: str) -> dict:
    """City-wide counts over every open (and every answered) referral, a minute old at most,
    like the coordinator's other city-wide panels (portal.caching, docs/performance.md);
    providers are named in the reader's language (the short name, else the name)."""
    now = timezone.now()
    open_qs = Referral.objects.filter(status__in=OPEN_STATUSES)
    by_service = list(
        open_qs.values("service")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=overdue_q(now)))
        .order_by("service")
    )
    counts = list(
        open_qs.exclude(provider=None)
        .values("provider")
        .annotate(n=Count("pk"))
        .order_by("-n")[:15]
    )
    providers = Organisation.objects.in_bulk([row["provider"] for row in counts])
    with translation.override(language):
        by_provider = [{"label": str(providers[row["provider"]]), "n": row["n"]} for row in counts]
    response = Referral.objects.filter(answered_at__isnull=False).aggregate(
        avg=Avg(F("answered_at") - F("sent_at")),
        in_time=Count("pk", filter=Q(answered_at__lte=F("due_at"))),
        answered=Count("pk"),
    )
    return {"by_service": by_service, "by_provider": by_provider, "response": response}


def coordinator_overview(user, *, service: str = "", district: str = "") -> dict:
    if not can(user, Capability.REFERRAL_COORDINATE):
        return {}
    now = timezone.now()
    cached = city_referral_counts(language=translation.get_language())
    return {
        **cached["value"],
        "computed_at": cached["computed_at"],
        "overdue": overdue_rows(now=now, service=service, district=district),
        "filters": {"service": service, "district": district},
    }
