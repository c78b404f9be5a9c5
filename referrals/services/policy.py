"""The routing policy as versioned data: a coordinator previews a draft and publishes it."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, can
from referrals.adapters import active_policy, facts_for_case, live_catalogue
from referrals.models import InteractionProcedure, ProcedureStatus, RoutingPolicy
from referrals.routing import PolicyError, plan, policy_from_dict


@transaction.atomic
def policy_publish(*, actor, rules_json: str, note: str = "") -> RoutingPolicy:
    """A coordinator publishes a new version of the policy; old plans keep their version."""
    if not can(actor, Capability.POLICY_EDIT):
        raise PermissionDenied
    try:
        data = json.loads(rules_json)
    except json.JSONDecodeError as error:
        raise ValidationError(
            {"rules": [_("Not valid JSON: %(error)s") % {"error": error}]}
        ) from None
    rules = data["rules"] if isinstance(data, dict) and "rules" in data else data
    try:
        policy_from_dict({"version": 0, "rules": rules})
    except PolicyError as error:
        raise ValidationError(
            {"rules": [_("The policy is not valid: %(error)s") % {"error": error}]}
        ) from None
    current = RoutingPolicy.objects.select_for_update().filter(is_active=True).first()
    version = (
        RoutingPolicy.objects.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    if current:
        current.is_active = False
        current.save(update_fields=["is_active"])
    record = RoutingPolicy.objects.create(
        version=version,
        rules=rules,
        is_active=True,
        note=note,
        created_by=actor,
        procedure=InteractionProcedure.objects.filter(status=ProcedureStatus.IN_FORCE).first(),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, detail=f"policy v{version}")
    return record


def policy_preview(*, rules_json: str, cases) -> list[dict]:
    """What a draft policy would change on recent cases, against the active one."""
    data = json.loads(rules_json)
    rules = data["rules"] if isinstance(data, dict) and "rules" in data else data
    draft = policy_from_dict({"version": 0, "rules": rules})
    current = active_policy()
    catalogue = live_catalogue()
    now = timezone.now()
    rows = []
    for case in cases:
        facts = facts_for_case(case)
        before = {i.service: i.provider for i in plan(facts, catalogue, current, now).items}
        after = {i.service: i.provider for i in plan(facts, catalogue, draft, now).items}
        rows.append(
            {
                "case": case,
                "added": sorted(set(after) - set(before)),
                "removed": sorted(set(before) - set(after)),
                "changed": sorted(s for s in set(after) & set(before) if after[s] != before[s]),
            }
        )
    return rows
