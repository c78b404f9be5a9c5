"""A timeline entry does not make its case's day be counted again (issue 15).

cases 0013 keeps the moment of a case's newest timeline entry on the case (a trigger updates
cases_case on every entry). The rollups' trigger on cases_case noted the day of every updated
row; now an update that changed nothing but that moment notes nothing, so a note written on a
2019 case does not make the next statistics read recompute 2019's day.

Runs before cases 0013, whose backfill updates every case: with this function in place the
backfill notes no day. The comparison drops a key that a table without the column lacks, so the
function is exact before and after cases 0013; going back needs no other body.
"""

from django.db import migrations

KYIV_DAY = "((%s) AT TIME ZONE 'Europe/Kyiv')::date"

CASE_CHANGED = f"""
CREATE OR REPLACE FUNCTION programme_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO programme_rollupdirty (domain, day)
        SELECT DISTINCT 'cases', {KYIV_DAY % "reported_at"} FROM new_rows
        ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO programme_rollupdirty (domain, day)
        SELECT DISTINCT 'cases', {KYIV_DAY % "reported_at"} FROM old_rows
        ON CONFLICT DO NOTHING;
    ELSE
        -- The days before and after of the rows that changed in anything but last_activity_at.
        INSERT INTO programme_rollupdirty (domain, day)
        SELECT DISTINCT 'cases', {KYIV_DAY % "moment"}
        FROM new_rows n JOIN old_rows o ON o.id = n.id,
             LATERAL (VALUES (n.reported_at), (o.reported_at)) AS both_days(moment)
        WHERE to_jsonb(n) - 'last_activity_at' IS DISTINCT FROM to_jsonb(o) - 'last_activity_at'
        ON CONFLICT DO NOTHING;
        -- A report moved in time changes the "repeat" flag of its people's other days.
        PERFORM programme_mark_person_days(ARRAY(
            SELECT pa.person_id FROM cases_participant pa
            JOIN new_rows n ON n.id = pa.case_id JOIN old_rows o ON o.id = n.id
            WHERE n.reported_at IS DISTINCT FROM o.reported_at));
    END IF;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0012_statistics_rollups"),
    ]
    run_before = [("cases", "0013_case_last_activity")]

    operations = [migrations.RunSQL(CASE_CHANGED, migrations.RunSQL.noop)]
