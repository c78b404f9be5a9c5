"""The orders' year-on-year figures: 1 January to a day against the same days a year earlier,
by district, in one SQL aggregation per table; as published (portal.disclosure) for everyone
but the coordinator, and as the chart on the police statistics page and the dashboard panel."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone, translation

from orders.models import Breach, OrderKind, RestrainingOrder
from orders.selectors import _midnight
from portal.caching import refreshed_aggregate
from portal.calendar import change_pct, same_day_a_year_earlier
from portal.dbrouting import for_reporting
from portal.models import District
from portal.roles import Capability, can


def _year_to_date(as_of: date) -> tuple[datetime, datetime]:
    """1 January to `as_of`, Kyiv days, half-open (as `kyiv_days`)."""
    return _midnight(date(as_of.year, 1, 1)), _midnight(as_of + timedelta(days=1))


@for_reporting
def order_year_on_year(*, as_of: date) -> dict:
    """Orders and breaches from 1 January to `as_of` against the same period a year earlier,
    by district and in total: one aggregation per table, FILTER clauses, no Python loops over
    rows."""
    cur_start, cur_end = _year_to_date(as_of)
    prev_as_of = same_day_a_year_earlier(as_of)
    prev_start, prev_end = _year_to_date(prev_as_of)

    def window(prefix: str, start, end, kind=None):
        q = Q(**{f"{prefix}__gte": start, f"{prefix}__lt": end})
        return q & Q(kind=kind) if kind else q

    order_rows = (
        RestrainingOrder.objects.filter(
            window("starts_at", prev_start, prev_end) | window("starts_at", cur_start, cur_end)
        )
        .values("case__district__slug")
        .annotate(
            cur_urgent=Count(
                "pk", filter=window("starts_at", cur_start, cur_end, OrderKind.URGENT)
            ),
            cur_restrictive=Count(
                "pk", filter=window("starts_at", cur_start, cur_end, OrderKind.RESTRICTIVE)
            ),
            prev_urgent=Count(
                "pk", filter=window("starts_at", prev_start, prev_end, OrderKind.URGENT)
            ),
            prev_restrictive=Count(
                "pk", filter=window("starts_at", prev_start, prev_end, OrderKind.RESTRICTIVE)
            ),
        )
        .order_by()
    )
    breach_rows = (
        Breach.objects.filter(
            window("occurred_at", prev_start, prev_end) | window("occurred_at", cur_start, cur_end)
        )
        .values("order__case__district__slug")
        .annotate(
            cur=Count("pk", filter=window("occurred_at", cur_start, cur_end)),
            prev=Count("pk", filter=window("occurred_at", prev_start, prev_end)),
        )
        .order_by()
    )
    slugs = list(District.objects.order_by("position").values_list("slug", flat=True))
    empty = {"urgent": 0, "restrictive": 0, "breaches": 0}
    current = {slug: dict(empty) for slug in slugs}
    previous = {slug: dict(empty) for slug in slugs}
    for row in order_rows:
        slug = row["case__district__slug"]
        current[slug]["urgent"] = row["cur_urgent"]
        current[slug]["restrictive"] = row["cur_restrictive"]
        previous[slug]["urgent"] = row["prev_urgent"]
        previous[slug]["restrictive"] = row["prev_restrictive"]
    for row in breach_rows:
        slug = row["order__case__district__slug"]
        current[slug]["breaches"] = row["cur"]
        previous[slug]["breaches"] = row["prev"]

    def totals(by_district):
        return {key: sum(d[key] for d in by_district.values()) for key in empty}

    cur_total, prev_total = totals(current), totals(previous)
    return {
        "as_of": as_of.isoformat(),
        "previous_as_of": prev_as_of.isoformat(),
        # Exact counts; `published_year_on_year` turns them into what may leave the portal.
        "published": False,
        "current": {**cur_total, "by_district": current},
        "previous": {**prev_total, "by_district": previous},
        "change_pct": {key: change_pct(cur_total[key], prev_total[key]) for key in empty},
    }


def exact_counts_for(user) -> bool:
    """Whether the user sees exact order counts on the portal's own pages: only who may see every
    case with names anyway (the coordinator), for whom a count inside the portal reveals
    nothing. Everyone else, and every export (the JSON), gets the published figures
    (portal.disclosure, docs/statistics.md)."""
    return can(user, Capability.CASE_VIEW_ALL)


def last_month_end(day: date) -> date:
    """`day` if it ends its month, else the last day of the month before: the roles that see
    aggregates only count to a month end, so that two dates a day apart cannot be subtracted."""
    if (day + timedelta(days=1)).day == 1:
        return day
    return day.replace(day=1) - timedelta(days=1)


def published_year_on_year(figures: dict) -> dict:
    """`order_year_on_year` as it may leave the portal: the same keys, counts of 1–4 as "<5",
    the cells that would give them away from the Kyiv totals as "x", no per cent on a hidden
    count. The one place where the orders' figures become published ones."""
    from portal import disclosure

    kinds = ("urgent", "restrictive", "breaches")
    cells: dict[str, object] = {}
    sums = []
    for side in ("current", "previous"):
        for kind in kinds:
            cells[f"{side}.{kind}"] = figures[side][kind]
            parts = []
            for slug, counts in figures[side]["by_district"].items():
                cells[f"{side}.{kind}.{slug}"] = counts[kind]
                parts.append(f"{side}.{kind}.{slug}")
            sums.append(disclosure.Sum(f"{side}.{kind}", tuple(parts)))
    shown = disclosure.protect(cells, sums)

    def side_of(side: str) -> dict:
        return {
            **{kind: shown[f"{side}.{kind}"] for kind in kinds},
            "by_district": {
                slug: {kind: shown[f"{side}.{kind}.{slug}"] for kind in kinds}
                for slug in figures[side]["by_district"]
            },
        }

    return {
        "as_of": figures["as_of"],
        "previous_as_of": figures["previous_as_of"],
        "published": True,
        "current": side_of("current"),
        "previous": side_of("previous"),
        "change_pct": {
            kind: figures["change_pct"][kind]
            if disclosure.publishable(shown[f"current.{kind}"], shown[f"previous.{kind}"])
            else None
            for kind in kinds
        },
    }


