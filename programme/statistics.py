"""City statistics for any period against the same period a year earlier.

SQL aggregation only (COUNT … FILTER, unnest, percentile_cont): a handful of queries whatever
the number of cases, each reading only the two periods through the reported_at index. Sources
are never mixed: case figures come from the portal's cases, order figures from orders,
service figures from referrals. The SQL forms of the shared rules (age) agree with
portal.calendar's (tests/programme/test_rules_agree.py).
"""

from __future__ import annotations

from datetime import date, datetime, time

from portal.calendar import KYIV
from portal.dbrouting import for_reporting, reporting_connection
from programme.figures import AGE_UNKNOWN, Period, change, change_of_share, previous_year


def _bounds(period: Period) -> tuple[datetime, datetime]:
    return (
        datetime.combine(period.start, time.min, tzinfo=KYIV),
        datetime.combine(period.end, time.max, tzinfo=KYIV),
    )


def _days(bounds: tuple[datetime, datetime]) -> tuple[date, date]:
    """The Kyiv calendar days of a period's bounds, for the figures dated by a day."""
    return bounds[0].date(), bounds[1].date()


def _rows(sql: str, params: list) -> list[tuple]:
    # Every SQL text here is assembled from this module's constant fragments; all values are
    # bound parameters. On the replica when one serves reports (portal.dbrouting).
    with reporting_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def kyiv_day_sql(moment: str) -> str:
    """The Kyiv calendar day of a timestamp column."""
    return f"(({moment}) AT TIME ZONE 'Europe/Kyiv')::date"


def age_sql(birth: str, day: str) -> str:
    """portal.calendar.age_on in SQL: whole years lived on `day`; someone born on 29 February
    turns a year older on 1 March in a common year."""
    return (
        f"(EXTRACT(YEAR FROM {day})::int - EXTRACT(YEAR FROM {birth})::int - CASE WHEN "
        f"(EXTRACT(MONTH FROM {day}), EXTRACT(DAY FROM {day})) < "
        f"(EXTRACT(MONTH FROM {birth}), EXTRACT(DAY FROM {birth})) THEN 1 ELSE 0 END)"
    )


def person_age_sql(person: str, day: str) -> str:
    """portal.calendar.person_age in SQL: from the birth date, else the approximate age, else
    NULL (unknown, never a stand-in number)."""
    return f"COALESCE({age_sql(f'{person}.birth_date', day)}, {person}.approximate_age)"


def age_group_sql(age: str) -> str:
    """programme.figures.age_group in SQL; an unknown age is its own group."""
    return (
        f"CASE WHEN {age} IS NULL THEN '{AGE_UNKNOWN}' WHEN {age} < 18 THEN '0-17' "
        f"WHEN {age} <= 35 THEN '18-35' WHEN {age} <= 59 THEN '36-59' ELSE '60+' END"
    )


def _grouped(
    sql_from: str, key: str, cur, prev, time_column: str, extra: str = "", count: str = "*"
) -> dict:
    """{key: change(current, previous)} from one GROUP BY with two FILTER counts."""
    sql = (
        f"SELECT {key} AS k, "
        f"COUNT({count}) FILTER (WHERE {time_column} BETWEEN %s AND %s), "
        f"COUNT({count}) FILTER (WHERE {time_column} BETWEEN %s AND %s) "
        f"FROM {sql_from} WHERE (({time_column} BETWEEN %s AND %s) OR "
        f"({time_column} BETWEEN %s AND %s)) {extra} GROUP BY 1 ORDER BY 1"
    )
    rows = _rows(sql, [*cur, *prev, *cur, *prev])
    return {str(k): change(c, p) for k, c, p in rows if k is not None}


VICTIMS = (
    "cases_case c JOIN cases_participant pa ON pa.case_id = c.id AND pa.role = "
    "'victim' JOIN cases_person pe ON pe.id = pa.person_id"
)
# Age is counted on the day the report was registered (Kyiv time).
VICTIM_AGE = person_age_sql("pe", kyiv_day_sql("c.reported_at"))


