"""The provider's inbox for triage: new referrals apart from those in work, each row with only
what that referral shares (the same rules as its page, referrals.selectors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from cases.models import RiskLevel
from portal.roles import Capability, acting_membership, can
from referrals.models import Referral, ReferralStatus
from referrals.selectors import PROVIDER_WORKING_STATUSES, _district_names, _human, _visible_data

# Most urgent first within the same answer time: the procedure's deadlines already shorten with
# the risk (DOMAIN §4), so the time decides and the risk breaks ties.
RISK_ORDER = {RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 1, RiskLevel.LOW: 2}
# Closed referrals shown under "all, also closed": the latest ones; older ones are in the
# case's history with the worker, not in the provider's inbox.
CLOSED_LIMIT = 50
# Open referrals in one inbox: far more than any provider has at once.
OPEN_LIMIT = 300


@dataclass(frozen=True)
class InboxRow:
    """What triage needs on one line: the service, risk, people, district and due time — from
    the data the referral shares with the provider, under the same rules as its page."""

    referral: Referral
    risk: str  # a RiskLevel value, "" when the referral does not share it
    adults: int | None  # None: the referral shares nobody's data
    children: int | None  # accompanying children, when the referral counts them
    children_involved: bool | None  # a notice says only whether children are involved
    district: str
    # Until the answer is due (negative once overdue); None once answered.
    due_in: timedelta | None

    @property
    def overdue(self) -> bool:
        return self.due_in is not None and self.due_in < timedelta(0)

    @property
    def late_by(self) -> timedelta:
        return -self.due_in if self.overdue else timedelta(0)


@dataclass(frozen=True)
class Inbox:
    new: list[InboxRow]  # waiting for the provider's answer, most urgent first
    in_work: list[InboxRow]  # accepted or started: the service is being delivered
    closed: list[InboxRow]  # answered and done, passed on or cancelled (only when asked)


def _inbox_row(referral: Referral, now, districts: dict[str, str]) -> InboxRow:
    data, _notice = _visible_data(referral, is_provider=True)
    risk = data.get("risk_level")
    children = data.get("accompanying_children")
    involved = data.get("children_involved")
    return InboxRow(
        referral=referral,
        risk=risk if risk in RISK_ORDER else "",
        adults=1 if "victim" in data else None,
        children=children if isinstance(children, int) and not isinstance(children, bool) else None,
        children_involved=involved if isinstance(involved, bool) else None,
        district=_human("district", data.get("district"), districts=districts),
        due_in=referral.due_at - now if referral.status == ReferralStatus.SENT else None,
    )


def inbox_for_provider(user, *, with_closed: bool = False) -> Inbox:
    """The provider's (or police unit's) inbox for triage: new referrals apart from those in
    work, each row with only what that referral shares. Answered ones leave "new" at once."""
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.REFERRAL_INBOX):
        return Inbox([], [], [])
    now = timezone.now()
    mine = Referral.objects.filter(provider_id=membership.organisation_id).select_related("case")
    working = list(mine.filter(status__in=PROVIDER_WORKING_STATUSES)[:OPEN_LIMIT])
    districts = _district_names()  # the reader's language, one query
    rows = [_inbox_row(r, now, districts) for r in working]
    new = sorted(
        (row for row in rows if row.referral.status == ReferralStatus.SENT),
        key=lambda row: (row.referral.due_at, RISK_ORDER.get(row.risk, 3), row.referral.pk),
    )
    in_work = sorted(
        (row for row in rows if row.referral.status != ReferralStatus.SENT),
        key=lambda row: (row.referral.answered_at or row.referral.sent_at, row.referral.pk),
        reverse=True,
    )
    closed = []
    if with_closed:
        closed = [
            _inbox_row(r, now, districts)
            for r in mine.exclude(status__in=PROVIDER_WORKING_STATUSES).order_by("-sent_at", "-pk")[
                :CLOSED_LIMIT
            ]
        ]
    return Inbox(new=new, in_work=in_work, closed=closed)
