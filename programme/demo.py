"""The illustrative programme from its YAML file, executors' quarterly progress for every quarter
of it that has ended, the demo city (PORTAL_DEMO_CITY=1, which `make demo` sets unless told
otherwise) and one finished 9-month report for 2024. Idempotent."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from portal.calendar import KYIV
from portal.env import env_bool
from portal.models import Organisation, User
from programme.models import (
    IndicatorActual,
    IndicatorPlan,
    Measure,
    Programme,
    Progress,
    ProgressStatus,
    ReportingWindow,
    ReportKind,
    ReportRun,
    RunStatus,
)
from programme.services import programme_import


def _quarters(year_from: int, year_to: int, today: date) -> list[tuple[int, int]]:
    """Every quarter of the programme that has ended before `today`."""
    return [
        (year, quarter)
        for year in range(year_from, year_to + 1)
        for quarter in (1, 2, 3, 4)
        if (year, quarter) < (today.year, (today.month - 1) // 3 + 1)
    ]


def seed_progress(programme) -> int:
    """Executors' reports for each ended quarter that has none yet; the count added."""
    rng = random.Random(2024)
    executor = User.objects.filter(username="executor").first()
    plans = {(p.indicator_id, p.year): p.value for p in IndicatorPlan.objects.all()}
    quarters = _quarters(programme.year_from, programme.year_to, timezone.localdate())
    done = set(Progress.objects.values_list("measure_id", "year", "quarter"))
    windows = {(w.year, w.quarter): w for w in ReportingWindow.objects.all()}
    added = 0
    for measure in Measure.objects.filter(task__programme=programme).prefetch_related(
        "funding", "indicators"
    ):
        for year, quarter in quarters:
            # Drawn whether or not the report exists, so that each quarter's figures do not
            # depend on which ones an earlier start already made.
            draw = rng.uniform(0.82, 1.04), rng.random(), rng.random(), rng.random()
            if (measure.pk, year, quarter) in done:
                continue
            plan = sum((f.amount for f in measure.funding.all() if f.year == year), Decimal(0))
            share = Decimal(quarter) / 4 * Decimal(str(round(draw[0], 2)))
            status = (
                ProgressStatus.DONE
                if quarter == 4 and draw[1] < 0.8
                else ProgressStatus.IN_PROGRESS
            )
            if draw[2] < 0.04:
                status = ProgressStatus.NOT_DONE
            window = windows[(year, quarter)]
            progress = Progress.objects.create(
                measure=measure,
                year=year,
                quarter=quarter,
                status=status,
                spent=(plan * share).quantize(Decimal("0.1")),
                narrative="Заходи виконуються відповідно до плану.",
                submitted_at=window.deadline,
                submitted_by=executor,
                late=draw[3] < 0.07,
            )
            added += 1
            for indicator in measure.indicators.all():
                planned = plans.get((indicator.pk, year))
                if planned is not None:
                    IndicatorActual.objects.create(
                        progress=progress,
                        indicator=indicator,
                        value=(planned * share).quantize(Decimal("1")),
                    )
    return added


def seed_city(*, stdout) -> bool:
    """Kyiv's magnitudes since 2022 (programme.synthetic.city); True when loaded now."""
    from programme.synthetic.city import timed_load_city

    counts, seconds = timed_load_city(now=timezone.now())
    if not counts["cases_case"]:
        stdout.write("  city: already present")
        return False
    stdout.write(
        f"  city: {counts['cases_case']} reports, {counts['orders_restrainingorder']} orders, "
        f"{counts['orders_breach']} breaches, {counts['referrals_referral']} referrals "
        f"in {seconds:.1f} s"
    )
    return True


NEXT_CODE = "dv-2025-2027"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11), tzinfo=KYIV)


