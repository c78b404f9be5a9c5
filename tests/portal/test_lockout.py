"""Lock-outs: per user name and address (django-axes), and per address whatever the user name."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.models import AuditAction, AuditEvent
from tests.factories import PASSWORD

LOGIN = "/account/login/"
STRANGER = "203.0.113.7"  # an address on the internet
OFFICE = "198.51.100.20"  # the City Centre's NAT address


def _login(client, username: str, password: str, *, ip: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _lock(client, username: str, *, ip: str):
    for _ in range(4):
        assert _login(client, username, "wrong", ip=ip).status_code == 200
    assert _login(client, username, "wrong", ip=ip).status_code == 429


def _guess_many_user_names(client, count: int, *, ip: str):
    for n in range(count):
        assert _login(client, f"guess-{n}", "wrong", ip=ip).status_code == 200


def test_five_wrong_passwords_lock_the_account_only_from_that_address(client, coordinator):
    _lock(client, "coordinator", ip=STRANGER)
    assert _login(client, "coordinator", PASSWORD, ip=STRANGER).status_code == 429
    response = _login(client, "coordinator", PASSWORD, ip=OFFICE)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_lock_out_page_is_in_ukrainian(client, coordinator):
    _lock(client, "coordinator", ip=STRANGER)
    page = _login(client, "coordinator", PASSWORD, ip=STRANGER).content.decode()
    assert "Обліковий запис тимчасово заблоковано" in page
    assert 'data-testid="locked-out"' in page


def test_right_password_during_a_lock_out_is_audited_as_locked_not_as_failed(client, coordinator):
    _lock(client, "coordinator", ip=STRANGER)
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count()
    assert _login(client, "coordinator", PASSWORD, ip=STRANGER).status_code == 429
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == failures
    refused = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).latest("at", "id")
    assert refused.username == "coordinator"
    assert refused.object_id == str(coordinator.pk)
    assert refused.ip == STRANGER
    assert refused.detail == "sign-in refused: account locked for this address"


def test_the_fifth_wrong_password_is_a_failure_and_the_start_of_a_lock_out(client, coordinator):
    _lock(client, "coordinator", ip=STRANGER)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 5
    locked = AuditEvent.objects.get(action=AuditAction.LOCKED_OUT)
    assert locked.detail == "too many failed sign-ins: account locked for this address"


def test_failures_over_many_user_names_refuse_the_address(client, coordinator, settings):
    limit = settings.PORTAL_ADDRESS_FAILURE_LIMIT
    _guess_many_user_names(client, limit - 1, ip=STRANGER)
    # The limit-th failure is still an ordinary wrong password ...
    assert _login(client, "guess-last", "wrong", ip=STRANGER).status_code == 200
    # ... after it the address is refused, even the right password of a real account.
    refused = _login(client, "coordinator", PASSWORD, ip=STRANGER)
    assert refused.status_code == 429
    assert 'data-testid="locked-out-address"' in refused.content.decode()
    assert _login(client, "coordinator", PASSWORD, ip=OFFICE).status_code == 302


def test_right_password_from_a_refused_address_is_audited_as_locked(client, coordinator, settings):
    _guess_many_user_names(client, settings.PORTAL_ADDRESS_FAILURE_LIMIT, ip=STRANGER)
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count()
    _login(client, "coordinator", PASSWORD, ip=STRANGER)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == failures
    refused = AuditEvent.objects.get(action=AuditAction.LOCKED_OUT)
    assert refused.username == "coordinator"
    assert refused.detail == "sign-in refused: too many failed sign-ins from this address"


@pytest.mark.parametrize(("minutes", "status"), [(14, 429), (16, 302)])
def test_refused_address_is_let_in_again_once_its_failures_leave_the_window(
    client, coordinator, settings, minutes, status
):
    settings.PORTAL_ADDRESS_FAILURE_WINDOW = timedelta(minutes=15)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _guess_many_user_names(client, settings.PORTAL_ADDRESS_FAILURE_LIMIT, ip=STRANGER)
        traveller.shift(timedelta(minutes=minutes))
        assert _login(client, "coordinator", PASSWORD, ip=STRANGER).status_code == status


def test_lock_out_counts_the_address_the_proxy_saw_not_one_the_client_claims(
    client, coordinator, settings
):
    # In production REMOTE_ADDR is the proxy; nginx appends the address it saw to whatever
    # X-Forwarded-For the client sent.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    def _via_proxy(password: str, *, seen: str, claimed: str):
        return client.post(
            LOGIN,
            {"username": "coordinator", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{claimed}, {seen}",
        )

    # The stranger claims to be the office, a different address each time: still locked out ...
    for n in range(5):
        _via_proxy("wrong", seen=STRANGER, claimed=f"192.0.2.{n}")
    assert _via_proxy(PASSWORD, seen=STRANGER, claimed=OFFICE).status_code == 429
    # ... and the office is not.
    assert _via_proxy(PASSWORD, seen=OFFICE, claimed=STRANGER).status_code == 302
