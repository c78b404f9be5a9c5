"""Year-on-year figures against hand-counted fixtures."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from orders import services
from orders.selectors import order_year_on_year
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


def test_the_command_prints_the_hand_counted_figures_as_json(orders):
    out = StringIO()
    call_command("order_stats", "--as-of", "2024-10-17", stdout=out)
    printed = json.loads(out.getvalue())
    # Counted by hand from the fixture: 1.1–17.10.2024 has four urgent orders (three in
    # Darnytskyi, the first of them breached, one in Obolonskyi); 1.1–17.10.2023 has two.
    assert (printed["as_of"], printed["previous_as_of"]) == ("2024-10-17", "2023-10-17")
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
    out = StringIO()
    call_command("order_stats", "--as-of", "2024-01-01", stdout=out)
    printed = json.loads(out.getvalue())
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
