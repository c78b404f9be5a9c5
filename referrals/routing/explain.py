"""Words for the engine's structured explanations, in the reader's language, and the JSON shape
of a plan (the contract of `manage.py routing_plan`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.routing.engine import RoutingPlan, Why

SERVICE_LABELS = {
    "coordinator_notice": gettext_lazy("Notice to the local coordinator"),
    "children_service_notice": gettext_lazy("Notice to the service for children"),
    "police_notice": gettext_lazy("Notice to the police"),
    "needs_assessment": gettext_lazy("Needs assessment"),
    "shelter": gettext_lazy("Shelter"),
    "crisis_room": gettext_lazy("Crisis room"),
    "psychological": gettext_lazy("Psychological help"),
    "medical": gettext_lazy("Medical help"),
    "legal_aid": gettext_lazy("Free legal aid"),
    "guardianship_notice": gettext_lazy("Notice to the guardianship authority"),
    "offender_programme": gettext_lazy("Offender programme"),
    "social_services": gettext_lazy("Social services"),
}


def service_label(code: str) -> str:
    return str(SERVICE_LABELS.get(code, code))


# What each rule of the interaction procedure says, in words a social worker reads on the plan
# instead of the rule's id; the policy's own ids stay in the stored plan and the audit.
RULE_WORDS = {
    "R1": gettext_lazy(
        "Every report: the local coordinator (the district administration) is told."
    ),
    "R2": gettext_lazy(
        "A child is a victim, a witness or an offender: the service for children is told."
    ),
    "R3": gettext_lazy(
        "The police did not receive the report, and the risk is high or a child is the victim: "
        "the police are told."
    ),
    "R4": gettext_lazy("The police did not receive the report: they are told with consent."),
    "R5": gettext_lazy("Every report: the centre of social services assesses the needs."),
    "R6": gettext_lazy(
        "The victim needs a safe place: a shelter, or a crisis room when the risk is high and "
        "no shelter has a place."
    ),
    "R7": gettext_lazy(
        "Psychological help is needed or the risk is high: a mobile team or day centre."
    ),
    "R8": gettext_lazy("Injuries or sexual violence: a health facility."),
    "R9": gettext_lazy("Sexual violence against a child: the police are told by phone."),
    "R10": gettext_lazy("Legal help is needed: a free legal aid centre."),
    "R11": gettext_lazy(
        "The victim lacks legal capacity: the guardianship authority (district administration) "
        "is told."
    ),
    "R12": gettext_lazy(
        "An urgent restraining order was issued or an offender programme is needed: probation "
        "or the programme provider."
    ),
    "R13": gettext_lazy(
        "Social, financial or children-related help is needed: the centre of social services."
    ),
}
PROCEDURE_REFERENCE = gettext_lazy(
    "The procedure of interaction on domestic violence (Cabinet of Ministers Resolution No. 658 "
    "of 22.08.2018) and Law No. 2229-VIII; the Kyiv routing policy, version %(version)s."
)


def rule_words(rule_id: str, service: str) -> str:
    """A rule of the policy in words; a rule added later without words is described by the
    service it asks for."""
    if rule_id in RULE_WORDS:
        return str(RULE_WORDS[rule_id])
    return _("The routing policy asks for: %(service)s.") % {"service": service_label(service)}


PROCEDURE_IMPLEMENTED = gettext_lazy("It implements: %(procedure)s.")


def procedure_reference(version: int, procedure: str = "") -> str:
    """The law and the policy version behind a reason; `procedure` cites the version of the Kyiv
    interaction procedure that the policy implements, when one is recorded."""
    reference = str(PROCEDURE_REFERENCE) % {"version": version}
    if procedure:
        reference += " " + str(PROCEDURE_IMPLEMENTED) % {"procedure": procedure}
    return reference


def render(reason: Why) -> str:
    p = dict(reason.params)
    code = reason.code
    if code == "required":
        if p.get("mandatory"):
            return _("Mandatory by the procedure: proceeds without the victim's consent.")
        return _("Offered by the procedure: sent with the victim's consent.")
    if code == "fallback":
        return _("No %(requested)s has a free place, so a crisis room is offered instead.") % {
            "requested": service_label(p["requested"]).lower()
        }
    if code == "no_consent":
        return _("Skipped: needs the victim's consent, which is not recorded.")
    if code == "no_eligible_provider":
        return _("No eligible provider: escalated to the city coordinator to resolve by hand.")
    if code == "ranked":
        parts = [_("eligible, choice no. %(rank)s") % {"rank": p["rank"]}]
        parts.append(
            _("in the victim's district") if p.get("same_district") else _("serves the whole city")
        )
        if p.get("free_capacity") is not None:
            parts.append(_("free places: %(n)s") % {"n": p["free_capacity"]})
        # The load is open referrals per place (or per referral where places are not counted).
        parts.append(_("load %(percent)s%%") % {"percent": round(float(p["load"]) * 100)})
        return "; ".join(parts)
    if code == "not_enough_places":
        return _("%(free)s free places, %(needed)s needed (the victim and the children)") % p
    if code == "too_young":
        return _("admits persons from %(min_age)s years") % p
    if code == "too_old":
        return _("admits persons up to %(max_age)s years") % p
    messages = {
        "not_victims_district": _("not the subject of the victim's district"),
        "not_in_district": _("does not serve this district"),
        "sex_not_served": _("does not admit persons of this sex"),
        "no_children": _("does not admit accompanying children"),
        "not_accessible": _("not accessible for a person with disability"),
        "full": _("no free places"),
        "closed_until_deadline": _("closed until after the deadline"),
    }
    return messages.get(code, code)


def why_to_dict(reason: Why) -> dict:
    """The structured reason, kept in the stored plan so that pages word it in the reader's
    language when they show it."""
    return {"code": reason.code, "params": dict(reason.params)}


def why_from_dict(data: dict) -> Why:
    params = data.get("params") or {}
    return Why(str(data.get("code", "")), tuple(sorted(params.items())))


def plan_to_dict(plan: RoutingPlan, *, with_reasons: bool = False) -> dict:
    """The plan as JSON: the contract of `manage.py routing_plan`. `with_reasons` adds each
    reason's structure (key "reason" of a candidate, "why" elsewhere) for the stored plan, so
    that its page words the reasons in the reader's language."""

    def extra(reason: Why, key: str = "why") -> dict:
        return {key: why_to_dict(reason)} if with_reasons else {}

    return {
        "policy_version": plan.policy_version,
        "items": [
            {
                "service": item.service,
                "mandatory": item.mandatory,
                "provider": item.provider,
                "due_at": item.due_at.isoformat(),
                "rules": list(item.rules),
                "reason": render(item.reason),
                **extra(item.reason),
                "candidates": [
                    {
                        "provider": c.provider,
                        "eligible": c.eligible,
                        "why": render(c.why),
                        **extra(c.why, "reason"),
                    }
                    for c in item.candidates
                ],
            }
            for item in plan.items
        ],
        "skipped": [
            {
                "service": s.service,
                "rules": list(s.rules),
                "reason": render(s.reason),
                **extra(s.reason),
            }
            for s in plan.skipped
        ],
        "escalations": [
            {"service": e.service, "reason": render(e.reason), **extra(e.reason)}
            for e in plan.escalations
        ],
    }
