"""About 200 realistic, fictional cases over 2023–2024 in every district, and a recent tail.
Idempotent."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from faker import Faker

from cases import services
from cases.models import Case, CaseStatus, Channel, Need, Relationship, Task
from cases.risk import load_questionnaire
from portal.demo import DEMO_PASSWORD
from portal.models import District, Membership, Organisation, User
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


def _seed_cases(*, stdout) -> None:
    if Case.objects.filter(summary__startswith="[демо]").exists():
        stdout.write("  demo cases already present")
        return
    rng = random.Random(2024)
    fake = Faker("uk_UA")
    fake.seed_instance(2024)
    questionnaire = load_questionnaire()
    districts = {d.slug: d for d in District.objects.all()}
    workers = {slug: _workers(d, fake) for slug, d in districts.items()}
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
        data = services.IntakeData(
            district_id=districts[slug].pk,
            channel=rng.choice(CHANNELS),
            reported_at=reported_at,
            intake_scenario=rng.choice([1, 1, 2, 4, 5]),
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
        if status in (CaseStatus.MONITORING, CaseStatus.CLOSED):
            services.case_change_status(
                actor=actor,
                case_id=case.pk,
                status=status,
                reason="Безпеку відновлено, допомогу надано",
            )
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
