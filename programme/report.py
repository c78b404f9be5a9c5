"""The report: figures (statistics + programme execution) → HTML → PDF (WeasyPrint)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db.models import Prefetch, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Channel, ViolenceForm
from portal import disclosure
from portal.bilingual import reads_english
from portal.caching import refreshed_aggregate
from portal.dbrouting import for_reporting
from portal.models import District, Organisation, OrganisationKind
from portal.numbers import format_number, format_pct, format_share
from programme.charts import paired_bars
from programme.figures import (
    AGE_GROUPS,
    AGE_UNKNOWN,
    Period,
    percent,
    previous_year,
)
from programme.models import (
    Funding,
    FundingSource,
    IndicatorActual,
    IndicatorPlan,
    Measure,
    Programme,
    ProgrammeTask,
    Progress,
)
from programme.statistics import statistics

SERVICE_ORDER = [
    "coordinator_notice",
    "children_service_notice",
    "police_notice",
    "needs_assessment",
    "shelter",
    "crisis_room",
    "psychological",
    "medical",
    "legal_aid",
    "guardianship_notice",
    "offender_programme",
    "social_services",
]


def _quarter_of(period: Period) -> int:
    return (period.end.month - 1) // 3 + 1


def programme_covering(period: Period) -> Programme | None:
    """The programme whose years cover the report's period (its last day decides when a period
    straddles two programmes); None when no programme covers it, and the report says so."""
    return (
        Programme.objects.filter(year_from__lte=period.end.year, year_to__gte=period.end.year)
        .select_related("responsible")
        .order_by("-year_from", "pk")
        .first()
    )


# District-wide executors collapse into one line: "центри соціальних служб усіх 10 районів"
# instead of ten lines per measure.
DISTRICT_WIDE = {
    OrganisationKind.DISTRICT_ADMINISTRATION: gettext_lazy(
        "district state administrations of all %(count)s districts"
    ),
    OrganisationKind.SOCIAL_SERVICES_CENTRE: gettext_lazy(
        "centres of social services of all %(count)s districts"
    ),
    OrganisationKind.CHILDREN_SERVICE: gettext_lazy(
        "services for children and family of all %(count)s districts"
    ),
    OrganisationKind.POLICE_UNIT: gettext_lazy("police units of all %(count)s districts"),
}


def executor_lines(executors, *, district_ids: set[int]) -> list[str]:
    """The executors of a measure as the report prints them: the organisations of one kind that
    together serve every district (one district each) become one line; the others are named."""
    by_kind: dict[str, list] = {}
    for organisation in executors:
        by_kind.setdefault(organisation.kind, []).append(organisation)
    collapsed: dict[str, str] = {}  # kind → its line
    folded: set[int] = set()  # organisations said by their kind's line
    for kind, members in by_kind.items():
        single = {o.pk: {d.pk for d in o.districts.all()} for o in members}
        single = {pk: ds for pk, ds in single.items() if len(ds) == 1}
        if len(single) > 1 and set().union(*single.values()) == district_ids:
            phrase = DISTRICT_WIDE.get(kind)
            count = len(district_ids)
            collapsed[kind] = (
                phrase % {"count": count}
                if phrase
                else _("%(kind)s: all %(count)s districts")
                % {"kind": OrganisationKind(kind).label, "count": count}
            )
            folded |= set(single)
    lines, said = [], set()
    for organisation in executors:
        if organisation.pk in folded:
            if organisation.kind not in said:
                lines.append(collapsed[organisation.kind])
                said.add(organisation.kind)
        else:
            lines.append(str(organisation))
    return lines


def funding_by_source(programme: Programme | None, year: int) -> list[dict]:
    """Planned funding of the year by source (city budget / other), thousand UAH."""
    if programme is None:
        return []
    totals = {
        row["source"]: row["total"]
        for row in Funding.objects.filter(measure__task__programme=programme, year=year)
        .values("source")
        .annotate(total=Sum("amount"))
    }
    return [
        {"source": source, "label": label, "plan": totals.get(source, Decimal(0))}
        for source, label in FundingSource.choices
    ]


def programme_execution(period: Period, programme: Programme | None = None) -> list[dict]:
    """Measures by task for the report's year: status, funding plan and spent, indicators."""
    year, quarter = period.end.year, _quarter_of(period)
    programme = programme or programme_covering(period)
    if programme is None:
        return []
    english = reads_english()
    measures = Measure.objects.filter(task__programme=programme)
    # Submitted reports only: an executor's draft is not reported progress.
    submitted = Progress.objects.filter(
        measure__in=measures, year=year, quarter__lte=quarter, submitted_at__isnull=False
    )
    latest = {p.measure_id: p for p in submitted.order_by("quarter")}
    plans = {
        p.indicator_id: p.value
        for p in IndicatorPlan.objects.filter(indicator__measure__in=measures, year=year)
    }
    actuals = {
        (a.progress_id, a.indicator_id): a.value
        for a in IndicatorActual.objects.filter(progress__in=submitted)
    }
    funding = {
        row["measure_id"]: row["total"]
        for row in Funding.objects.filter(measure__in=measures, year=year)
        .values("measure_id")
        .annotate(total=Sum("amount"))
    }
    district_ids = set(District.objects.values_list("pk", flat=True))
    tasks = ProgrammeTask.objects.filter(programme=programme).prefetch_related(
        Prefetch(
            "measures",
            queryset=Measure.objects.prefetch_related(
                Prefetch(
                    "executors",
                    queryset=Organisation.objects.prefetch_related("districts").order_by("pk"),
                ),
                "indicators",
            ),
        )
    )
    result = []
    for task in tasks:
        rows = []
        for measure in task.measures.all():
            progress = latest.get(measure.pk)
            plan = funding.get(measure.pk, Decimal(0))
            spent = progress.spent if progress else Decimal(0)
            indicators = []
            for indicator in measure.indicators.all():
                planned = plans.get(indicator.pk)
                fact = actuals.get((progress.pk, indicator.pk)) if progress else None
                pct = percent(fact, planned)
                indicators.append(
                    {
                        "indicator": indicator,
                        "plan": planned,
                        "fact": fact,
                        "pct": pct,
                        "pct_text": format_share(pct, english=english),
                    }
                )
            spent_pct = percent(spent, plan)
            rows.append(
                {
                    "measure": measure,
                    "progress": progress,
                    "plan": plan,
                    "spent": spent,
                    "spent_pct": spent_pct,
                    "spent_pct_text": format_share(spent_pct, english=english),
                    "executors": executor_lines(measure.executors.all(), district_ids=district_ids),
                    "indicators": indicators,
                }
            )
        result.append(
            {
                "task": task,
                "measures": rows,
                "plan": sum((r["plan"] for r in rows), Decimal(0)),
                "spent": sum((r["spent"] for r in rows), Decimal(0)),
            }
        )
    return result


