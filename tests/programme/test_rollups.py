"""The statistics rollups give every figure exactly as the base tables do, after any change."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Case, Participant, ParticipantRole, Person
from orders.models import RestrainingOrder
from portal.calendar import KYIV
from programme import rollups
from programme.figures import period_for
from programme.statistics import statistics, statistics_from_base_tables
from programme.synthetic import loader
from programme.tasks import refresh_statistics_rollups
from referrals.models import Referral, ReferralStatus

TODAY = date(2026, 12, 5)
PERIODS = [
    period_for("months", 2024, months=9),
    period_for("year", 2024),
    period_for("quarter", 2024, quarter=2),
    period_for("months", 2023, months=9),
]


@pytest.fixture
def city(db):
    from portal import demo as portal_demo
    from referrals.demo import seed_catalogue
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    portal_demo.seed(stdout=StringIO())
    seed_catalogue()
    loader.load(cases=400, seed=11, years=(2023, 2024))
    _children_on_the_side()


def _children_on_the_side() -> None:
    """The synthetic city has no child witnesses: add some, including a child who is a witness
    in one case and a victim in another on the same day (one child, counted once)."""
    cases = list(Case.objects.filter(year=2024).order_by("reported_at")[:6])
    for index, case in enumerate(cases[:4]):
        child = Person.objects.create(
            last_name=f"Дитина{index}", first_name="Тест", sex="F", birth_date=date(2015, 3, 3)
        )
        Participant.objects.create(case=case, person=child, role=ParticipantRole.CHILD_WITNESS)
    same_day = [c for c in cases[1:] if c.reported_at.date() == cases[0].reported_at.date()]
    witness = Participant.objects.filter(case=cases[0], role=ParticipantRole.CHILD_WITNESS).first()
    target = same_day[0] if same_day else cases[0]
    Participant.objects.create(case=target, person=witness.person, role=ParticipantRole.VICTIM)


def _unreferenced_case() -> Case:
    """A 2024 case without orders or referrals (those protect a case from deletion)."""
    return (
        Case.objects.filter(year=2024)
        .exclude(pk__in=Referral.objects.values("case_id"))
        .exclude(pk__in=RestrainingOrder.objects.values("case_id"))
        .order_by("pk")
        .first()
    )


def assert_equal_everywhere() -> None:
    for period in PERIODS:
        from_rollups = statistics(period, today=TODAY)
        from_base = statistics_from_base_tables(period, today=TODAY)
        assert from_rollups == from_base, period
    assert_people_counted()


def assert_people_counted() -> None:
    """PeopleCount is its PersonDay rows grouped, for every day, after every refresh."""
    columns = rollups.PEOPLE_COLUMNS
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, COUNT(*) FROM programme_personday GROUP BY {columns} "
            f"EXCEPT ALL SELECT {columns}, n FROM programme_peoplecount"
        )
        missing = cursor.fetchall()
        cursor.execute(
            f"SELECT {columns}, n FROM programme_peoplecount EXCEPT ALL "
            f"SELECT {columns}, COUNT(*) FROM programme_personday GROUP BY {columns}"
        )
        extra = cursor.fetchall()
    assert (missing, extra) == ([], [])


def test_every_figure_from_the_rollups_equals_the_straightforward_computation(city):
    assert_equal_everywhere()
    figures = statistics(PERIODS[0], today=TODAY)
    # The comparison compares something: the city has victims, repeat victims, children,
    # orders and accepted referrals in both years.
    assert figures["cases"]["victims"]["current"] > 100
    assert figures["cases"]["repeat_victims"]["current"] > 0
    assert figures["cases"]["children_affected"]["current"] >= 4
    assert figures["orders"]["urgent"]["current"] > 0
    assert figures["referrals"]["by_service"]
    assert any(figures["referrals"][f"service_{who}"] for who in ("women", "men", "children"))


def test_every_kind_of_change_is_followed_before_the_next_read(city):
    statistics(PERIODS[0], today=TODAY)  # the rollups are up to date
    victim = Participant.objects.filter(role=ParticipantRole.VICTIM, case__year=2024).first()
    # A victim turns out to have been a child; another one's sex was recorded wrongly.
    Person.objects.filter(pk=victim.person_id).update(birth_date=date(2012, 5, 5))
    other = Participant.objects.filter(role=ParticipantRole.VICTIM, case__year=2023).last()
    Person.objects.filter(pk=other.person_id).update(sex="M")
    # A report moves from 2024 to 2023 (a typo in its date), another is deleted.
    moved = Case.objects.filter(year=2024).order_by("pk")[5]
    Case.objects.filter(pk=moved.pk).update(reported_at=moved.reported_at - timedelta(days=366))
    _unreferenced_case().delete()
    Participant.objects.filter(role=ParticipantRole.OFFENDER, case__year=2024).first().delete()
    # Two records of one woman are merged: her participations move to one person.
    first, second = Participant.objects.filter(role=ParticipantRole.VICTIM).order_by("pk")[10:12]
    Participant.objects.filter(pk=second.pk).update(person=first.person)
    # An urgent order's initiator is corrected; a referral is accepted and the stay starts.
    order = RestrainingOrder.objects.filter(kind="urgent").first()
    RestrainingOrder.objects.filter(pk=order.pk).update(initiated_by="victim")
    referral = Referral.objects.filter(service="shelter").order_by("pk").first()
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.IN_PROGRESS,
        answered_at=referral.sent_at + timedelta(hours=2),
        started_at=referral.sent_at + timedelta(hours=3),
        completed_at=None,
    )
    assert rollups.pending()
    assert_equal_everywhere()
    assert not rollups.pending()


def _contents() -> dict[str, list]:
    with connection.cursor() as cursor:
        tables = {
            "daycount": "SELECT domain, day, figure, key, n FROM programme_daycount",
            "personday": "SELECT kind, day, person_id, service, sex, age_group, earlier, "
            "prev_kind, prev_repeat, prev_group, prev_child FROM programme_personday",
            "stay": "SELECT referral_id, sent_day, service, person_id, start_day, end_day "
            "FROM programme_stay",
            "peoplecount": f"SELECT {rollups.PEOPLE_COLUMNS}, n FROM programme_peoplecount",
        }
        result = {}
        for name, sql in tables.items():
            cursor.execute(sql + " ORDER BY 1, 2, 3, 4")
            result[name] = sorted(cursor.fetchall(), key=repr)
        return result


def test_rebuilding_from_nothing_gives_what_the_day_by_day_refreshes_gave(city):
    rollups.refresh()
    _unreferenced_case().delete()
    Person.objects.filter(
        pk=Participant.objects.filter(role=ParticipantRole.VICTIM).first().person_id
    ).update(approximate_age=70, birth_date=None)
    rollups.refresh()
    incremental = _contents()
    assert all(incremental[name] for name in ("personday", "peoplecount", "daycount", "stay"))
    rollups.rebuild()
    assert _contents() == incremental


def test_a_change_notes_only_the_days_it_touches(city):
    rollups.refresh()
    case = Case.objects.filter(year=2024).order_by("pk").first()
    Case.objects.filter(pk=case.pk).update(channel="email")
    with connection.cursor() as cursor:
        cursor.execute("SELECT domain, day FROM programme_rollupdirty")
        noted = cursor.fetchall()
    kyiv_day = case.reported_at.astimezone(KYIV).date()
    assert noted == [("cases", kyiv_day)]
    assert rollups.refresh() == 1
    assert rollups.refresh() == 0


def test_the_refresh_task_delivered_twice_recomputes_once(city):
    Case.objects.filter(year=2024).update(has_children=True)
    assert refresh_statistics_rollups() > 0
    assert refresh_statistics_rollups() == 0
    assert_equal_everywhere()


def test_the_command_finds_a_wrong_rollup_and_a_rebuild_repairs_it(city):
    out = StringIO()
    call_command("statistics_rollups", "verify", "--year", "2024", stdout=out)
    assert "every figure equal" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programme_daycount SET n = n + 1 WHERE id = "
            "(SELECT id FROM programme_daycount WHERE domain = 'cases' "
            "AND figure = 'registered' AND day >= '2024-01-01' ORDER BY day LIMIT 1)"
        )
    err = StringIO()
    with pytest.raises(CommandError, match="differ"):
        call_command("statistics_rollups", "verify", "--year", "2024", stdout=out, stderr=err)
    assert "cases.registered" in err.getvalue()
    out = StringIO()
    call_command("statistics_rollups", "rebuild", "--verify", "--year", "2024", stdout=out)
    assert "rebuilt" in out.getvalue() and "every figure equal" in out.getvalue()
