"""The report: figures (statistics + programme execution) → HTML → PDF (WeasyPrint)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Channel, ViolenceForm
from portal.models import District
from programme.charts import paired_bars
from programme.figures import Period, format_number, format_pct, percent, suppress
from programme.models import (
    Funding,
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


def programme_execution(period: Period) -> list[dict]:
    """Measures by task for the report's year: status, funding plan and spent, indicators."""
    year, quarter = period.end.year, _quarter_of(period)
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        return []
    latest = {
        p.measure_id: p
        for p in Progress.objects.filter(year=year, quarter__lte=quarter).order_by("quarter")
    }
    plans = {(p.indicator_id): p.value for p in IndicatorPlan.objects.filter(year=year)}
    actuals = {
        (a.progress_id, a.indicator_id): a.value
        for a in IndicatorActual.objects.filter(progress__year=year, progress__quarter__lte=quarter)
    }
    funding = {
        row["measure_id"]: row["total"]
        for row in Funding.objects.filter(year=year)
        .values("measure_id")
        .annotate(total=Sum("amount"))
    }
    tasks = ProgrammeTask.objects.filter(programme=programme).prefetch_related(
        Prefetch("measures", queryset=Measure.objects.prefetch_related("executors", "indicators"))
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
                indicators.append(
                    {
                        "indicator": indicator,
                        "plan": planned,
                        "fact": fact,
                        "pct": percent(fact, planned) if fact is not None else None,
                    }
                )
            rows.append(
                {
                    "measure": measure,
                    "progress": progress,
                    "plan": plan,
                    "spent": spent,
                    "spent_pct": percent(spent, plan),
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


def _table(series: dict, labels: dict, order=None, people: bool = True) -> list[dict]:
    keys = order or sorted(series)
    rows = []
    for key in keys:
        value = series.get(key, {"current": 0, "previous": 0, "pct": None})
        rows.append(
            {
                "label": labels.get(key, key),
                "current": suppress(value["current"]) if people else value["current"],
                "previous": suppress(value["previous"]) if people else value["previous"],
                # A percentage would give away a suppressed count on either side.
                "pct": value["pct"]
                if not people
                or (
                    suppress(value["current"]) == value["current"]
                    and suppress(value["previous"]) == value["previous"]
                )
                else None,
                "raw_current": value["current"],
                "raw_previous": value["previous"],
            }
        )
    return rows


def cached_statistics(period: Period) -> dict:
    """The statistics page's figures, cached for ten minutes: the council's figures change
    slowly, while counting a million cases takes seconds. Reports always recompute."""
    from portal.caching import cached_aggregate

    key = f"statistics:{period.start.isoformat()}:{period.end.isoformat()}"
    return cached_aggregate(key, lambda: statistics(period), ttl=600)["value"]


def report_context(period: Period, *, cached: bool = False) -> dict:
    from referrals.routing.explain import SERVICE_LABELS

    figures = statistics(period) if not cached else cached_statistics(period)
    cases, orders, referrals = figures["cases"], figures["orders"], figures["referrals"]
    districts = dict(District.objects.order_by("position").values_list("slug", "name"))
    cur_label = f"{period.start:%d.%m}–{period.end:%d.%m.%Y}"
    prev_label = f"{period.start:%d.%m}–{period.end:%d.%m.}{period.end.year - 1}"
    tables = {
        "channel": _table(cases["by_channel"], dict(Channel.choices)),
        "district": _table(cases["by_district"], districts, list(districts)),
        "form": _table(cases["by_form"], dict(ViolenceForm.choices), list(ViolenceForm.values)),
        "sex": _table(
            cases["victim_sex"], {"F": _("women and girls"), "M": _("men and boys")}, ["F", "M"]
        ),
        "age": _table(cases["victim_age"], {}, ["0-17", "18-35", "36-59", "60+"]),
        "offender_sex": _table(cases["offender_sex"], {"F": _("women"), "M": _("men")}, ["F", "M"]),
        "services": _table(
            referrals["by_service"],
            {k: str(v) for k, v in SERVICE_LABELS.items()},
            [s for s in SERVICE_ORDER if s in referrals["by_service"]],
        ),
    }
    district_rows = [(r["label"], r["raw_current"], r["raw_previous"]) for r in tables["district"]]
    charts = {
        "district": paired_bars(
            district_rows, current_label=cur_label, previous_label=prev_label, display=suppress
        ),
        "form": paired_bars(
            [(r["label"], r["raw_current"], r["raw_previous"]) for r in tables["form"]],
            current_label=cur_label,
            previous_label=prev_label,
            display=suppress,
        ),
    }
    execution = programme_execution(period)
    return {
        "period": period,
        "cur_label": cur_label,
        "prev_label": prev_label,
        "figures": figures,
        "cases": cases,
        "orders": orders,
        "referrals": referrals,
        "tables": tables,
        "charts": charts,
        "execution": execution,
        "programme": Programme.objects.order_by("pk").first(),
        "totals": {
            "plan": sum((t["plan"] for t in execution), Decimal(0)),
            "spent": sum((t["spent"] for t in execution), Decimal(0)),
        },
        "generated_at": timezone.localtime(),
        "fmt": format_number,
        "fmt_pct": format_pct,
    }


def render_html(period: Period) -> str:
    template = getattr(settings, "PROGRAMME_REPORT_TEMPLATE", "programme/report_pdf.html")
    return render_to_string(template, report_context(period))


def render_pdf(period: Period) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(period), base_url=str(settings.BASE_DIR)).write_pdf()
