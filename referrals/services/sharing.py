"""The minimum of a case that a referral shares with its provider (DOMAIN.md §4)."""

from __future__ import annotations

from functools import cached_property

from django.utils import timezone

from cases.models import Case, ParticipantRole
from orders.models import RestrainingOrder


class CaseMaterial:
    """What the shared data is drawn from: the case's people, latest needs, incidents and
    orders, each read at most once however many referrals a plan sends."""

    def __init__(self, case: Case) -> None:
        self.case = case

    @cached_property
    def participants(self) -> dict:
        return {p.role: p for p in self.case.participants.select_related("person")}

    @cached_property
    def needs(self):
        return self.case.needs_assessments.order_by("-assessed_at", "-id").first()

    @cached_property
    def incidents(self) -> list:
        return list(self.case.incidents.all())

    @cached_property
    def orders_in_force(self) -> list[str]:
        return [
            f"{o.get_kind_display()} № {o.number}"
            for o in RestrainingOrder.objects.filter(
                case=self.case, cancelled_at__isnull=True, ends_at__gt=timezone.now()
            )
        ]


def shared_data(material: CaseMaterial, service: str) -> dict:
    """The minimum a service needs (DOMAIN.md §4); the narrative only with consent."""
    case = material.case
    victim = material.participants.get(ParticipantRole.VICTIM)
    name = str(victim.person) if victim else ""
    contact = victim.person.phone if victim else ""
    data: dict = {"case_number": case.number, "district": case.district.name}
    if service in {"shelter", "crisis_room"}:
        needs = material.needs
        data |= {
            "victim": name,
            "contact": contact,
            "risk_level": case.risk_level,
            "accompanying_children": needs.accompanying_children if needs else 0,
            "special_needs": needs.special_needs if needs else "",
        }
    elif service == "medical":
        incidents = material.incidents
        sexual = [i.occurred_at for i in incidents if "sexual" in i.forms]
        data |= {
            "victim": name,
            "birth_date": victim.person.birth_date.strftime("%d.%m.%Y")
            if victim and victim.person.birth_date
            else "",
            "injuries": any(i.injuries for i in incidents),
            "hours_since_sexual_violence": round(
                (timezone.now() - max(sexual)).total_seconds() / 3600
            )
            if sexual
            else None,
        }
    elif service == "legal_aid":
        data |= {
            "victim": name,
            "contact": contact,
            "forms": case.forms,
            "orders_in_force": material.orders_in_force,
        }
    elif service == "offender_programme":
        offender = material.participants.get(ParticipantRole.OFFENDER)
        data |= {"offender": str(offender.person) if offender else ""}
    elif service.endswith("_notice"):
        data |= {
            "forms": case.forms,
            "risk_level": case.risk_level,
            "children_involved": case.has_children,
            "reporter_contact": case.reporter_contact,
        }
    else:  # needs assessment, psychological help, social services
        needs = material.needs
        data |= {
            "victim": name,
            "contact": contact,
            "risk_level": case.risk_level,
            "needs": needs.needs if needs else [],
        }
    if case.consent_to_share:
        data["summary"] = case.summary
    return data
