"""Changing the case's own fields, with optimistic locking: a save based on an older version is
refused with what changed meanwhile, by whom and when (no lost updates)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services.common import editable_case, timeline_record
from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction


@dataclass
class FieldChange:
    field: str
    label: str
    theirs: str
    current: str
    changed_by: str
    changed_at: datetime | None


class CaseConflict(Exception):
    """The case changed since the editor opened it; carries what changed, by whom and when."""

    def __init__(self, *, case: Case, changes: list[FieldChange]):
        super().__init__("case changed since it was read")
        self.case = case
        self.changes = changes


EDITABLE_FIELDS = [
    "district",
    "channel",
    "intake_scenario",
    "reported_at",
    "reporter_contact",
    "summary",
    "confidential",
    "responsible",
    "children_service_notified",
]


def _display(case: Case, name: str, value) -> str:
    model_field = Case._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related else "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    return "" if value is None else str(value)


def _changes_since(case: Case, version: int, submitted: Mapping[str, Any]) -> list[FieldChange]:
    """Fields changed by others after `version`, with the editor's value beside the current one."""
    records = list(case.history.filter(version__gt=version).order_by("history_date"))
    changes: dict[str, FieldChange] = {}
    previous = case.history.filter(version=version).order_by("-history_date").first()
    for record in records:
        if previous is not None:
            delta = record.diff_against(previous, included_fields=EDITABLE_FIELDS)
            who = str(record.history_user) if record.history_user else "—"
            for change in delta.changes:
                key = change.field
                label = str(Case._meta.get_field(key).verbose_name)
                current = getattr(
                    case, f"{key}_id" if Case._meta.get_field(key).is_relation else key
                )
                theirs = submitted.get(key, getattr(case, key, None))
                if hasattr(theirs, "pk"):
                    theirs = theirs.pk
                changes[key] = FieldChange(
                    field=key,
                    label=label,
                    theirs=_display(case, key, theirs),
                    current=_display(case, key, current),
                    changed_by=who,
                    changed_at=record.history_date,
                )
        previous = record
    return list(changes.values())


@transaction.atomic
def case_update(*, actor, case_id: int, expected_version: int, changes: Mapping[str, Any]) -> Case:
    """Change the case's own fields; refuses a save based on an older version (no lost updates)."""
    case = editable_case(actor, case_id)
    if case.version != expected_version:
        raise CaseConflict(case=case, changes=_changes_since(case, expected_version, changes))
    if changes.get("reported_at"):
        try:
            domains.validate_past_moment(changes["reported_at"])
        except ValidationError as error:
            raise ValidationError({"reported_at": error.error_list}) from None
    diff = {}
    for name in EDITABLE_FIELDS:
        if name not in changes:
            continue
        new = changes[name]
        attr = f"{name}_id" if Case._meta.get_field(name).is_relation else name
        new_value = new.pk if hasattr(new, "pk") else new
        old_value = getattr(case, attr)
        if old_value != new_value:
            label = str(Case._meta.get_field(name).verbose_name)
            diff[label] = [_display(case, name, old_value), _display(case, name, new_value)]
            setattr(case, attr, new_value)
    if not diff:
        return case
    case.version += 1
    case._history_user = actor
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, detail=", ".join(diff)[:500])
    timeline_record(
        case=case,
        actor=actor,
        kind="case.updated",
        summary=_("Case details changed"),
        obj=case,
        detail={"diff": diff},
    )
    return case