@refreshed_aggregate("orders:yoy")
def city_order_statistics(as_of: str, exact: bool, language: str) -> dict:
    """The panel's year-on-year table as of an ISO date, counted ahead of its readers
    (portal.caching); districts are named in the reader's language."""
    with translation.override(language):
        return statistics_context(as_of=date.fromisoformat(as_of), exact=exact)


def statistics_panel(request) -> dict:
    exact = exact_counts_for(request.user)
    today = timezone.localdate()
    as_of = today if exact else last_month_end(today)
    cached = city_order_statistics(
        as_of=as_of.isoformat(), exact=exact, language=translation.get_language()
    )
    return {**cached["value"], "computed_at": cached["computed_at"]}


def statistics_context(*, as_of: date, exact: bool = False) -> dict:
    """The year-on-year table with bar widths for the chart (pure HTML/CSS, no script):
    published figures unless `exact` (see `exact_counts_for`). A hidden value gets no width
    (the template draws the same stub for each), and the scale comes from shown values only."""
    from portal.disclosure import is_hidden, publishable, scale_peak

    figures = order_year_on_year(as_of=as_of)
    if not exact:
        figures = published_year_on_year(figures)
    names = District.objects.display_names()
    rows = []
    for slug in figures["current"]["by_district"]:
        current = figures["current"]["by_district"][slug]
        previous = figures["previous"]["by_district"][slug]
        rows.append(
            {
                "district": names[slug],
                "current": current,
                "previous": previous,
                "change": change_pct(current["urgent"], previous["urgent"])
                if publishable(current["urgent"], previous["urgent"]) or exact
                else None,
            }
        )
    peak = scale_peak([r[side]["urgent"] for r in rows for side in ("current", "previous")])
    for row in rows:
        for side, key in (("current", "cur"), ("previous", "prev")):
            value = row[side]["urgent"]
            row[f"{key}_hidden"] = is_hidden(value)
            row[f"{key}_width"] = 0 if is_hidden(value) else round(value * 100 / peak)
    return {
        "figures": figures,
        "rows": rows,
        "exact": exact,
        "as_of_date": as_of,
        "previous_date": same_day_a_year_earlier(as_of),
    }
