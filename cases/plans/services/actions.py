"""An action of the case plan and its task, kept consistent in both directions, here only.

The rule: an action with a responsible person that is not cancelled has exactly one open or
done `cases.Task` for that person, titled "План: <action>", due on the action's date; the task
is done exactly when the action is. Saving the plan again updates the same task (never a
second one); a cancelled action or one without a person has no open task. Completing the task
(from the case page or a worklist) marks the action done.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Task
from cases.plans.models import ActionStatus, CasePlanAction
from portal.audit import audit_record
from portal.models import AuditAction


def task_title(action: CasePlanAction) -> str:
    # Stored in the portal's language, whoever saves: the same task reads the same for all.
    with translation.override(settings.LANGUAGE_CODE):
        return (_("Plan: %(action)s") % {"action": action.text})[:255]


def action_sync_task(*, actor, action: CasePlanAction, case_id: int) -> Task | None:
    """Make the action's task match the action (create, update, close, reopen or drop it)."""
    task = action.task
    wants_task = (
        action.responsible_person_id is not None and action.status != ActionStatus.CANCELLED
    )
    if not wants_task:
        if task is not None and task.done_at is None:
            action.task = None
            action.save(update_fields=["task"])
            audit_record(actor=actor, action=AuditAction.DELETE, obj=task, detail="plan action")
            task.delete()
        return None
    done = action.status == ActionStatus.DONE
    if task is None:
        task = Task.objects.create(
            case_id=case_id,
            title=task_title(action),
            due_date=action.due_date,
            assignee_id=action.responsible_person_id,
            created_by=actor,
            done_at=timezone.now() if done else None,
        )
        action.task = task
        action.save(update_fields=["task"])
        audit_record(actor=actor, action=AuditAction.CREATE, obj=task, detail="plan action")
        return task
    wanted = {
        "title": task_title(action),
        "due_date": action.due_date,
        "assignee_id": action.responsible_person_id,
    }
    changed = [name for name, value in wanted.items() if getattr(task, name) != value]
    for name in changed:
        setattr(task, name, wanted[name])
    if done and task.done_at is None:
        task.done_at = timezone.now()
        changed.append("done_at")
    elif not done and task.done_at is not None:
        task.done_at = None
        changed.append("done_at")
    if changed:
        task.save(update_fields=changed)
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, detail=",".join(changed))
    return task


def action_done_from_task(*, actor, task: Task) -> None:
    """The task of a plan action was completed: the action is done (called by
    cases.services.work.task_complete inside its transaction)."""
    action = CasePlanAction.objects.filter(task=task).select_related("goal__plan").first()
    if action is None or action.status == ActionStatus.DONE:
        return
    from cases.plans.services.case_plan import case_plan_action_set_status

    case_plan_action_set_status(
        actor=actor, case_id=task.case_id, action_id=action.pk, status=ActionStatus.DONE
    )
