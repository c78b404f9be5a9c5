"""The supervised merge of two records of one person, and its undo within 30 days.

The head of an organisation or a coordinator compares the two records side by side, chooses
for each differing field which value stays, and states why they are one person. Everything
that named the duplicate — her participations in cases, and the rows other apps registered
(cases.extensions.register_person_reference: orders, preventive records, programmes) — moves
to the record that stays; the duplicate record stays behind, empty, so the undo can move
exactly those rows back and restore the fields. Audited, and written on every case touched."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import extensions
from cases.merge.models import PersonMerge
from cases.merge.selectors import FIELDS, may_undo, mergeable_people
from cases.models import Case, Participant, Person
from cases.services.common import timeline_record
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, can

PARTICIPANTS = "participants"


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


def _from_json(field: str, value):
    if field == "birth_date" and value:
        return date.fromisoformat(value)
    return value


def _fields(person: Person) -> dict:
    return {field: _json(getattr(person, field)) for field in FIELDS}


def _reference_key(model, field: str) -> str:
    return f"{model._meta.label_lower}.{field}"


def _record(*, actor, merge: PersonMerge, detail: str, summary: str) -> None:
    """The audit event on the kept record, and a line on every case whose participant moved."""
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=merge.kept, detail=detail)
    moved = merge.moved.get(PARTICIPANTS, [])
    for case in Case.objects.filter(participants__pk__in=moved).distinct():
        timeline_record(case=case, actor=actor, kind="person.merge", summary=summary, obj=merge)


@transaction.atomic
def person_merge(
    *, actor, kept_id: int, duplicate_id: int, choices: dict[str, str], reason: str
) -> PersonMerge:
    if not can(actor, Capability.PERSON_MERGE):
        raise PermissionDenied
    # Checked through the user's scope, then locked (FOR UPDATE cannot follow DISTINCT).
    allowed = list(
        mergeable_people(actor).filter(pk__in=[kept_id, duplicate_id]).values_list("pk", flat=True)
    )
    people = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=allowed)}
    if kept_id == duplicate_id or len(people) != 2:
        raise PermissionDenied
    kept, duplicate = people[kept_id], people[duplicate_id]
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise ValidationError({"reason": [_("Say why these records are one person.")]})
    shared = Participant.objects.filter(person=kept).values("case_id")
    if Participant.objects.filter(person=duplicate, case_id__in=shared).exists():
        raise ValidationError(
            _("Both records take part in the same case: they cannot be merged here."),
            code="same_case",
        )
    if PersonMerge.objects.filter(duplicate=duplicate, undone_at__isnull=True).exists():
        raise PermissionDenied
    before = _fields(kept)
    for field in FIELDS:
        if choices.get(field) == "duplicate":
            setattr(kept, field, getattr(duplicate, field))
    kept.save()
    moved_participants = list(
        Participant.objects.filter(person=duplicate).values_list("pk", flat=True)
    )
    Participant.objects.filter(pk__in=moved_participants).update(person=kept)
    moved: dict[str, list[int]] = {PARTICIPANTS: moved_participants}
    for model, field in extensions.person_references():
        rows = list(model.objects.filter(**{field: duplicate}).values_list("pk", flat=True))
        model.objects.filter(pk__in=rows).update(**{field: kept})
        moved[_reference_key(model, field)] = rows
    merge = PersonMerge.objects.create(
        kept=kept,
        duplicate=duplicate,
        choices={f: choices.get(f, "kept") for f in FIELDS},
        kept_before=before,
        kept_after=_fields(kept),
        moved=moved,
        reason=reason,
        merged_by=actor,
    )
    _record(
        actor=actor,
        merge=merge,
        detail=f"merged person {duplicate.pk} into {kept.pk} (merge {merge.pk})",
        summary=_("Two records of one person merged"),
    )
    return merge


@transaction.atomic
def person_merge_undo(*, actor, merge_id: int) -> PersonMerge:
    if not can(actor, Capability.PERSON_MERGE):
        raise PermissionDenied
    allowed = PersonMerge.objects.filter(
        pk=merge_id, kept__in=mergeable_people(actor).values("pk")
    ).values_list("pk", flat=True)
    merge = PersonMerge.objects.select_for_update().filter(pk__in=list(allowed)).first()
    if merge is None:
        raise PermissionDenied
    if not may_undo(merge):
        raise ValidationError(
            _("This merge can no longer be undone (undone already, or after 30 days)."),
            code="late",
        )
    kept = Person.objects.select_for_update().get(pk=merge.kept_id)
    if _fields(kept) != merge.kept_after:
        raise ValidationError(
            _(
                "The record was changed after the merge; undoing it would overwrite that "
                "change. Correct the record by hand instead."
            ),
            code="changed",
        )
    for field, value in merge.kept_before.items():
        setattr(kept, field, _from_json(field, value))
    kept.save()
    participants = merge.moved.get(PARTICIPANTS, [])
    Participant.objects.filter(pk__in=participants, person=kept).update(person=merge.duplicate_id)
    for model, field in extensions.person_references():
        rows = merge.moved.get(_reference_key(model, field), [])
        model.objects.filter(pk__in=rows, **{field: kept}).update(
            **{f"{field}_id": merge.duplicate_id}
        )
    merge.undone_by, merge.undone_at = actor, timezone.now()
    merge.save(update_fields=["undone_by", "undone_at"])
    _record(
        actor=actor,
        merge=merge,
        detail=f"undid merge {merge.pk}: person {merge.duplicate_id} restored",
        summary=_("A merge of two records was undone"),
    )
    return merge
