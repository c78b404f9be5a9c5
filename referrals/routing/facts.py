"""The facts of a case as the routing engine reads them, and the vocabularies they use. Pure.

Facts come from the database (referrals/adapters.py) or from JSON (`manage.py routing_plan`);
`facts_from_dict` refuses anything outside the vocabularies with a message naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SERVICES = (
    "coordinator_notice",
    "children_service_notice",
    "police_notice",
    "needs_assessment",
    "shelter",
    "crisis_room",
    "psychological",
    "medical",
    "legal_aid",
    "guardianship_notice",
    "offender_programme",
    "social_services",
)
# Notifications go to the subject of the victim's own district, never city-wide.
NOTICES = frozenset(
    {"coordinator_notice", "children_service_notice", "police_notice", "guardianship_notice"}
)
DISTRICTS = frozenset(
    {
        "holosiivskyi",
        "darnytskyi",
        "desnianskyi",
        "dniprovskyi",
        "obolonskyi",
        "pecherskyi",
        "podilskyi",
        "sviatoshynskyi",
        "solomianskyi",
        "shevchenkivskyi",
    }
)
RECEIVERS = frozenset(
    {
        "police",
        "social_services",
        "children_service",
        "district_admin",
        "health",
        "education",
        "hotline",
        "ngo",
        "legal_aid",
        "other",
    }
)
FORMS = frozenset({"physical", "sexual", "psychological", "economic"})
NEEDS = frozenset(
    {
        "shelter",
        "medical",
        "psychological",
        "legal",
        "social",
        "financial",
        "children",
        "offender_programme",
    }
)
RISK_LEVELS = ("low", "medium", "high")


class FactsError(ValueError):
    pass


@dataclass(frozen=True)
class Victim:
    age: int | None = None
    sex: str = "F"
    disability: bool = False
    incapacitated: bool = False


@dataclass(frozen=True)
class Facts:
    reported_at: datetime
    district: str
    received_by: str = "other"
    intake_scenario: int = 1
    victim: Victim = field(default_factory=Victim)
    child_victim: bool = False
    child_witness: bool = False
    child_offender: bool = False
    accompanying_children: int = 0
    forms: tuple[str, ...] = ()
    hours_since_sexual_violence: float | None = None
    injuries: bool = False
    risk_level: str = "medium"
    needs: tuple[str, ...] = ()
    consent: bool = False
    urgent_order_issued: bool = False

    def value(self, name: str) -> Any:
        """A fact by name for conditions; derived facts included."""
        if name.startswith("victim."):
            return getattr(self.victim, name.split(".", 1)[1])
        derived = {
            "received_by_police": self.received_by == "police",
            "child_victim_or_witness": self.child_victim or self.child_witness,
            "child_involved": self.child_victim or self.child_witness or self.child_offender,
        }
        if name in derived:
            return derived[name]
        return getattr(self, name)


FACT_NAMES = frozenset(
    {f for f in Facts.__dataclass_fields__ if f != "victim"}
    | {f"victim.{f}" for f in Victim.__dataclass_fields__}
    | {"received_by_police", "child_victim_or_witness", "child_involved"}
)

FACT_DEFAULTS_DOC = """Missing fields take safe defaults: received_by "other" (so the police are
notified), intake_scenario 1, victim age unknown (treated as an adult), sex "F", no disability,
not incapacitated; no children; no forms; no injuries; risk "medium"; no needs; consent false
(only mandatory items proceed without it); no urgent order. reported_at and district are
required."""


def _bool(data: Mapping, key: str, default: bool = False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise FactsError(f"{key}: expected true or false, got {value!r}")
    return value


def _choice(value: Any, allowed, key: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise FactsError(f"{key}: unknown value {value!r}; expected one of {sorted(allowed)}")
    return value


def facts_from_dict(data: Mapping, *, valid_districts: frozenset[str] = DISTRICTS) -> Facts:
    if not isinstance(data, Mapping):
        raise FactsError("facts must be a JSON object")
    try:
        raw_reported = data["reported_at"]
    except KeyError:
        raise FactsError("reported_at is required (ISO 8601 with an offset)") from None
    try:
        reported_at = datetime.fromisoformat(str(raw_reported))
    except ValueError:
        raise FactsError(f"reported_at: not an ISO 8601 date-time: {raw_reported!r}") from None
    if reported_at.tzinfo is None:
        raise FactsError("reported_at must carry a UTC offset, e.g. 2024-10-17T10:00:00+03:00")
    if "district" not in data:
        raise FactsError("district is required (a district slug)")
    victim_data = data.get("victim", {})
    if not isinstance(victim_data, Mapping):
        raise FactsError("victim must be an object")
    age = victim_data.get("age")
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or age < 0):
        raise FactsError(f"victim.age: expected a whole number, got {age!r}")
    scenario = data.get("intake_scenario", 1)
    if scenario not in (1, 2, 3, 4, 5) or isinstance(scenario, bool):
        raise FactsError(f"intake_scenario: expected 1..5, got {scenario!r}")
    children = data.get("accompanying_children", 0)
    if not isinstance(children, int) or isinstance(children, bool) or children < 0:
        raise FactsError(f"accompanying_children: expected a whole number, got {children!r}")
    hours = data.get("hours_since_sexual_violence")
    if hours is not None and (not isinstance(hours, int | float) or isinstance(hours, bool)):
        raise FactsError(f"hours_since_sexual_violence: expected a number, got {hours!r}")
    forms = data.get("forms", [])
    needs = data.get("needs", [])
    if not isinstance(forms, list) or not isinstance(needs, list):
        raise FactsError("forms and needs must be lists")
    victim = Victim(
        age=age,
        sex=_choice(victim_data.get("sex", "F"), {"F", "M"}, "victim.sex"),
        disability=_bool(victim_data, "disability"),
        incapacitated=_bool(victim_data, "incapacitated"),
    )
    return Facts(
        reported_at=reported_at,
        district=_choice(data["district"], valid_districts, "district"),
        received_by=_choice(data.get("received_by", "other"), RECEIVERS, "received_by"),
        intake_scenario=scenario,
        victim=victim,
        child_victim=_bool(data, "child_victim", age is not None and age < 18),
        child_witness=_bool(data, "child_witness"),
        child_offender=_bool(data, "child_offender"),
        accompanying_children=children,
        forms=tuple(sorted({_choice(f, FORMS, "forms") for f in forms})),
        hours_since_sexual_violence=hours,
        injuries=_bool(data, "injuries"),
        risk_level=_choice(data.get("risk_level", "medium"), RISK_LEVELS, "risk_level"),
        needs=tuple(sorted({_choice(n, NEEDS, "needs") for n in needs})),
        consent=_bool(data, "consent"),
        urgent_order_issued=_bool(data, "urgent_order_issued"),
    )
