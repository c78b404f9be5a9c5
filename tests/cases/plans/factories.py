"""Plans for tests, made through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.plans import services
from cases.plans.content import SafetyContent
from cases.plans.models import CasePlan, SafetyPlan


def safety_plan(actor, case, **content) -> SafetyPlan:
    values = {
        "steps": ({"code": "call_102", "text": "Телефоную 102."},),
        "contacts": ({"name": "Марія", "phone": "+380501112233", "relation": "сестра"},),
        "places": ({"name": "Лінія довіри", "phone": "15-00"},),
        "documents": ("passport",),
    }
    values.update(content)
    current = SafetyPlan.objects.filter(case=case).values_list("version", flat=True).first() or 0
    return services.safety_plan_save(
        actor=actor, case_id=case.pk, expected_version=current, content=SafetyContent(**values)
    )


def action(organisation, *, text="Супровід до юриста", person=None, days=7, **extra):
    return services.ActionData(
        text=text,
        organisation_id=organisation.pk,
        person_id=person.pk if person else None,
        due_date=timezone.localdate() + timedelta(days=days),
        **extra,
    )


def case_plan(actor, case, *, goal="Безпечне житло", actions=None) -> CasePlan:
    current = CasePlan.objects.filter(case=case).values_list("version", flat=True).first() or 0
    return services.case_plan_goal_save(
        actor=actor,
        case_id=case.pk,
        expected_version=current,
        goal_id=None,
        text=goal,
        actions=actions if actions is not None else [action(case.owner, person=actor)],
    )
