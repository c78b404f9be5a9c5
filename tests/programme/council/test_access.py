"""Who sees which meetings and assignments: the secretariat and coordinators all, an executor
only its own organisation's assignments, case workers, police and providers nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from programme.council.models import AssignmentStatus

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"programme:council:{name}", args=args)


def test_the_secretariat_and_coordinators_see_every_meeting_and_assignment(
    client, personas, assignment
):
    for name in ("secretariat", "coordinator"):
        client.force_login(personas[name])
        assert client.get(_url("meetings")).status_code == 200
        page = client.get(_url("meeting", assignment.decision.item.meeting_id))
        assert "Підготувати проєкт розпорядження" in page.content.decode()
        control = client.get(_url("control"))
        assert "Підготувати проєкт розпорядження" in control.content.decode()
        assert client.get(_url("assignment", assignment.pk)).status_code == 200


def test_the_assignees_executor_sees_only_its_own_assignments(
    client, obolon_executor, executor, assignment, secretariat, decision, organisations
):
    from programme.council import services

    services.assignment_add(
        actor=secretariat,
        decision_id=decision.pk,
        assignee=organisations["city_centre"],
        text="Чуже доручення міському центру",
        term="щомісяця",
    )
    client.force_login(obolon_executor)
    mine = client.get(_url("my_assignments")).content.decode()
    assert "Підготувати проєкт розпорядження" in mine
    assert "Чуже доручення" not in mine
    assert client.get(_url("assignment", assignment.pk)).status_code == 200
    # meetings and the control list are the secretariat's
    assert client.get(_url("meetings")).status_code == 404
    assert client.get(_url("control")).status_code == 404

    client.force_login(executor)
    other = client.get(_url("my_assignments")).content.decode()
    assert "Чуже доручення" in other and "Підготувати проєкт розпорядження" not in other


def test_another_organisations_assignment_is_answered_like_a_missing_one(
    client, executor, assignment
):
    client.force_login(executor)
    foreign = client.get(_url("assignment", assignment.pk))
    missing = client.get(_url("assignment", 987654321))
    assert foreign.status_code == missing.status_code == 404
    report = client.post(_url("assignment_report", assignment.pk), {"text": "Чуже"})
    assert report.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED


def test_case_workers_police_and_providers_get_nothing_of_the_council(client, personas, assignment):
    for name in ("owner", "police", "provider", "admin"):
        client.force_login(personas[name])
        for url in (
            _url("meetings"),
            _url("control"),
            _url("my_assignments"),
            _url("members"),
            _url("assignment", assignment.pk),
            _url("minutes", assignment.decision.item.meeting_id),
        ):
            assert client.get(url).status_code == 404, (name, url)


def test_an_assignee_who_may_see_but_not_accept_gets_403(client, obolon_executor, assignment):
    client.force_login(obolon_executor)
    assert client.post(_url("assignment_accept", assignment.pk)).status_code == 403


def test_the_report_form_of_the_assignee_and_the_acceptance_of_the_secretariat(
    client, obolon_executor, secretariat, assignment
):
    client.force_login(obolon_executor)
    page = client.get(_url("assignment", assignment.pk)).content.decode()
    assert 'data-testid="report-form"' in page
    client.post(_url("assignment_report", assignment.pk), {"text": "Проєкт підготовлено"})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REPORTED

    client.force_login(secretariat)
    client.post(_url("assignment_accept", assignment.pk))
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DONE


def test_the_secretariat_prepares_a_meeting_in_the_browser_forms(client, secretariat, council):
    client.force_login(secretariat)
    answer = client.post(
        _url("meeting_new"), {"number": 12, "date": "2026-12-03", "form": "online", "place": ""}
    )
    assert answer.status_code == 302
    meeting_url = answer["Location"]
    pk = int(meeting_url.rstrip("/").rsplit("/", 1)[1])
    client.post(_url("item_add", pk), {"title": "Про стан виконання програми", "presenter": "Х"})
    client.post(_url("meeting_advance", pk))
    opened = client.get(_url("attendance", pk)).content.decode()
    [state] = re.findall(r'name="opened_state" value="([0-9a-f]+)"', opened)
    present = [council[0].pk, council[1].pk]
    client.post(_url("attendance", pk), {"present": present, "opened_state": state})
    page = client.get(meeting_url).content.decode()
    assert "Про стан виконання програми" in page
    assert 'data-testid="quorum"' in page
    assert "2 з 3" in page or "2 of 3" in page


def test_council_dates_are_typed_as_dd_mm_yyyy_and_never_as_a_native_date_input(
    client, secretariat, assignment
):
    """A native date input shows mm/dd/yyyy in an English Chromium; the council's forms use
    the portal's dd.mm.yyyy field and accept a typed Kyiv date."""
    client.force_login(secretariat)
    for url in (
        _url("meetings"),
        _url("meeting", assignment.decision.item.meeting_id),
        _url("members"),
        _url("item", assignment.decision.item_id),
        _url("assignment", assignment.pk),
        _url("memoranda"),
    ):
        page = client.get(url).content.decode()
        assert 'type="date"' not in page, url
    answer = client.post(
        _url("meeting_new"), {"number": 13, "date": "03.12.2026", "form": "online", "place": ""}
    )
    assert answer.status_code == 302
    meeting = client.get(answer["Location"]).content.decode()
    assert "03.12.2026" in meeting
