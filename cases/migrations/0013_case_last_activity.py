"""The moment of a case's newest timeline entry, on the case itself (issue 15).

The head's "quiet cases" panel asked for the newest timeline entry of every open case of the
organisation: one index probe per case, 200 ms for an organisation with tens of thousands of
open cases. With the moment on the case, the panel is a range of the partial index case_quiet.

A trigger keeps it, not the services: every write path (the services, the admin, COPY loads,
depersonalisation) passes through it. Statement-level with transition tables, so a COPY of
20 000 entries updates each case once. A new entry can only move the moment forward
(GREATEST, which also holds when two transactions add entries to one case); an entry moved or
deleted makes the case's moment be read again from its entries.
"""

from django.db import migrations, models

FUNCTIONS = """
CREATE FUNCTION cases_event_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases_case c SET last_activity_at = GREATEST(c.last_activity_at, n.at)
    FROM (SELECT case_id, max(at) AS at FROM new_rows GROUP BY case_id) n
    WHERE c.id = n.case_id
      AND c.last_activity_at IS DISTINCT FROM GREATEST(c.last_activity_at, n.at);
    RETURN NULL;
END $$;

-- The moment again from the case's entries (index case, -at), for entries moved or deleted.
CREATE FUNCTION cases_read_last_activity(case_ids bigint[]) RETURNS void LANGUAGE sql AS $f$
    UPDATE cases_case c
    SET last_activity_at = (SELECT max(e.at) FROM cases_caseevent e WHERE e.case_id = c.id)
    WHERE c.id = ANY(case_ids);
$f$;

CREATE FUNCTION cases_event_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cases_read_last_activity(ARRAY(
        SELECT DISTINCT unnest(ARRAY[o.case_id, n.case_id])
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (n.case_id, n.at) IS DISTINCT FROM (o.case_id, o.at)));
    RETURN NULL;
END $$;

CREATE FUNCTION cases_event_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cases_read_last_activity(ARRAY(SELECT DISTINCT case_id FROM old_rows));
    RETURN NULL;
END $$;

CREATE TRIGGER cases_event_insert AFTER INSERT ON cases_caseevent
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_event_added();
CREATE TRIGGER cases_event_update AFTER UPDATE ON cases_caseevent
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION cases_event_moved();
CREATE TRIGGER cases_event_delete AFTER DELETE ON cases_caseevent
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_event_deleted();
"""

DROP = """
DROP TRIGGER IF EXISTS cases_event_delete ON cases_caseevent;
DROP TRIGGER IF EXISTS cases_event_update ON cases_caseevent;
DROP TRIGGER IF EXISTS cases_event_insert ON cases_caseevent;
DROP FUNCTION IF EXISTS cases_event_deleted();
DROP FUNCTION IF EXISTS cases_event_moved();
DROP FUNCTION IF EXISTS cases_read_last_activity(bigint[]);
DROP FUNCTION IF EXISTS cases_event_added();
"""

BACKFILL = """
UPDATE cases_case c SET last_activity_at = e.at
FROM (SELECT case_id, max(at) AS at FROM cases_caseevent GROUP BY case_id) e
WHERE e.case_id = c.id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_newest_people_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="last_activity_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=["owner", "last_activity_at"],
                name="case_quiet",
            ),
        ),
    ]
