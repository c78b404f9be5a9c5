"""A programme's whole structure as plain data — tasks, measures, executors (by name, as they
were called then), funding by year and source, indicators with their yearly plans — for a
version to keep. Three queries whatever the programme's size."""

from __future__ import annotations

from django.db.models import Prefetch

from programme.models import Indicator, Measure, Programme, ProgrammeTask


def _amount(value) -> str:
    return f"{value:.1f}"


def structure_of(programme: Programme) -> dict:
    measures = Measure.objects.prefetch_related(
        "executors",
        "funding",
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("plans")),
    ).order_by("code")
    tasks = (
        ProgrammeTask.objects.filter(programme=programme)
        .prefetch_related(Prefetch("measures", queryset=measures))
        .order_by("code")
    )
    return {
        "programme": {
            "code": programme.code,
            "title": programme.title,
            "title_en": programme.title_en,
            "year_from": programme.year_from,
            "year_to": programme.year_to,
            "approved_by": programme.approved_by,
            "responsible": programme.responsible.name if programme.responsible_id else "",
            "illustrative": programme.illustrative,
        },
        "tasks": [
            {
                "code": task.code,
                "title": task.title,
                "title_en": task.title_en,
                "measures": [_measure(m) for m in task.measures.all()],
            }
            for task in tasks
        ],
    }


def _measure(measure: Measure) -> dict:
    return {
        "code": measure.code,
        "title": measure.title,
        "title_en": measure.title_en,
        "deadline": measure.deadline.isoformat() if measure.deadline else None,
        "executors": sorted(e.name for e in measure.executors.all()),
        "funding": {
            f"{line.year}:{line.source}": _amount(line.amount)
            for line in sorted(measure.funding.all(), key=lambda f: (f.year, f.source))
        },
        "indicators": [
            {
                "code": indicator.code,
                "title": indicator.title,
                "title_en": indicator.title_en,
                "unit": indicator.unit,
                "unit_en": indicator.unit_en,
                "planned": {
                    str(plan.year): _amount(plan.value)
                    for plan in sorted(indicator.plans.all(), key=lambda p: p.year)
                },
            }
            for indicator in sorted(measure.indicators.all(), key=lambda i: i.code)
        ],
    }


def programme_years(structure: dict) -> list[int]:
    header = structure["programme"]
    return list(range(header["year_from"], header["year_to"] + 1))