def case_figures(cur, prev) -> dict:
    total = _rows(
        "SELECT COUNT(*) FILTER (WHERE reported_at BETWEEN %s AND %s), "
        "COUNT(*) FILTER (WHERE reported_at BETWEEN %s AND %s), "
        "COUNT(*) FILTER (WHERE has_children AND reported_at BETWEEN %s AND %s), "
        "COUNT(*) FILTER (WHERE has_children AND reported_at BETWEEN %s AND %s) "
        "FROM cases_case WHERE reported_at BETWEEN %s AND %s OR reported_at BETWEEN %s AND %s",
        [*cur, *prev, *cur, *prev, *cur, *prev],
    )[0]
    # A repeat victim appears as a victim in an earlier case.
    earlier = (
        "EXISTS (SELECT 1 FROM cases_participant pa2 JOIN cases_case c2 ON c2.id = pa2.case_id "
        "WHERE pa2.person_id = pe.id AND pa2.role = 'victim' AND c2.reported_at < c.reported_at)"
    )
    repeat = _rows(
        f"SELECT COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s), "
        f"COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s), "
        f"COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s AND {earlier}), "
        f"COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s AND {earlier}) "
        f"FROM {VICTIMS} WHERE c.reported_at BETWEEN %s AND %s OR c.reported_at BETWEEN %s "
        f"AND %s",
        [*cur, *prev, *cur, *prev, *cur, *prev],
    )[0]
    children = _rows(
        f"SELECT COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s), "
        f"COUNT(DISTINCT pe.id) FILTER (WHERE c.reported_at BETWEEN %s AND %s) "
        f"FROM cases_case c JOIN cases_participant pa ON pa.case_id = c.id "
        f"JOIN cases_person pe ON pe.id = pa.person_id WHERE (pa.role = 'child_witness' OR "
        f"(pa.role = 'victim' AND {VICTIM_AGE} < 18)) AND (c.reported_at BETWEEN %s AND %s OR "
        f"c.reported_at BETWEEN %s AND %s)",
        [*cur, *prev, *cur, *prev],
    )[0]
    offenders = (
        "cases_case c JOIN cases_participant pa ON pa.case_id = c.id AND pa.role = "
        "'offender' JOIN cases_person pe ON pe.id = pa.person_id"
    )
    # Victims are people: each counts once per sex and age group, so the groups add up to the
    # victims (a victim without any age is in the "unknown" group, not dropped).
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
        "victim_sex": _grouped(
            VICTIMS, "pe.sex", cur, prev, "c.reported_at", count="DISTINCT pe.id"
        ),
        "victim_age": _grouped(
            VICTIMS,
            age_group_sql(VICTIM_AGE),
            cur,
            prev,
            "c.reported_at",
            count="DISTINCT pe.id",
        ),
        "offender_sex": _grouped(
            offenders, "pe.sex", cur, prev, "c.reported_at", count="DISTINCT pe.id"
        ),
        "victims": change(repeat[0], repeat[1]),
        "repeat_victims": change(repeat[2], repeat[3]),
        "repeat_victims_pct": change_of_share((repeat[2], repeat[0]), (repeat[3], repeat[1])),
        "children_affected": change(children[0], children[1]),
    }


def case_figures_from_rollups(cur, prev) -> dict:
    """case_figures read from programme.rollups: the same figures, figure for figure
    (tests/programme/test_rollups.py), from per-day counts and per-day people."""
    from programme import rollups

    cur_days, prev_days = _days(cur), _days(prev)
    counts = rollups.day_counts("cases", cur_days, prev_days, _rows)
    people = rollups.people(cur_days, prev_days, _rows)

    def total(figure: str) -> dict:
        return change(*counts.get((figure, ""), (0, 0)))

    def by(figure: str) -> dict:
        return {key: change(c, p) for (f, key), (c, p) in counts.items() if f == figure}

    t = people["totals"]
    return {
        "registered": total("registered"),
        "with_children": total("with_children"),
        "by_channel": by("channel"),
        "by_district": by("district"),
        "by_form": by("form"),
        **{
            name: {key: change(c, p) for key, (c, p) in people[name].items()}
            for name in ("victim_sex", "victim_age", "offender_sex")
        },
        "victims": change(t[0], t[1]),
        "repeat_victims": change(t[2], t[3]),
        "repeat_victims_pct": change_of_share((t[2], t[0]), (t[3], t[1])),
        "children_affected": change(t[4], t[5]),
    }


def _urgent_from_rollups(cur_days, prev_days) -> list[int]:
    """The urgent-order counts in order_figures' layout, from programme.rollups."""
    from programme import rollups

    counts = rollups.day_counts("orders", cur_days, prev_days, _rows)
    return [n for figure in rollups.URGENT_FIGURES for n in counts.get((figure, ""), (0, 0))]


