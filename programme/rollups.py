"""Exact statistics rollups: per-day counts and per-day people, recomputed for the days that
changed (issue 15, docs/performance.md "Statistics from rollups").

Triggers on cases, participants, people and orders note the Kyiv days whose facts changed
(migration 0012, table `programme_rollupdirty`). `refresh()` recomputes exactly those days from
the base tables with the same SQL rules as the straightforward computation
(programme.statistics: age on the day of the report, Kyiv days, victims counted once), so a
read after `refresh()` is exact, not "as of the last night". It runs before every statistics
read and every minute from beat, so a read rarely finds work. `rebuild()` starts from nothing;
`manage.py statistics_rollups rebuild --verify` also compares every figure with the
straightforward computation.

Small-count suppression (issue 9) is applied to the figures afterwards, never stored here.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction

from programme.statistics import age_group_sql, person_age_sql

# One refresh at a time; concurrent writers only add days, which the next refresh takes.
LOCK = 15_150_001

# The days of a set, as a join that reads each day through the timestamp index.
DAYS = (
    "unnest(%s::date[]) AS dd(day) JOIN {table} {alias} ON "
    "{alias}.{column} >= (dd.day::timestamp AT TIME ZONE 'Europe/Kyiv') AND "
    "{alias}.{column} < ((dd.day + 1)::timestamp AT TIME ZONE 'Europe/Kyiv')"
)
CASE_DAYS = DAYS.format(table="cases_case", alias="c", column="reported_at")
ORDER_DAYS = DAYS.format(table="orders_restrainingorder", alias="o", column="starts_at")

CASE_COUNTS = [
    # figure, key expression, extra FROM, condition
    ("registered", "''", "", "TRUE"),
    ("with_children", "''", "", "c.has_children"),
    ("channel", "c.channel", "", "c.channel IS NOT NULL"),
    ("district", "d.slug", " JOIN portal_district d ON d.id = c.district_id", "TRUE"),
    ("form", "f", " CROSS JOIN unnest(c.forms) AS f", "TRUE"),
]

VICTIM_AGE = person_age_sql("pe", "dd.day")
PEOPLE = {
    # kind: (role, age group)
    "victim": ("victim", age_group_sql(VICTIM_AGE)),
    "child_witness": ("child_witness", "''"),
    "offender": ("offender", "''"),
}
CHILD = "(kind = 'child_witness' OR (kind = 'victim' AND age_group = '0-17'))"
# Each family of rows whose people are counted, with the column that points to the person's
# previous day in the family: (rows, partition, order). A child who is a witness and a victim
# on the same day has two rows; ordered by kind, the second points to the same day and is
# not counted again.
POINTERS = {
    "prev_kind": ("TRUE", "person_id, kind", "day"),
    "prev_repeat": ("kind = 'victim' AND earlier", "person_id", "day"),
    "prev_group": ("kind = 'victim'", "person_id, age_group", "day"),
    "prev_child": (CHILD, "person_id", "day, kind"),
}
# More changed days than this and the pointers are recomputed for everyone at once.
WHOLE_TABLE_DAYS = 200

# programme.statistics.order_figures, urgent orders: by the Kyiv day the order starts.
MINOR = f"(o.offender_minor OR {person_age_sql('pe', 'dd.day')} < 18)"
URGENT_COUNTS = [
    ("urgent", "TRUE"),
    ("urgent_police", "o.initiated_by = 'police'"),
    ("urgent_victim", "o.initiated_by = 'victim'"),
    ("urgent_not_recorded", "COALESCE(o.initiated_by, '') = ''"),
    ("urgent_minor", MINOR),
]
URGENT_FIGURES = [figure for figure, _condition in URGENT_COUNTS]


def _refresh_cases(cursor, days: list[date]) -> None:
    cursor.execute(
        "DELETE FROM programme_daycount WHERE domain = 'cases' AND day = ANY(%s::date[])", [days]
    )
    cursor.execute(
        "DELETE FROM programme_personday WHERE day = ANY(%s::date[]) RETURNING person_id", [days]
    )
    affected = {row[0] for row in cursor.fetchall()}
    for figure, key, joins, condition in CASE_COUNTS:
        cursor.execute(
            f"INSERT INTO programme_daycount (domain, day, figure, key, n) "
            f"SELECT 'cases', dd.day, %s, {key}, COUNT(*) FROM {CASE_DAYS}{joins} "
            f"WHERE {condition} GROUP BY 2, 4",
            [figure, days],
        )
    for kind, (role, group) in PEOPLE.items():
        earlier = (
            "EXISTS (SELECT 1 FROM cases_participant pa2 JOIN cases_case c2 ON c2.id = "
            "pa2.case_id WHERE pa2.person_id = x.person_id AND pa2.role = 'victim' "
            "AND c2.reported_at < x.last_at)"
            if kind == "victim"
            else "FALSE"
        )
        cursor.execute(
            f"INSERT INTO programme_personday (kind, day, person_id, sex, age_group, earlier) "
            f"SELECT %s, x.day, x.person_id, x.sex, x.age_group, {earlier} FROM ("
            f"SELECT dd.day, pe.id AS person_id, pe.sex, {group} AS age_group, "
            f"MAX(c.reported_at) AS last_at FROM {CASE_DAYS} "
            f"JOIN cases_participant pa ON pa.case_id = c.id AND pa.role = %s "
            f"JOIN cases_person pe ON pe.id = pa.person_id GROUP BY 1, 2, 3, 4) x "
            f"RETURNING person_id",
            [kind, days, role],
        )
        affected.update(row[0] for row in cursor.fetchall())
    _point(cursor, None if len(days) > WHOLE_TABLE_DAYS else sorted(affected))


def _point(cursor, persons: list[int] | None) -> None:
    """Recompute the previous-day pointers of these people's rows (None: of everyone)."""
    if persons == []:
        return
    mine = "TRUE" if persons is None else "person_id = ANY(%s::bigint[])"
    params = [] if persons is None else [persons]
    for column, (rows, partition, order) in POINTERS.items():
        cursor.execute(
            f"UPDATE programme_personday t SET {column} = w.previous FROM ("
            f"SELECT id, LAG(day) OVER (PARTITION BY {partition} ORDER BY {order}) AS previous "
            f"FROM programme_personday WHERE {rows} AND {mine}) w "
            f"WHERE t.id = w.id AND t.{column} IS DISTINCT FROM w.previous",
            params,
        )


