"""Exact statistics rollups (issue 15): per-day counts and per-day people, kept by triggers.

The triggers only note which Kyiv days changed (`programme_rollupdirty`); programme.rollups
recomputes those days from the base tables before statistics are read, and a beat task does the
same every minute. Triggers, not calls in services, so that no write path can be forgotten:
intake, edits, merges and their undo, depersonalisation, deletions, the admin and bulk COPY
loads all pass through them. Statement-level triggers with transition tables, so a COPY of
20 000 cases notes its days in one INSERT.
"""

from django.db import migrations, models

KYIV_DAY = "((%s) AT TIME ZONE 'Europe/Kyiv')::date"


def _own_days(domain: str, column: str) -> str:
    """The trigger body that notes the days of the changed rows themselves, before and after."""
    return "\n".join(
        f"""    IF TG_OP IN ({ops}) THEN
        INSERT INTO programme_rollupdirty (domain, day)
        SELECT DISTINCT '{domain}', {KYIV_DAY % column} FROM {rows}
        ON CONFLICT DO NOTHING;
    END IF;"""
        for ops, rows in (("'INSERT', 'UPDATE'", "new_rows"), ("'DELETE', 'UPDATE'", "old_rows"))
    )


OWN_DAYS = {
    "cases": _own_days("cases", "reported_at"),
    "orders": _own_days("orders", "starts_at"),
    "referrals": _own_days("referrals", "sent_at"),
}

FUNCTIONS = f"""
-- Every day on which one of these people is a participant of a case (any role: a victim's
-- earlier report changes her later days' "repeat" flag; sex and age change every day).
CREATE FUNCTION programme_mark_person_days(person_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO programme_rollupdirty (domain, day)
    SELECT DISTINCT 'cases', {KYIV_DAY % "c.reported_at"}
    FROM cases_participant pa JOIN cases_case c ON c.id = pa.case_id
    WHERE pa.person_id = ANY(person_ids)
    ON CONFLICT DO NOTHING;
    INSERT INTO programme_rollupdirty (domain, day)
    SELECT DISTINCT 'orders', {KYIV_DAY % "o.starts_at"}
    FROM orders_restrainingorder o WHERE o.offender_id = ANY(person_ids)
    ON CONFLICT DO NOTHING;
    INSERT INTO programme_rollupdirty (domain, day)
    SELECT DISTINCT 'referrals', {KYIV_DAY % "r.sent_at"}
    FROM cases_participant pa JOIN referrals_referral r ON r.case_id = pa.case_id
    WHERE pa.person_id = ANY(person_ids)
    ON CONFLICT DO NOTHING;
$$;

CREATE FUNCTION programme_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{OWN_DAYS["cases"]}
    IF TG_OP = 'UPDATE' THEN
        -- A report moved in time changes the "repeat" flag of its people's other days.
        PERFORM programme_mark_person_days(ARRAY(
            SELECT pa.person_id FROM cases_participant pa
            JOIN new_rows n ON n.id = pa.case_id JOIN old_rows o ON o.id = n.id
            WHERE n.reported_at IS DISTINCT FROM o.reported_at));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION programme_participant_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM programme_mark_person_days(ARRAY(SELECT person_id FROM new_rows));
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM programme_mark_person_days(ARRAY(SELECT person_id FROM old_rows));
        -- The case itself (its people may all be gone from it now).
        INSERT INTO programme_rollupdirty (domain, day)
        SELECT DISTINCT 'cases', {KYIV_DAY % "c.reported_at"}
        FROM old_rows o JOIN cases_case c ON c.id = o.case_id
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION programme_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM programme_mark_person_days(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.sex, n.birth_date, n.approximate_age)
              IS DISTINCT FROM (o.sex, o.birth_date, o.approximate_age)));
    RETURN NULL;
END $$;

CREATE FUNCTION programme_referral_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{OWN_DAYS["referrals"]}
    RETURN NULL;
END $$;

CREATE FUNCTION programme_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{OWN_DAYS["orders"]}
    RETURN NULL;
END $$;
"""


def _triggers(table: str, function: str, events=("INSERT", "UPDATE", "DELETE")) -> str:
    statements = []
    for event in events:
        tables = {
            "INSERT": "NEW TABLE AS new_rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "DELETE": "OLD TABLE AS old_rows",
        }[event]
        statements.append(
            f"CREATE TRIGGER programme_rollup_{event.lower()} AFTER {event} ON {table} "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )
    return "\n".join(statements)


