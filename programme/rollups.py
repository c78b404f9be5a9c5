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

# The rows of a set of days: for a few days each day's rows through the timestamp index; for
# many (a rebuild, a bulk load) one pass over the table, hashed by Kyiv day.
FEW_DAYS = (
    "unnest(%s::date[]) AS dd(day) JOIN {table} {alias} ON "
    "{alias}.{column} >= (dd.day::timestamp AT TIME ZONE 'Europe/Kyiv') AND "
    "{alias}.{column} < ((dd.day + 1)::timestamp AT TIME ZONE 'Europe/Kyiv')"
)
MANY_DAYS = (
    "unnest(%s::date[]) AS dd(day) JOIN {table} {alias} ON "
    "({alias}.{column} AT TIME ZONE 'Europe/Kyiv')::date = dd.day"
)
TABLES = {
    "cases": ("cases_case", "c", "reported_at"),
    "orders": ("orders_restrainingorder", "o", "starts_at"),
    "referrals": ("referrals_referral", "r", "sent_at"),
}


def over_days(domain: str, days: list[date]) -> str:
    table, alias, column = TABLES[domain]
    form = MANY_DAYS if len(days) > WHOLE_TABLE_DAYS else FEW_DAYS
    return form.format(table=table, alias=alias, column=column)


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
    "prev_group": ("kind IN ('victim', 'served')", "person_id, kind, service, age_group", "day"),
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


def _refresh_cases(cursor, days: list[date]) -> set[int]:
    case_days = over_days("cases", days)
    cursor.execute(
        "DELETE FROM programme_daycount WHERE domain = 'cases' AND day = ANY(%s::date[])", [days]
    )
    cursor.execute(
        "DELETE FROM programme_personday WHERE kind <> 'served' AND day = ANY(%s::date[]) "
        "RETURNING person_id",
        [days],
    )
    affected = {row[0] for row in cursor.fetchall()}
    for figure, key, joins, condition in CASE_COUNTS:
        cursor.execute(
            f"INSERT INTO programme_daycount (domain, day, figure, key, n) "
            f"SELECT 'cases', dd.day, %s, {key}, COUNT(*) FROM {case_days}{joins} "
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
            f"INSERT INTO programme_personday "
            f"(kind, day, person_id, service, sex, age_group, earlier) "
            f"SELECT %s, x.day, x.person_id, '', x.sex, x.age_group, {earlier} FROM ("
            f"SELECT dd.day, pe.id AS person_id, pe.sex, {group} AS age_group, "
            f"MAX(c.reported_at) AS last_at FROM {case_days} "
            f"JOIN cases_participant pa ON pa.case_id = c.id AND pa.role = %s "
            f"JOIN cases_person pe ON pe.id = pa.person_id GROUP BY 1, 2, 3, 4) x "
            f"RETURNING person_id",
            [kind, days, role],
        )
        affected.update(row[0] for row in cursor.fetchall())
    return affected


def _point(cursor, persons: list[int] | None) -> set[date]:
    """Recompute the previous-day pointers of these people's rows (None: of everyone), all
    four in one UPDATE: "the previous day among the rows of a family" is the running maximum
    of the family's days before this row. The days of the rows whose pointers changed."""
    if persons == []:
        return set()
    mine = "TRUE" if persons is None else "person_id = ANY(%s::bigint[])"
    windows = ", ".join(
        f"MAX(CASE WHEN {rows} THEN day END) OVER (PARTITION BY {partition} ORDER BY {order}, id "
        f"ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS {column}"
        for column, (rows, partition, order) in POINTERS.items()
    )
    assign = ", ".join(f"{column} = w.{column}" for column in POINTERS)
    changed = " OR ".join(f"t.{column} IS DISTINCT FROM w.{column}" for column in POINTERS)
    cursor.execute(
        f"WITH moved AS (UPDATE programme_personday t SET {assign} FROM (SELECT id, {windows} "
        f"FROM programme_personday WHERE {mine}) w WHERE t.id = w.id AND ({changed}) "
        f"RETURNING t.day) SELECT DISTINCT day FROM moved",
        [] if persons is None else [persons],
    )
    return {row[0] for row in cursor.fetchall()}


# Everything the readers of people (people, served) group or filter by.
PEOPLE_COLUMNS = (
    "day, kind, service, sex, age_group, earlier, prev_kind, prev_repeat, prev_group, prev_child"
)


def _count_people(cursor, days: list[date] | None) -> None:
    """PeopleCount again for these days (None: for every day) from their PersonDay rows."""
    if days == []:
        return
    which = "TRUE" if days is None else "day = ANY(%s::date[])"
    params = [] if days is None else [days]
    cursor.execute(f"DELETE FROM programme_peoplecount WHERE {which}", params)
    cursor.execute(
        f"INSERT INTO programme_peoplecount ({PEOPLE_COLUMNS}, n) "
        f"SELECT {PEOPLE_COLUMNS}, COUNT(*) FROM programme_personday WHERE {which} "
        f"GROUP BY {PEOPLE_COLUMNS}",
        params,
    )


