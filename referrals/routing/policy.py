"""The routing policy as data: rules with JSON conditions and deadlines. Pure.

A condition is true, false, {"all": [...]}, {"any": [...]}, {"not": ...} or
{"fact": name, <operator>: operand}; `policy_from_dict` validates every condition and deadline,
so `holds` and the plan meet only well-formed ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from portal.calendar import KYIV
from referrals.routing.facts import FACT_NAMES, SERVICES, Facts


class PolicyError(ValueError):
    pass


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
        raise PolicyError(
            _("%(where)s: a condition is true, false or an object") % {"where": where}
        )
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        if not isinstance(condition[key], list):
            raise PolicyError(_("%(where)s: '%(key)s' takes a list") % {"where": where, "key": key})
        for index, part in enumerate(condition[key]):
            validate_condition(part, f"{where}.{key}[{index}]")
        return
    if "not" in condition:
        validate_condition(condition["not"], f"{where}.not")
        return
    name = condition.get("fact")
    if name not in FACT_NAMES:
        raise PolicyError(_("%(where)s: unknown fact %(name)r") % {"where": where, "name": name})
    ops = [key for key in condition if key != "fact"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise PolicyError(
            _("%(where)s: use exactly one operator of %(ops)s")
            % {"where": where, "ops": ", ".join(sorted(OPERATORS))}
        )
    # A wrong operand would otherwise fail only when a plan meets it (TypeError at run time).
    op, operand = ops[0], condition[ops[0]]
    if op in {"gt", "gte", "lt", "lte"} and (
        not isinstance(operand, int | float) or isinstance(operand, bool)
    ):
        raise PolicyError(
            _("%(where)s: '%(op)s' compares with a number, got %(value)r")
            % {"where": where, "op": op, "value": operand}
        )
    if op == "in" and not isinstance(operand, list):
        raise PolicyError(
            _("%(where)s: 'in' takes a list, got %(value)r") % {"where": where, "value": operand}
        )
    if op in {"eq", "ne", "contains"} and not isinstance(operand, str | int | float | bool | None):
        raise PolicyError(
            _("%(where)s: '%(op)s' takes a single value, got %(value)r")
            % {"where": where, "op": op, "value": operand}
        )


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
        raise PolicyError(
            _("%(where)s: a deadline is one of {hours|days|working_days: N}") % {"where": where}
        )
    unit, amount = next(iter(raw.items()))
    if unit not in {"hours", "days", "working_days"}:
        raise PolicyError(_("%(where)s: unknown unit %(unit)r") % {"where": where, "unit": unit})
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise PolicyError(
            _("%(where)s: the amount must be a positive whole number") % {"where": where}
        )
    return Deadline(unit, amount)


def policy_from_dict(data: Mapping) -> Policy:
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise PolicyError(_("a policy is an object with a list of 'rules'"))
    rules, seen = [], set()
    for index, raw in enumerate(data["rules"]):
        where = f"rules[{index}]"
        if not isinstance(raw, Mapping):
            raise PolicyError(_("%(where)s: a rule is an object") % {"where": where})
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not rule_id:
            raise PolicyError(_("%(where)s: every rule needs an id") % {"where": where})
        if rule_id in seen:
            raise PolicyError(
                _("%(where)s: duplicate rule id %(id)s") % {"where": where, "id": rule_id}
            )
        seen.add(rule_id)
        where = f"{rule_id}"
        service = raw.get("service")
        if service not in SERVICES:
            raise PolicyError(
                _("%(where)s: unknown service %(service)r") % {"where": where, "service": service}
            )
        for key in ("when", "mandatory"):
            validate_condition(raw.get(key, False), f"{where}.{key}")
        deadline = raw.get("deadline") or {}
        if not isinstance(deadline, Mapping) or not isinstance(deadline.get("cases", []), list):
            raise PolicyError(
                _("%(where)s.deadline: an object with 'default' and a list of 'cases'")
                % {"where": where}
            )
        cases = []
        for case_index, case in enumerate(deadline.get("cases", [])):
            if not isinstance(case, Mapping):
                raise PolicyError(
                    _("%(where)s.deadline.cases[%(i)s]: a case is an object")
                    % {"where": where, "i": case_index}
                )
            validate_condition(case.get("when"), f"{where}.deadline.cases[{case_index}].when")
            cases.append(
                (
                    case["when"],
                    _deadline(case.get("deadline"), f"{where}.deadline.cases[{case_index}]"),
                )
            )
        fallback = raw.get("fallback") or {}
        if not isinstance(fallback, Mapping):
            raise PolicyError(
                _("%(where)s.fallback: an object with 'service' and 'when'") % {"where": where}
            )
        if fallback:
            if fallback.get("service") not in SERVICES:
                raise PolicyError(
                    _("%(where)s.fallback: unknown service %(service)r")
                    % {"where": where, "service": fallback.get("service")}
                )
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


# --- deadlines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MartialLaw:
    """A period of martial law, both ends inclusive; `ends_on` None while it lasts.

    Law 2136-IX art. 6 part 6: while martial law lasts, art. 73 of the Labour Code (public
    holidays as days off) does not apply, so a public holiday inside the period is a working day.
    Weekends stay days off."""

    starts_on: date
    ends_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def is_day_off(day: date, holidays: frozenset[date], martial_law: tuple[MartialLaw, ...]) -> bool:
    if day.weekday() >= 5:
        return True
    return day in holidays and not any(period.covers(day) for period in martial_law)


def add_working_days(
    start: datetime,
    days: int,
    holidays: frozenset[date],
    martial_law: tuple[MartialLaw, ...] = (),
) -> datetime:
    """`days` working days after `start`, at the same Kyiv time; weekends skipped, and holidays
    too unless martial law makes them working days (see MartialLaw)."""
    local = start.astimezone(KYIV)
    day = local.date()
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if not is_day_off(day, holidays, martial_law):
            remaining -= 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=KYIV)


def due_at(
    start: datetime,
    deadline: Deadline,
    holidays: frozenset[date],
    martial_law: tuple[MartialLaw, ...] = (),
) -> datetime:
    # Hours and days (доба) are elapsed time, counted in UTC: adding to a Europe/Kyiv datetime
    # counts wall-clock time, so "1 hour" from 03:30 in the repeated autumn hour was 2 hours.
    if deadline.unit == "hours":
        return (start.astimezone(UTC) + timedelta(hours=deadline.amount)).astimezone(start.tzinfo)
    if deadline.unit == "days":
        return (start.astimezone(UTC) + timedelta(days=deadline.amount)).astimezone(start.tzinfo)
    return add_working_days(start, deadline.amount, holidays, martial_law)


def rule_deadline(
    rule: Rule,
    facts: Facts,
    holidays: frozenset[date],
    martial_law: tuple[MartialLaw, ...] = (),
) -> datetime:
    for condition, deadline in rule.deadline_cases:
        if holds(condition, facts):
            return due_at(facts.reported_at, deadline, holidays, martial_law)
    return due_at(facts.reported_at, rule.deadline_default, holidays, martial_law)