def order_figures(cur, prev, *, from_rollups: bool = False) -> dict:
    cur_days, prev_days = _days(cur), _days(prev)
    # Law 2229-VIII art. 25: a measure against an offender under 18 is limited; the offender's
    # age is counted on the day the order starts (Kyiv), the recorded flag counts as well.
    minor = f"(o.offender_minor OR {person_age_sql('pe', kyiv_day_sql('o.starts_at'))} < 18)"
    urgent = [
        "TRUE",
        "o.initiated_by = 'police'",
        "o.initiated_by = 'victim'",
        # An order without a recorded initiator is "not recorded", never "on application".
        "COALESCE(o.initiated_by, '') = ''",
        minor,
    ]
    row = (
        _urgent_from_rollups(cur_days, prev_days)
        if from_rollups
        else _rows(
            "SELECT "
            + ", ".join(
                f"COUNT(*) FILTER (WHERE {cond} AND o.starts_at BETWEEN %s AND %s)"
                for cond in urgent
                for _side in (0, 1)
            )
            + " FROM orders_restrainingorder o JOIN cases_person pe ON pe.id = o.offender_id "
            "WHERE o.kind = 'urgent' AND (o.starts_at BETWEEN %s AND %s "
            "OR o.starts_at BETWEEN %s AND %s)",
            [*cur, *prev] * len(urgent) + [*cur, *prev],
        )[0]
    )
    # A restrictive order (and its extension) is dated by the court's decision; a record
    # without a decision date by the day it starts.
    decided = f"COALESCE(decision_date, {kyiv_day_sql('starts_at')})"
    restrictive = _rows(
        f"SELECT COUNT(*) FILTER (WHERE {decided} BETWEEN %s AND %s), "
        f"COUNT(*) FILTER (WHERE {decided} BETWEEN %s AND %s) "
        f"FROM orders_restrainingorder WHERE kind = 'restrictive'",
        [*cur_days, *prev_days],
    )[0]
    extensions = _rows(
        f"SELECT COUNT(*) FILTER (WHERE {decided} BETWEEN %s AND %s), "
        f"COUNT(*) FILTER (WHERE {decided} BETWEEN %s AND %s) FROM orders_orderextension",
        [*cur_days, *prev_days],
    )[0]
    breaches = _rows(
        "SELECT COUNT(*) FILTER (WHERE b.occurred_at BETWEEN %s AND %s AND o.kind = 'urgent'), "
        "COUNT(*) FILTER (WHERE b.occurred_at BETWEEN %s AND %s AND o.kind = 'urgent'), "
        "COUNT(*) FILTER (WHERE b.occurred_at BETWEEN %s AND %s AND o.kind = 'restrictive'), "
        "COUNT(*) FILTER (WHERE b.occurred_at BETWEEN %s AND %s AND o.kind = 'restrictive') "
        "FROM orders_breach b JOIN orders_restrainingorder o ON o.id = b.order_id",
        [*cur, *prev, *cur, *prev],
    )[0]
    # The other two measures (DOMAIN §2): a preventive record by the day the offender was
    # taken onto it; offender programmes by the day of the referral, and those completed by
    # the day they ended.
    measures = _rows(
        "SELECT "
        "(SELECT COUNT(*) FROM orders_preventiverecord WHERE taken_on BETWEEN %s AND %s), "
        "(SELECT COUNT(*) FROM orders_preventiverecord WHERE taken_on BETWEEN %s AND %s), "
        "(SELECT COUNT(*) FROM orders_offenderprogramme WHERE referred_on BETWEEN %s AND %s), "
        "(SELECT COUNT(*) FROM orders_offenderprogramme WHERE referred_on BETWEEN %s AND %s), "
        "(SELECT COUNT(*) FROM orders_offenderprogramme "
        " WHERE status = 'completed' AND ended_on BETWEEN %s AND %s), "
        "(SELECT COUNT(*) FROM orders_offenderprogramme "
        " WHERE status = 'completed' AND ended_on BETWEEN %s AND %s)",
        [*cur_days, *prev_days] * 3,
    )[0]
    return {
        "urgent": change(row[0], row[1]),
        "urgent_police_initiative": change(row[2], row[3]),
        "urgent_on_application": change(row[4], row[5]),
        "urgent_minor_offenders": change(row[8], row[9]),
        "restrictive": change(restrictive[0], restrictive[1]),
        "restrictive_extended": change(extensions[0], extensions[1]),
        "breaches_urgent": change(breaches[0], breaches[1]),
        "breaches_restrictive": change(breaches[2], breaches[3]),
        "urgent_initiator_not_recorded": change(row[6], row[7]),
        "preventive_records": change(measures[0], measures[1]),
        "offender_programmes": change(measures[2], measures[3]),
        "offender_programmes_completed": change(measures[4], measures[5]),
    }