def _refresh_orders(cursor, days: list[date]) -> set[int]:
    order_days = over_days("orders", days)
    cursor.execute(
        "DELETE FROM programme_daycount WHERE domain = 'orders' AND day = ANY(%s::date[])",
        [days],
    )
    for figure, condition in URGENT_COUNTS:
        cursor.execute(
            f"INSERT INTO programme_daycount (domain, day, figure, key, n) "
            f"SELECT 'orders', dd.day, %s, '', COUNT(*) FROM {order_days} "
            f"JOIN cases_person pe ON pe.id = o.offender_id "
            f"WHERE o.kind = 'urgent' AND {condition} GROUP BY dd.day",
            [figure, days],
        )
    return set()


# programme.statistics.referral_figures: accepted means answered yes and not withdrawn.
ACCEPTED = "r.status IN ('accepted', 'in_progress', 'completed')"
BEDS = ("shelter", "crisis_room")
SERVED_GROUP = (
    f"CASE WHEN {person_age_sql('pe', 'dd.day')} < 18 THEN 'children' "
    f"WHEN pe.sex = 'M' THEN 'men' ELSE 'women' END"
)
STAY_START = "((COALESCE(r.started_at, r.answered_at)) AT TIME ZONE 'Europe/Kyiv')::date"
STAY_END = "((r.completed_at) AT TIME ZONE 'Europe/Kyiv')::date"


def _refresh_referrals(cursor, days: list[date]) -> set[int]:
    referral_days = over_days("referrals", days)
    cursor.execute(
        "DELETE FROM programme_daycount WHERE domain = 'referrals' AND day = ANY(%s::date[])",
        [days],
    )
    cursor.execute(
        "DELETE FROM programme_personday WHERE kind = 'served' AND day = ANY(%s::date[]) "
        "RETURNING person_id",
        [days],
    )
    affected = {row[0] for row in cursor.fetchall()}
    cursor.execute("DELETE FROM programme_stay WHERE sent_day = ANY(%s::date[])", [days])
    in_time = f"r.answered_at IS NOT NULL AND r.answered_at <= r.due_at AND {ACCEPTED}"
    for figure, key, condition in [("service", "r.service", "TRUE"), ("in_time", "''", in_time)]:
        cursor.execute(
            f"INSERT INTO programme_daycount (domain, day, figure, key, n) "
            f"SELECT 'referrals', dd.day, %s, {key}, COUNT(*) FROM {referral_days} "
            f"WHERE {condition} GROUP BY 2, 4",
            [figure, days],
        )
    victims = (
        "JOIN cases_participant pa ON pa.case_id = r.case_id AND pa.role = 'victim' "
        "JOIN cases_person pe ON pe.id = pa.person_id"
    )
    cursor.execute(
        f"INSERT INTO programme_personday "
        f"(kind, day, person_id, service, sex, age_group, earlier) "
        f"SELECT 'served', dd.day, pe.id, r.service, pe.sex, {SERVED_GROUP}, FALSE "
        f"FROM {referral_days} {victims} WHERE {ACCEPTED} GROUP BY 2, 3, 4, 5, 6 "
        f"RETURNING person_id",
        [days],
    )
    affected.update(row[0] for row in cursor.fetchall())
    stay = (
        f"INSERT INTO programme_stay (referral_id, sent_day, service, person_id, start_day, "
        f"end_day) SELECT DISTINCT r.id, dd.day, r.service, {{person}}, {STAY_START}, "
        f"{STAY_END} "
        f"FROM {referral_days} {{join}} WHERE {ACCEPTED} AND r.service = ANY(%s)"
    )
    cursor.execute(stay.format(person="NULL::bigint", join=""), [days, list(BEDS)])
    cursor.execute(stay.format(person="pe.id", join=victims), [days, list(BEDS)])
    return affected


REFRESH = {"cases": _refresh_cases, "orders": _refresh_orders, "referrals": _refresh_referrals}


