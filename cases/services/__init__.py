"""Writes on cases. Every function takes the acting user, runs in one transaction, checks the
invariants before saving, and writes the audit entry and the timeline entry in the same
transaction.

The modules split the writes by sub-domain; everything public is re-exported here, so callers
write `from cases import services` or `from cases.services import X` whatever module holds X:

- intake: registering a report (numbering, the owning organisation, the case at once);
- people: person data, phone numbers, linking a person already known;
- assessments: incidents, risk and needs assessments, people added later;
- editing: the case's own fields under optimistic locking;
- status: the life cycle and consent;
- work: notes and tasks;
- attachments: files;
- common: the timeline entry other apps write, the lock on an editable case.
"""

from __future__ import annotations

from cases.services.assessments import (
    incident_add,
    needs_assess,
    participant_add,
    risk_assess,
)
from cases.services.attachments import attachment_add, sniff_upload
from cases.services.common import editable_case, timeline_record
from cases.services.editing import EDITABLE_FIELDS, CaseConflict, FieldChange, case_update
from cases.services.filters import saved_filter_add, saved_filter_delete
from cases.services.intake import (
    NUMBER_PREFIX,
    IntakeData,
    case_owner_for,
    case_register,
    next_case_number,
)
from cases.services.people import PersonData, normalise_phone, person_update
from cases.services.status import STATUS_FLOW, case_change_status, case_record_consent
from cases.services.work import note_add, task_add, task_complete

__all__ = [
    "EDITABLE_FIELDS",
    "NUMBER_PREFIX",
    "STATUS_FLOW",
    "CaseConflict",
    "FieldChange",
    "IntakeData",
    "PersonData",
    "attachment_add",
    "case_change_status",
    "case_owner_for",
    "case_record_consent",
    "case_register",
    "case_update",
    "editable_case",
    "incident_add",
    "needs_assess",
    "next_case_number",
    "normalise_phone",
    "note_add",
    "participant_add",
    "person_update",
    "risk_assess",
    "saved_filter_add",
    "saved_filter_delete",
    "sniff_upload",
    "task_add",
    "task_complete",
    "timeline_record",
]
