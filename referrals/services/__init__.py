"""Writes on referrals, by sub-domain: sending (plan, apply, assign, re-route), responses
(accept, decline, start, complete, cancel), escalation, the routing policy and the holidays.
Every write is audited and lands on the case timeline. Callers use `from referrals import
services` and `services.referral_accept(...)`."""

from referrals.services.capacity import provider_capacity_correct
from referrals.services.escalation import referral_escalate_overdue
from referrals.services.holidays import (
    HOLIDAY_NAME_LENGTH,
    holiday_add,
    holiday_remove,
    martial_law_save,
)
from referrals.services.notices import referral_notify_worker
from referrals.services.policy import policy_preview, policy_publish
from referrals.services.procedure import (
    procedure_approve,
    procedure_create,
    procedure_in_force,
    procedure_mark_presented,
    procedure_presented_by_council,
    procedure_put_in_force,
)
from referrals.services.responses import (
    referral_accept,
    referral_cancel,
    referral_complete,
    referral_decline,
    referral_start,
)
from referrals.services.sending import (
    BEDS,
    DEFAULT_RESPONSE,
    MANUAL_NEEDS_CONSENT,
    PLAN_BEFORE_CONSENT_CHANGE,
    SYSTEM_USERNAME,
    referral_apply_plan,
    referral_assign,
    referral_plan_for_case,
)
from referrals.services.sharing import CaseMaterial, shared_data

__all__ = [
    "BEDS",
    "DEFAULT_RESPONSE",
    "HOLIDAY_NAME_LENGTH",
    "MANUAL_NEEDS_CONSENT",
    "PLAN_BEFORE_CONSENT_CHANGE",
    "SYSTEM_USERNAME",
    "CaseMaterial",
    "holiday_add",
    "holiday_remove",
    "martial_law_save",
    "policy_preview",
    "policy_publish",
    "procedure_approve",
    "procedure_create",
    "procedure_in_force",
    "procedure_mark_presented",
    "procedure_presented_by_council",
    "procedure_put_in_force",
    "provider_capacity_correct",
    "referral_accept",
    "referral_apply_plan",
    "referral_assign",
    "referral_cancel",
    "referral_complete",
    "referral_decline",
    "referral_escalate_overdue",
    "referral_notify_worker",
    "referral_plan_for_case",
    "referral_start",
    "shared_data",
]