def _refresh_orders(cursor, days: list[date]) -> None:
    cursor.execute(
        "DELETE FROM programme_daycount WHERE domain = 'orders' AND day = ANY(%s::date[])",
        [days],
    )
    for figure, condition in URGENT_COUNTS:
        cursor.execute(
            f"INSERT INTO programme_daycount (domain, day, figure, key, n) "
            f"SELECT 'orders', dd.day, %s, '', COUNT(*) FROM {ORDER_DAYS} "
            f"JOIN cases_person pe ON pe.id = o.offender_id "
            f"WHERE o.kind = 'urgent' AND {condition} GROUP BY dd.day",
            [figure, days],
        )


REFRESH = {"cases": _refresh_cases, "orders": _refresh_orders}


def refresh(*, using: str = "default") -> int:
    """Recompute every day noted as changed; the number of days recomputed. In one
    transaction: a reader sees the old or the new rollups of a day, never half."""
    from django.db import connections

    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        cursor.execute("DELETE FROM programme_rollupdirty RETURNING domain, day")
        by_domain: dict[str, list[date]] = {}
        for domain, day in cursor.fetchall():
            by_domain.setdefault(domain, []).append(day)
        for domain, days in by_domain.items():
            REFRESH[domain](cursor, sorted(days))
        return sum(len(days) for days in by_domain.values())


def pending() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM programme_rollupdirty)")
        return bool(cursor.fetchone()[0])


