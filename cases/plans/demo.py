"""Demo plans: one of the demo worker's high-risk cases gets a safety plan made from the
suggestions and a case plan sent to the head for approval. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation

from cases.models import Case, CaseStatus, SafetyPlan
from cases.plans import services, suggestions
from cases.plans.content import SafetyContent
from cases.plans.selectors import latest_risk_answers
from portal.models import Organisation, OrganisationKind, User


def _safety_content(case: Case) -> SafetyContent:
    answers = latest_risk_answers(case)
    with translation.override(settings.LANGUAGE_CODE):
        steps = tuple(
            {"code": s.code, "text": str(s.text)}
            for s in suggestions.proposed_steps(answers, has_children=case.has_children)
        )
        situations = tuple(
            {"situation": str(s.situation), "action": str(s.action)}
            for s in suggestions.proposed_situations(answers, has_children=case.has_children)
        )
        places = tuple({"name": str(p.name), "phone": p.phone} for p in suggestions.PLACES)
    return SafetyContent(
        steps=(*steps, {"code": "", "text": "Запасні ключі — у сусідки з 5-го поверху."}),
        contacts=(
            {"name": "Ірина", "phone": "+380501234411", "relation": "сестра"},
            {"name": "Галина Петрівна", "phone": "+380671230099", "relation": "сусідка"},
        ),
        situations=situations,
        places=places,
        documents=("passport", "children_certificates", "medical", "money", "phone"),
        discreet_title=True,
    )


def seed(*, stdout) -> None:
    if SafetyPlan.objects.filter(case__summary__startswith="[демо]").exists():
        stdout.write("  demo plans already present")
        return
    worker = User.objects.filter(username="worker").first()
    colleague = User.objects.filter(username="worker2").first()
    case = (
        Case.objects.filter(
            summary__startswith="[демо]",
            created_by=worker,
            risk_level="high",
            confidential=False,
        )
        .exclude(status=CaseStatus.CLOSED)
        .order_by("-reported_at")
        .first()
    )
    if worker is None or case is None:
        stdout.write("  no demo case for plans")
        return
    worker._acting_membership = None
    services.safety_plan_save(
        actor=worker, case_id=case.pk, expected_version=0, content=_safety_content(case)
    )
    today = timezone.localdate()
    legal_aid = (
        Organisation.objects.filter(kind=OrganisationKind.LEGAL_AID_CENTRE, is_active=True).first()
        or case.owner
    )
    goals = [
        (
            "Безпечне житло для постраждалої особи та дітей",
            [
                services.ActionData(
                    text="Місце в притулку через лінію довіри 15-00",
                    organisation_id=case.owner_id,
                    person_id=worker.pk,
                    due_date=today + timedelta(days=2),
                    status="in_progress",
                ),
                services.ActionData(
                    text="Оцінка потреб дітей",
                    organisation_id=case.owner_id,
                    person_id=(colleague or worker).pk,
                    due_date=today + timedelta(days=7),
                ),
            ],
        ),
        (
            "Правовий захист",
            [
                services.ActionData(
                    text="Консультація щодо обмежувального припису",
                    organisation_id=legal_aid.pk,
                    due_date=today + timedelta(days=10),
                ),
            ],
        ),
    ]
    version = 0
    for text, actions in goals:
        plan = services.case_plan_goal_save(
            actor=worker,
            case_id=case.pk,
            expected_version=version,
            goal_id=None,
            text=text,
            actions=actions,
        )
        version = plan.version
    services.case_plan_submit(actor=worker, case_id=case.pk, expected_version=version)
    stdout.write(f"  plans: {case.number} (safety plan; case plan awaiting the head)")
