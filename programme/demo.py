"""The illustrative programme from its YAML file, quarterly progress for 2022 Q1 – 2024 Q3, and
one finished 9-month report for 2024. Idempotent."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from portal.models import User
from programme.models import (
    IndicatorActual,
    IndicatorPlan,
    Measure,
    Progress,
    ProgressStatus,
    ReportingWindow,
    ReportKind,
    ReportRun,
)
from programme.services import programme_import

KYIV = ZoneInfo("Europe/Kyiv")
QUARTERS = [(y, q) for y in (2022, 2023, 2024) for q in (1, 2, 3, 4)][:-1]  # up to 2024 Q3


def seed(*, stdout) -> None:
    programme = programme_import()
    for year in (2022, 2023, 2024, 2025, 2026):
        for quarter in (1, 2, 3, 4):
            month = quarter * 3 + 1
            deadline_year, deadline_month = (year + 1, 1) if month == 13 else (year, month)
            ReportingWindow.objects.get_or_create(
                year=year,
                quarter=quarter,
                defaults={
                    "deadline": datetime.combine(
                        date(deadline_year, deadline_month, 15), time(18), tzinfo=KYIV
                    )
                },
            )
    if Progress.objects.exists():
        stdout.write(f"  programme: {programme.tasks.count()} tasks; progress already present")
    else:
        rng = random.Random(2024)
        executor = User.objects.filter(username="executor").first()
        plans = {(p.indicator_id, p.year): p.value for p in IndicatorPlan.objects.all()}
        for measure in Measure.objects.prefetch_related("funding", "indicators"):
            for year, quarter in QUARTERS:
                plan = sum((f.amount for f in measure.funding.all() if f.year == year), Decimal(0))
                share = Decimal(quarter) / 4 * Decimal(str(round(rng.uniform(0.82, 1.04), 2)))
                status = (
                    ProgressStatus.DONE
                    if quarter == 4 and rng.random() < 0.8
                    else ProgressStatus.IN_PROGRESS
                )
                if rng.random() < 0.04:
                    status = ProgressStatus.NOT_DONE
                window = ReportingWindow.objects.get(year=year, quarter=quarter)
                progress = Progress.objects.create(
                    measure=measure,
                    year=year,
                    quarter=quarter,
                    status=status,
                    spent=(plan * share).quantize(Decimal("0.1")),
                    narrative="Заходи виконуються відповідно до плану.",
                    submitted_at=window.deadline,
                    submitted_by=executor,
                    late=rng.random() < 0.07,
                )
                for indicator in measure.indicators.all():
                    planned = plans.get((indicator.pk, year))
                    if planned is not None:
                        IndicatorActual.objects.create(
                            progress=progress,
                            indicator=indicator,
                            value=(planned * share).quantize(Decimal("1")),
                        )
        stdout.write(
            f"  programme: {programme.tasks.count()} tasks, "
            f"{Progress.objects.count()} quarterly reports"
        )
    if not ReportRun.objects.exists():
        from programme.reporting import report_run_render

        run = ReportRun.objects.create(
            kind=ReportKind.NINE_MONTHS,
            year=2024,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 9, 30),
            requested_by=User.objects.filter(username="secretariat").first(),
        )
        report_run_render(run_id=run.pk)
        stdout.write("  report: 9 months of 2024 rendered")
