"""About 200 realistic, fictional cases over 2023–2024 in every district, and a recent tail.
Idempotent."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from faker import Faker

from cases import services
from cases.lifecycle import services as lifecycle
from cases.lifecycle import transfers
from cases.models import (
    Case,
    CaseStatus,
    CaseTransfer,
    Channel,
    ClosureReason,
    ClosureRequest,
    ClosureStatus,
    IntakeScenario,
    Need,
    Relationship,
    Task,
)
from cases.risk import load_questionnaire
from portal.demo import DEMO_PASSWORD
from portal.models import District, Membership, Notification, Organisation, User
from portal.roles import Role

# Left-bank districts report the most, Pecherskyi the fewest (DOMAIN.md §6).
WEIGHTS = {
    "darnytskyi": 16,
    "desnianskyi": 15,
    "dniprovskyi": 14,
    "holosiivskyi": 9,
    "obolonskyi": 9,
    "sviatoshynskyi": 9,
    "solomianskyi": 9,
    "shevchenkivskyi": 7,
    "podilskyi": 7,
    "pecherskyi": 3,
}
TOTAL = 200  # over 2023–2024, the period of the council's reports
RECENT = 40  # over the last 400 days
KYIV = ZoneInfo("Europe/Kyiv")
CHANNELS = [
    Channel.POLICE,
    Channel.PHONE,
    Channel.HOTLINE,
    Channel.IN_PERSON,
    Channel.SCHOOL,
    Channel.HEALTH,
    Channel.CHILDREN_SERVICE,
]
# The intake scenarios that fit each way a report comes in, so that a case's header and its
# overview tell one story: a clinic's report is someone else's, a walk-in is the victim's own.
SCENARIOS = {
    Channel.POLICE: [IntakeScenario.VICTIM_TO_POLICE, IntakeScenario.THIRD_PARTY_TO_POLICE],
    Channel.PHONE: [IntakeScenario.VICTIM_IN_PERSON, IntakeScenario.THIRD_PARTY],
    Channel.HOTLINE: [IntakeScenario.VICTIM_IN_PERSON, IntakeScenario.THIRD_PARTY],
    Channel.IN_PERSON: [IntakeScenario.VICTIM_IN_PERSON],
    Channel.SCHOOL: [IntakeScenario.THIRD_PARTY],
    Channel.HEALTH: [IntakeScenario.THIRD_PARTY],
    Channel.CHILDREN_SERVICE: [IntakeScenario.THIRD_PARTY],
}
FORMS = ["physical", "psychological", "economic", "sexual"]


def _workers(district: District, fake: Faker) -> list[User]:
    organisation = Organisation.objects.get(code=f"css-{district.slug}")
    users = list(
        User.objects.filter(
            memberships__organisation=organisation, memberships__role=Role.SOCIAL_WORKER
        ).order_by("pk")
    )
    for index in range(len(users), 2):
        user, _created = User.objects.get_or_create(
            username=f"worker-{district.slug}-{index + 1}",
            defaults={"first_name": fake.first_name_female(), "last_name": fake.last_name_female()},
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.get_or_create(
            user=user, organisation=organisation, role=Role.SOCIAL_WORKER
        )
        user.groups.add(organisation.group)
        users.append(user)
    return users


def _head(district: District, fake: Faker) -> User:
    """The head of the district's centre, who approves its closures (Darnytskyi: `head`)."""
    organisation = Organisation.objects.get(code=f"css-{district.slug}")
    head = (
        User.objects.filter(memberships__organisation=organisation, memberships__role=Role.HEAD)
        .order_by("pk")
        .first()
    )
    if head is None:
        head, _created = User.objects.get_or_create(
            username=f"head-{district.slug}",
            defaults={"first_name": fake.first_name_female(), "last_name": fake.last_name_female()},
        )
        head.set_password(DEMO_PASSWORD)
        head.save()
        Membership.objects.get_or_create(user=head, organisation=organisation, role=Role.HEAD)
        head.groups.add(organisation.group)
    return head


# Closed demo cases say why, as a worker would choose it.
DEMO_CLOSE_REASONS = [
    ClosureReason.GOALS_REACHED,
    ClosureReason.GOALS_REACHED,
    ClosureReason.MOVED_AWAY,
    ClosureReason.REFUSED,
    ClosureReason.CONTACT_LOST,
]


def _close(*, case: Case, worker: User, head: User) -> None:
    """Closed the way the portal closes a case: the worker asks, the centre's head approves.
    The reason follows the case's number, not the random generator, so that the rest of the
    demo stays the same as before closures needed approval."""
    worker._acting_membership = None
    head._acting_membership = None
    reason = DEMO_CLOSE_REASONS[case.pk % len(DEMO_CLOSE_REASONS)]
    request = lifecycle.closure_request(actor=worker, case_id=case.pk, reason=reason)
    lifecycle.closure_approve(actor=head, request_id=request.pk)
    # Long answered: their notices were read then (the demo's bells show only what is new).
    Notification.objects.filter(
        dedupe_key__in=[f"closure-requested:{request.pk}", f"closure-approved:{request.pk}"]
    ).update(read_at=timezone.now())


