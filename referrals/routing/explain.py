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


def render(reason: Why, names: dict[str, str] | None = None) -> str:
    p = dict(reason.params)
    code = reason.code
    if code == "required":
        text = _("Required by %(rules)s.") % {"rules": p["rules"].replace(",", ", ")}
        if p.get("mandatory"):
            text += " " + _("Mandatory: proceeds without the victim's consent.")
        return text
    if code == "fallback":
        return _(
            "Required by %(rules)s; no %(requested)s has a free place, so a crisis room "
            "is offered instead."
        ) % {
            "rules": p["rules"].replace(",", ", "),
            "requested": service_label(p["requested"]).lower(),
        }
    if code == "no_consent":
        return _("Skipped: needs the victim's consent, which is not recorded.")
    if code == "no_eligible_provider":
        return _("No eligible provider: escalated to the city coordinator to resolve by hand.")
    if code == "ranked":
        parts = [_("eligible, rank %(rank)s") % {"rank": p["rank"]}]
        parts.append(_("same district") if p.get("same_district") else _("city-wide"))
        if p.get("free_capacity") is not None:
            parts.append(_("%(n)s free places") % {"n": p["free_capacity"]})
        parts.append(_("load %(load)s") % {"load": p["load"]})
        return "; ".join(parts)
    if code == "too_young":
        return _("admits persons from %(min_age)s years") % p
    if code == "too_old":
        return _("admits persons up to %(max_age)s years") % p
    messages = {
        "no_service": _("does not offer this service"),
        "not_victims_district": _("not the subject of the victim's district"),
        "not_in_district": _("does not serve this district"),
        "sex_not_served": _("does not admit persons of this sex"),
        "no_children": _("does not admit accompanying children"),
        "not_accessible": _("not accessible for a person with disability"),
        "full": _("no free places"),
        "closed_until_deadline": _("closed until after the deadline"),
    }
    return messages.get(code, code)


def plan_to_dict(plan: RoutingPlan) -> dict:
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
                "candidates": [
                    {"provider": c.provider, "eligible": c.eligible, "why": render(c.why)}
                    for c in item.candidates
                ],
            }
            for item in plan.items
        ],
        "skipped": [
            {"service": s.service, "rules": list(s.rules), "reason": render(s.reason)}
            for s in plan.skipped
        ],
        "escalations": [
            {"service": e.service, "reason": render(e.reason)} for e in plan.escalations
        ],
    }
