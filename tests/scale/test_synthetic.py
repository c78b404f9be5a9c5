"""The synthetic loader: reproducible by seed, valid against every constraint, constant queries."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Person
from orders.models import RestrainingOrder
from programme.synthetic import loader
from referrals.models import Referral


@pytest.fixture
def city(db):
    from portal import demo as portal_demo
    from referrals.demo import seed_catalogue
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    portal_demo.seed(stdout=StringIO())
    seed_catalogue()


def _fingerprint(seed: int):
    with transaction.atomic():
        savepoint = transaction.savepoint()
        loader.load(cases=300, seed=seed, years=(2023, 2024))
        cases = list(
            Case.objects.order_by("number").values_list(
                "number", "reported_at", "district__slug", "forms", "risk_level", "status"
            )
        )
        people = list(
            Person.objects.order_by("search_name", "birth_date").values_list(
                "search_name", "birth_date", "sex"
            )
        )
        counts = (RestrainingOrder.objects.count(), Referral.objects.count())
        transaction.savepoint_rollback(savepoint)
    return cases, people, counts


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(city):
    first, again, other = _fingerprint(5), _fingerprint(5), _fingerprint(6)
    assert first == again
    assert first[0] != other[0]
    assert len(first[0]) == 300
    assert first[2][0] > 0 and first[2][1] > 0


def test_synthetic_cases_are_numbered_as_intake_numbers_them(city):
    """Six digits of serial, as cases.services.intake issues them: a short number typed by the
    police ("2023-7") finds a synthetic case as it finds a real one."""
    from orders.selectors import case_by_number
    from portal.models import User

    loader.load(cases=50, seed=4, years=(2023, 2023))
    numbers = list(Case.objects.filter(year=2023).values_list("number", flat=True))
    assert numbers and all(re.fullmatch(r"КИЇВ-2023-\d{6}", number) for number in numbers)
    coordinator = User.objects.get(username="coordinator")
    serial = int(numbers[0].rsplit("-", 1)[-1])
    assert case_by_number(user=coordinator, text=f"2023-{serial}").number == numbers[0]


def test_the_command_loads_and_reports_its_rate(city):
    out = StringIO()
    call_command(
        "seed_synthetic",
        "--cases",
        "200",
        "--seed",
        "3",
        "--years",
        "2022-2023",
        stdout=out,
        stderr=StringIO(),
    )
    assert "loaded 200 cases" in out.getvalue()
    assert Case.objects.filter(year__in=[2022, 2023]).count() == 200
    # Repeat victims and offenders appear at realistic rates.
    assert Person.objects.count() < 2 * 200


def test_the_case_list_runs_as_many_queries_on_50_as_on_500_synthetic_cases(city, client):
    from portal.models import User

    client.force_login(User.objects.get(username="coordinator"))
    before = Case.objects.count()  # the demo city's own cases
    loader.load(cases=50, seed=1, years=(2024, 2024))
    with CaptureQueriesContext(connection) as few:
        response = client.get("/cases/")
    # A redirect (to two-factor enrolment, to the login) would compare two empty pages.
    assert response.status_code == 200
    assert response.context["page"].paginator.count == before + 50
    assert len(response.context["page"].object_list) == 25
    loader.load(cases=450, seed=2, years=(2023, 2023))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/cases/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == before + 500
    assert len(response.context["page"].object_list) == 25
    assert len(few) == len(many)
