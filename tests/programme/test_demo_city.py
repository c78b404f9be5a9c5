"""The demo city: Kyiv's magnitudes through COPY, every report section filled in its own period,
every row within the law and the models' constraints, nothing left for the demo accounts to do,
and a second start that adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.db import connection, transaction

from cases.models import Case, CaseStatus
from orders.models import Breach, OrderExtension, RestrainingOrder
from orders.rules import check_urgent_order, restrictive_bounds
from portal.calendar import KYIV
from programme.figures import period_for
from programme.statistics import statistics
from programme.synthetic.city import CITY_MARK, city_size, load_city
from programme.synthetic.followup import SERVICES
from referrals.models import OPEN_STATUSES, Referral

# Seven weeks after the 9-month report's period: everything in it has long been answered.
NOW = datetime(2024, 11, 20, 12, tzinfo=KYIV)
SCALE = 0.05  # 900 reports a year instead of 18,000


def _demo_world() -> None:
    """The demo's organisations, accounts and provider catalogue, which the city needs."""
    from portal import demo as portal_demo
    from referrals.demo import seed_catalogue
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    portal_demo.seed(stdout=StringIO())
    seed_catalogue()


@pytest.fixture(scope="module")
def loaded_city(django_db_setup, django_db_blocker):
    """One city for the module's read-only tests, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        _demo_world()
        yield load_city(now=NOW, scale=SCALE, seed=7)
        transaction.set_rollback(True)


@pytest.fixture
def city(loaded_city, db):
    return loaded_city


def _current(figure) -> float:
    return figure["current"] or 0


def test_the_city_has_kyivs_magnitudes_police_first_left_bank_most_pecherskyi_least(city):
    cases = Case.objects.filter(summary__startswith=CITY_MARK)
    assert cases.count() == city["cases_case"] == city_size(now=NOW, scale=SCALE)
    per_year = cases.filter(reported_at__year=2023).count()
    assert 0.9 * 18_000 * SCALE < per_year < 1.1 * 18_000 * SCALE
    figures = statistics(period_for("months", 2024, months=9))["cases"]
    channels = {k: _current(v) for k, v in figures["by_channel"].items()}
    assert channels["police"] > 0.7 * sum(channels.values())
    districts = {k: _current(v) for k, v in figures["by_district"].items()}
    assert min(districts, key=districts.get) == "pecherskyi"
    left_bank = [districts[s] for s in ("darnytskyi", "desnianskyi", "dniprovskyi")]
    assert min(left_bank) > max(districts[s] for s in ("podilskyi", "shevchenkivskyi"))
    assert not cases.filter(reported_at__gte=NOW).exists()


def test_every_section_of_the_9_month_report_has_figures_this_year_and_last(city):
    figures = statistics(period_for("months", 2024, months=9))
    for section, keys in {
        "cases": ["registered", "with_children", "victims", "repeat_victims"],
        "orders": [
            "urgent",
            "urgent_police_initiative",
            "urgent_on_application",
            "restrictive",
            "restrictive_extended",
            "breaches_urgent",
        ],
        "referrals": [
            "accepted_in_time",
            "median_response_hours",
            "shelter_placements",
            "shelter_bed_days",
        ],
    }.items():
        for key in keys:
            figure = figures[section][key]
            assert figure["current"] and figure["previous"], (section, key, figure)
    for group in ("by_form", "victim_sex", "victim_age", "offender_sex"):
        assert len(figures["cases"][group]) >= 2, group
    assert {"coordinator_notice", "needs_assessment", "psychological", "medical"} <= set(
        figures["referrals"]["by_service"]
    )


def test_referrals_reach_every_service_and_are_all_answered_on_their_own_dates(city):
    referrals = Referral.objects.filter(case__summary__startswith=CITY_MARK)
    assert set(referrals.values_list("service", flat=True)) == set(SERVICES)
    # Sent when the case came in, not when the city was loaded.
    months = {(r.year, r.month) for r in referrals.values_list("sent_at", flat=True)}
    assert len(months) > 30
    assert not referrals.filter(status__in=OPEN_STATUSES).exists()
    assert not referrals.filter(bed_taken=True).exists()
    for referral in referrals.exclude(answered_at=None):
        assert referral.sent_at < referral.answered_at < NOW
        if referral.completed_at:
            assert referral.answered_at <= referral.started_at <= referral.completed_at < NOW
    accepted = referrals.filter(status="completed").count()
    assert 0.8 < accepted / referrals.count() < 0.99
    # A declined referral passes on to the next provider.
    assert referrals.exclude(previous=None).exists()


def test_shelter_stays_never_take_more_beds_than_the_shelter_has(city):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.provider_id, p.capacity_total, MAX(("
            "  SELECT COUNT(*) FROM referrals_referral o WHERE o.provider_id = r.provider_id"
            "  AND o.status = 'completed' AND o.answered_at <= r.answered_at"
            "  AND o.completed_at > r.answered_at)) "
            "FROM referrals_referral r JOIN referrals_providerprofile p "
            "ON p.organisation_id = r.provider_id "
            "WHERE r.service IN ('shelter', 'crisis_room') AND r.status = 'completed' "
            "GROUP BY 1, 2"
        )
        rows = cursor.fetchall()
    assert rows
    for _provider, beds, busiest in rows:
        assert busiest <= beds


def test_orders_keep_the_law_and_none_is_still_in_force(city):
    orders = RestrainingOrder.objects.filter(case__summary__startswith=CITY_MARK)
    assert not orders.filter(ends_at__gte=NOW - timedelta(days=1)).exists()
    for order in orders.filter(kind="urgent").select_related("offender"):
        assert not check_urgent_order(
            issued_at=order.starts_at,
            ends_at=order.ends_at,
            measures=order.measures,
            offender_birth_date=order.offender.birth_date,
        )
    for order in orders.filter(kind="restrictive"):
        shortest, longest = restrictive_bounds(order.decision_date)
        assert shortest <= order.ends_at.astimezone(KYIV).date() <= longest
    for extension in OrderExtension.objects.filter(order__in=orders).select_related("order"):
        assert extension.starts_at > extension.order.ends_at
        assert extension.ends_at < NOW
    for breach in Breach.objects.filter(order__in=orders).select_related("order"):
        assert breach.order.starts_at < breach.occurred_at < breach.order.ends_at


def test_the_city_gives_the_demo_accounts_no_work(city):
    cases = Case.objects.filter(summary__startswith=CITY_MARK)
    assert not cases.exclude(responsible=None).exists()
    assert not cases.filter(status=CaseStatus.NEW).exists()
    # Closed once the work is done: everything older than five months.
    assert (
        not cases.filter(reported_at__lt=NOW - timedelta(days=151))
        .exclude(status=CaseStatus.CLOSED)
        .exists()
    )
    assert not Referral.objects.filter(
        case__in=cases, sent_by__username__in=["worker", "coordinator", "provider", "police"]
    ).exists()


def test_a_second_start_adds_nothing(city):
    before = Case.objects.count(), Referral.objects.count(), RestrainingOrder.objects.count()
    again = load_city(now=NOW + timedelta(days=3), scale=SCALE, seed=8)
    assert set(again.values()) == {0}
    assert (Case.objects.count(), Referral.objects.count(), RestrainingOrder.objects.count()) == (
        before
    )


def test_executors_report_every_ended_quarter_of_the_programme_once(db):
    _demo_world()
    from programme.demo import seed_progress, seed_windows
    from programme.models import Measure, Progress
    from programme.services import programme_import

    programme = programme_import()
    seed_windows()
    measures = Measure.objects.filter(task__programme=programme).count()
    with time_machine.travel(datetime(2024, 11, 20, 12, tzinfo=KYIV)):
        assert seed_progress(programme) == 11 * measures  # 2022 Q1 – 2024 Q3
    with time_machine.travel(datetime(2025, 1, 2, 12, tzinfo=KYIV)):
        assert seed_progress(programme) == measures  # 2024 Q4, once it has ended
        assert seed_progress(programme) == 0
    quarters = set(Progress.objects.values_list("year", "quarter"))
    assert quarters == {(y, q) for y in (2022, 2023, 2024) for q in (1, 2, 3, 4)}
