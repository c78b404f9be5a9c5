"""The portal's own endpoints, once doing their job and once refused: signing out, switching the
organisation one acts for, reading notifications, and the Django admin."""

from __future__ import annotations

from portal.models import AuditAction, AuditEvent, Membership, Notification
from portal.roles import Role
from tests.factories import MembershipFactory

LOGIN = "/account/login/"


def test_signing_out_ends_the_session_and_is_audited(client, owner):
    client.force_login(owner)
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get("/cases/")["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(username="owner", action=AuditAction.LOGOUT).exists()


def test_signing_out_by_a_link_is_refused_and_keeps_the_session(client, owner):
    client.force_login(owner)
    assert client.get("/account/logout/").status_code == 405
    assert client.get("/cases/").status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()


def test_a_worker_of_two_organisations_switches_to_the_shelter(client, owner, organisations):
    shelter = MembershipFactory(
        user=owner, organisation=organisations["shelter"], role=Role.PROVIDER_STAFF
    )
    client.force_login(owner)
    assert client.get("/referrals/").templates[0].name == "referrals/mine.html"
    response = client.post("/account/switch/", {"membership": shelter.pk})
    assert response.status_code == 302
    assert client.session["membership_id"] == shelter.pk
    assert client.get("/referrals/").templates[0].name == "referrals/inbox.html"


def test_nobody_switches_into_someone_elses_membership(client, owner, coordinator):
    theirs = Membership.objects.get(user=coordinator)
    client.force_login(owner)
    response = client.post("/account/switch/", {"membership": theirs.pk})
    assert response.status_code == 302
    assert "membership_id" not in client.session
    assert client.get("/audit/").status_code == 403
    assert client.get("/account/switch/").status_code == 405


def test_a_user_marks_their_notification_read(client, owner):
    notice = Notification.objects.create(user=owner, title="Нове направлення")
    client.force_login(owner)
    assert client.post("/notifications/", {"id": notice.pk}).status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_nobody_marks_someone_elses_notification_read(client, owner, colleague):
    notice = Notification.objects.create(user=colleague, title="Нове направлення")
    client.force_login(owner)
    assert client.post("/notifications/", {"id": notice.pk}).status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_administrator_opens_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200


def test_the_admin_sends_everyone_else_to_its_sign_in(client, personas):
    for name, user in personas.items():
        if name == "admin":
            continue
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302, name
        assert response["Location"].startswith("/admin/login/"), name
        assert client.get("/admin/portal/membership/add/").status_code == 302, name
    client.logout()
    assert client.get("/admin/").status_code == 302
