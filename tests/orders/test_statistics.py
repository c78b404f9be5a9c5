"""Year-on-year figures against hand-counted fixtures."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from orders import services
from orders.statistics import order_year_on_year, statistics_context
from portal.disclosure import is_small
from portal.models import District
from tests.cases.factories import person, register_case
from tests.orders.factories import share_case_with

KYIV = ZoneInfo("Europe/Kyiv")


def _order(police, owner, when: datetime, district="darnytskyi", breach=False):
    case = register_case(
        owner,
        district_id=District.objects.get(slug=district).pk,
        reported_at=when,
        victim=person(last_name=f"Особа{when:%j%H}"),
        incident={"occurred_at": when - timedelta(hours=1), "forms": ["physical"]},
    )
    share_case_with(police, case)
    order = services.order_issue_urgent(
        actor=police,
        number=f"N{when:%Y%j%H}",
        issued_at=when,
        ends_at=when + timedelta(days=2),
        measures=["no_contact"],
        initiated_by="police",
        case_number=case.number,
    )
    if breach:
        services.breach_record(
            actor=police,
            order_id=order.pk,
            occurred_at=when + timedelta(days=1),
            description="x",
            consequence="administrative",
        )
    return order


@pytest.fixture
def orders(police, owner):
    # 2024, up to 17.10: three in Darnytskyi (one breached), one in Obolonskyi;
    # after 17.10.2024: one (not counted). 2023, up to 17.10: two; after: one (not counted).
    _order(police, owner, datetime(2024, 1, 1, 0, 30, tzinfo=KYIV), breach=True)
    _order(police, owner, datetime(2024, 5, 5, 12, tzinfo=KYIV))
    _order(police, owner, datetime(2024, 10, 17, 23, 30, tzinfo=KYIV))
    _order(police, owner, datetime(2024, 3, 3, 12, tzinfo=KYIV), district="obolonskyi")
    _order(police, owner, datetime(2024, 10, 18, 0, 30, tzinfo=KYIV))
    _order(police, owner, datetime(2023, 2, 2, 12, tzinfo=KYIV))
    _order(police, owner, datetime(2023, 10, 17, 20, tzinfo=KYIV), district="obolonskyi")
    _order(police, owner, datetime(2023, 12, 1, 12, tzinfo=KYIV))


def test_year_to_date_against_the_same_period_last_year(orders):
    figures = order_year_on_year(as_of=date(2024, 10, 17))
    assert figures["current"]["urgent"] == 4
    assert figures["previous"]["urgent"] == 2
    assert figures["current"]["breaches"] == 1
    assert figures["change_pct"]["urgent"] == 100.0
    assert figures["current"]["by_district"]["darnytskyi"]["urgent"] == 3
    assert figures["current"]["by_district"]["obolonskyi"]["urgent"] == 1
    assert figures["previous"]["by_district"]["obolonskyi"]["urgent"] == 1
    assert figures["current"]["by_district"]["pecherskyi"] == {
        "urgent": 0,
        "restrictive": 0,
        "breaches": 0,
    }


def test_29_february_compares_with_28_february(orders):
    figures = order_year_on_year(as_of=date(2024, 2, 29))
    assert figures["previous_as_of"] == "2023-02-28"
    assert (figures["current"]["urgent"], figures["previous"]["urgent"]) == (1, 1)


def _command(*args: str) -> dict:
    out = StringIO()
    call_command("order_stats", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_the_hand_counted_figures_as_json_when_asked_for_exact_ones(orders):
    printed = _command("--as-of", "2024-10-17", "--exact", "--format", "json")
    # Counted by hand from the fixture: 1.1–17.10.2024 has four urgent orders (three in
    # Darnytskyi, the first of them breached, one in Obolonskyi); 1.1–17.10.2023 has two.
    assert (printed["as_of"], printed["previous_as_of"]) == ("2024-10-17", "2023-10-17")
    assert printed["published"] is False
    assert {key: printed["current"][key] for key in ("urgent", "restrictive", "breaches")} == {
        "urgent": 4,
        "restrictive": 0,
        "breaches": 1,
    }
    assert {key: printed["previous"][key] for key in ("urgent", "restrictive", "breaches")} == {
        "urgent": 2,
        "restrictive": 0,
        "breaches": 0,
    }
    assert printed["change_pct"] == {"urgent": 100.0, "restrictive": None, "breaches": None}
    assert printed["current"]["by_district"]["darnytskyi"] == {
        "urgent": 3,
        "restrictive": 0,
        "breaches": 1,
    }
    assert printed["current"]["by_district"]["obolonskyi"]["urgent"] == 1
    assert printed["previous"]["by_district"]["darnytskyi"]["urgent"] == 1
    assert printed["previous"]["by_district"]["obolonskyi"]["urgent"] == 1
    assert printed["current"]["by_district"]["pecherskyi"]["urgent"] == 0


def test_the_command_counts_the_first_half_hour_of_the_year_in_kyiv_time(orders):
    printed = _command("--as-of", "2024-01-01", "--exact")
    # 01.01.2024 00:30 Kyiv is still 31.12.2023 in UTC; the order belongs to 2024.
    assert (printed["current"]["urgent"], printed["previous"]["urgent"]) == (1, 0)
    assert printed["current"]["by_district"]["darnytskyi"]["urgent"] == 1


def test_the_coordinator_sees_exact_counts_on_the_page_and_the_json_leaves_suppressed(
    client, orders, coordinator
):
    client.force_login(coordinator)
    page = client.get("/orders/statistics/", {"as_of": "2024-10-17"}).content.decode()
    assert 'data-testid="yoy-current-urgent">4<' in page
    assert "Особа" not in page  # aggregates only, never names
    data = client.get("/orders/statistics/", {"as_of": "2024-10-17", "format": "json"}).json()
    assert data["current"]["urgent"] == "<5"
    assert data["change_pct"]["urgent"] is None


def test_a_change_reads_as_on_the_statistics_page_signed_with_a_space_before_the_percent(
    client, orders, coordinator
):
    client.force_login(coordinator)
    page = client.get("/orders/statistics/", {"as_of": "2024-10-17"}).content.decode()
    kyiv = page[page.index('data-testid="yoy-current-urgent"') :]
    # Four orders against two a year earlier; Obolonskyi one against one.
    assert re.search(r'>4</td><td class="text-end">2</td><td class="text-end">\+100,0\xa0%<', kyiv)
    assert "0,0\xa0%" in page and "100.0%" not in page


def test_the_secretariat_counts_to_month_ends_only_and_sees_small_counts_suppressed(
    client, orders, secretariat
):
    client.force_login(secretariat)
    assert client.get("/orders/statistics/", {"as_of": "2024-10-17"}).status_code == 400
    json_day = client.get("/orders/statistics/", {"as_of": "2024-10-17", "format": "json"})
    assert json_day.status_code == 400
    page = client.get("/orders/statistics/", {"as_of": "2024-09-30"})
    assert page.status_code == 200
    assert 'data-testid="yoy-current-urgent">&lt;5<' in page.content.decode()
    assert 'data-suppressed="true"' in page.content.decode()  # the stub, not a bar
    data = client.get("/orders/statistics/", {"as_of": "2024-09-30", "format": "json"}).json()
    assert data["current"]["urgent"] == "<5"
    assert data["current"]["by_district"]["pecherskyi"]["urgent"] == 0


def _counts(figures: dict):
    """Every count of a year-on-year output, totals and districts."""
    for side in ("current", "previous"):
        for kind in ("urgent", "restrictive", "breaches"):
            yield figures[side][kind]
            for counts in figures[side]["by_district"].values():
                yield counts[kind]


def test_the_command_publishes_small_counts_suppressed_as_the_statistics_json_does(
    client, orders, secretariat
):
    # Issue 11: the command's output is for the aggregate roles; it printed Darnytskyi's 2 and
    # Obolonskyi's 1 as they are. 1.1–30.09.2024: Darnytskyi 2, Obolonskyi 1, Kyiv 3.
    printed = _command("--as-of", "2024-09-30", "--format", "json")
    assert printed["published"] is True
    assert set(printed) >= {"as_of", "previous_as_of", "current", "previous", "change_pct"}
    assert printed["current"]["by_district"]["darnytskyi"]["urgent"] == "<5"
    assert printed["current"]["by_district"]["obolonskyi"]["urgent"] == "<5"
    assert printed["current"]["urgent"] == "<5"
    assert printed["current"]["by_district"]["pecherskyi"]["urgent"] == 0
    assert not any(is_small(count) for count in _counts(printed))
    assert printed["change_pct"]["urgent"] is None
    client.force_login(secretariat)
    page_json = client.get("/orders/statistics/", {"as_of": "2024-09-30", "format": "json"})
    assert page_json.json() == printed


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["--as-of", "2024-10-17"], "останній день місяця"),
        (["--as-of", "17.10.2024"], "останній день місяця"),
        (["--as-of", "30.02.2024", "--exact"], "(дд.мм.рррр|dd.mm.yyyy)"),
        (["--as-of", "2024-02-30", "--exact"], "(дд.мм.рррр|dd.mm.yyyy)"),
        (["--as-of", "2000-12-31", "--exact"], "01.01.2001"),
    ],
)
def test_the_command_refuses_a_day_it_may_not_count_to_instead_of_counting_to_today(
    db, args, phrase
):
    with pytest.raises(CommandError, match=phrase):
        _command(*args)


def _issue_on(police, owner, when: datetime, number: str):
    case = register_case(
        owner,
        reported_at=when,
        victim=person(last_name=f"Особа{number}"),
        incident={"occurred_at": when - timedelta(hours=1), "forms": ["physical"]},
    )
    share_case_with(police, case)
    return services.order_issue_urgent(
        actor=police,
        number=number,
        issued_at=when,
        ends_at=when + timedelta(days=2),
        measures=["no_contact"],
        initiated_by="police",
        case_number=case.number,
    )


def test_the_end_of_february_2025_compares_with_the_end_of_february_2024_leap_day_included(
    police, owner
):
    # portal.calendar.same_day_a_year_earlier: the last day of February matches the last day of
    # February, so 1.1–28.02.2025 compares with 1.1–29.02.2024 and the leap day is counted
    # (the orders panel used to stop at 28.02.2024 while the statistics page counted it).
    _issue_on(police, owner, datetime(2024, 2, 29, 12, tzinfo=KYIV), "ТЗП-2902")
    _issue_on(police, owner, datetime(2024, 3, 1, 0, 30, tzinfo=KYIV), "ТЗП-0103")
    _issue_on(police, owner, datetime(2025, 2, 28, 23, 30, tzinfo=KYIV), "ТЗП-2802")
    figures = order_year_on_year(as_of=date(2025, 2, 28))
    assert figures["previous_as_of"] == "2024-02-29"
    assert (figures["current"]["urgent"], figures["previous"]["urgent"]) == (1, 1)
    context = statistics_context(as_of=date(2025, 2, 28), exact=True)
    assert context["previous_date"] == date(2024, 2, 29)
    assert context["figures"]["previous"]["by_district"]["darnytskyi"]["urgent"] == 1


@pytest.mark.parametrize("as_of", ["2024-13-45", "вчора", "1999-12-31", "2100-01-01"])
def test_a_bad_as_of_gives_a_clear_error_and_no_figures_of_another_day(
    client, orders, coordinator, as_of
):
    client.force_login(coordinator)
    response = client.get("/orders/statistics/", {"as_of": as_of})
    assert response.status_code == 400
    page = response.content.decode()
    assert any(
        hint in page
        for hint in ("дд.мм.рррр", "dd.mm.yyyy", "Введіть дату від 01.01.2001 до 31.12.2099")
    )
    assert "yoy-current-urgent" not in page  # not today's figures under the typed day
    data = client.get("/orders/statistics/", {"as_of": as_of, "format": "json"})
    assert data.status_code == 400
    assert data.json()["error"]


def test_the_secretariats_page_publishes_what_its_json_publishes_and_bars_tell_nothing_more(
    client, orders, secretariat
):
    client.force_login(secretariat)
    response = client.get("/orders/statistics/", {"as_of": "2024-09-30"})
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (
        figures
        == client.get("/orders/statistics/", {"as_of": "2024-09-30", "format": "json"}).json()
    )
    rows = {row["district"]: row for row in response.context["rows"]}
    darnytskyi, obolonskyi = rows["Дарницький"], rows["Оболонський"]
    # 1.1–30.09: Darnytskyi 2 and 1 a year earlier, Obolonskyi 1 and 0. The three small counts
    # are hidden and get no width; the 0 is shown as 0.
    assert darnytskyi["cur_hidden"] and darnytskyi["prev_hidden"] and obolonskyi["cur_hidden"]
    assert darnytskyi["cur_width"] == darnytskyi["prev_width"] == obolonskyi["cur_width"] == 0
    assert (obolonskyi["prev_hidden"], obolonskyi["previous"]["urgent"]) == (False, 0)
    assert darnytskyi["change"] is None and obolonskyi["change"] is None
    page = response.content.decode()
    stubs = re.findall(r"<svg[^>]*data-suppressed=\"true\".*?</svg>", page, flags=re.S)
    # One stub per hidden cell, identical whatever the hidden value (2 or 1): no information.
    assert len(stubs) == 3
    assert len(set(stubs)) == 1
    assert not any(is_small(count) for count in _counts(figures))
