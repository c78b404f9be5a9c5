"""Writes on the plans. Every function takes the acting user, locks the case, refuses a stale
version, and writes the revision, the audit entry and the timeline entry in one transaction.

- safety: the safety plan made with the victim;
- case_plan: goals and actions, progress, sending for approval, the head's decision;
- actions: an action and its `cases.Task`, kept consistent both ways;
- common: the refusal of a stale form, the offender's data and confidential addresses.
"""

from __future__ import annotations

from cases.plans.services.actions import action_done_from_task, action_sync_task
from cases.plans.services.case_plan import (
    ActionData,
    case_plan_action_set_status,
    case_plan_approve,
    case_plan_goal_save,
    case_plan_return,
    case_plan_submit,
    plan_snapshot,
)
from cases.plans.services.common import PlanConflict
from cases.plans.services.safety import safety_plan_save

__all__ = [
    "ActionData",
    "PlanConflict",
    "action_done_from_task",
    "action_sync_task",
    "case_plan_action_set_status",
    "case_plan_approve",
    "case_plan_goal_save",
    "case_plan_return",
    "case_plan_submit",
    "plan_snapshot",
    "safety_plan_save",
]
