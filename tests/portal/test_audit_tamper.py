"""The audit log cannot be altered by the role the application connects as.

Each test logs in with psycopg as a fresh application role (the configured name with a random
suffix, so that a running demo's `portal_app` and its password are left alone), given its
privileges by `portal.dbroles.grant_app_role`, the function migration 0003 and
`scripts/devservices.py` use. The rows must be committed for that second session to see them,
hence transactional tests.
"""

from __future__ import annotations

import secrets

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from psycopg.errors import InsufficientPrivilege

from portal.audit import audit_record
from portal.dbroles import app_role_exists, grant_app_role, quote_role
from portal.models import AuditAction, AuditEvent, District

TRIGGERS = ["portal_audit_event_append_only", "portal_audit_event_no_truncate"]
UPDATE = "UPDATE portal_auditevent SET detail = 'forged' WHERE id = %(id)s"

TAMPERING = {
    "update": [UPDATE],
    "delete": ["DELETE FROM portal_auditevent WHERE id = %(id)s"],
    "truncate": ["TRUNCATE portal_auditevent"],
    "truncate after claiming the flush's setting": [
        "SET portal.allow_audit_truncate = on",
        "TRUNCATE portal_auditevent",
    ],
    "replica mode, then update": ["SET session_replication_role = replica", UPDATE],
    "drop the trigger": ["DROP TRIGGER portal_audit_event_append_only ON portal_auditevent"],
    "disable the trigger": [
        "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_audit_event_append_only"
    ],
    "disable every trigger": ["ALTER TABLE portal_auditevent DISABLE TRIGGER ALL"],
    "drop the table": ["DROP TABLE portal_auditevent"],
}


@pytest.fixture
def app_role(transactional_db):
    """A psycopg connection (autocommit) to the test database as an application role."""
    role = f"{settings.PORTAL_DB_APP_ROLE}_test_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(24)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE ROLE {quote_role(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            f"PASSWORD '{password}'"
        )
    with transaction.atomic(), connection.cursor() as cursor:
        grant_app_role(cursor, role=role)
    database = connection.settings_dict
    app = psycopg.connect(
        dbname=database["NAME"],
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=role,
        password=password,
        autocommit=True,
    )
    yield app
    app.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {quote_role(role)}")
        cursor.execute(f"DROP ROLE {quote_role(role)}")


@pytest.fixture
def event(owner):
    return audit_record(actor=owner, action=AuditAction.VIEW, obj=owner, detail="opened")


def enabled_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger "
            "WHERE tgrelid = 'portal_auditevent'::regclass AND tgenabled = 'O'"
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.parametrize("statements", TAMPERING.values(), ids=TAMPERING.keys())
def test_the_app_role_cannot_change_remove_or_unprotect_audit_events(app_role, event, statements):
    # Whichever statement fails first: `SET session_replication_role` already does.
    with pytest.raises(InsufficientPrivilege):
        for statement in statements:
            app_role.execute(statement, {"id": event.pk} if "%(id)s" in statement else None)
    event.refresh_from_db()
    assert event.detail == "opened"
    assert AuditEvent.objects.count() == 1
    assert enabled_triggers() == set(TRIGGERS)


def test_the_app_role_still_appends_to_and_reads_the_audit_log(app_role, event):
    columns = ", ".join(
        field.column for field in AuditEvent._meta.concrete_fields if not field.primary_key
    )
    appended = app_role.execute(
        f"INSERT INTO portal_auditevent ({columns}) "  # noqa: S608 — the model's own columns
        f"SELECT {columns} FROM portal_auditevent WHERE id = %s RETURNING id",
        [event.pk],
    ).fetchone()[0]
    assert app_role.execute("SELECT count(*) FROM portal_auditevent").fetchone()[0] == 2
    assert AuditEvent.objects.get(pk=appended).detail == "opened"


def test_the_app_role_reads_and_writes_ordinary_tables(app_role, organisations):
    district = app_role.execute(
        "INSERT INTO portal_district (slug, name, name_en, left_bank, position) "
        "VALUES ('test-district', 'Тестовий', 'Test', false, 99) RETURNING id"
    ).fetchone()[0]
    app_role.execute("UPDATE portal_district SET name_en = 'Tested' WHERE id = %s", [district])
    assert District.objects.get(pk=district).name_en == "Tested"
    app_role.execute("DELETE FROM portal_district WHERE id = %s", [district])
    assert not District.objects.filter(pk=district).exists()
    assert app_role.execute("SELECT count(*) FROM portal_district").fetchone()[0] == 10


def test_a_table_a_later_migration_creates_is_the_app_roles_to_write_but_not_to_truncate(
    app_role,
):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE portal_later (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            "note text)"
        )
    try:
        row = app_role.execute("INSERT INTO portal_later (note) VALUES ('a') RETURNING id")
        note = row.fetchone()[0]
        app_role.execute("UPDATE portal_later SET note = 'b' WHERE id = %s", [note])
        app_role.execute("DELETE FROM portal_later WHERE id = %s", [note])
        with pytest.raises(InsufficientPrivilege):
            app_role.execute("TRUNCATE portal_later")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE portal_later")


@pytest.mark.django_db
def test_the_configured_app_role_may_only_read_and_append_to_the_audit_log():
    role = settings.PORTAL_DB_APP_ROLE
    with connection.cursor() as cursor:
        if not app_role_exists(cursor, role):
            pytest.skip(f"no role {role} in this cluster (scripts/devservices.py creates it)")
        cursor.execute(
            "SELECT privilege, has_table_privilege(%s, 'portal_auditevent', privilege) "
            "FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) privilege",
            [role],
        )
        granted = {privilege for privilege, has in cursor.fetchall() if has}
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        superuser = cursor.fetchone()[0]
    assert granted == {"SELECT", "INSERT"}
    assert not superuser
