"""The provider's inbox for triage: new referrals apart from those in work, each row with only
what that referral shares (the same rules as its page, referrals.selectors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models.functions import Coalesce
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
# Rows on one page of "new" and of "in work": a provider answers the most urgent first, and a
# city-wide provider's hundreds of open referrals are paged, never cut off.
PAGE_ROWS = 50
IN_WORK_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


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
    new_page: Page | None = None  # which page of "new" this is, and how many there are
    in_work_page: Page | None = None


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


def inbox_for_provider(
    user, *, with_closed: bool = False, new_page: object = 1, in_work_page: object = 1
) -> Inbox:
    """The provider's (or police unit's) inbox for triage: new referrals apart from those in
    work, a page of each, each row with only what that referral shares. Answered ones leave
    "new" at once. A page number that is not one gives the first or the last page."""
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.REFERRAL_INBOX):
        return Inbox([], [], [])
    now = timezone.now()
    mine = Referral.objects.filter(provider_id=membership.organisation_id).select_related("case")
    # The most urgent first: due time in the index (provider, status, due_at); the risk, which
    # only the shared data holds, breaks ties within the page.
    new = Paginator(
        mine.filter(status=ReferralStatus.SENT).order_by("due_at", "pk"), PAGE_ROWS
    ).get_page(new_page)
    # The latest answered first (index referral_provider_in_work).
    in_work = Paginator(
        mine.filter(status__in=IN_WORK_STATUSES).order_by(
            Coalesce("answered_at", "sent_at").desc(), "-pk"
        ),
        PAGE_ROWS,
    ).get_page(in_work_page)
    districts = _district_names()  # the reader's language, one query
    new_rows = sorted(
        (_inbox_row(r, now, districts) for r in new.object_list),
        key=lambda row: (row.referral.due_at, RISK_ORDER.get(row.risk, 3), row.referral.pk),
    )
    in_work_rows = [_inbox_row(r, now, districts) for r in in_work.object_list]
    closed = []
    if with_closed:
        closed = [
            _inbox_row(r, now, districts)
            for r in mine.exclude(status__in=PROVIDER_WORKING_STATUSES).order_by("-sent_at", "-pk")[
                :CLOSED_LIMIT
            ]
        ]
    return Inbox(
        new=new_rows, in_work=in_work_rows, closed=closed, new_page=new, in_work_page=in_work
    )