ACCEPTED = "r.status IN ('accepted', 'in_progress', 'completed')"
BEDS = ["shelter", "crisis_room"]
# A stay runs from the start of the service (or, before it is marked started, the acceptance)
# to its completion; an open stay runs until today.
STAY_START = kyiv_day_sql("COALESCE(r.started_at, r.answered_at)")
STAY_END = f"COALESCE({kyiv_day_sql('r.completed_at')}, %s)"
REFERRAL_VICTIMS = (
    "referrals_referral r JOIN cases_participant pa ON pa.case_id = r.case_id AND pa.role = "
    "'victim' JOIN cases_person pe ON pe.id = pa.person_id"
)


def _stays(cur, prev, today: date) -> dict:
    """Persons placed in a shelter or a crisis room during the period (a stay that overlaps it,
    each person once per kind of place), and the bed-days: every night of a stay that falls
    inside the period, including stays that began before it."""
    sides = {"current": _days(cur), "previous": _days(prev)}
    result = {}
    for side, (start, end) in sides.items():
        overlaps = f"{STAY_START} <= %s AND {STAY_END} >= %s"
        persons = _rows(
            f"SELECT r.service, COUNT(DISTINCT pe.id) FROM {REFERRAL_VICTIMS} "
            f"WHERE {ACCEPTED} AND r.service = ANY(%s) AND {overlaps} GROUP BY 1",
            [BEDS, end, today, start],
        )
        # The nights from the first day of the stay up to the night before it ended, clipped
        # to the period: date minus date is a number of nights in PostgreSQL.
        nights = _rows(
            f"SELECT COALESCE(SUM(GREATEST(0, LEAST({STAY_END}, %s::date + 1) - "
            f"GREATEST({STAY_START}, %s::date))), 0) FROM referrals_referral r "
            f"WHERE {ACCEPTED} AND r.service = ANY(%s) AND {overlaps}",
            [today, end, start, BEDS, end, today, start],
        )[0][0]
        by_kind = dict(persons)
        result[side] = {
            "shelter": by_kind.get("shelter", 0),
            "crisis_room": by_kind.get("crisis_room", 0),
            "nights": int(nights),
        }
    cur_side, prev_side = result["current"], result["previous"]
    return {
        "shelter_placements": change(
            cur_side["shelter"] + cur_side["crisis_room"],
            prev_side["shelter"] + prev_side["crisis_room"],
        ),
        "shelter_bed_days": change(cur_side["nights"], prev_side["nights"]),
        "shelter_persons": change(cur_side["shelter"], prev_side["shelter"]),
        "crisis_room_persons": change(cur_side["crisis_room"], prev_side["crisis_room"]),
    }


def _served_persons(cur, prev) -> dict:
    """People served by each service (the victims of the cases whose referral was accepted),
    split into women, men and children (under 18 on the day the referral was sent)."""
    age = person_age_sql("pe", kyiv_day_sql("r.sent_at"))
    group = f"CASE WHEN {age} < 18 THEN 'children' WHEN pe.sex = 'M' THEN 'men' ELSE 'women' END"
    rows = _rows(
        f"SELECT r.service, {group}, "
        f"COUNT(DISTINCT pe.id) FILTER (WHERE r.sent_at BETWEEN %s AND %s), "
        f"COUNT(DISTINCT pe.id) FILTER (WHERE r.sent_at BETWEEN %s AND %s) "
        f"FROM {REFERRAL_VICTIMS} WHERE {ACCEPTED} AND (r.sent_at BETWEEN %s AND %s OR "
        f"r.sent_at BETWEEN %s AND %s) GROUP BY 1, 2 ORDER BY 1, 2",
        [*cur, *prev, *cur, *prev],
    )
    split: dict[str, dict] = {"women": {}, "men": {}, "children": {}}
    for service, who, current, previous in rows:
        split[who][service] = change(current, previous)
    return {f"service_{who}": by_service for who, by_service in split.items()}


