"""The portal's two PostgreSQL roles, and what the application's role may do.

Migrations run as the OWNER role, which creates and owns every table. The application
(gunicorn, the Celery worker and beat) connects as a separate APP role
(`settings.PORTAL_DB_APP_ROLE`, `portal_app` by default) that is neither a superuser nor an
owner: it cannot drop or disable the audit log's triggers, cannot set
`session_replication_role`, and cannot TRUNCATE. It reads and writes the app tables and uses
their sequences; the audit log it may only read and append to.

Plain SQL on a DB-API cursor (Django's or psycopg's) and no Django imports, so that migration
0003, `scripts/devservices.py` (on every start of the embedded server) and the tests all call the
same code. Every statement is idempotent.
"""

from __future__ import annotations

import re
from typing import Any

DEFAULT_APP_ROLE = "portal_app"
AUDIT_TABLE = "portal_auditevent"
SCHEMA = "public"

# The audit log refuses TRUNCATE (migration 0003) unless its owner, or a superuser, first says
# `SET LOCAL portal.allow_audit_truncate = on`. Only the test suite's table flush does.
ALLOW_AUDIT_TRUNCATE = "portal.allow_audit_truncate"
ALLOW_AUDIT_TRUNCATE_SQL = f"SET LOCAL {ALLOW_AUDIT_TRUNCATE} = on"

APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APP_SEQUENCE_PRIVILEGES = "USAGE, SELECT"
AUDIT_TABLE_PRIVILEGES = "SELECT, INSERT"

# Serialises concurrent callers (several `devservices.py env` at once): two GRANTs on the same
# catalogue row in parallel fail with "tuple concurrently updated"; two CREATE ROLEs collide.
_LOCK_KEY = 7_204_381_113

_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def quote_role(role: str) -> str:
    """The role as an SQL identifier; only plain lower-case names are accepted."""
    if not _ROLE_NAME.fullmatch(role):
        raise ValueError(f"{role!r} is not a valid role name (lower-case letters, digits, _).")
    return f'"{role}"'


def app_role_exists(cursor: Any, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def ensure_app_role(cursor: Any, *, role: str, password: str) -> bool:
    """Create the application's login role, or set its password; True when it was created.

    CREATE ROLE needs a superuser or a role with CREATEROLE. The new role has no superuser,
    CREATEDB, CREATEROLE, replication or row-security bypass, which are also PostgreSQL's
    defaults; `grant_app_role` refuses a role that is a superuser.
    """
    name = quote_role(role)
    literal = "'" + password.replace("'", "''") + "'"
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY + 1])
    if app_role_exists(cursor, role):
        cursor.execute(f"ALTER ROLE {name} WITH LOGIN PASSWORD {literal}")
        return False
    cursor.execute(
        f"CREATE ROLE {name} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
        f"NOBYPASSRLS PASSWORD {literal}"
    )
    return True


def grant_app_role(cursor: Any, *, role: str) -> None:
    """Give `role` the application's privileges in the current database.

    Run it as the owner role (the one that runs the migrations), inside a transaction. Tables
    that later migrations of the owner create get the same privileges by default; the audit
    log is then narrowed to SELECT and INSERT here, explicitly.
    """
    name = quote_role(role)
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    cursor.execute(
        "SELECT rolsuper, rolname = current_user FROM pg_roles WHERE rolname = %s", [role]
    )
    row = cursor.fetchone()
    if row is None:
        raise ValueError(f"The database role {role!r} does not exist.")
    superuser, is_current_user = row
    if superuser or is_current_user:
        raise ValueError(
            f"The application's role {role!r} must be neither a superuser nor the role that "
            "owns the tables: either could alter the audit log."
        )
    for statement in [
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {name}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {name}",
        f"GRANT {APP_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {SCHEMA} TO {name}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {SCHEMA} FROM {name}",
        f"GRANT {APP_SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {name}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA {SCHEMA} "
        f"GRANT {APP_TABLE_PRIVILEGES} ON TABLES TO {name}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA {SCHEMA} "
        f"GRANT {APP_SEQUENCE_PRIVILEGES} ON SEQUENCES TO {name}",
    ]:
        cursor.execute(statement)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{SCHEMA}.{AUDIT_TABLE}"])
    if cursor.fetchone()[0]:
        cursor.execute(f"REVOKE ALL ON {SCHEMA}.{AUDIT_TABLE} FROM {name}")
        cursor.execute(f"GRANT {AUDIT_TABLE_PRIVILEGES} ON {SCHEMA}.{AUDIT_TABLE} TO {name}")
