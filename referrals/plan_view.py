"""The routing plan as the social worker reads it: providers by name and district, each reason
in words with the procedure's reference, the candidates of each item with why each was ranked or
ruled out. A selector over a stored plan; codes and rule ids never reach the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from portal.models import Organisation
from referrals.models import RoutingPlanRecord
from referrals.routing.explain import (
    procedure_reference,
    render,
    rule_words,
    service_label,
    why_from_dict,
)


@dataclass(frozen=True)
class ProviderName:
    name: str
    districts: str  # "Дарницький район" or "the whole city"

    def __str__(self) -> str:
        return f"{self.name} ({self.districts})"


@dataclass(frozen=True)
class CandidateView:
    code: str  # the form's value only, never printed
    provider: ProviderName
    eligible: bool
    chosen: bool
    reason: str


@dataclass(frozen=True)
class Reason:
    text: str
    reference: str


@dataclass(frozen=True)
class ItemView:
    service: str  # the form's value only
    label: str
    mandatory: bool
    provider: ProviderName | None
    due_at: datetime
    summary: str
    reasons: list[Reason]
    candidates: list[CandidateView]


@dataclass(frozen=True)
class OtherView:
    label: str
    reason: str
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class PlanView:
    record: RoutingPlanRecord
    items: list[ItemView]
    skipped: list[OtherView]
    escalations: list[OtherView]


def _names(codes: set[str]) -> dict[str, ProviderName]:
    """One query for the organisations and one for their districts."""
    names = {}
    for organisation in Organisation.objects.filter(code__in=codes).prefetch_related("districts"):
        districts = sorted(d.display_name for d in organisation.districts.all())
        names[organisation.code] = ProviderName(
            str(organisation), ", ".join(districts) if districts else _("the whole city")
        )
    return names


def _why(entry: dict, key: str = "why", fallback_key: str = "reason") -> str:
    """The reason in the reader's language from its structure; a plan stored before reasons were
    kept as structure shows the words it was stored with."""
    structured = entry.get(key)
    if isinstance(structured, dict):
        return render(why_from_dict(structured))
    return str(entry.get(fallback_key, ""))


def _procedure_citation(version: int) -> str:
    """The interaction procedure the policy version implements, as a plan's reason cites it."""
    from referrals.models import RoutingPolicy

    policy = RoutingPolicy.objects.filter(version=version).select_related("procedure").first()
    return policy.procedure.citation if policy and policy.procedure else ""


def _reasons(rules: list[str], service: str, version: int, citation: str) -> list[Reason]:
    reference = procedure_reference(version, citation)
    return [Reason(rule_words(rule_id, service), reference) for rule_id in rules]


def referral_reasons(referral) -> list[Reason]:
    """Why a referral was sent, in words (its rules), for the referral's page."""
    version = referral.plan.policy_version if referral.plan_id and referral.plan else 0
    return _reasons(list(referral.rules), referral.service, version, _procedure_citation(version))


def plan_view(record: RoutingPlanRecord | None) -> PlanView | None:
    if record is None:
        return None
    data = record.plan or {}
    items = data.get("items", [])
    codes = {c["provider"] for i in items for c in i.get("candidates", [])}
    codes |= {i["provider"] for i in items if i.get("provider")}
    names = _names(codes)
    citation = _procedure_citation(record.policy_version)

    def name(code: str) -> ProviderName:
        return names.get(code) or ProviderName(_("a provider no longer in the catalogue"), "—")

    views = []
    for item in items:
        candidates = [
            CandidateView(
                code=c["provider"],
                provider=name(c["provider"]),
                eligible=bool(c["eligible"]),
                chosen=c["provider"] == item.get("provider"),
                reason=_why(c, key="reason", fallback_key="why"),
            )
            for c in item.get("candidates", [])
        ]
        views.append(
            ItemView(
                service=item["service"],
                label=service_label(item["service"]),
                mandatory=bool(item["mandatory"]),
                provider=name(item["provider"]) if item.get("provider") else None,
                due_at=datetime.fromisoformat(item["due_at"]),
                summary=_why(item),
                reasons=_reasons(
                    item.get("rules", []), item["service"], record.policy_version, citation
                ),
                candidates=candidates,
            )
        )
    skipped = [
        OtherView(
            service_label(s["service"]),
            _why(s),
            _reasons(s.get("rules", []), s["service"], record.policy_version, citation),
        )
        for s in data.get("skipped", [])
    ]
    escalations = [
        OtherView(service_label(e["service"]), _why(e)) for e in data.get("escalations", [])
    ]
    return PlanView(record, views, skipped, escalations)
