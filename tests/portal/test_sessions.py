"""A signed-in session ends after thirty idle minutes, not thirty minutes after sign-in; visitors
get no session rows; a note posted into an ended session leads back to the case page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Note
from tests.cases.factories import register_case
from tests.factories import PASSWORD

LOGIN = "/account/login/"
KEEP_ALIVE = "/account/keep-alive/"
IDLE = timedelta(minutes=30)


def _expire_date(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_a_worker_who_keeps_working_stays_signed_in_and_the_expiry_moves(client, owner, clock):
    signed_in_at = timezone.now()
    client.force_login(owner)
    assert _expire_date(client) == signed_in_at + IDLE
    for minutes in (20, 40):
        clock.shift(timedelta(minutes=20))
        assert client.get("/").status_code == 200
        assert _expire_date(client) == signed_in_at + timedelta(minutes=minutes) + IDLE


def test_thirty_one_idle_minutes_end_the_session(client, owner, clock):
    client.force_login(owner)
    clock.shift(timedelta(minutes=20))
    assert client.get("/").status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_expiry_is_written_at_most_once_a_minute(client, owner, clock):
    signed_in_at = timezone.now()
    client.force_login(owner)
    clock.shift(timedelta(seconds=59))
    with CaptureQueriesContext(connection) as quiet:
        assert client.get("/").status_code == 200
    assert _expire_date(client) == signed_in_at + IDLE
    clock.shift(timedelta(seconds=1))
    with CaptureQueriesContext(connection) as renewing:
        assert client.get("/").status_code == 200
    assert _expire_date(client) == signed_in_at + timedelta(minutes=1) + IDLE
    # the renewal: SAVEPOINT, UPDATE django_session, RELEASE SAVEPOINT
    assert len(renewing) == len(quiet) + 3
    assert [q["sql"].split()[0] for q in renewing[-3:]] == ["SAVEPOINT", "UPDATE", "RELEASE"]


def test_background_polling_does_not_keep_the_session_alive(client, owner, clock):
    signed_in_at = timezone.now()
    client.force_login(owner)
    clock.shift(timedelta(minutes=20))
    response = client.get("/notifications/", headers={"X-Portal-Background": "1"})
    assert response.status_code == 200
    assert response["X-Session-Expires-In"] == str(10 * 60)
    assert _expire_date(client) == signed_in_at + IDLE


def test_the_page_knows_how_many_seconds_are_left(client, owner, clock):
    client.force_login(owner)
    clock.shift(timedelta(seconds=10))  # too soon to renew
    page = client.get("/").content.decode()
    assert 'data-session-expires-in="1790"' in page
    assert 'data-session-warning="120"' in page
    assert 'role="alertdialog"' in page


def test_visitors_create_no_session_rows(client, owner):
    assert client.get(LOGIN).status_code == 200
    assert client.get("/").status_code == 302
    assert client.post(LOGIN, {"username": "owner", "password": "wrong"}).status_code == 200
    assert not Session.objects.exists()


def test_stay_signed_in_renews_at_once_and_answers_204(client, owner, clock):
    client.force_login(owner)
    clock.shift(timedelta(seconds=10))  # within the minute the middleware would not renew
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 204
    assert response["X-Session-Expires-In"] == str(30 * 60)
    assert _expire_date(client) == timezone.now() + IDLE


def test_stay_signed_in_needs_a_signed_in_user_and_a_post(client, owner):
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not Session.objects.exists()
    client.force_login(owner)
    assert client.get(KEEP_ALIVE).status_code == 405


def test_a_note_posted_into_an_ended_session_leads_back_to_the_case_page(client, owner, clock):
    case = register_case(owner)
    page = f"/cases/{case.pk}/"
    client.force_login(owner)
    assert client.get(page).status_code == 200
    clock.shift(timedelta(minutes=31))

    lost = client.post(
        f"/cases/{case.pk}/notes/",
        {"note-text": "Дзвінок від сусідки"},
        headers={"Referer": f"http://testserver{page}#notes"},
    )
    assert lost.status_code == 302
    assert lost["Location"] == f"{LOGIN}?next={page.replace('/', '%2F')}"
    assert not Note.objects.filter(case=case).exists()

    signed_in = client.post(
        lost["Location"], {"username": "owner", "password": PASSWORD, "next": page}
    )
    assert signed_in["Location"] == page
    assert client.get(signed_in["Location"]).status_code == 200


def test_an_ended_post_from_another_site_or_without_referer_leads_to_the_dashboard(
    client, owner, clock
):
    case = register_case(owner)
    for headers in ({"Referer": "https://evil.example/cases/"}, {}):
        response = client.post(f"/cases/{case.pk}/notes/", {"note-text": "x"}, headers=headers)
        assert response["Location"] == LOGIN


def test_signing_out_still_leads_to_the_plain_sign_in_page(client, owner):
    client.force_login(owner)
    response = client.post("/account/logout/", headers={"Referer": "http://testserver/cases/"})
    assert response["Location"] == LOGIN
