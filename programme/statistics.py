"""City statistics for any period against the same period a year earlier.

SQL aggregation only (COUNT … FILTER, unnest, percentile_cont): a handful of queries whatever
the number of cases, each reading only the two periods through the reported_at index. Sources
are never mixed: case figures come from the portal's cases, order figures from orders,
service figures from referrals.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import connection

from programme.figures import Period, change, previous_year

KYIV = ZoneInfo("Europe/Kyiv")


def _bounds(period: Period) -> tuple[datetime, datetime]:
    return (
        datetime.combine(period.start, time.min, tzinfo=KYIV),
        datetime.combine(period.end, time.max, tzinfo=KYIV),
    )


def _rows(sql: str, params: list) -> list[tuple]:
    # Every SQL text here is assembled from this module's constant fragments; all values are
    # bound parameters.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _grouped(sql_from: str, key: str, cur, prev, time_column: str, extra: str = "") -> dict:
    """{key: change(current, previous)} from one GROUP BY with two FILTER counts."""
    sql = (
        f"SELECT {key} AS k, "
        f"COUNT(*) FILTER (WHERE {time_column} BETWEEN %s AND %s), "
        f"COUNT(*) FILTER (WHERE {time_column} BETWEEN %s AND %s) "
        f"FROM {sql_from} WHERE (({time_column} BETWEEN %s AND %s) OR "
        f"({time_column} BETWEEN %s AND %s)) {extra} GROUP BY 1 ORDER BY 1"
    )
    rows = _rows(sql, [*cur, *prev, *cur, *prev])
    return {str(k): change(c, p) for k, c, p in rows if k is not None}


def case_figures(cur, prev) -> dict:
    total = _rows(
        "SELECT COUNT(*) FILTER (WHERE reported_at BETWEEN %s AND %s), "
        "COUNT(*) FILTER (WHERE reported_at BETWEEN %s AND %s), "
        "COUNT(*) FILTER (WHERE has_children AND reported_at BETWEEN %s AND %s), "
        "COUNT(*) FILTER (WHERE has_children AND reported_at BETWEEN %s AND %s) "
        "FROM cases_case WHERE reported_at BETWEEN %s AND %s OR reported_at BETWEEN %s AND %s",
        [*cur, *prev, *cur, *prev, *cur, *prev],
    )[0]
    victims = (
        "cases_case c JOIN cases_participant pa ON pa.case_id = c.id AND pa.role = "
        "'victim' JOIN cases_person pe ON pe.id = pa.person_id"
    )
    age = (
        "COALESCE(date_part('year', age((c.reported_at AT TIME ZONE 'Europe/Kyiv')::date, "
        "pe.birth_date))::int, pe.approximate_age)"
    )
    age_group = (
        f"CASE WHEN {age} IS NULL THEN NULL WHEN {age} < 18 THEN '0-17' "
        f"WHEN {age} <= 35 THEN '18-35' WHEN {age} <= 59 THEN '36-59' ELSE '60+' END"
    )
    # A repeat victim appears as a victim in an earlier case.
    repeat = _rows(
        f"SELECT COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s), "
        f"COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s), "
        f"COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s AND EXISTS ("
        f"SELECT 1 FROM cases_participant pa2 JOIN cases_case c2 ON c2.id = pa2.case_id "
        f"WHERE pa2.person_id = pe.id AND pa2.role = 'victim' AND c2.reported_at < c.reported_at"
        f")), COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s AND EXISTS ("
        f"SELECT 1 FROM cases_participant pa2 JOIN cases_case c2 ON c2.id = pa2.case_id "
        f"WHERE pa2.person_id = pe.id AND pa2.role = 'victim' AND c2.reported_at < c.reported_at"
        f")) FROM {victims} WHERE c.reported_at BETWEEN %s AND %s OR c.reported_at BETWEEN %s "
        f"AND %s",
        [*cur, *prev, *cur, *prev, *cur, *prev],
    )[0]
    children = _rows(
        f"SELECT COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s), "
        f"COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s) "
        f"FROM cases_case c JOIN cases_participant pa ON pa.case_id = c.id "
        f"JOIN cases_person pe ON pe.id = pa.person_id WHERE (pa.role = 'child_witness' OR "
        f"(pa.role = 'victim' AND {age} < 18)) AND (c.reported_at BETWEEN %s AND %s OR "
        f"c.reported_at BETWEEN %s AND %s)",
        [*cur, *prev, *cur, *prev],
    )[0]
    offenders = (
        "cases_case c JOIN cases_participant pa ON pa.case_id = c.id AND pa.role = "
        "'offender' JOIN cases_person pe ON pe.id = pa.person_id"
    )
    return {
        "registered": change(total[0], total[1]),
        "with_children": change(total[2], total[3]),
        "by_channel": _grouped("cases_case", "channel", cur, prev, "reported_at"),
        "by_district": _grouped(
            "cases_case c JOIN portal_district d ON d.id = c.district_id",
            "d.slug",
            cur,
            prev,
            "c.reported_at",
        ),
        # A case counts once per form (DOMAIN.md §5).
        "by_form": _grouped("cases_case c, unnest(c.forms) f", "f", cur, prev, "c.reported_at"),
        "victim_sex": _grouped(victims, "pe.sex", cur, prev, "c.reported_at"),
        "victim_age": _grouped(victims, age_group, cur, prev, "c.reported_at"),
        "offender_sex": _grouped(offenders, "pe.sex", cur, prev, "c.reported_at"),
        "victims": change(repeat[0], repeat[1]),
        "repeat_victims": change(repeat[2], repeat[3]),
        "repeat_victims_pct": change(
            round(repeat[2] * 100.0 / repeat[0], 1) if repeat[0] else 0,
            round(repeat[3] * 100.0 / repeat[1], 1) if repeat[1] else 0,
        ),
        "children_affected": change(children[0], children[1]),
    }


def order_figures(cur, prev) -> dict:
    row = _rows(
        "SELECT "
        + ", ".join(
            f"COUNT(*) FILTER (WHERE {cond} AND starts_at BETWEEN %s AND %s)"
            for cond in [
                "kind = 'urgent'",
                "kind = 'urgent'",
                "kind = 'urgent' AND initiated_by = 'police'",
                "kind = 'urgent' AND initiated_by = 'police'",
                "kind = 'urgent' AND offender_minor",
                "kind = 'urgent' AND offender_minor",
                "kind = 'restrictive'",
                "kind = 'restrictive'",
            ]
        )
        + " FROM orders_restrainingorder WHERE starts_at BETWEEN %s AND %s "
        "OR starts_at BETWEEN %s AND %s",
        [*cur, *prev] * 4 + [*cur, *prev],
    )[0]
    extensions = _rows(
        "SELECT COUNT(*) FILTER (WHERE starts_at BETWEEN %s AND %s), "
        "COUNT(*) FILTER (WHERE starts_at BETWEEN %s AND %s) FROM orders_orderextension",
        [*cur, *prev],
    )[0]
    breaches = _rows(
        "SELECT COUNT(*) FILTER (WHERE b.occurred_at BETWEEN %s AND %s AND o.kind = 'urgent'), "
        "COUNT(*) FILTER (WHERE b.occurred_at BETWEEN %s AND %s AND o.kind = 'urgent'), "
        "COUNT(*) FILTER (WHERE b.occurred_at BETWEEN %s AND %s AND o.kind = 'restrictive'), "
        "COUNT(*) FILTER (WHERE b.occurred_at BETWEEN %s AND %s AND o.kind = 'restrictive') "
        "FROM orders_breach b JOIN orders_restrainingorder o ON o.id = b.order_id",
        [*cur, *prev, *cur, *prev],
    )[0]
    return {
        "urgent": change(row[0], row[1]),
        "urgent_police_initiative": change(row[2], row[3]),
        "urgent_on_application": change(row[0] - row[2], row[1] - row[3]),
        "urgent_minor_offenders": change(row[4], row[5]),
        "restrictive": change(row[6], row[7]),
        "restrictive_extended": change(extensions[0], extensions[1]),
        "breaches_urgent": change(breaches[0], breaches[1]),
        "breaches_restrictive": change(breaches[2], breaches[3]),
    }


def referral_figures(cur, prev) -> dict:
    by_service = _grouped("referrals_referral", "service", cur, prev, "sent_at")
    accepted = "status IN ('accepted', 'in_progress', 'completed')"
    beds = f"service IN ('shelter', 'crisis_room') AND {accepted}"
    in_time = f"answered_at IS NOT NULL AND answered_at <= due_at AND {accepted}"
    response = "extract(epoch FROM answered_at - sent_at)"
    bed_days = "GREATEST(1, date_part('day', LEAST(COALESCE(completed_at, %s), %s) - answered_at))"
    window = "sent_at BETWEEN %s AND %s"
    row = _rows(
        f"SELECT COUNT(*) FILTER (WHERE {window} AND {in_time}), "
        f"COUNT(*) FILTER (WHERE {window} AND {in_time}), "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {response}) "
        f"FILTER (WHERE {window} AND answered_at IS NOT NULL), "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {response}) "
        f"FILTER (WHERE {window} AND answered_at IS NOT NULL), "
        f"COUNT(*) FILTER (WHERE {window} AND {beds}), "
        f"COUNT(*) FILTER (WHERE {window} AND {beds}), "
        f"COALESCE(SUM({bed_days}) FILTER (WHERE {window} AND {beds}), 0), "
        f"COALESCE(SUM({bed_days}) FILTER (WHERE {window} AND {beds}), 0) "
        f"FROM referrals_referral WHERE {window} OR {window}",
        [
            *cur,
            *prev,
            *cur,
            *prev,
            *cur,
            *prev,
            cur[1],
            cur[1],
            *cur,
            prev[1],
            prev[1],
            *prev,
            *cur,
            *prev,
        ],
    )[0]

    def hours(seconds):
        return None if seconds is None else round(seconds / 3600, 1)

    return {
        "by_service": by_service,
        "accepted_in_time": change(row[0], row[1]),
        "median_response_hours": change(hours(row[2]), hours(row[3])),
        "shelter_placements": change(row[4], row[5]),
        "shelter_bed_days": change(int(row[6]), int(row[7])),
    }


def statistics(period: Period) -> dict:
    """Every figure of the statistics page and the report, for `period` and a year earlier."""
    prev_period = previous_year(period)
    cur, prev = _bounds(period), _bounds(prev_period)
    return {
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "kind": period.kind,
        },
        "previous": {"start": prev_period.start.isoformat(), "end": prev_period.end.isoformat()},
        "cases": case_figures(cur, prev),
        "orders": order_figures(cur, prev),
        "referrals": referral_figures(cur, prev),
    }


def orders_year_to_date(as_of: date) -> dict:
    """Orders since 1 January against the same period last year (the council's item 3)."""
    return statistics(Period(date(as_of.year, 1, 1), as_of, "months"))["orders"]
