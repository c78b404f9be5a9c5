"""The council's rules over plain data: quorum and lateness. No ORM here."""

from __future__ import annotations

import hashlib
from datetime import date

OPEN_STATUSES = frozenset({"assigned", "in_progress"})


def has_quorum(*, present: int, members: int) -> bool:
    """The council decides when more than half of its current members are present
    (Regulation on the Kyiv City coordination council: a meeting is competent if more than
    half of its members attend)."""
    return members > 0 and present * 2 > members


def days_overdue(*, status: str, deadline: date | None, today: date) -> int:
    """Days past the deadline of an assignment still open (assigned or in progress) on
    `today`; 0 when not late, reported, done or on a periodic term without a date."""
    if status not in OPEN_STATUSES or deadline is None or deadline >= today:
        return 0
    return (today - deadline).days


def effective_status(*, status: str, deadline: date | None, today: date) -> str:
    """The status shown: "overdue" is computed on the day asked, never stored stale."""
    return "overdue" if days_overdue(status=status, deadline=deadline, today=today) else status


# Memoranda of cooperation: "terminated" is a fact recorded by the secretariat; "expired" is
# computed from the term and the day asked, never stored stale.
EXPIRY_NOTICE_DAYS = 30


def memorandum_status(*, valid_to: date | None, terminated_on: date | None, today: date) -> str:
    """in_force / expired / terminated on `today`; a memorandum without an end date stays in
    force until terminated. The last day of the term is still in force."""
    if terminated_on is not None and terminated_on <= today:
        return "terminated"
    if valid_to is not None and valid_to < today:
        return "expired"
    return "in_force"


def record_state(*, notes: str, speakers: str) -> str:
    """What an agenda item's record for the minutes held when a page showed it: a save made
    on an older state would write over someone else's record (meeting_item_record)."""
    return hashlib.sha256(f"{notes}\x00{speakers}".encode()).hexdigest()[:32]


def attendance_state(present_ids) -> str:
    """Who a meeting's attendance page showed as present (meeting_attendance_record)."""
    marked = ",".join(str(pk) for pk in sorted(set(present_ids)))
    return hashlib.sha256(marked.encode()).hexdigest()[:32]
