"""The worker's own notes and tasks on a case."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Note, Task
from cases.services.common import editable_case, timeline_record
from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction


@transaction.atomic
def note_add(*, actor, case_id: int, text: str) -> Note:
    case = editable_case(actor, case_id)
    if not text.strip():
        raise ValidationError({"text": [_("The note is empty.")]})
    note = Note.objects.create(case=case, author=actor, text=text.strip())
    audit_record(actor=actor, action=AuditAction.CREATE, obj=note)
    timeline_record(case=case, actor=actor, kind="note.added", summary=note.text[:200], obj=note)
    return note


@transaction.atomic
def task_add(*, actor, case_id: int, title: str, due_date: date, assignee=None) -> Task:
    case = editable_case(actor, case_id)
    try:
        domains.validate_planning_date(due_date)
    except ValidationError as error:
        raise ValidationError({"due_date": error.error_list}) from None
    task = Task.objects.create(
        case=case,
        title=title.strip(),
        due_date=due_date,
        assignee=assignee or actor,
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=task)
    timeline_record(
        case=case,
        actor=actor,
        kind="task.added",
        summary=_("Task: %(title)s, due %(due)s")
        % {"title": task.title, "due": due_date.strftime("%d.%m.%Y")},
        obj=task,
    )
    return task


@transaction.atomic
def task_complete(*, actor, task_id: int) -> Task:
    # A task id that does not exist and one on a case the actor may not change: one answer.
    task = Task.objects.select_related("case").filter(pk=task_id).first()
    if task is None:
        raise PermissionDenied
    editable_case(actor, task.case_id)
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, detail="done")
        timeline_record(
            case=task.case,
            actor=actor,
            kind="task.done",
            summary=_("Task done: %(title)s") % {"title": task.title},
            obj=task,
        )
        # A task of a case plan's action: the action is done too (one rule, in cases.plans).
        from cases.plans.services.actions import action_done_from_task

        action_done_from_task(actor=actor, task=task)
    return task
