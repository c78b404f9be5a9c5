"""The Kyiv interaction procedure as a routing algorithm. Pure: plain data in, plain data out.

    plan(facts, catalogue, policy, now) -> RoutingPlan

The policy is data (rules with JSON conditions and deadlines, loaded from the database); the
catalogue lists providers; explanations are structured (a code and parameters) so that the
words are chosen later, in the reader's language (referrals/routing/explain.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

KYIV = ZoneInfo("Europe/Kyiv")

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


class PolicyError(ValueError):
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


# --- conditions ------------------------------------------------------------------------------

OPERATORS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b,
    "contains": lambda a, b: b in (a or ()),
    "gt": lambda a, b: a is not None and a > b,
    "gte": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "lte": lambda a, b: a is not None and a <= b,
}


def validate_condition(condition: Any, where: str) -> None:
    if isinstance(condition, bool):
        return
    if not isinstance(condition, Mapping):
        raise PolicyError(f"{where}: a condition is true, false or an object")
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        if not isinstance(condition[key], list):
            raise PolicyError(f"{where}: '{key}' takes a list")
        for index, part in enumerate(condition[key]):
            validate_condition(part, f"{where}.{key}[{index}]")
        return
    if "not" in condition:
        validate_condition(condition["not"], f"{where}.not")
        return
    name = condition.get("fact")
    if name not in FACT_NAMES:
        raise PolicyError(f"{where}: unknown fact {name!r}")
    ops = [key for key in condition if key != "fact"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise PolicyError(f"{where}: use exactly one operator of {sorted(OPERATORS)}")
    # A wrong operand would otherwise fail only when a plan meets it (TypeError at run time).
    op, operand = ops[0], condition[ops[0]]
    if op in {"gt", "gte", "lt", "lte"} and (
        not isinstance(operand, int | float) or isinstance(operand, bool)
    ):
        raise PolicyError(f"{where}: '{op}' compares with a number, got {operand!r}")
    if op == "in" and not isinstance(operand, list):
        raise PolicyError(f"{where}: 'in' takes a list, got {operand!r}")
    if op in {"eq", "ne", "contains"} and not isinstance(operand, str | int | float | bool | None):
        raise PolicyError(f"{where}: '{op}' takes a single value, got {operand!r}")


def holds(condition: Any, facts: Facts) -> bool:
    if isinstance(condition, bool):
        return condition
    if "all" in condition:
        return all(holds(part, facts) for part in condition["all"])
    if "any" in condition:
        return any(holds(part, facts) for part in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], facts)
    op = next(key for key in condition if key != "fact")
    return OPERATORS[op](facts.value(condition["fact"]), condition[op])


# --- policy ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    unit: str  # "hours" | "days" | "working_days"
    amount: int


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    service: str
    when: Any
    mandatory: Any
    requires_consent: bool
    deadline_default: Deadline
    deadline_cases: tuple[tuple[Any, Deadline], ...] = ()
    fallback_service: str | None = None
    fallback_when: Any = False


@dataclass(frozen=True)
class Policy:
    version: int
    rules: tuple[Rule, ...]


def _deadline(raw: Any, where: str) -> Deadline:
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise PolicyError(f"{where}: a deadline is one of {{hours|days|working_days: N}}")
    unit, amount = next(iter(raw.items()))
    if unit not in {"hours", "days", "working_days"}:
        raise PolicyError(f"{where}: unknown unit {unit!r}")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise PolicyError(f"{where}: the amount must be a positive whole number")
    return Deadline(unit, amount)


def policy_from_dict(data: Mapping) -> Policy:
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise PolicyError("a policy is an object with a list of 'rules'")
    rules, seen = [], set()
    for index, raw in enumerate(data["rules"]):
        where = f"rules[{index}]"
        if not isinstance(raw, Mapping):
            raise PolicyError(f"{where}: a rule is an object")
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not rule_id:
            raise PolicyError(f"{where}: every rule needs an id")
        if rule_id in seen:
            raise PolicyError(f"{where}: duplicate rule id {rule_id}")
        seen.add(rule_id)
        where = f"{rule_id}"
        service = raw.get("service")
        if service not in SERVICES:
            raise PolicyError(f"{where}: unknown service {service!r}")
        for key in ("when", "mandatory"):
            validate_condition(raw.get(key, False), f"{where}.{key}")
        deadline = raw.get("deadline") or {}
        if not isinstance(deadline, Mapping) or not isinstance(deadline.get("cases", []), list):
            raise PolicyError(f"{where}.deadline: an object with 'default' and a list of 'cases'")
        cases = []
        for case_index, case in enumerate(deadline.get("cases", [])):
            if not isinstance(case, Mapping):
                raise PolicyError(f"{where}.deadline.cases[{case_index}]: a case is an object")
            validate_condition(case.get("when"), f"{where}.deadline.cases[{case_index}].when")
            cases.append(
                (
                    case["when"],
                    _deadline(case.get("deadline"), f"{where}.deadline.cases[{case_index}]"),
                )
            )
        fallback = raw.get("fallback") or {}
        if not isinstance(fallback, Mapping):
            raise PolicyError(f"{where}.fallback: an object with 'service' and 'when'")
        if fallback:
            if fallback.get("service") not in SERVICES:
                raise PolicyError(f"{where}.fallback: unknown service {fallback.get('service')!r}")
            validate_condition(fallback.get("when", True), f"{where}.fallback.when")
        rules.append(
            Rule(
                id=rule_id,
                description=str(raw.get("description", "")),
                service=service,
                when=raw.get("when", False),
                mandatory=raw.get("mandatory", False),
                requires_consent=bool(raw.get("requires_consent", True)),
                deadline_default=_deadline(deadline.get("default"), f"{where}.deadline.default"),
                deadline_cases=tuple(cases),
                fallback_service=fallback.get("service"),
                fallback_when=fallback.get("when", True) if fallback else False,
            )
        )
    version = data.get("version", 0)
    return Policy(version=int(version) if isinstance(version, int) else 0, rules=tuple(rules))


def policy_to_dict(policy: Policy) -> dict:
    def deadline(d: Deadline) -> dict:
        return {d.unit: d.amount}

    rules = []
    for rule in policy.rules:
        raw: dict[str, Any] = {
            "id": rule.id,
            "description": rule.description,
            "service": rule.service,
            "when": rule.when,
            "mandatory": rule.mandatory,
            "requires_consent": rule.requires_consent,
            "deadline": {
                "default": deadline(rule.deadline_default),
                "cases": [{"when": w, "deadline": deadline(d)} for w, d in rule.deadline_cases],
            },
        }
        if rule.fallback_service:
            raw["fallback"] = {"service": rule.fallback_service, "when": rule.fallback_when}
        rules.append(raw)
    return {"version": policy.version, "rules": rules}


# --- catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    code: str
    name: str
    kind: str
    services: frozenset[str]
    districts: frozenset[str] = frozenset()  # empty: the whole city
    sexes: frozenset[str] = frozenset()  # empty: any
    min_age: int | None = None
    max_age: int | None = None
    accepts_children: bool = True
    accessible: bool = True
    always_open: bool = True
    # weekday (0 = Monday) → (opening, closing) local times; ignored when always_open
    opening_hours: tuple[tuple[int, time, time], ...] = ()
    capacity_total: int | None = None  # None: not counted
    capacity_free: int | None = None
    open_referrals: int = 0

    @property
    def counts_capacity(self) -> bool:
        return self.capacity_total is not None


@dataclass(frozen=True)
class Catalogue:
    providers: tuple[Provider, ...]
    holidays: frozenset[date] = frozenset()


# --- deadlines -------------------------------------------------------------------------------


def add_working_days(start: datetime, days: int, holidays: frozenset[date]) -> datetime:
    """`days` working days after `start`, at the same Kyiv time; weekends and holidays skipped."""
    local = start.astimezone(KYIV)
    day = local.date()
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            remaining -= 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=KYIV)


def due_at(start: datetime, deadline: Deadline, holidays: frozenset[date]) -> datetime:
    # Hours and days (доба) are elapsed time, counted in UTC: adding to a Europe/Kyiv datetime
    # counts wall-clock time, so "1 hour" from 03:30 in the repeated autumn hour was 2 hours.
    if deadline.unit == "hours":
        return (start.astimezone(UTC) + timedelta(hours=deadline.amount)).astimezone(start.tzinfo)
    if deadline.unit == "days":
        return (start.astimezone(UTC) + timedelta(days=deadline.amount)).astimezone(start.tzinfo)
    return add_working_days(start, deadline.amount, holidays)


def rule_deadline(rule: Rule, facts: Facts, holidays: frozenset[date]) -> datetime:
    for condition, deadline in rule.deadline_cases:
        if holds(condition, facts):
            return due_at(facts.reported_at, deadline, holidays)
    return due_at(facts.reported_at, rule.deadline_default, holidays)


# --- plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Why:
    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default=None):
        return dict(self.params).get(key, default)


def why(code: str, **params) -> Why:
    return Why(code, tuple(sorted(params.items())))


@dataclass(frozen=True)
class Candidate:
    provider: str
    eligible: bool
    why: Why
    rank: int | None = None


@dataclass(frozen=True)
class PlanItem:
    service: str
    mandatory: bool
    provider: str | None
    due_at: datetime
    rules: tuple[str, ...]
    reason: Why
    candidates: tuple[Candidate, ...]
    requested_service: str | None = None  # shelter when a crisis room replaced it


@dataclass(frozen=True)
class SkippedItem:
    service: str
    rules: tuple[str, ...]
    reason: Why


@dataclass(frozen=True)
class Escalation:
    service: str
    reason: Why


@dataclass(frozen=True)
class RoutingPlan:
    policy_version: int
    items: tuple[PlanItem, ...]
    skipped: tuple[SkippedItem, ...]
    escalations: tuple[Escalation, ...]


def _rule_key(rule_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in rule_id if ch.isdigit())
    return (int(digits) if digits else 10**6, rule_id)


def _open_until(provider: Provider, start: datetime, deadline: datetime) -> bool:
    """Whether the provider is open at some moment between `start` and `deadline`."""
    if provider.always_open:
        return True
    if deadline <= start:
        # A plan made after the deadline (a late registration): no opening hours can meet it
        # any more, so hours do not rule anyone out; the answer is due as soon as possible.
        return True
    local_start, local_end = start.astimezone(KYIV), deadline.astimezone(KYIV)
    day = local_start.date()
    while day <= local_end.date():
        for weekday, opens, closes in provider.opening_hours:
            if weekday != day.weekday():
                continue
            window_start = datetime.combine(day, opens, tzinfo=KYIV)
            window_end = datetime.combine(day, closes, tzinfo=KYIV)
            if window_start < local_end and window_end > local_start:
                return True
        day += timedelta(days=1)
    return False


def _judge(
    provider: Provider, service: str, facts: Facts, deadline: datetime, now: datetime
) -> Why | None:
    """None when eligible, else why not — checks in a fixed order, first failure wins."""
    if service not in provider.services:
        return why("no_service")
    if service in NOTICES and facts.district not in provider.districts:
        return why("not_victims_district", district=facts.district)
    if provider.districts and facts.district not in provider.districts:
        return why("not_in_district", district=facts.district)
    if provider.sexes and facts.victim.sex not in provider.sexes:
        return why("sex_not_served", sex=facts.victim.sex)
    age = facts.victim.age
    if age is not None and provider.min_age is not None and age < provider.min_age:
        return why("too_young", age=age, min_age=provider.min_age)
    if age is not None and provider.max_age is not None and age > provider.max_age:
        return why("too_old", age=age, max_age=provider.max_age)
    if facts.accompanying_children and not provider.accepts_children:
        return why("no_children", children=facts.accompanying_children)
    if facts.victim.disability and not provider.accessible:
        return why("not_accessible")
    if provider.counts_capacity and (provider.capacity_free or 0) <= 0:
        return why("full", capacity=provider.capacity_total)
    if not _open_until(provider, max(now, facts.reported_at), deadline):
        return why("closed_until_deadline")
    return None


def _choose(
    service: str, facts: Facts, catalogue: Catalogue, deadline: datetime, now: datetime
) -> tuple[str | None, tuple[Candidate, ...]]:
    judged = []
    for provider in sorted(catalogue.providers, key=lambda p: p.code):
        if service not in provider.services:
            continue  # not a candidate at all; keeps explanations short
        judged.append((provider, _judge(provider, service, facts, deadline, now)))
    eligible = [p for p, failure in judged if failure is None]

    def rank_key(p: Provider):
        same_district = 0 if facts.district in p.districts else 1
        free = 0 if p.counts_capacity and (p.capacity_free or 0) > 0 else 1
        load = p.open_referrals / max(p.capacity_total or 1, 1)
        return (same_district, free, load, p.code)

    ranked = sorted(eligible, key=rank_key)
    ranks = {p.code: index + 1 for index, p in enumerate(ranked)}
    candidates = []
    for provider, failure in judged:
        if failure is None:
            same, _free, load, _code = rank_key(provider)
            reason = why(
                "ranked",
                rank=ranks[provider.code],
                same_district=same == 0,
                free_capacity=provider.capacity_free if provider.counts_capacity else None,
                load=round(load, 2),
            )
            candidates.append(Candidate(provider.code, True, reason, ranks[provider.code]))
        else:
            candidates.append(Candidate(provider.code, False, failure))
    candidates.sort(key=lambda c: (c.rank is None, c.rank or 0, c.provider))
    return (ranked[0].code if ranked else None), tuple(candidates)


def plan(facts: Facts, catalogue: Catalogue, policy: Policy, now: datetime) -> RoutingPlan:
    # 1. Which rules apply, merged per service: the stricter deadline wins, mandatory if any
    #    rule says so, every rule id kept.
    merged: dict[str, dict[str, Any]] = {}
    for rule in policy.rules:
        if not holds(rule.when, facts):
            continue
        deadline = rule_deadline(rule, facts, catalogue.holidays)
        mandatory = holds(rule.mandatory, facts)
        entry = merged.setdefault(
            rule.service,
            {
                "rules": [],
                "due": deadline,
                "mandatory": False,
                "needs_consent": True,
                "fallback": None,
            },
        )
        entry["rules"].append(rule.id)
        entry["due"] = min(entry["due"], deadline)
        entry["mandatory"] = entry["mandatory"] or mandatory
        # Consent is needed only if every rule that asks for the service needs it.
        entry["needs_consent"] = entry["needs_consent"] and (
            rule.requires_consent and not mandatory
        )
        if rule.fallback_service and holds(rule.fallback_when, facts):
            entry["fallback"] = rule.fallback_service

    items, skipped, escalations = [], [], []
    for service in sorted(merged, key=lambda s: SERVICES.index(s)):
        entry = merged[service]
        rule_ids = tuple(sorted(entry["rules"], key=_rule_key))
        if entry["needs_consent"] and not facts.consent:
            skipped.append(SkippedItem(service, rule_ids, why("no_consent")))
            continue
        provider, candidates = _choose(service, facts, catalogue, entry["due"], now)
        chosen_service, requested = service, None
        reason = why("required", rules=",".join(rule_ids), mandatory=entry["mandatory"])
        if provider is None and entry["fallback"]:
            fallback_provider, fallback_candidates = _choose(
                entry["fallback"], facts, catalogue, entry["due"], now
            )
            if fallback_provider is not None:
                chosen_service, requested = entry["fallback"], service
                provider, candidates = fallback_provider, candidates + fallback_candidates
                reason = why("fallback", rules=",".join(rule_ids), requested=service)
        if provider is None:
            escalations.append(Escalation(chosen_service, why("no_eligible_provider")))
        items.append(
            PlanItem(
                service=chosen_service,
                mandatory=entry["mandatory"],
                provider=provider,
                due_at=entry["due"],
                rules=rule_ids,
                reason=reason,
                candidates=candidates,
                requested_service=requested,
            )
        )
    # A crisis room chosen instead of a shelter may coincide with nothing else; keep one item
    # per service code even so.
    unique: dict[str, PlanItem] = {}
    for item in items:
        if item.service in unique:
            first = unique[item.service]
            unique[item.service] = replace(
                first,
                due_at=min(first.due_at, item.due_at),
                mandatory=first.mandatory or item.mandatory,
                rules=tuple(sorted(set(first.rules) | set(item.rules), key=_rule_key)),
            )
        else:
            unique[item.service] = item
    return RoutingPlan(policy.version, tuple(unique.values()), tuple(skipped), tuple(escalations))
