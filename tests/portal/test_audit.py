from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from portal.audit import audit_record
from portal.dbroles import ALLOW_AUDIT_TRUNCATE_SQL
from portal.models import AuditAction, AuditEvent


@pytest.fixture
def event(owner):
    return audit_record(actor=owner, action=AuditAction.VIEW, obj=owner, detail="opened")


def test_audit_record_fills_who_what_and_acting_organisation(event, owner):
    assert event.user == owner
    assert event.username == "owner"
    assert event.organisation.code == "css-darnytskyi"
    assert event.role == "social_worker"
    assert event.object_type == "portal.user"
    assert event.object_id == str(owner.pk)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE portal_auditevent SET detail = 'forged' WHERE id = %s",
        "DELETE FROM portal_auditevent WHERE id = %s",
    ],
)
def test_postgresql_rejects_changing_or_deleting_audit_events(event, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.detail == "opened"


def test_postgresql_rejects_truncating_the_audit_log_even_for_its_owner(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE portal_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_only_a_flush_that_says_so_may_empty_the_audit_log(event):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(ALLOW_AUDIT_TRUNCATE_SQL)
            cursor.execute("TRUNCATE portal_auditevent")
        assert not AuditEvent.objects.exists()
        transaction.set_rollback(True)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_orm_cannot_delete_audit_events_either(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_user_keeps_their_audit_trail(event, owner):
    owner.memberships.all().delete()
    owner.delete()
    event.refresh_from_db()
    assert event.username == "owner"


def test_audit_log_page_is_for_coordinators_and_administrators(client, personas, event):
    for name in ["coordinator", "admin"]:
        client.force_login(personas[name])
        response = client.get("/audit/")
        assert response.status_code == 200
        assert "owner" in response.content.decode()
    for name in ["owner", "provider", "police", "secretariat", "executor"]:
        client.force_login(personas[name])
        assert client.get("/audit/").status_code == 403


def test_audit_log_filters_by_action(client, coordinator, event):
    audit_record(actor=coordinator, action=AuditAction.EXPORT, object_type="x", detail="xlsx")
    client.force_login(coordinator)
    page = client.get("/audit/", {"action": "export"}).content.decode()
    assert "xlsx" in page
    assert "opened" not in page


def test_audit_log_tells_a_wrong_period_in_ukrainian(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/audit/", {"date_from": "10.10.2024", "date_to": "01.10.2024"})
    assert "Кінець періоду раніше за його початок" in page.content.decode()
