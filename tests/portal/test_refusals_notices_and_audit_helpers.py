"""What the portal core promises beside its pages: a refused page is an audit event with the
caller's real address, notices reach only their owner and only once, the city coordinators are
exactly the active ones of the city centre, system events carry a name, and demo data is never
seeded where it is not allowed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from portal.audit import SYSTEM_USERNAME, audit_read, audit_record
from portal.models import AuditAction, AuditEvent, Membership, Notification, Organisation
from portal.notifications import (
    absolute_url,
    city_coordinators,
    notification_mark_read,
    notification_send,
    unread_count,
)
from portal.roles import Role
from tests.factories import member

# --- a refused page ----------------------------------------------------------------------------


def test_a_refused_page_is_audited_with_its_path_and_the_callers_address(client, owner):
    client.force_login(owner)
    response = client.get("/audit/")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED)
    assert (event.username, event.object_type, event.object_id) == ("owner", "url", "/audit/")
    assert event.ip == "127.0.0.1"
    assert event.role == Role.SOCIAL_WORKER


def test_behind_the_proxy_the_audit_records_the_address_the_proxy_saw(client, owner, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.force_login(owner)
    client.get(
        "/audit/",
        headers={"x-forwarded-for": "203.0.113.66, 198.51.100.7", "x-forwarded-proto": "https"},
    )
    event = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED)
    # The first hop is whatever the client claimed; nginx appends the one it saw.
    assert event.ip == "198.51.100.7"


def test_without_a_proxy_a_forwarded_header_is_ignored(client, owner):
    client.force_login(owner)
    client.get("/audit/", headers={"x-forwarded-for": "203.0.113.66"})
    assert AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED).ip == "127.0.0.1"


def test_the_health_check_answers_json_to_get_only(client, db):
    assert client.get("/healthz").json() == {"status": "ok", "debug": False}
    assert client.post("/healthz").status_code == 405


# --- notices -----------------------------------------------------------------------------------


def test_the_notification_page_lists_only_ones_own_and_says_when_there_are_none(
    client, owner, colleague
):
    Notification.objects.create(user=colleague, title="Чуже направлення")
    client.force_login(owner)
    page = client.get("/notifications/").content.decode()
    assert "У вас немає сповіщень." in page and "Чуже направлення" not in page
    notice = Notification.objects.create(user=owner, title="Нове направлення", url="/referrals/1/")
    page = client.get("/notifications/").content.decode()
    # The link opens the notice (marking it seen), which leads on to /referrals/1/.
    opener = f'<a href="/notifications/{notice.pk}/" data-testid="notification-open">'
    assert f"{opener}Нове направлення</a>" in page
    assert "У вас немає сповіщень." not in page


def test_marking_all_read_from_the_page_refreshes_the_list_and_leaves_others_alone(
    client, owner, colleague
):
    for title in ("Перше", "Друге"):
        Notification.objects.create(user=owner, title=title)
    theirs = Notification.objects.create(user=colleague, title="Чуже")
    client.force_login(owner)
    response = client.post("/notifications/", headers={"hx-request": "true"})
    assert response.status_code == 200
    assert response.templates[0].name == "portal/_notifications.html"
    fragment = response.content.decode()
    assert "Перше" in fragment and "Друге" in fragment
    assert "list-group-item-warning" not in fragment  # nothing unread any more
    assert unread_count(owner) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_junk_notification_id_marks_nothing_read(owner):
    notice = Notification.objects.create(user=owner, title="Нове")
    assert notification_mark_read(user=owner, notification_id="1; DROP TABLE") == 0
    assert notification_mark_read(user=owner, notification_id=-notice.pk) == 0
    assert unread_count(owner) == 1
    assert notification_mark_read(user=owner, notification_id=notice.pk) == 1
    assert notification_mark_read(user=owner, notification_id=notice.pk) == 0


def test_one_notice_per_key_and_one_mail_per_notice(
    owner, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(user=owner, title="Ескалація", dedupe_key="esc:1")
        again = notification_send(user=owner, title="Ескалація", dedupe_key="esc:1")
    assert first is not None and again is None
    assert Notification.objects.filter(user=owner).count() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_a_notice_without_mail_or_without_an_address_sends_none(
    owner, colleague, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    colleague.email = ""
    colleague.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(user=owner, title="Лише в порталі", email=False)
        notification_send(user=colleague, title="Немає адреси")
    assert mail.outbox == []
    assert unread_count(owner) == 1 and unread_count(colleague) == 1


def test_a_long_title_is_cut_to_what_the_bell_holds(owner):
    notice = notification_send(user=owner, title="Я" * 250, email=False)
    notice.refresh_from_db()
    assert notice.title == "Я" * 200


def test_an_absolute_link_is_kept_and_a_path_gets_the_portals_address(settings):
    settings.PORTAL_SITE_URL = "https://portal.kyiv.example"
    assert absolute_url("/cases/5/") == "https://portal.kyiv.example/cases/5/"
    assert absolute_url("https://other.example/x") == "https://other.example/x"
    assert absolute_url("") == ""


def test_city_coordinators_are_the_active_ones_of_the_city_centre_only(coordinator, organisations):
    suspended = member(Role.COORDINATOR, organisations["city_centre"], "suspended_coordinator")
    Membership.objects.filter(user=suspended).update(is_active=False)
    departed = member(Role.COORDINATOR, organisations["city_centre"], "departed_coordinator")
    departed.is_active = False
    departed.save(update_fields=["is_active"])
    member(Role.COORDINATOR, organisations["department"], "department_coordinator")
    member(Role.SOCIAL_WORKER, organisations["city_centre"], "city_worker")
    assert [user.username for user in city_coordinators()] == ["coordinator"]


# --- the audit helpers -------------------------------------------------------------------------


def test_an_event_without_a_person_is_the_systems_or_the_named_processs(db):
    system = audit_record(actor=None, action=AuditAction.UPDATE, detail="re-routed")
    named = audit_record(actor=None, action=AuditAction.UPDATE, username="beat")
    for event in (system, named):
        event.refresh_from_db()
        assert (event.user, event.organisation_id, event.role, event.ip) == (None, None, "", None)
    assert (system.username, named.username) == (SYSTEM_USERNAME, "beat")


def test_an_event_records_the_object_and_cuts_a_long_detail(owner, organisations):
    shelter = organisations["shelter"]
    event = audit_record(
        actor=owner, action=AuditAction.UPDATE, obj=shelter, detail="ї" * 600, object_id=None
    )
    event.refresh_from_db()
    assert (event.object_type, event.object_id) == ("portal.organisation", str(shelter.pk))
    assert event.detail == "ї" * 500
    assert event.organisation_id == organisations["css_darnytskyi"].pk


def test_a_page_that_showed_nobody_writes_no_read_event(owner):
    audit_read(actor=owner, object_type="cases.case", ids=[])
    assert not AuditEvent.objects.exists()
    audit_read(actor=owner, object_type="cases.case", ids=[3, 1, 2], what="search")
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.detail) == (
        AuditAction.VIEW,
        "cases.case",
        "search: 3,1,2",
    )


def test_a_read_of_more_records_than_one_detail_holds_writes_every_id_whole(owner):
    ids = list(range(100_001, 100_151))  # an inbox of 150 referrals: 1 049 characters of ids
    audit_read(actor=owner, object_type="referrals.referral", ids=ids, what="inbox")
    details = list(AuditEvent.objects.order_by("pk").values_list("detail", flat=True))
    assert len(details) == 3
    assert all(len(detail) <= 500 and detail.startswith("inbox: ") for detail in details)
    written = [int(i) for detail in details for i in detail.removeprefix("inbox: ").split(",")]
    assert written == ids


def test_the_last_id_of_a_detail_cut_before_reads_were_split_is_not_named():
    from portal.audit_words import read_ids

    cut = ("list: " + ",".join(str(n) for n in range(100_001, 100_100)))[:500]
    assert cut.endswith(",1000")  # inside 100 0xx: it would name another record
    ids = read_ids(cut)
    assert ids[-1] != "1000" and all(len(i) == 6 for i in ids)
    assert read_ids("list: 7,8") == ["7", "8"]


# --- demo data ---------------------------------------------------------------------------------


def test_demo_data_is_refused_outside_debug_unless_allowed_and_nothing_is_made(db, settings):
    settings.DEBUG = False
    settings.PORTAL_DEMO_ALLOWED = False
    before = Organisation.objects.count()
    err = StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("seed_demo", stdout=StringIO(), stderr=err)
    assert stopped.value.code == 2
    assert "Refusing to seed demo data: set PORTAL_DEMO=1" in err.getvalue()
    assert Organisation.objects.count() == before
