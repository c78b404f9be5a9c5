from django.conf import settings
from django.db import migrations

from portal import dbroles

# UPDATE and DELETE are refused row by row (0002); TRUNCATE skips row triggers, so it gets its
# own. Only the table's owner (or a superuser) who first runs
# `SET LOCAL portal.allow_audit_truncate = on` gets through: the test suite's table flush.
# The application's role has no TRUNCATE privilege at all and never reaches this trigger.
TRUNCATE_TRIGGER = """
CREATE OR REPLACE FUNCTION portal_audit_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('portal.allow_audit_truncate', true), '') = 'on'
       AND pg_has_role(
           current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER'
       ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'portal_auditevent is append-only: TRUNCATE is not allowed'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portal_audit_event_no_truncate
    BEFORE TRUNCATE ON portal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION portal_audit_event_no_truncate();
"""

DROP_TRUNCATE_TRIGGER = """
DROP TRIGGER IF EXISTS portal_audit_event_no_truncate ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_audit_event_no_truncate();
"""


def grant_app_role(apps, schema_editor):
    """The application's role, when this cluster has one, gets its privileges (portal/dbroles.py).

    A database without it (a single-role installation) migrates as before; create the role and
    run this migration's function, or start `scripts/devservices.py`, to add it later.
    """
    role = settings.PORTAL_DB_APP_ROLE
    with schema_editor.connection.cursor() as cursor:
        if dbroles.app_role_exists(cursor, role):
            dbroles.grant_app_role(cursor, role=role)


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_extensions_audit_trigger_districts")]

    operations = [
        migrations.RunSQL(TRUNCATE_TRIGGER, DROP_TRUNCATE_TRIGGER),
        migrations.RunPython(grant_app_role, migrations.RunPython.noop),
    ]