def refresh(*, using: str = "default") -> int:
    """Recompute every day noted as changed; the number of days recomputed. In one
    transaction: a reader sees the old or the new rollups of a day, never half."""
    from django.db import connections

    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        # Nothing noted (the usual case: beat refreshes every minute): no lock, one probe.
        cursor.execute("SELECT EXISTS (SELECT 1 FROM programme_rollupdirty)")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        cursor.execute("DELETE FROM programme_rollupdirty RETURNING domain, day")
        by_domain: dict[str, list[date]] = {}
        for domain, day in cursor.fetchall():
            by_domain.setdefault(domain, []).append(day)
        affected: set[int] = set()
        for domain, days in by_domain.items():
            affected |= REFRESH[domain](cursor, sorted(days))
        many = sum(len(days) for days in by_domain.values())
        whole = many > WHOLE_TABLE_DAYS
        moved = _point(cursor, None if whole else sorted(affected))
        # The days whose people rows were written again or got other pointers.
        rewritten = {*by_domain.get("cases", ()), *by_domain.get("referrals", ()), *moved}
        _count_people(cursor, None if whole else sorted(rewritten))
        return many


def pending() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM programme_rollupdirty)")
        return bool(cursor.fetchone()[0])


ROLLUP_TABLES = (
    "programme_daycount",
    "programme_personday",
    "programme_peoplecount",
    "programme_stay",
)


def rebuild() -> int:
    """Throw the rollups away and compute them again for every day that has a fact."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        # DELETE, not TRUNCATE: the application's database role may not truncate.
        for table in ROLLUP_TABLES:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            "INSERT INTO programme_rollupdirty (domain, day) SELECT DISTINCT 'cases', "
            "(reported_at AT TIME ZONE 'Europe/Kyiv')::date FROM cases_case "
            "UNION SELECT DISTINCT 'orders', (starts_at AT TIME ZONE 'Europe/Kyiv')::date "
            "FROM orders_restrainingorder "
            "UNION SELECT DISTINCT 'referrals', (sent_at AT TIME ZONE 'Europe/Kyiv')::date "
            "FROM referrals_referral ON CONFLICT DO NOTHING"
        )
    days = refresh()
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # Fresh visibility maps and statistics: the readers are index-only scans.
            for table in ROLLUP_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
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
    children affected and offenders by sex. One pass over PeopleCount: a row counts when it
    is its person's first of its family in the period (POINTERS), so "distinct people" is a
    plain sum of the rows' counts, and each child is counted once across roles."""
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
                f"COALESCE(SUM(n) FILTER (WHERE {rows_of} AND day BETWEEN %s AND %s "
                f"AND ({pointer} IS NULL OR {pointer} < %s)), 0)"
            )
            params += [first, last, sides[side]]
    counted = rows(
        f"SELECT sex, age_group, {', '.join(columns)} FROM programme_peoplecount "
        f"WHERE kind <> 'served' AND (day BETWEEN %s AND %s OR day BETWEEN %s AND %s) "
        f"GROUP BY 1, 2 ORDER BY 1, 2",
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


def served(cur, prev, rows) -> dict:
    """People served by each service, as women, men and children (the victims of the cases
    whose referral sent in the period was accepted), each person once per service and group."""
    first = "(prev_group IS NULL OR prev_group < %s)"
    counted = rows(
        f"SELECT service, age_group, "
        f"COALESCE(SUM(n) FILTER (WHERE day BETWEEN %s AND %s AND {first}), 0), "
        f"COALESCE(SUM(n) FILTER (WHERE day BETWEEN %s AND %s AND {first}), 0) "
        f"FROM programme_peoplecount WHERE kind = 'served' "
        f"AND (day BETWEEN %s AND %s OR day BETWEEN %s AND %s) GROUP BY 1, 2 ORDER BY 1, 2",
        [*cur, cur[0], *prev, prev[0], *cur, *prev],
    )
    split: dict[str, dict] = {"women": {}, "men": {}, "children": {}}
    for service, who, current, previous in counted:
        if current or previous:
            split[who][service] = (current, previous)
    return split


def stays(side: tuple[date, date], today: date, rows) -> dict:
    """People placed in a shelter or a crisis room during the period (a stay that overlaps
    it, each person once per kind of place) and the nights of every stay inside it."""
    start, end = side
    overlaps = "start_day <= %s AND COALESCE(end_day, %s) >= %s AND service = ANY(%s)"
    persons = dict(
        rows(
            f"SELECT service, COUNT(DISTINCT person_id) FROM programme_stay "
            f"WHERE person_id IS NOT NULL AND {overlaps} GROUP BY 1",
            [end, today, start, list(BEDS)],
        )
    )
    nights = rows(
        f"SELECT COALESCE(SUM(GREATEST(0, LEAST(COALESCE(end_day, %s), %s::date + 1) - "
        f"GREATEST(start_day, %s::date))), 0) FROM programme_stay "
        f"WHERE person_id IS NULL AND {overlaps}",
        [today, end, start, end, today, start, list(BEDS)],
    )[0][0]
    return {
        "shelter": persons.get("shelter", 0),
        "crisis_room": persons.get("crisis_room", 0),
        "nights": int(nights),
    }