def referral_figures_from_rollups(cur, prev, *, today: date) -> dict:
    """referral_figures from programme.rollups (the median from an index of the period)."""
    from programme import rollups

    cur_days, prev_days = _days(cur), _days(prev)
    counts = rollups.day_counts("referrals", cur_days, prev_days, _rows)
    window = "sent_at BETWEEN %s AND %s"
    response = "extract(epoch FROM answered_at - sent_at)"
    medians = _rows(
        f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {response}) FILTER (WHERE {window}),"
        f" percentile_cont(0.5) WITHIN GROUP (ORDER BY {response}) FILTER (WHERE {window}) "
        f"FROM referrals_referral WHERE answered_at IS NOT NULL AND ({window} OR {window})",
        [*cur, *prev, *cur, *prev],
    )[0]
    side = {
        name: rollups.stays(days, today, _rows)
        for name, days in (("current", cur_days), ("previous", prev_days))
    }
    served = rollups.served(cur_days, prev_days, _rows)
    c, p = side["current"], side["previous"]
    return {
        "by_service": {
            key: change(n, m) for (figure, key), (n, m) in counts.items() if figure == "service"
        },
        "accepted_in_time": change(*counts.get(("in_time", ""), (0, 0))),
        "median_response_hours": change(_hours(medians[0]), _hours(medians[1])),
        "shelter_placements": change(
            c["shelter"] + c["crisis_room"], p["shelter"] + p["crisis_room"]
        ),
        "shelter_bed_days": change(c["nights"], p["nights"]),
        "shelter_persons": change(c["shelter"], p["shelter"]),
        "crisis_room_persons": change(c["crisis_room"], p["crisis_room"]),
        **{
            f"service_{who}": {service: change(*pair) for service, pair in by_service.items()}
            for who, by_service in served.items()
        },
    }


def _hours(seconds):
    return None if seconds is None else round(seconds / 3600, 1)


def referral_figures(cur, prev, *, today: date) -> dict:
    by_service = _grouped("referrals_referral", "service", cur, prev, "sent_at")
    accepted = "status IN ('accepted', 'in_progress', 'completed')"
    in_time = f"answered_at IS NOT NULL AND answered_at <= due_at AND {accepted}"
    response = "extract(epoch FROM answered_at - sent_at)"
    window = "sent_at BETWEEN %s AND %s"
    row = _rows(
        f"SELECT COUNT(*) FILTER (WHERE {window} AND {in_time}), "
        f"COUNT(*) FILTER (WHERE {window} AND {in_time}), "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {response}) "
        f"FILTER (WHERE {window} AND answered_at IS NOT NULL), "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {response}) "
        f"FILTER (WHERE {window} AND answered_at IS NOT NULL) "
        f"FROM referrals_referral WHERE {window} OR {window}",
        [*cur, *prev, *cur, *prev, *cur, *prev],
    )[0]

    stays = _stays(cur, prev, today)
    return {
        "by_service": by_service,
        "accepted_in_time": change(row[0], row[1]),
        "median_response_hours": change(_hours(row[2]), _hours(row[3])),
        "shelter_placements": stays["shelter_placements"],
        "shelter_bed_days": stays["shelter_bed_days"],
        "shelter_persons": stays["shelter_persons"],
        "crisis_room_persons": stays["crisis_room_persons"],
        **_served_persons(cur, prev),
    }


def statistics(period: Period, *, today: date | None = None) -> dict:
    """Every figure of the statistics page and the report, for `period` and a year earlier.
    `today` ends the stays that are still open (default: today in Kyiv). Case figures and
    urgent orders come from the rollups, brought up to date first (on the primary)."""
    from programme import rollups

    # On the primary; a replica serving reports replays it within the lag it is allowed.
    rollups.refresh()
    return _statistics(period, today=today, from_rollups=True)


def statistics_from_base_tables(period: Period, *, today: date | None = None) -> dict:
    """The same figures computed straight from the base tables: the reference the rollups are
    tested and verified against (manage.py statistics_rollups verify)."""
    return _statistics(period, today=today, from_rollups=False)


@for_reporting
def _statistics(period: Period, *, today: date | None, from_rollups: bool) -> dict:
    from django.utils import timezone

    prev_period = previous_year(period)
    cur, prev = _bounds(period), _bounds(prev_period)
    today = today or timezone.localdate(timezone=KYIV)
    return {
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "kind": period.kind,
        },
        "previous": {"start": prev_period.start.isoformat(), "end": prev_period.end.isoformat()},
        "cases": (case_figures_from_rollups if from_rollups else case_figures)(cur, prev),
        "orders": order_figures(cur, prev, from_rollups=from_rollups),
        "referrals": (referral_figures_from_rollups if from_rollups else referral_figures)(
            cur, prev, today=today
        ),
    }


def orders_year_to_date(as_of: date) -> dict:
    """Orders since 1 January against the same period last year (the council's item 3)."""
    return statistics(Period(date(as_of.year, 1, 1), as_of, "months"))["orders"]


@for_reporting
def has_reports(period: Period) -> bool:
    """Whether any report was registered in the period (one index probe)."""
    return bool(
        _rows(
            "SELECT EXISTS (SELECT 1 FROM cases_case WHERE reported_at BETWEEN %s AND %s)",
            [*_bounds(period)],
        )[0][0]
    )
