"""The demo team: the case that has the demo plans gets a multidisciplinary team convened by
the worker — herself, the Darnytskyi police officer and the shelter's staff member — with one
case conference whose decisions are the members' tasks. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.models import SafetyPlan
from cases.team import services
from cases.team.models import CaseTeam
from portal.models import Membership, User


def seed(*, stdout) -> None:
    plan = SafetyPlan.objects.filter(case__summary__startswith="[демо]").select_related("case")
    plan = plan.first()
    if plan is None:
        return
    case = plan.case
    if CaseTeam.objects.filter(case=case).exists():
        stdout.write("  demo team already present")
        return
    worker = User.objects.get(username="worker")
    worker._acting_membership = None
    today = timezone.localdate()
    team = services.team_convene(
        actor=worker,
        case_id=case.pk,
        purpose="Повторне насильство, діти в родині; потрібні узгоджені дії поліції, "
        "центру соціальних служб і притулку.",
        ends_on=today + timedelta(days=60),
    )
    members = {}
    for username, role in (
        ("worker", "case_manager"),
        ("police", "police"),
        ("provider", "specialised"),
    ):
        membership = Membership.objects.filter(user__username=username, is_active=True).first()
        if membership is not None:
            members[username] = services.team_member_add(
                actor=worker, team_id=team.pk, membership_id=membership.pk, role=role
            )
    police = members.get("police")
    provider = members.get("provider")
    decisions = [
        services.DecisionInput(
            "Скласти та затвердити план безпеки з постраждалою", worker.pk, today + timedelta(2)
        )
    ]
    if police is not None:
        decisions.append(
            services.DecisionInput(
                "Перевірити дотримання термінового заборонного припису",
                police.user_id,
                today + timedelta(1),
            )
        )
    if provider is not None:
        decisions.append(
            services.DecisionInput(
                "Забезпечити місце в притулку на 30 днів", provider.user_id, today + timedelta(3)
            )
        )
    services.conference_record(
        actor=worker,
        team_id=team.pk,
        held_on=today - timedelta(days=1),
        form="mixed",
        situation="Постраждала з двома дітьми тимчасово у родичів. Кривдник порушив припис "
        "двічі за тиждень. Діти відвідують школу; класний керівник поінформований.",
        case_manager_id=worker.pk,
        present_ids=[m.pk for m in members.values()],
        next_review=today + timedelta(days=14),
        decisions=decisions,
    )
    stdout.write(f"  team: {case.number}, {len(members)} members, a conference")