# Figures that are not counts of people: never "<5" themselves; a share and the bed-days of
# fewer than five people are withheld with the counts they rest on. The median answer time is
# a time, not people, and is given as computed.
NOT_COUNTS = {"repeat_victims_pct", "median_response_hours", "shelter_bed_days"}
SIDES = ("current", "previous")
# The width of the statistics page's charts on a phone (390 px less the card's margins).
NARROW_CHART = 320


def _is_change(value) -> bool:
    return isinstance(value, dict) and "current" in value and "previous" in value


def _margins(figures: dict) -> list[disclosure.Sum]:
    """The columns an attacker can add up, each against the published total it adds up to."""
    sums = []
    for side in SIDES:

        def column(total: str, section: str, key: str, side: str = side) -> disclosure.Sum:
            parts = tuple(f"{section}.{key}.{k}.{side}" for k in figures[section][key])
            return disclosure.Sum(f"{total}.{side}", parts)

        sums += [
            # Every case has one district and one channel.
            column("cases.registered", "cases", "by_district"),
            column("cases.registered", "cases", "by_channel"),
            # Every victim has one sex and one age group ("unknown" included); a victim whose
            # age group changed between two reports in the period counts in both, so the
            # groups are at least the victims: protecting the equality protects that too.
            column("cases.victims", "cases", "victim_sex"),
            column("cases.victims", "cases", "victim_age"),
            disclosure.Sum(
                f"orders.urgent.{side}",
                (
                    f"orders.urgent_police_initiative.{side}",
                    f"orders.urgent_on_application.{side}",
                    f"orders.urgent_initiator_not_recorded.{side}",
                ),
            ),
            # Shelter and crisis-room persons add up to the placements.
            disclosure.Sum(
                f"referrals.shelter_placements.{side}",
                (f"referrals.shelter_persons.{side}", f"referrals.crisis_room_persons.{side}"),
            ),
        ]
    return sums