def seed_lead_requests(*, stdout) -> None:
    """What the demo `head` answers: one closure asked by `worker`, and one case that the
    Obolonskyi centre asks the Darnytskyi centre to take over. Idempotent."""
    darnytskyi = Organisation.objects.get(code="css-darnytskyi")
    worker = User.objects.get(username="worker")
    worker._acting_membership = None
    open_cases = Case.objects.exclude(status=CaseStatus.CLOSED).filter(
        summary__startswith="[демо]", confidential=False
    )
    waiting = ClosureRequest.objects.filter(
        status=ClosureStatus.PENDING, requested_by=worker, case__owner=darnytskyi
    )
    if not waiting.exists():
        case = (
            open_cases.filter(owner=darnytskyi, responsible=worker)
            .exclude(transfers__status="pending")
            .order_by("reported_at")
            .first()
        )
        if case is not None:
            lifecycle.closure_request(
                actor=worker,
                case_id=case.pk,
                reason=ClosureReason.MOVED_AWAY,
                reason_text="",
            )
    sender = User.objects.get(username="worker-obolon")
    sender._acting_membership = None
    if not CaseTransfer.objects.filter(requested_by=sender, to_organisation=darnytskyi).exists():
        case = (
            open_cases.filter(owner__code="css-obolonskyi", responsible=sender)
            .exclude(closure_requests__status="pending")
            .order_by("-reported_at")
            .first()
        )
        if case is not None:
            transfers.transfer_request(
                actor=sender,
                case_id=case.pk,
                to_organisation_id=darnytskyi.pk,
                reason="Постраждала переїхала до сестри в Дарницький район і звертатиметься "
                "до центру за місцем проживання.",
                keep_read=True,
            )
    stdout.write("  head: a closure and a transfer wait for an answer")


def _person(fake: Faker, rng: random.Random, sex: str, age: int, today) -> services.PersonData:
    female = sex == "F"
    birth = today - timedelta(days=age * 365 + rng.randint(0, 364))
    return services.PersonData(
        last_name=fake.last_name_female() if female else fake.last_name_male(),
        first_name=fake.first_name_female() if female else fake.first_name_male(),
        patronymic=fake.middle_name_female() if female else fake.middle_name_male(),
        sex=sex,
        birth_date=birth if rng.random() < 0.85 else None,
        approximate_age=age,
        disability=rng.random() < 0.06,
        displaced=rng.random() < 0.12,
        veteran=rng.random() < 0.04,
        phone=f"+38067{rng.randint(1000000, 9999999)}",
        address=f"м. Київ, {fake.street_name()}, {rng.randint(1, 120)}",
    )


def seed(*, stdout) -> None:
    _seed_cases(stdout=stdout)
    # One of the worker's cases gets a safety plan and a case plan awaiting the head.
    from cases.plans.demo import seed as seed_plans

    seed_plans(stdout=stdout)
    # The same case has a multidisciplinary team with a conference (cases.team).
    from cases.team.demo import seed as seed_team

    seed_team(stdout=stdout)