TRIGGERS = "\n".join(
    [
        _triggers("cases_case", "programme_case_changed"),
        _triggers("cases_participant", "programme_participant_changed"),
        _triggers("cases_person", "programme_person_changed", events=("UPDATE",)),
        _triggers("orders_restrainingorder", "programme_order_changed"),
        _triggers("referrals_referral", "programme_referral_changed"),
    ]
)

# Each trigger and function the migration creates, in reverse order.
TRIGGERED = [
    ("cases_case", ("insert", "update", "delete")),
    ("cases_participant", ("insert", "update", "delete")),
    ("cases_person", ("update",)),
    ("orders_restrainingorder", ("insert", "update", "delete")),
    ("referrals_referral", ("insert", "update", "delete")),
]
DROP = "\n".join(
    [
        f"DROP TRIGGER IF EXISTS programme_rollup_{event} ON {table};"
        for table, events in TRIGGERED
        for event in events
    ]
    + [
        f"DROP FUNCTION IF EXISTS {function};"
        for function in (
            "programme_referral_changed()",
            "programme_order_changed()",
            "programme_person_changed()",
            "programme_participant_changed()",
            "programme_case_changed()",
            "programme_mark_person_days(bigint[])",
        )
    ]
)

# Every day that has a fact is dirty at first: the first read (or `manage.py
# statistics_rollups rebuild`) fills the rollups.
MARK_ALL = f"""
INSERT INTO programme_rollupdirty (domain, day)
SELECT DISTINCT 'cases', {KYIV_DAY % "reported_at"} FROM cases_case
ON CONFLICT DO NOTHING;
INSERT INTO programme_rollupdirty (domain, day)
SELECT DISTINCT 'orders', {KYIV_DAY % "starts_at"} FROM orders_restrainingorder
ON CONFLICT DO NOTHING;
INSERT INTO programme_rollupdirty (domain, day)
SELECT DISTINCT 'referrals', {KYIV_DAY % "sent_at"} FROM referrals_referral
ON CONFLICT DO NOTHING;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0011_programme_structure_versions"),
        ("cases", "0011_person_merges"),
        ("orders", "0004_order_appeals"),
        ("referrals", "0010_indexes_for_the_inbox_and_the_overdue_panel"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupDirty",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("domain", models.CharField(max_length=16)),
                ("day", models.DateField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("domain", "day"), name="rollup_dirty_once")
                ]
            },
        ),
        migrations.CreateModel(
            name="DayCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("domain", models.CharField(max_length=16)),
                ("day", models.DateField()),
                ("figure", models.CharField(max_length=32)),
                ("key", models.CharField(blank=True, max_length=64)),
                ("n", models.PositiveIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("domain", "day", "figure", "key"), name="day_count_once"
                    )
                ]
            },
        ),
        migrations.CreateModel(
            name="PersonDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=16)),
                ("day", models.DateField()),
                ("person_id", models.BigIntegerField()),
                ("service", models.CharField(blank=True, default="", max_length=32)),
                ("sex", models.CharField(blank=True, max_length=8, null=True)),
                ("age_group", models.CharField(max_length=8)),
                ("earlier", models.BooleanField(default=False)),
                ("prev_kind", models.DateField(null=True)),
                ("prev_repeat", models.DateField(null=True)),
                ("prev_group", models.DateField(null=True)),
                ("prev_child", models.DateField(null=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "day", "person_id", "service"), name="person_day_once"
                    )
                ],
                "indexes": [
                    models.Index(fields=["person_id", "kind", "day"], name="person_day_person"),
                    models.Index(
                        fields=["day"],
                        include=[
                            "kind",
                            "sex",
                            "age_group",
                            "earlier",
                            "prev_kind",
                            "prev_repeat",
                            "prev_group",
                            "prev_child",
                        ],
                        name="person_day_counting",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Stay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("referral_id", models.BigIntegerField()),
                ("sent_day", models.DateField()),
                ("service", models.CharField(max_length=32)),
                ("person_id", models.BigIntegerField(null=True)),
                ("start_day", models.DateField(null=True)),
                ("end_day", models.DateField(null=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["sent_day"], name="stay_sent_day"),
                    models.Index(
                        fields=["service", "start_day"],
                        include=["end_day", "person_id"],
                        name="stay_overlap",
                    ),
                ]
            },
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS + MARK_ALL, DROP),
    ]