def rebuild() -> int:
    """Throw the rollups away and compute them again for every day that has a fact."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        # DELETE, not TRUNCATE: the application's database role may not truncate.
        cursor.execute("DELETE FROM programme_daycount")
        cursor.execute("DELETE FROM programme_personday")
        cursor.execute(
            "INSERT INTO programme_rollupdirty (domain, day) SELECT DISTINCT 'cases', "
            "(reported_at AT TIME ZONE 'Europe/Kyiv')::date FROM cases_case "
            "UNION SELECT DISTINCT 'orders', (starts_at AT TIME ZONE 'Europe/Kyiv')::date "
            "FROM orders_restrainingorder ON CONFLICT DO NOTHING"
        )
    days = refresh()
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # Fresh visibility maps and statistics: the readers are index-only scans.
            cursor.execute("VACUUM (ANALYZE) programme_daycount")
            cursor.execute("VACUUM (ANALYZE) programme_personday")
    return days


# --- reading a period and the same period a year earlier ---------------------------------------


def _sides(cur: tuple[date, date], prev: tuple[date, date]) -> tuple[str, str, list]:
    """FILTER conditions for the two sides and the WHERE that reads only their days."""
    return (
        "day BETWEEN %s AND %s",
        "(day BETWEEN %s AND %s OR day BETWEEN %s AND %s)",
        [*cur, *prev],
    )


def day_counts(domain: str, cur, prev, rows) -> dict[tuple[str, str], tuple[int, int]]:
    """{(figure, key): (current, previous)} summed over the days of each side."""
    side, where, params = _sides(cur, prev)
    result = rows(
        f"SELECT figure, key, COALESCE(SUM(n) FILTER (WHERE {side}), 0), "
        f"COALESCE(SUM(n) FILTER (WHERE {side}), 0) FROM programme_daycount "
        f"WHERE domain = %s AND {where} GROUP BY 1, 2 ORDER BY 1, 2",
        [*params, domain, *params],
    )
    return {(figure, key): (int(c), int(p)) for figure, key, c, p in result}


def people(cur, prev, rows) -> dict:
    """The figures that count people: victims by sex and by age group, repeat victims,
    children affected and offenders by sex. One index-only pass: a row counts when it is
    its person's first of its family in the period (POINTERS), so "distinct people" is a
    plain count, and each child is counted once across roles."""
    sides = {"c": cur[0], "p": prev[0]}
    families = {
        "victim": ("kind = 'victim'", "prev_kind"),
        "repeat": ("kind = 'victim' AND earlier", "prev_repeat"),
        "group": ("kind = 'victim'", "prev_group"),
        "child": (CHILD, "prev_child"),
        "offender": ("kind = 'offender'", "prev_kind"),
    }
    columns, params = [], []
    for rows_of, pointer in families.values():
        for side in ("c", "p"):
            first, last = cur if side == "c" else prev
            columns.append(
                f"COUNT(*) FILTER (WHERE {rows_of} AND day BETWEEN %s AND %s "
                f"AND ({pointer} IS NULL OR {pointer} < %s))"
            )
            params += [first, last, sides[side]]
    counted = rows(
        f"SELECT sex, age_group, {', '.join(columns)} FROM programme_personday "
        f"WHERE (day BETWEEN %s AND %s OR day BETWEEN %s AND %s) GROUP BY 1, 2 ORDER BY 1, 2",
        [*params, *cur, *prev],
    )
    names = [f"{name}_{side}" for name in families for side in ("c", "p")]
    totals = dict.fromkeys(names, 0)
    split: dict[str, dict] = {"victim_sex": {}, "victim_age": {}, "offender_sex": {}}

    def add(figure: str, key, current: int, previous: int) -> None:
        if key is None or not (current or previous):
            return
        c, p = split[figure].get(key, (0, 0))
        split[figure][key] = (c + current, p + previous)

    for sex, group, *numbers in counted:
        n = dict(zip(names, numbers, strict=True))
        for name in names:
            totals[name] += n[name]
        add("victim_sex", sex, n["victim_c"], n["victim_p"])
        add("victim_age", group, n["group_c"], n["group_p"])
        add("offender_sex", sex, n["offender_c"], n["offender_p"])
    for figure in split:
        split[figure] = dict(sorted(split[figure].items()))
    return {
        "totals": [totals[name] for name in names if not name.startswith(("group", "offender"))],
        **split,
    }