def _seed_cases(*, stdout) -> None:
    if Case.objects.filter(summary__startswith="[демо]").exists():
        stdout.write("  demo cases already present")
        seed_lead_requests(stdout=stdout)
        return
    rng = random.Random(2024)
    fake = Faker("uk_UA")
    fake.seed_instance(2024)
    questionnaire = load_questionnaire()
    districts = {d.slug: d for d in District.objects.all()}
    workers = {slug: _workers(d, fake) for slug, d in districts.items()}
    heads = {slug: _head(d, fake) for slug, d in districts.items()}
    start = datetime(2023, 1, 1, 9, 0, tzinfo=KYIV)
    span = (datetime(2024, 11, 15, 18, 0, tzinfo=KYIV) - start).total_seconds()
    slugs = [slug for slug, w in WEIGHTS.items() for _ in range(w)]
    # A repeat victim comes back to the same district's centre, which can see her first case.
    repeat_pool: dict[str, list[int]] = {}
    created = 0
    recent_start = timezone.now() - timedelta(days=400)
    recent_span = (timezone.now() - timedelta(hours=6) - recent_start).total_seconds()
    for index in range(TOTAL + RECENT):
        slug = "darnytskyi" if index < 24 or index >= TOTAL + RECENT - 8 else rng.choice(slugs)
        if index < TOTAL:
            reported_at = start + timedelta(seconds=rng.random() * span)
        else:
            # A smaller recent tail keeps today's dashboards and deadlines alive.
            reported_at = recent_start + timedelta(seconds=rng.random() * recent_span)
        today = reported_at.date()
        victim_age = rng.choice([9, 14, 16]) if rng.random() < 0.08 else rng.randint(19, 78)
        victim_sex = "F" if rng.random() < 0.82 else "M"
        victim = _person(fake, rng, victim_sex, victim_age, today)
        if repeat_pool.get(slug) and rng.random() < 0.12:
            # A repeat victim: the same person as in an earlier case.
            victim = services.PersonData(
                last_name="",
                first_name="",
                sex="F",
                existing_person_id=rng.choice(repeat_pool[slug]),
            )
        offender = _person(
            fake, rng, "M" if victim_sex == "F" else rng.choice("FM"), rng.randint(20, 65), today
        )
        offender.relation_to_victim = rng.choice(
            [
                Relationship.SPOUSE,
                Relationship.SPOUSE,
                Relationship.FORMER_SPOUSE,
                Relationship.COHABITANT,
                Relationship.CHILD,
                Relationship.PARENT,
            ]
        )
        forms = sorted(
            set(
                rng.sample(FORMS[:3], rng.randint(1, 2))
                + (["sexual"] if rng.random() < 0.07 else [])
            )
        )
        answers = {
            item.id: rng.random() < (0.04 if item.red_flag else 0.18)
            for item in questionnaire.items
        }
        children = rng.random() < 0.35
        needs = [
            n
            for n in (Need.SHELTER, Need.PSYCHOLOGICAL, Need.LEGAL, Need.MEDICAL, Need.SOCIAL)
            if rng.random() < 0.3
        ]
        actor = workers[slug][index % len(workers[slug])]
        if slug == "darnytskyi" and (index < 24 or index >= TOTAL + RECENT - 8):
            actor = User.objects.get(username="worker")
            if index < 6:
                answers["threats_to_kill"] = True
                children, needs = True, [Need.SHELTER, Need.LEGAL, Need.PSYCHOLOGICAL]
        actor._acting_membership = None
        channel = rng.choice(CHANNELS)
        data = services.IntakeData(
            district_id=districts[slug].pk,
            channel=channel,
            reported_at=reported_at,
            intake_scenario=rng.choice(SCENARIOS[channel]),
            summary=f"[демо] {fake.sentence(nb_words=12)}",
            consent_to_share=rng.random() < 0.7,
            children_service_notified=victim_age < 18 or children,
            victim=victim,
            offender=offender,
            incident={
                "occurred_at": reported_at - timedelta(hours=rng.randint(1, 72)),
                "place": rng.choice(["квартира", "приватний будинок", "гуртожиток", "вулиця"]),
                "forms": forms,
                "children_present": children,
                "injuries": "physical" in forms and rng.random() < 0.4,
                "weapons": rng.random() < 0.05,
                "police_called": rng.random() < 0.6,
                "description": fake.paragraph(nb_sentences=2),
            },
            needs=needs,
            accompanying_children=rng.randint(1, 3) if children and Need.SHELTER in needs else 0,
            risk_answers=answers,
        )
        case = services.case_register(actor=actor, data=data)
        created += 1
        repeat_pool.setdefault(slug, []).append(case.participants.get(role="victim").person_id)
        age_days = (timezone.now() - reported_at).days
        if age_days > 60:
            status = rng.choice(
                [CaseStatus.CLOSED, CaseStatus.CLOSED, CaseStatus.MONITORING, CaseStatus.IN_WORK]
            )
        else:
            status = rng.choice([CaseStatus.NEW, CaseStatus.IN_WORK, CaseStatus.IN_WORK])
        if status != CaseStatus.NEW:
            services.case_change_status(actor=actor, case_id=case.pk, status=CaseStatus.IN_WORK)
        if status == CaseStatus.MONITORING:
            services.case_change_status(actor=actor, case_id=case.pk, status=status)
        if status == CaseStatus.CLOSED:
            _close(case=case, worker=actor, head=heads[slug])
        if rng.random() < 0.5:
            services.note_add(actor=actor, case_id=case.pk, text=fake.paragraph(nb_sentences=2))
        if status != CaseStatus.CLOSED and rng.random() < 0.6:
            services.task_add(
                actor=actor,
                case_id=case.pk,
                title=rng.choice(
                    [
                        "Повторний візит",
                        "Оцінка потреб дітей",
                        "Зв'язатися з поліцією",
                        "Консультація юриста",
                    ]
                ),
                due_date=timezone.localdate() + timedelta(days=rng.randint(-10, 20)),
            )
    stdout.write(
        f"  cases: {created}, open tasks: {Task.objects.filter(done_at__isnull=True).count()}"
    )
    seed_lead_requests(stdout=stdout)
