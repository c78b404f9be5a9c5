"""Statistics against hand-counted fixtures, with the previous-year counterpart and <5."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.models import District
from programme.figures import period_for
from programme.report import report_context
from programme.statistics import statistics
from tests.cases.factories import person, register_case

KYIV = ZoneInfo("Europe/Kyiv")


def _case(owner, when, *, district="darnytskyi", forms=("physical",), victim=None, **kw):
    return register_case(
        owner,
        district_id=District.objects.get(slug=district).pk,
        reported_at=when,
        victim=victim or person(last_name=f"Особа{when:%j%H%M}"),
        incident={"occurred_at": when - timedelta(hours=1), "forms": list(forms)},
        **kw,
    )


@pytest.fixture
def world(owner):
    at = lambda *a: datetime(*a, tzinfo=KYIV)  # noqa: E731
    # 2024, 1.1–30.9: six cases; one in October (outside). 2023, 1.1–30.9: three cases.
    first = _case(owner, at(2024, 1, 10, 12), forms=["physical", "psychological"])
    _case(owner, at(2024, 2, 29, 12), district="obolonskyi", forms=["economic"])
    _case(
        owner,
        at(2024, 5, 1, 12),
        victim=person(birth_date=date(2010, 1, 1)),
        children_service_notified=True,
    )
    _case(owner, at(2024, 6, 1, 12), victim=person(sex="M", last_name="Чоловік"))
    _case(owner, at(2024, 9, 30, 23), forms=["psychological"])
    repeat = first.participants.get(role="victim").person_id
    from cases.services import PersonData

    _case(
        owner,
        at(2024, 7, 7, 12),
        victim=PersonData(last_name="", first_name="", sex="F", existing_person_id=repeat),
    )
    _case(owner, at(2024, 10, 1, 0, 30))
    _case(owner, at(2023, 3, 3, 12))
    _case(owner, at(2023, 9, 30, 22), district="obolonskyi")
    _case(owner, at(2023, 6, 6, 12), forms=["sexual"])


def test_cases_registered_and_their_counterpart(world):
    figures = statistics(period_for("months", 2024, months=9))
    assert figures["cases"]["registered"] == {"current": 6, "previous": 3, "diff": 3, "pct": 100.0}
    assert figures["cases"]["by_district"]["obolonskyi"]["current"] == 1
    assert figures["cases"]["by_district"]["obolonskyi"]["previous"] == 1
    assert figures["cases"]["by_form"]["psychological"]["current"] == 2
    assert figures["cases"]["by_form"]["physical"]["current"] == 4
    assert figures["cases"]["by_form"]["sexual"]["previous"] == 1
    assert figures["cases"]["victim_sex"]["M"]["current"] == 1
    assert figures["cases"]["victim_age"]["0-17"]["current"] == 1
    assert figures["cases"]["repeat_victims"]["current"] == 1
    assert figures["cases"]["victims"]["current"] == 5  # six cases, one victim twice


def test_small_counts_leave_the_system_as_less_than_five(world):
    context = report_context(period_for("months", 2024, months=9))
    districts = {row["label"]: row for row in context["tables"]["district"]}
    assert districts["Оболонський"]["current"] == "<5"
    assert districts["Оболонський"]["pct"] is None
    # 5 + "<5" = 6 would give the 1 away: Darnytskyi's 5 is withheld with it (and the total).
    assert districts["Дарницький"]["current"] == "x"
    assert districts["Печерський"]["current"] == 0


def test_the_command_json_has_every_section(world, capsys):
    import json

    from django.core.management import call_command

    call_command("programme_report", "--year", "2024", "--months", "9", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"period", "previous", "cases", "orders", "referrals", "programme"}
    # Six cases, five in one district and one in another: the total would give the one away.
    assert data["cases"]["registered"]["current"] == "x"
    assert data["cases"]["registered"]["previous"] == "<5"
    assert data["cases"]["registered"]["pct"] is None
