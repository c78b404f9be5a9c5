from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.models import AuditAction, AuditEvent, RolePolicy
from tests.factories import PASSWORD

LOGIN = "/account/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_correct_password_signs_in_and_is_audited(client, owner):
    response = _login(client, "owner", PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, username="owner").exists()


def test_wrong_password_is_refused_with_a_ukrainian_message_and_audited(client, owner):
    response = _login(client, "owner", "wrong")
    assert response.status_code == 200
    assert "користувача або пароль" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.username == "owner"
    assert event.object_id == str(owner.pk)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, owner):
    for _ in range(4):
        assert _login(client, "owner", "wrong").status_code == 200
    locked = _login(client, "owner", "wrong")
    assert locked.status_code == 429
    assert "тимчасово заблоковано" in locked.content.decode()
    assert _login(client, "owner", PASSWORD).status_code == 429
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, username="owner").exists()


def test_lock_out_is_per_user_name_not_per_office(client, owner, colleague):
    for _ in range(5):
        _login(client, "owner", "wrong")
    assert _login(client, "colleague", PASSWORD).status_code == 302


def test_session_expires_after_thirty_idle_minutes(client, owner):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(owner)
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity renews the session
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # 58 minutes after sign-in, 29 idle
        traveller.shift(timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_role_requiring_two_factor_reaches_only_the_enrolment_page(client, coordinator, settings):
    settings.PORTAL_TWO_FACTOR_ROLES = ["coordinator"]
    client.force_login(coordinator)
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/")
    page = client.get(response["Location"]).content.decode()
    assert "data:image/svg+xml;base64," in page


def test_two_factor_code_verifies_and_opens_the_portal(client, coordinator, settings):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.PORTAL_TWO_FACTOR_ROLES = ["coordinator"]
    client.force_login(coordinator)
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=coordinator)
    wrong = client.post("/account/two-factor/", {"token": "000000"})
    assert "Код неправильний" in wrong.content.decode()
    # django-otp throttles after a wrong code; a user waits a few seconds before the next try.
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        device.refresh_from_db()
        token = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
        response = client.post("/account/two-factor/", {"token": token, "next": "/audit/"})
        assert response.status_code == 302
        assert response["Location"] == "/audit/"
        assert client.get("/audit/").status_code == 200


def test_administrator_can_require_two_factor_for_another_role(client, owner, settings):
    settings.PORTAL_TWO_FACTOR_ROLES = []
    RolePolicy.objects.create(role="social_worker", require_two_factor=True)
    client.force_login(owner)
    assert client.get("/")["Location"].startswith("/account/two-factor/")


@pytest.mark.parametrize(("confirmed", "asked"), [(True, True), (False, False)])
def test_whoever_confirmed_an_authenticator_is_always_asked_for_its_code(
    client, owner, settings, confirmed, asked
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.PORTAL_TWO_FACTOR_ROLES = []  # the role alone would not require it
    TOTPDevice.objects.create(user=owner, name="phone", confirmed=confirmed)
    client.force_login(owner)
    response = client.get("/")
    assert (response.status_code == 302 and "/account/two-factor/" in response["Location"]) is asked


def test_wrong_two_factor_code_is_audited_as_a_failed_sign_in(client, coordinator, settings):
    settings.PORTAL_TWO_FACTOR_ROLES = ["coordinator"]
    client.force_login(coordinator)
    client.get("/account/two-factor/")
    client.post("/account/two-factor/", {"token": "000000"})
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.username, event.detail) == ("coordinator", "wrong two-factor code")


def test_demo_coordinator_2fa_signs_in_with_the_code_of_the_printed_key(client, db, settings):
    import base64
    from io import StringIO

    from django_otp.oath import totp

    from portal import demo
    from tests.conftest import ensure_reference_data

    settings.PORTAL_TWO_FACTOR_ROLES = []  # as in the demo
    ensure_reference_data()
    out = StringIO()
    demo.seed(stdout=out)
    uri = next(word for word in out.getvalue().split() if word.startswith("otpauth://totp/"))
    assert f"secret={demo.TWO_FACTOR_SECRET}" in uri

    assert _login(client, "coordinator-2fa", demo.DEMO_PASSWORD).status_code == 302
    assert client.get("/")["Location"].startswith("/account/two-factor/")
    code = f"{totp(base64.b32decode(demo.TWO_FACTOR_SECRET)):06d}"
    assert client.post("/account/two-factor/", {"token": code})["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/audit/", "/cases/", "/notifications/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
