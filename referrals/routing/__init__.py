"""The routing engine (pure): facts.py for the case's facts, policy.py for the rules and their
deadlines, engine.py for the algorithm, explain.py for its words."""

from referrals.routing.engine import (
    Candidate,
    Catalogue,
    Escalation,
    PlanItem,
    Provider,
    RoutingPlan,
    SkippedItem,
    plan,
)
from referrals.routing.facts import (
    FACT_DEFAULTS_DOC,
    SERVICES,
    Facts,
    FactsError,
    Victim,
    facts_from_dict,
)
from referrals.routing.policy import Policy, PolicyError, policy_from_dict

__all__ = [
    "FACT_DEFAULTS_DOC",
    "SERVICES",
    "Candidate",
    "Catalogue",
    "Escalation",
    "Facts",
    "FactsError",
    "PlanItem",
    "Policy",
    "PolicyError",
    "Provider",
    "RoutingPlan",
    "SkippedItem",
    "Victim",
    "facts_from_dict",
    "plan",
    "policy_from_dict",
]
