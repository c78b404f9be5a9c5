"""The routing policy said in words, for the coordinator who edits it: each fact, operator,
value, condition and deadline in the reader's language, never a fact's code or a JSON key.
Pure (no ORM): the editor (referrals.policy_editor) and its tests use it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.routing.explain import service_label

# Every fact a condition may name (referrals.routing.facts.FACT_NAMES), in words.
FACT_LABELS = {
    "received_by_police": gettext_lazy("the report came through the police"),
    "received_by": gettext_lazy("who received the report"),
    "child_victim": gettext_lazy("a child is a victim"),
    "child_witness": gettext_lazy("a child witnessed the violence"),
    "child_offender": gettext_lazy("the offender is a child"),
    "child_victim_or_witness": gettext_lazy("a child is a victim or a witness"),
    "child_involved": gettext_lazy("a child is involved (victim, witness or offender)"),
    "accompanying_children": gettext_lazy("number of accompanying children"),
    "forms": gettext_lazy("forms of violence"),
    "hours_since_sexual_violence": gettext_lazy("hours since the sexual violence"),
    "injuries": gettext_lazy("there are injuries"),
    "risk_level": gettext_lazy("risk level"),
    "needs": gettext_lazy("the victim's needs"),
    "consent": gettext_lazy("the victim consented to sharing"),
    "urgent_order_issued": gettext_lazy("an urgent restraining order was issued"),
    "victim.age": gettext_lazy("the victim's age"),
    "victim.sex": gettext_lazy("the victim's sex"),
    "victim.disability": gettext_lazy("the victim has a disability"),
    "victim.incapacitated": gettext_lazy("the victim lacks legal capacity"),
    "intake_scenario": gettext_lazy("intake scenario"),
    "district": gettext_lazy("district"),
    "reported_at": gettext_lazy("time of the report"),
}

# Facts that are yes or no; the others take a value or a number.
YES_NO_FACTS = frozenset(
    {
        "received_by_police",
        "child_victim",
        "child_witness",
        "child_offender",
        "child_victim_or_witness",
        "child_involved",
        "injuries",
        "consent",
        "urgent_order_issued",
        "victim.disability",
        "victim.incapacitated",
    }
)
NUMBER_FACTS = frozenset(
    {"accompanying_children", "hours_since_sexual_violence", "victim.age", "intake_scenario"}
)

VALUE_LABELS = {
    "risk_level": {
        "low": gettext_lazy("low"),
        "medium": gettext_lazy("medium"),
        "high": gettext_lazy("high"),
    },
    "forms": {
        "physical": gettext_lazy("physical"),
        "sexual": gettext_lazy("sexual"),
        "psychological": gettext_lazy("psychological"),
        "economic": gettext_lazy("economic"),
    },
    "needs": {
        "shelter": gettext_lazy("shelter"),
        "medical": gettext_lazy("medical help"),
        "psychological": gettext_lazy("psychological help"),
        "legal": gettext_lazy("legal aid"),
        "social": gettext_lazy("social services"),
        "financial": gettext_lazy("financial help"),
        "children": gettext_lazy("help with children"),
        "offender_programme": gettext_lazy("offender programme"),
    },
    "victim.sex": {"F": gettext_lazy("female"), "M": gettext_lazy("male")},
}

OPERATOR_LABELS = {
    "eq": gettext_lazy("is"),
    "ne": gettext_lazy("is not"),
    "contains": gettext_lazy("include"),
    "in": gettext_lazy("is one of"),
    "gt": gettext_lazy("more than"),
    "gte": gettext_lazy("at least"),
    "lt": gettext_lazy("less than"),
    "lte": gettext_lazy("at most"),
}

UNIT_LABELS = {
    "hours": (gettext_lazy("hour"), gettext_lazy("hours")),
    "days": (gettext_lazy("day"), gettext_lazy("days")),
    "working_days": (gettext_lazy("working day"), gettext_lazy("working days")),
}


def fact_label(name: str) -> str:
    return str(FACT_LABELS.get(name, _("another fact")))


def value_words(fact: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(value_words(fact, item) for item in value)
    if value is None:
        return _("not known")
    return str(VALUE_LABELS.get(fact, {}).get(value, value))


def condition_words(condition: Any) -> str:
    """A condition as a sentence: "always", "risk level is high and …", "not (…)"."""
    if condition is True:
        return _("always")
    if condition is False or condition is None:
        return _("never")
    if not isinstance(condition, Mapping):
        return _("a condition that cannot be read")
    for key, joiner in (("all", _(" and ")), ("any", _(" or "))):
        if key in condition:
            parts = [condition_words(part) for part in condition[key]]
            if not parts:
                return _("always") if key == "all" else _("never")
            if len(parts) == 1:
                return parts[0]
            return joiner.join(f"({part})" if " " in part else part for part in parts)
    if "not" in condition:
        return _("not: %(condition)s") % {"condition": condition_words(condition["not"])}
    fact = condition.get("fact", "")
    op = next((key for key in condition if key != "fact"), "")
    operand = condition.get(op)
    if fact in YES_NO_FACTS and op in ("eq", "ne") and isinstance(operand, bool):
        positive = operand if op == "eq" else not operand
        return (
            fact_label(fact)
            if positive
            else _("not: %(condition)s") % {"condition": fact_label(fact)}
        )
    return f"{fact_label(fact)} {OPERATOR_LABELS.get(op, op)} {value_words(fact, operand)}"


def deadline_words(raw: Any) -> str:
    if not isinstance(raw, Mapping) or len(raw) != 1:
        return _("no deadline")
    unit, amount = next(iter(raw.items()))
    singular, plural = UNIT_LABELS.get(unit, (unit, unit))
    return f"{amount} {singular if amount == 1 else plural}"


def rule_deadline_words(deadline: Any) -> str:
    """ "1 day; at high risk 2 hours" — the default and its exceptions."""
    if not isinstance(deadline, Mapping):
        return _("no deadline")
    words = [deadline_words(deadline.get("default"))]
    for case in deadline.get("cases", []) or []:
        if isinstance(case, Mapping):
            words.append(
                _("when %(condition)s: %(deadline)s")
                % {
                    "condition": condition_words(case.get("when")),
                    "deadline": deadline_words(case.get("deadline")),
                }
            )
    return "; ".join(words)


def rule_summary(raw: Mapping) -> dict[str, str]:
    """One rule in words, as the editor's card shows it."""
    mandatory = raw.get("mandatory", False)
    if mandatory is True:
        mandatory_words = _("yes: proceeds without the victim's consent")
    elif mandatory is False or mandatory is None:
        mandatory_words = _("no")
    else:
        mandatory_words = _("when %(condition)s") % {"condition": condition_words(mandatory)}
    fallback = raw.get("fallback") or {}
    fallback_words = ""
    if isinstance(fallback, Mapping) and fallback.get("service"):
        fallback_words = _("%(service)s, when %(condition)s") % {
            "service": service_label(fallback["service"]),
            "condition": condition_words(fallback.get("when", True)),
        }
    return {
        "service": service_label(raw.get("service", "")),
        "when": condition_words(raw.get("when", False)),
        "mandatory": mandatory_words,
        "consent": _("needed") if raw.get("requires_consent") else _("not needed"),
        "deadline": rule_deadline_words(raw.get("deadline")),
        "fallback": fallback_words,
    }
