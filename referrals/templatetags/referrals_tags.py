from __future__ import annotations

from django import template
from django.utils.translation import gettext, ngettext

from cases.models import RiskLevel
from portal.templatetags.portal_format import duration_words
from referrals.models import ReferralStatus
from referrals.routing.explain import service_label

register = template.Library()


@register.filter
def service(code: str) -> str:
    return service_label(code)


@register.filter
def referral_status(code: str) -> str:
    return str(dict(ReferralStatus.choices).get(code, code))


# How a status looks in a table: working on it, waiting for an answer, with the coordinator;
# closed ones stay plain.
STATUS_BADGES = {
    ReferralStatus.ACCEPTED: "text-bg-success",
    ReferralStatus.IN_PROGRESS: "text-bg-success",
    ReferralStatus.COMPLETED: "text-bg-success",
    ReferralStatus.SENT: "text-bg-warning",
    ReferralStatus.ESCALATED: "text-bg-danger",
}


@register.filter
def referral_badge(code: str) -> str:
    return STATUS_BADGES.get(code, "text-bg-light border")


@register.filter
def iso_datetime(value: str) -> str:
    """An ISO 8601 string from a stored plan, shown in Kyiv time as dd.mm.yyyy HH:MM."""
    from datetime import datetime

    from django.utils import timezone

    try:
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%d.%m.%Y %H:%M")
    except (TypeError, ValueError):
        return value


@register.filter
def risk_label(code: str) -> str:
    """A risk level in words; "not shared" when the referral does not share it."""
    return str(dict(RiskLevel.choices).get(code) or gettext("not shared"))


@register.filter
def people_words(row) -> str:
    """The people a referral concerns, as far as it shares them: "1 adult, 2 children"."""
    parts = []
    if row.adults:
        parts.append(ngettext("%(n)s adult", "%(n)s adults", row.adults) % {"n": row.adults})
    if row.children:
        parts.append(ngettext("%(n)s child", "%(n)s children", row.children) % {"n": row.children})
    elif row.children == 0:
        parts.append(gettext("no children"))
    elif row.children_involved is True:
        parts.append(gettext("children are involved"))
    elif row.children_involved is False:
        parts.append(gettext("no children are involved"))
    return ", ".join(parts) or "—"


@register.filter
def due_words(row) -> str:
    """How the answer stands against its deadline, in words: "2 h 15 min left", "overdue by
    1 d 3 h"; empty once the referral is answered."""
    if row.due_in is None:
        return ""
    if row.overdue:
        return gettext("overdue by %(time)s") % {"time": duration_words(row.late_by)}
    return gettext("%(time)s left") % {"time": duration_words(row.due_in)}