def published(figures: dict) -> dict:
    """The figures as they may leave the portal (DOMAIN.md §7): the same keys, counts of one to
    four people as "<5", the cells that would give them away as "x", and no change or share
    built on a hidden count. The one place where computed figures become published ones; the
    stored figures (ReportRun.figures) stay exact."""
    cells: dict[str, object] = {}
    for section in ("cases", "orders", "referrals"):
        for key, value in figures[section].items():
            if key in NOT_COUNTS:
                continue
            if _is_change(value):
                for side in SIDES:
                    cells[f"{section}.{key}.{side}"] = value[side]
            else:
                for sub, change in value.items():
                    for side in SIDES:
                        cells[f"{section}.{key}.{sub}.{side}"] = change[side]
    shown = disclosure.protect(cells, _margins(figures))

    def series(value: dict, prefix: str) -> dict:
        return disclosure.change(
            shown[f"{prefix}.current"], shown[f"{prefix}.previous"], exact=value
        )

    result = {k: v for k, v in figures.items() if k not in ("cases", "orders", "referrals")}
    for section in ("cases", "orders", "referrals"):
        out = {}
        for key, value in figures[section].items():
            if key in NOT_COUNTS:
                continue
            if _is_change(value):
                out[key] = series(value, f"{section}.{key}")
            else:
                out[key] = {
                    sub: series(change, f"{section}.{key}.{sub}") for sub, change in value.items()
                }
        result[section] = out
    cases, referrals = figures["cases"], figures["referrals"]
    result["cases"]["repeat_victims_pct"] = _derived(
        cases["repeat_victims_pct"],
        [result["cases"]["repeat_victims"], result["cases"]["victims"]],
    )
    result["referrals"]["median_response_hours"] = referrals["median_response_hours"]
    result["referrals"]["shelter_bed_days"] = _derived(
        referrals["shelter_bed_days"], [result["referrals"]["shelter_placements"]]
    )
    # Keep the key order of the computed figures (the JSON's readers diff it).
    for section in ("cases", "orders", "referrals"):
        result[section] = {key: result[section][key] for key in figures[section]}
    result["disclosure"] = {
        disclosure.LESS_THAN_FIVE: "1 to 4 people",
        disclosure.WITHHELD: "withheld so that a <5 cannot be derived from the totals",
    }
    return result


def _derived(value: dict, counts: list[dict]) -> dict:
    """A share or a sum over counted people: given for a side only when every count it rests on
    is shown and is not small."""
    sides = {
        side: value[side] if disclosure.publishable(*(c[side] for c in counts)) else None
        for side in SIDES
    }
    if None in sides.values():
        return {**sides, "diff": None, "pct": None}
    return {**value, **sides}


def _table(series: dict, labels: dict, order=None) -> list[dict]:
    """Rows of a published series (see `published`): the percentage is already withheld
    wherever it would give a hidden count away."""
    keys = order or sorted(series)
    rows = []
    for key in keys:
        value = series.get(key, {"current": 0, "previous": 0, "pct": None})
        rows.append(
            {
                "label": labels.get(key, key),
                "current": value["current"],
                "previous": value["previous"],
                "pct": value["pct"],
            }
        )
    return rows


@refreshed_aggregate("statistics", ttl=600)
@for_reporting
def period_statistics(start: str, end: str) -> dict:
    """The statistics page's figures for a period (ISO dates), kept for ten minutes and counted
    anew by the worker while readers see the kept ones (portal.caching): the council's figures
    change slowly. Reports always recompute."""
    return statistics(Period(date.fromisoformat(start), date.fromisoformat(end)))


def cached_statistics(period: Period) -> dict:
    return period_statistics(start=period.start.isoformat(), end=period.end.isoformat())["value"]


def _served(referrals: dict, labels: dict) -> list[dict]:
    """People served by each service, women / men / children (published values)."""
    groups = ("service_women", "service_men", "service_children")
    services = [s for s in SERVICE_ORDER if any(s in referrals[g] for g in groups)]
    empty = {"current": 0, "previous": 0, "pct": None}
    return [
        {
            "label": labels.get(service, service),
            **{g.removeprefix("service_"): referrals[g].get(service, empty) for g in groups},
        }
        for service in services
    ]


