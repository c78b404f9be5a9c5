"""The Kyiv interaction procedure as a routing algorithm. Pure: plain data in, plain data out.

    plan(facts, catalogue, policy, now) -> RoutingPlan

The facts (facts.py) and the policy (policy.py: rules with JSON conditions and deadlines, loaded
from the database) are data; the catalogue lists providers; explanations are structured (a code
and parameters) so that the words are chosen later, in the reader's language (explain.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from portal.calendar import KYIV
from referrals.routing.facts import DISTRICTS, NOTICES, SERVICES, Facts
from referrals.routing.policy import MartialLaw, Policy, add_working_days, holds, rule_deadline

# Imported from here by callers older than the split into facts.py and policy.py.
__all__ = [
    "DISTRICTS",
    "SERVICES",
    "Candidate",
    "Catalogue",
    "Escalation",
    "PlanItem",
    "Provider",
    "RoutingPlan",
    "SkippedItem",
    "Why",
    "add_working_days",
    "holds",
    "plan",
    "why",
]

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
    # Periods in which public holidays are working days (Law 2136-IX art. 6 part 6).
    martial_law: tuple[MartialLaw, ...] = ()


# --- plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Why:
    code: str
    params: tuple[tuple[str, Any], ...] = ()


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
    """None when eligible, else why not — checks in a fixed order, first failure wins.
    Only providers that offer `service` are judged (see _choose)."""
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
    # The victim and each accompanying child take a place: a mother with two children, three.
    needed = 1 + facts.accompanying_children
    if provider.counts_capacity and (provider.capacity_free or 0) < needed:
        return why("not_enough_places", free=provider.capacity_free, needed=needed)
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
        # Counted places first; a provider that counts them is eligible only with one free.
        free = 0 if p.counts_capacity else 1
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
        deadline = rule_deadline(rule, facts, catalogue.holidays, catalogue.martial_law)
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
