"""Demo of the council's work: its members, the meeting of 17.10.2024 with its real agenda and
the assignment to the Department, and two later meetings with assignments in every status.

Not wired into seeding: call `council_demo_load()` (idempotent, by meeting numbers). The
members' names are illustrative; the positions and the agenda follow the council's practice.
The later meetings are dated relative to today, so that one assignment is always overdue and
one is always due within three days.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from portal.models import Organisation, OrganisationKind
from programme.council.models import (
    AgendaItem,
    Assignment,
    AssignmentEvent,
    AssignmentEventKind,
    AssignmentStatus,
    Attendance,
    CouncilMember,
    CouncilRole,
    Decision,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Memorandum,
    MemorandumReport,
)
from programme.council.selectors import kyiv_today, members_on

COUNCIL_FROM = date(2023, 3, 1)


def _org(code: str, kind: str, name: str, **extra) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        code=code, defaults={"kind": kind, "name": name, **extra}
    )
    return organisation


def _organisations() -> dict[str, Organisation]:
    return {
        "department": _org(
            "department",
            OrganisationKind.DEPARTMENT,
            "Департамент соціальної та ветеранської політики КМДА",
        ),
        "centre": _org(
            "city-centre",
            OrganisationKind.CITY_CENTRE,
            "Київський міський центр гендерної рівності, запобігання та протидії насильству",
        ),
        "ngo": _org(
            "ngo-partner",
            OrganisationKind.NGO,
            "ГО «Партнерська мережа протидії насильству» (ілюстративна)",
            under_memorandum=True,
        ),
        "police": _org(
            "police-city",
            OrganisationKind.POLICE_UNIT,
            "Головне управління Національної поліції у м. Києві",
        ),
        "children": _org(
            "children-city",
            OrganisationKind.CHILDREN_SERVICE,
            "Служба у справах дітей та сім'ї КМДА",
        ),
    }


def _members(orgs: dict[str, Organisation]) -> None:
    if CouncilMember.objects.exists():
        return
    rows = [
        ("Коваленко Ірина Петрівна", "заступник голови КМДА", None, CouncilRole.HEAD),
        (
            "Мельник Олег Васильович",
            "директор Департаменту соціальної та ветеранської політики",
            orgs["department"],
            CouncilRole.DEPUTY,
        ),
        (
            "Шевчук Наталія Іванівна",
            "начальник відділу Департаменту",
            orgs["department"],
            CouncilRole.SECRETARY,
        ),
        (
            "Бондар Світлана Олексіївна",
            "директор Київського міського центру гендерної рівності",
            orgs["centre"],
            CouncilRole.MEMBER,
        ),
        (
            "Ткаченко Андрій Миколайович",
            "заступник начальника ГУНП у м. Києві",
            orgs["police"],
            CouncilRole.MEMBER,
        ),
        (
            "Кравчук Олена Юріївна",
            "начальник Служби у справах дітей та сім'ї",
            orgs["children"],
            CouncilRole.MEMBER,
        ),
        ("Савченко Марія Андріївна", "голова правління ГО", orgs["ngo"], CouncilRole.MEMBER),
    ]
    for full_name, position, organisation, role in rows:
        CouncilMember.objects.create(
            full_name=full_name,
            position=position,
            organisation=organisation,
            role=role,
            date_from=COUNCIL_FROM,
        )


def _meeting(number: int, day: date, status: str, absent: int = 1) -> Meeting:
    meeting = Meeting.objects.create(
        number=number, date=day, form=MeetingForm.MIXED, place="вул. Хрещатик, 36", status=status
    )
    members = list(members_on(day))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, present=i >= absent) for i, m in enumerate(members)
    )
    return meeting


def _item(meeting, position, title, presenter, organisation, decided, notes="", speakers=""):
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        title=title,
        presenter=presenter,
        organisation=organisation,
        notes=notes,
        speakers=speakers,
    )
    decisions = [
        Decision.objects.create(item=item, sequence=n, number=f"{position}.{n}", text=text)
        for n, text in enumerate(decided, start=1)
    ]
    return item, decisions


def _assign(decision, assignee, text, status, *, deadline=None, term="", report=""):
    assignment = Assignment.objects.create(
        decision=decision,
        assignee=assignee,
        text=text,
        deadline=deadline,
        term=term,
        status=status,
        done_at=timezone.now() if status == AssignmentStatus.DONE else None,
    )
    if status in (AssignmentStatus.REPORTED, AssignmentStatus.DONE):
        AssignmentEvent.objects.create(
            assignment=assignment, kind=AssignmentEventKind.REPORTED, text=report or "Виконано."
        )
    if status == AssignmentStatus.DONE:
        AssignmentEvent.objects.create(assignment=assignment, kind=AssignmentEventKind.ACCEPTED)
    return assignment


def _october_2024(orgs) -> None:
    meeting = _meeting(3, date(2024, 10, 17), MeetingStatus.MINUTES_SIGNED)
    dep, centre, ngo, police = orgs["department"], orgs["centre"], orgs["ngo"], orgs["police"]
    take_note = "Інформацію взяти до відома."
    _item(
        meeting,
        1,
        "Про стан виконання міської цільової програми протидії домашньому насильству та "
        "насильству за ознакою статі за 9 місяців 2024 року",
        "Мельник О. В., директор Департаменту",
        dep,
        [take_note, "Виконавцям програми забезпечити виконання заходів до кінця року."],
        notes="Про виконання заходів програми за 9 місяців 2024 року та використання коштів.",
    )
    _item(
        meeting,
        2,
        "Про статистику домашнього насильства у місті Києві за 9 місяців 2024 року",
        "Бондар С. О., директор Київського міського центру гендерної рівності",
        centre,
        [take_note],
    )
    _item(
        meeting,
        3,
        "Про терміново заборонні приписи з початку 2024 року порівняно з відповідним "
        "періодом 2023 року",
        "Ткаченко А. М., заступник начальника ГУНП у м. Києві",
        police,
        [take_note],
    )
    item, procedure = _item(
        meeting,
        4,
        "Про проєкт Порядку взаємодії суб'єктів, що здійснюють заходи у сфері запобігання та "
        "протидії домашньому насильству і насильству за ознакою статі, у місті Києві",
        "Бондар С. О., директор Київського міського центру гендерної рівності",
        centre,
        [
            "Схвалити проєкт Порядку взаємодії в цілому.",
            "Департаменту соціальної та ветеранської політики підготувати проєкт розпорядження "
            "начальника Київської міської військової адміністрації про затвердження Порядку.",
        ],
        speakers="Мельник О. В., Кравчук О. Ю., Савченко М. А.",
    )
    _procedure_document(item)
    _item(
        meeting,
        5,
        "Про діяльність громадської організації-партнера в межах меморандуму про співпрацю "
        "з Департаментом",
        "Савченко М. А., голова правління ГО",
        ngo,
        [take_note, "Продовжити співпрацю в межах меморандуму."],
    )
    _assign(
        procedure[1],
        dep,
        "Підготувати проєкт розпорядження начальника Київської міської військової "
        "адміністрації про затвердження Порядку взаємодії та подати на погодження.",
        AssignmentStatus.DONE,
        deadline=date(2024, 12, 20),
        report="Проєкт розпорядження підготовлено й подано на погодження.",
    )


def _procedure_document(item: AgendaItem) -> None:
    """The procedure the item presented, as a document: presented at this meeting, approved by
    the head of the Kyiv City Military Administration (an illustrative order number), in force
    from 01.01.2025; the routing policy in force implements it."""
    from referrals.models import InteractionProcedure, ProcedureStatus, RoutingPolicy

    document = InteractionProcedure.objects.create(
        title="Порядок взаємодії суб'єктів у сфері запобігання та протидії домашньому "
        "насильству і насильству за ознакою статі у місті Києві",
        label="2024",
        status=ProcedureStatus.IN_FORCE,
        presented_on=item.meeting.date,
        approved_by="розпорядження начальника Київської міської військової адміністрації "
        "від 23.12.2024 № 000 (ілюстративний номер)",
        approved_on=date(2024, 12, 23),
        in_force_from=date(2025, 1, 1),
        note="Демонстраційний запис: номер розпорядження ілюстративний.",
    )
    item.procedure = document
    item.save(update_fields=["procedure"])
    RoutingPolicy.objects.filter(is_active=True, procedure__isnull=True).update(procedure=document)


def _later(orgs, today: date) -> None:
    dep, centre, ngo, police = orgs["department"], orgs["centre"], orgs["ngo"], orgs["police"]
    first = _meeting(4, today - timedelta(days=120), MeetingStatus.MINUTES_SIGNED)
    _, (d1,) = _item(
        first,
        1,
        "Про підсумки виконання міської цільової програми за 2022–2024 роки",
        "Мельник О. В., директор Департаменту",
        dep,
        ["Підготувати звіт про виконання програми та проєкт нової програми на 2025–2027 роки."],
    )
    _assign(
        d1,
        dep,
        "Підготувати проєкт міської цільової програми на 2025–2027 роки.",
        AssignmentStatus.IN_PROGRESS,
        deadline=today - timedelta(days=10),
    )
    _assign(
        d1,
        centre,
        "Подавати Департаменту аналітичну довідку про стан домашнього насильства.",
        AssignmentStatus.ASSIGNED,
        term="щокварталу до 10 числа наступного місяця",
    )
    _assign(
        d1,
        police,
        "Надати дані про терміново заборонні приписи за рік.",
        AssignmentStatus.DONE,
        deadline=today - timedelta(days=60),
        report="Дані надано листом.",
    )
    second = _meeting(5, today - timedelta(days=20), MeetingStatus.HELD)
    _, (d2,) = _item(
        second,
        1,
        "Про роботу мобільних бригад соціально-психологічної допомоги",
        "Бондар С. О., директор Київського міського центру гендерної рівності",
        centre,
        ["Забезпечити навчання працівників мобільних бригад."],
    )
    _assign(
        d2,
        centre,
        "Організувати навчання працівників мобільних бригад.",
        AssignmentStatus.IN_PROGRESS,
        deadline=today + timedelta(days=2),
    )
    _assign(
        d2,
        ngo,
        "Надати звіт про роботу в межах меморандуму за півріччя.",
        AssignmentStatus.REPORTED,
        deadline=today + timedelta(days=10),
        report="Звіт про роботу за півріччя надано: консультації, групи підтримки.",
    )
    _assign(
        d2,
        dep,
        "Поінформувати районні адміністрації про рішення ради.",
        AssignmentStatus.ASSIGNED,
        deadline=today + timedelta(days=30),
    )


@transaction.atomic
def council_demo_load(*, today: date | None = None) -> None:
    """Load the council's demo once; a second call changes nothing."""
    if Meeting.objects.filter(number__in=[3, 4, 5]).exists():
        return
    orgs = _organisations()
    _members(orgs)
    _october_2024(orgs)
    _later(orgs, today or kyiv_today())
    _memorandum(orgs)


def _memorandum(orgs) -> None:
    """The partner NGO's memorandum with the Department (illustrative number and term) and its
    report for the 9 months of 2024 that it presented on 17.10.2024."""
    memorandum = Memorandum.objects.create(
        number="01-12/45",
        signed_on=date(2023, 5, 15),
        partner=orgs["ngo"],
        parties=orgs["department"].name,
        valid_from=date(2023, 5, 15),
        valid_to=date(2026, 12, 31),
        areas="Психологічна та правнича допомога постраждалим особам; групи підтримки; "
        "інформаційні кампанії; навчання фахівців.",
        contact_person="Савченко М. А., голова правління ГО",
    )
    MemorandumReport.objects.create(
        memorandum=memorandum,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 9, 30),
        activities="Індивідуальні консультації психологів і юристів, 24 групи підтримки, "
        "два тренінги для фахівців районних центрів соціальних служб.",
        served={"psychological": 312, "legal_aid": 147, "social_services": 58},
    )