@for_reporting
def report_context(period: Period, *, cached: bool = False, run=None) -> dict:
    """Everything the statistics page and the report print. `run` (a ReportRun) says whether
    this is a draft and carries the secretariat's narrative."""
    from referrals.routing.explain import SERVICE_LABELS

    figures = published(statistics(period) if not cached else cached_statistics(period))
    cases, orders, referrals = figures["cases"], figures["orders"], figures["referrals"]
    districts = District.objects.display_names()
    earlier = previous_year(period)
    cur_label = f"{period.start:%d.%m}–{period.end:%d.%m.%Y}"
    prev_label = f"{earlier.start:%d.%m}–{earlier.end:%d.%m.%Y}"
    service_labels = {k: str(v) for k, v in SERVICE_LABELS.items()}
    tables = {
        "channel": _table(cases["by_channel"], dict(Channel.choices)),
        "district": _table(cases["by_district"], districts, list(districts)),
        "form": _table(cases["by_form"], dict(ViolenceForm.choices), list(ViolenceForm.values)),
        "sex": _table(
            cases["victim_sex"], {"F": _("women and girls"), "M": _("men and boys")}, ["F", "M"]
        ),
        "age": _table(
            cases["victim_age"],
            {AGE_UNKNOWN: _("age unknown")},
            [name for name, _low, _high in AGE_GROUPS] + [AGE_UNKNOWN],
        ),
        "offender_sex": _table(cases["offender_sex"], {"F": _("women"), "M": _("men")}, ["F", "M"]),
        "services": _table(
            referrals["by_service"],
            service_labels,
            [s for s in SERVICE_ORDER if s in referrals["by_service"]],
        ),
    }
    # Each picture twice: for the page and the PDF, and for a phone's width, where the page
    # shows the narrow one instead (statistics.html).
    charts = {}
    number = partial(format_number, english=reads_english())
    for key in ("district", "form"):
        rows = [(r["label"], r["current"], r["previous"]) for r in tables[key]]
        labels = {
            "current_label": cur_label,
            "previous_label": prev_label,
            "display": number,
        }
        charts[key] = paired_bars(rows, **labels)
        charts[f"{key}_narrow"] = paired_bars(rows, **labels, width=NARROW_CHART, label_min=0)
    # The council compares the year's orders with the same days a year earlier (DOMAIN §5).
    order_rows = [
        (_("Urgent restraining orders"), "urgent"),
        (_("Restrictive orders, new"), "restrictive"),
        (_("Restrictive orders, extended"), "restrictive_extended"),
        (_("Breaches of urgent orders"), "breaches_urgent"),
        (_("Breaches of restrictive orders"), "breaches_restrictive"),
    ]
    charts["orders"] = paired_bars(
        [
            (str(label), orders[key]["current"], orders[key]["previous"])
            for label, key in order_rows
        ],
        current_label=cur_label,
        previous_label=prev_label,
        display=number,
        title=str(_("Urgent and restrictive orders")),
    )
    programme = programme_covering(period)
    execution = programme_execution(period, programme) if programme else []
    return {
        "period": period,
        "cur_label": cur_label,
        "prev_label": prev_label,
        "figures": figures,
        "cases": cases,
        "orders": orders,
        "referrals": referrals,
        "tables": tables,
        "served": _served(referrals, service_labels),
        "charts": charts,
        "execution": execution,
        "programme": programme,
        # The report reads the structure as it stands when it is made: it names that version,
        # which the programme editor shows as it stood (programme.structure).
        "structure_version": (
            programme.versions.order_by("-number").first() if programme is not None else None
        ),
        "funding_sources": funding_by_source(programme, period.end.year),
        "totals": {
            "plan": sum((t["plan"] for t in execution), Decimal(0)),
            "spent": sum((t["spent"] for t in execution), Decimal(0)),
        },
        "draft": run is None or not run.final,
        "narrative": run.narrative if run is not None else "",
        "generated_at": timezone.localtime(),
        "fmt": number,
        "fmt_pct": partial(format_pct, english=reads_english()),
    }


def render_html(period: Period, *, run=None) -> str:
    template = getattr(settings, "PROGRAMME_REPORT_TEMPLATE", "programme/report_pdf.html")
    return render_to_string(template, report_context(period, run=run))


def render_pdf(period: Period, *, run=None) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(period, run=run), base_url=str(settings.BASE_DIR)).write_pdf()
