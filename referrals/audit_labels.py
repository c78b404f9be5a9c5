"""How the audit log names referrals, and which audited referral objects belong to a case.

Registered in ReferralsConfig.ready(); one query per object type for a whole page of ids. A
referral is named by its number and the service, not by the provider or the person.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.audit_labels import register, register_scope, rows_for
from referrals.models import Referral, RoutingPlanRecord, RoutingPolicy
from referrals.routing.explain import service_label

SCOPE_LIMIT = 1000


def referral_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(Referral.objects, ids, "service")
    return {
        str(pk): _("referral № %(id)s (%(service)s)")
        % {"id": pk, "service": service_label(service)}
        for pk, service in rows
    }


def plan_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(RoutingPlanRecord.objects, ids, "case__number")
    return {
        str(pk): _("routing plan № %(id)s (in case %(number)s)") % {"id": pk, "number": number}
        for pk, number in rows
    }


def policy_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(RoutingPolicy.objects, ids, "version")
    return {
        str(pk): _("routing policy, version %(version)s") % {"version": version}
        for pk, version in rows
    }


def case_objects(number: str) -> dict[str, list[str]]:
    referrals = Referral.objects.filter(case__number=number).values_list("pk", flat=True)
    plans = RoutingPlanRecord.objects.filter(case__number=number).values_list("pk", flat=True)
    return {
        "referrals.referral": [str(pk) for pk in referrals[:SCOPE_LIMIT]],
        "referrals.routingplanrecord": [str(pk) for pk in plans[:SCOPE_LIMIT]],
    }


def register_audit_labels() -> None:
    register("referrals.referral", referral_labels)
    register("referrals.routingplanrecord", plan_labels)
    register("referrals.routingpolicy", policy_labels)
    register_scope("case", case_objects)
