"""Dates and counts of a case have a sane domain: the form says so in Ukrainian, the database
refuses what slips past, and the migration repairs rows stored before the bounds existed."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from cases.forms import CaseIntakeForm, NeedsForm, PersonForm, TaskForm
from cases.models import Case, Incident, NeedsAssessment, Person, Task
from portal.models import District
from tests.cases.factories import register_case

repair = importlib.import_module("cases.migrations.0003_sane_domains").repair


def _intake_post(**extra):
    now = timezone.localtime()
    data = {
        "case-district": str(District.objects.get(slug="darnytskyi").pk),
        "case-channel": "phone",
        "case-intake_scenario": "1",
        "case-reported_at": (now - timedelta(hours=1)).strftime("%d.%m.%Y %H:%M"),
        "victim-last_name": "Ковальчук",
        "victim-first_name": "Ірина",
        "victim-sex": "F",
        "victim-birth_date": "12.04.1990",
        "offender-last_name": "Ковальчук",
        "offender-first_name": "Богдан",
        "offender-sex": "M",
        "offender-relation_to_victim": "spouse",
        "incident-occurred_at": (now - timedelta(hours=3)).strftime("%d.%m.%Y %H:%M"),
        "incident-forms": ["physical"],
        "needs-accompanying_children": "1",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("case-reported_at", "01.01.0001 10:00", "не може бути раніше за 01.01.2000"),
        ("case-reported_at", "01.06.1900 10:00", "не може бути раніше за 01.01.2000"),
        ("case-reported_at", "31.12.1999 23:59", "не може бути раніше за 01.01.2000"),
        ("incident-occurred_at", "01.01.0001 10:00", "не може бути раніше за 01.01.2000"),
        ("victim-birth_date", "01.01.0001", "не може бути раніше за 01.01.1900"),
        ("offender-birth_date", "31.12.1899", "не може бути раніше за 01.01.1900"),
        ("victim-approximate_age", "121", "120"),
        ("needs-accompanying_children", "31", "30"),
        ("victim-last_name", "Я" * 150, "Переконайтеся"),
    ],
)
def test_intake_refuses_an_insane_value_in_ukrainian_and_writes_nothing(
    client, owner, field, value, phrase
):
    client.force_login(owner)
    response = client.post("/cases/new/", _intake_post(**{field: value}))
    assert response.status_code == 200
    assert phrase in response.content.decode()
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_a_report_ten_minutes_ahead_is_clock_skew_for_the_form():
    # cases.services still refuses anything after now: see the report to the lead.
    ahead = (timezone.localtime() + timedelta(minutes=9)).strftime("%d.%m.%Y %H:%M")
    later = (timezone.localtime() + timedelta(minutes=12)).strftime("%d.%m.%Y %H:%M")
    assert "reported_at" not in CaseIntakeForm({"reported_at": ahead}).errors
    assert "reported_at" in CaseIntakeForm({"reported_at": later}).errors


def test_a_task_due_in_year_one_or_in_ten_years_is_refused_in_ukrainian(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    for due in ["01.01.0001", (timezone.localdate() + timedelta(days=3700)).strftime("%d.%m.%Y")]:
        with translation.override("uk"):
            form = TaskForm({"task-title": "Подзвонити", "task-due_date": due}, prefix="task")
            assert not form.is_valid()
            assert "Дата не може бути" in form.errors["due_date"][0]
        client.post(f"/cases/{case.pk}/tasks/", {"task-title": "Подзвонити", "task-due_date": due})
    assert not Task.objects.exists()


def test_person_and_needs_forms_name_their_bounds_in_ukrainian():
    with translation.override("uk"):
        person = PersonForm(
            {"last_name": "А", "first_name": "Б", "sex": "F", "birth_date": "01.01.2999"}
        )
        needs = NeedsForm({"accompanying_children": "-1"})
        assert "Дата народження не може бути в майбутньому." in person.errors["birth_date"]
        assert "Переконайтеся" in needs.errors["accompanying_children"][0]


def _refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_insane_dates_and_counts(owner):
    case = register_case(owner)
    person = case.participants.first().person
    assert _refused("UPDATE cases_case SET reported_at = '0001-01-01 BC' WHERE id = %s", [case.pk])
    assert _refused(
        "UPDATE cases_case SET reported_at = '1999-12-31 12:00+02' WHERE id = %s", [case.pk]
    )
    assert _refused("UPDATE cases_case SET reported_at = '2100-06-01' WHERE id = %s", [case.pk])
    assert _refused(
        "UPDATE cases_incident SET occurred_at = '0001-01-01' WHERE case_id = %s", [case.pk]
    )
    assert _refused("UPDATE cases_person SET birth_date = '1899-12-31' WHERE id = %s", [person.pk])
    assert _refused("UPDATE cases_person SET approximate_age = 121 WHERE id = %s", [person.pk])
    assert _refused(
        "UPDATE cases_needsassessment SET accompanying_children = 31 WHERE case_id = %s", [case.pk]
    )
    assert _refused(
        "INSERT INTO cases_task (case_id, title, due_date, created_by_id, created_at)"
        " VALUES (%s, 'x', '0001-01-01', %s, now())",
        [case.pk, owner.pk],
    )
    assert not _refused(
        "UPDATE cases_case SET reported_at = '2000-01-01 00:00+02' WHERE id = %s", [case.pk]
    )


def _drop_checks(*pairs: tuple[str, str]) -> None:
    """Inside the test's transaction: the rollback puts the constraints back."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
        for table, name in pairs:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")


def test_the_repair_turns_a_report_from_one_bc_into_a_sane_case(owner):
    case = register_case(owner, summary="Дзвінок сусідки")
    person = case.participants.first().person
    task = Task.objects.create(
        case=case, title="Візит", due_date=date(2025, 1, 1), created_by=owner
    )
    _drop_checks(
        ("cases_case", "case_reported_at_sane"),
        ("cases_incident", "incident_occurred_at_sane"),
        ("cases_person", "person_birth_date_sane"),
        ("cases_person", "person_approximate_age_sane"),
        ("cases_task", "task_due_date_sane"),
        ("cases_needsassessment", "needs_children_sane"),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET reported_at = '0001-01-01 BC' WHERE id = %s", [case.pk]
        )
        cursor.execute(
            "UPDATE cases_incident SET occurred_at = '2500-01-01' WHERE case_id = %s", [case.pk]
        )
        cursor.execute(
            "UPDATE cases_person SET birth_date = '0001-01-01', approximate_age = 300"
            " WHERE id = %s",
            [person.pk],
        )
        cursor.execute("UPDATE cases_task SET due_date = '0001-01-01' WHERE id = %s", [task.pk])
        cursor.execute(
            "UPDATE cases_needsassessment SET accompanying_children = 99 WHERE case_id = %s",
            [case.pk],
        )

    repair(apps, None)

    case.refresh_from_db()
    assert case.reported_at == timezone.make_aware(timezone.datetime(2000, 1, 1))
    assert case.summary.startswith("Дзвінок сусідки\n[Виправлено автоматично: дата звернення")
    assert "BC" in case.summary
    incident = Incident.objects.get(case=case)
    assert incident.occurred_at <= timezone.now()
    assert "2500" in incident.description
    person.refresh_from_db()
    assert (person.birth_date, person.approximate_age) == (None, None)
    task.refresh_from_db()
    assert task.due_date == date(2000, 1, 1)
    needs = NeedsAssessment.objects.get(case=case)
    assert needs.accompanying_children == 30
    assert "99" in needs.other
