"""Order dates and names have a sane domain: refused by the form in Ukrainian and by the
database; the migration repairs an order stored with a start in year one."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from orders.forms import BreachForm, ExtensionForm, RestrictiveOrderForm, UrgentOrderForm
from orders.models import Breach, RestrainingOrder
from tests.cases.factories import register_case
from tests.orders.factories import share_case_with, urgent

repair = importlib.import_module("orders.migrations.0002_sane_domains").repair


def _moment(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%d.%m.%Y %H:%M")


def _errors(form_class, data: dict) -> dict:
    with translation.override("uk"):
        form = form_class(data)
        form.is_valid()
        return {name: " ".join(errors) for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("issued_at", "01.01.0001 10:00", "не може бути раніше за 01.01.2000"),
        ("issued_at", _moment(timedelta(days=60)), "не може бути в майбутньому"),
        ("ends_at", "01.01.2100 10:00", "має бути раніше за 01.01.2100"),
        ("victim_last_name", "Я" * 150, "Переконайтеся"),
        ("offender_first_name", "Я" * 101, "Переконайтеся"),
        ("victim_birth_date", "01.01.0001", "не може бути раніше за 01.01.1900"),
    ],
)
def test_the_police_form_refuses_an_insane_value_in_ukrainian(db, field, value, phrase):
    assert phrase in _errors(UrgentOrderForm, {field: value})[field]


def test_a_restrictive_order_decided_tomorrow_or_ending_in_2100_is_refused():
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d.%m.%Y")
    errors = _errors(
        RestrictiveOrderForm,
        {"decision_date": tomorrow, "start": "01.01.1999", "end": "01.01.2100"},
    )
    assert "не може бути в майбутньому" in errors["decision_date"]
    assert "раніше за 01.01.2000" in errors["start"]
    assert "раніше за 01.01.2100" in errors["end"]


def test_an_extension_and_a_breach_keep_their_dates_sane():
    errors = _errors(ExtensionForm, {"end": "01.01.40000", "decision_number": "№" * 61})
    assert "end" in errors
    assert "Переконайтеся" in errors["decision_number"]
    assert (
        "раніше за 01.01.2000"
        in _errors(BreachForm, {"occurred_at": "01.01.0001 00:00"})["occurred_at"]
    )


def test_the_urgent_order_page_writes_nothing_for_an_order_issued_in_year_one(client, police):
    client.force_login(police)
    response = client.post(
        "/orders/urgent/new/",
        {"number": "ТЗП-9", "issued_at": "01.01.0001 10:00", "ends_at": _moment(timedelta(days=5))},
    )
    assert response.status_code in (200, 400)
    assert "раніше за 01.01.2000" in response.content.decode()
    assert not RestrainingOrder.objects.exists()


def _refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError:
        return True
    return False


@pytest.fixture
def order(owner, police):
    case = register_case(owner)
    share_case_with(police, case)
    return urgent(police, case)


def test_the_database_refuses_an_order_from_year_one(order):
    pk = [order.pk]
    assert _refused(
        "UPDATE orders_restrainingorder SET starts_at = '0001-01-01 BC' WHERE id = %s", pk
    )
    assert _refused("UPDATE orders_restrainingorder SET ends_at = '2100-06-01' WHERE id = %s", pk)
    assert _refused(
        "UPDATE orders_restrainingorder SET decision_date = '1999-12-31' WHERE id = %s", pk
    )
    assert _refused(
        "INSERT INTO orders_breach (order_id, occurred_at, description, consequence,"
        " recorded_by_id, recorded_at) VALUES (%s, '0001-01-01', 'x', 'pending', %s, now())",
        [order.pk, order.created_by_id],
    )


def test_the_repair_moves_an_order_from_year_one_into_the_register(order):
    Breach.objects.create(
        order=order,
        occurred_at=timezone.now(),
        description="Прийшов",
        consequence="pending",
        recorded_by=order.created_by,
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name in [
            ("orders_restrainingorder", "order_period_sane"),
            ("orders_restrainingorder", "order_decision_date_sane"),
            ("orders_breach", "breach_occurred_at_sane"),
        ]:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        cursor.execute(
            "UPDATE orders_restrainingorder SET starts_at = '0001-01-01 BC',"
            " decision_date = '0001-01-01' WHERE id = %s",
            [order.pk],
        )
        cursor.execute(
            "UPDATE orders_breach SET occurred_at = '0001-01-01' WHERE order_id = %s", [order.pk]
        )

    repair(apps, None)

    order.refresh_from_db()
    assert order.starts_at == timezone.make_aware(timezone.datetime(2000, 1, 1))
    assert order.ends_at > order.starts_at
    assert order.decision_date is None
    breach = order.breaches.get()
    assert timezone.localtime(breach.occurred_at).year == 2000
    assert "Виправлено автоматично" in breach.description
