"""The referrals' part of depersonalising closed cases (cases.services.depersonalise): the data
shared with providers and the reasons and outcomes written in words become placeholders; the
service, provider, dates and statuses the statistics count stay."""

from __future__ import annotations

from cases.models import Participant
from cases.retention import TEXT
from portal.calendar import KYIV
from referrals.models import Referral


def scrub(*, case_ids: list[int]) -> int:
    referrals = Referral.objects.filter(case_id__in=case_ids)
    rows = referrals.update(shared_data={})
    for field in ("manual_reason", "decline_reason", "outcome"):
        rows += referrals.exclude(**{field: ""}).update(**{field: TEXT})
    return rows


def age_days(*, person_ids: list[int]) -> dict[int, set]:
    """A victim's age counts on the day a referral of her case is sent (services by age)."""
    days: dict[int, set] = {}
    rows = Participant.objects.filter(person_id__in=person_ids, case__referrals__isnull=False)
    for person_id, sent_at in rows.values_list("person_id", "case__referrals__sent_at"):
        days.setdefault(person_id, set()).add(sent_at.astimezone(KYIV).date())
    return days