def seed_next_programme(previous):
    """The illustrative 2025–2027 programme, made the way the secretariat makes one in the
    portal: a copy of 2022–2024's structure, then two later edits, each a version (dated as
    if recorded when the council would have made it). Idempotent: made once."""
    from programme.structure import services as structure
    from programme.structure.models import ProgrammeVersion

    existing = Programme.objects.filter(code=NEXT_CODE).first()
    if existing is not None:
        return existing
    secretariat = User.objects.filter(username="secretariat").first()
    programme = structure.programme_copy(
        actor=secretariat,
        source_id=previous.pk,
        code=NEXT_CODE,
        title="Міська цільова програма «Запобігання та протидія домашньому насильству та/або "
        "насильству за ознакою статі на 2025–2027 роки»",
        title_en='City target programme "Preventing and combating domestic violence and/or '
        'gender-based violence for 2025–2027"',
        year_from=2025,
        year_to=2027,
        approved_by="Рішення Київської міської ради від 19.12.2024 № 612/10421 "
        "(реквізити умовні, для демонстрації)",
        illustrative=True,
    )
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=DEMO_EXECUTORS)}
    task = structure.task_save(
        actor=secretariat,
        programme=programme,
        task=None,
        seen_version=None,
        code="8",
        title="Підтримка ветеранів війни та членів їхніх родин, які постраждали від "
        "домашнього насильства",
        title_en="Support for war veterans and their families affected by domestic violence",
    )
    measure = structure.measure_save(
        actor=secretariat,
        task=task,
        measure=None,
        seen_version=None,
        code="8.1",
        title="Консультування ветеранів та членів їхніх родин з питань запобігання домашньому "
        "насильству, залучення до програм психологічної підтримки",
        title_en="Counselling veterans and their families on preventing domestic violence",
        deadline=date(2027, 12, 31),
        executor_ids=[o.pk for o in organisations.values()],
        funding={
            (2025, "city_budget"): Decimal("850.0"),
            (2026, "city_budget"): Decimal("1200.0"),
            (2027, "city_budget"): Decimal("1350.0"),
        },
    )
    structure.indicator_save(
        actor=secretariat,
        measure=measure,
        indicator=None,
        seen_version=None,
        code="8.1.1",
        title="Кількість ветеранів та членів їхніх родин, які отримали консультації",
        title_en="Veterans and family members counselled",
        unit="осіб",
        unit_en="people",
        planned={2025: Decimal("300"), 2026: Decimal("450"), 2027: Decimal("500")},
    )
    # The budget of 2026 raised the trust line's funding.
    trust_line = Measure.objects.get(task__programme=programme, code="1.1")
    structure.measure_save(
        actor=secretariat,
        task=trust_line.task,
        measure=trust_line,
        seen_version=None,
        code=trust_line.code,
        title=trust_line.title,
        title_en=trust_line.title_en,
        deadline=trust_line.deadline,
        executor_ids=list(trust_line.executors.values_list("pk", flat=True)),
        funding={(2026, "city_budget"): Decimal("6400.0")},
    )
    dates = {
        1: date(2024, 12, 19),
        2: date(2025, 3, 14),
        3: date(2025, 3, 14),
        4: date(2025, 3, 14),
        5: date(2026, 1, 23),
    }
    for version in ProgrammeVersion.objects.filter(programme=programme):
        ProgrammeVersion.objects.filter(pk=version.pk).update(
            created_at=_at(dates.get(version.number, date(2026, 1, 23)))
        )
    return programme


DEMO_EXECUTORS = ("department", "city-centre")


def seed_windows() -> None:
    """The executors' reporting deadlines: the 15th of the month after each quarter, 18:00."""
    for year in range(2022, 2028):
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


def seed(*, stdout) -> None:
    programme = programme_import()
    first = programme.versions.order_by("number").first()
    if first is not None and first.created_at.year > 2024:
        # The 2022–2024 structure as recorded when the council approved it.
        type(first).objects.filter(pk=first.pk).update(created_at=_at(date(2021, 12, 23)))
    seed_windows()
    added = seed_progress(programme)
    following = seed_next_programme(programme)
    added += seed_progress(following)
    stdout.write(
        f"  programme: {programme.tasks.count()} + {following.tasks.count()} tasks, "
        f"{Progress.objects.count()} quarterly reports ({added} added)"
    )
    from programme.council.demo import council_demo_load

    council_demo_load()
    stdout.write("  council: members, meetings of 17.10.2024 and later, assignments, memorandum")
    city_now = env_bool("PORTAL_DEMO_CITY", False) and seed_city(stdout=stdout)
    run = ReportRun.objects.filter(
        kind=ReportKind.NINE_MONTHS, year=2024, requested_by__username="secretariat"
    ).first()
    if run is not None and not city_now:
        return
    from programme.reporting import report_run_render

    if run is None:
        run = ReportRun.objects.create(
            kind=ReportKind.NINE_MONTHS,
            year=2024,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 9, 30),
            requested_by=User.objects.filter(username="secretariat").first(),
        )
    else:
        # Rendered before the city came: render it again over the city's figures.
        ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
    report_run_render(run_id=run.pk)
    stdout.write("  report: 9 months of 2024 rendered")
