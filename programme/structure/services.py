"""Writes on a programme's structure by the secretariat, in the portal: a new programme by
copying the previous one or by import, and edits of tasks, measures, executors, funding,
indicators and their plans. Each write checks the right, runs in one transaction, is audited,
and records a new version of the structure (programme.structure.models) when anything changed.

An editor's form carries the version it was opened at: a write made against an older version
is refused, so that two people editing at once never silently overwrite each other."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction, Organisation
from portal.roles import Capability, can
from programme.models import (
    Funding,
    FundingSource,
    Indicator,
    IndicatorPlan,
    Measure,
    Programme,
    ProgrammeTask,
)
from programme.structure.diff import structure_changes
from programme.structure.models import ProgrammeVersion
from programme.structure.selectors import programme_to_copy
from programme.structure.snapshot import structure_of


class Origin:
    IMPORTED = "imported"
    COPIED = "copied"
    CREATED = "created"
    EDITED = "edited"
    ADMIN = "admin"  # changed in the Django admin (programme.admin)


def _need(actor) -> None:
    if actor is not None and not can(actor, Capability.PROGRAMME_MANAGE):
        raise PermissionDenied


def current_version(programme: Programme) -> int:
    return (
        ProgrammeVersion.objects.filter(programme=programme)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )


def _check_version(programme: Programme, seen: int | None) -> None:
    if seen is not None and seen != current_version(programme):
        raise ValidationError(
            _(
                "Someone else changed this programme's structure while you were editing it. "
                "Your change was not saved: open the page again and repeat it."
            ),
            code="stale",
        )


def record_version(*, programme: Programme, actor, origin: str) -> ProgrammeVersion | None:
    """A new version when the structure differs from the last one recorded; None otherwise."""
    last = ProgrammeVersion.objects.filter(programme=programme).order_by("-number").first()
    after = structure_of(programme)
    changes = structure_changes(last.structure if last else None, after)
    if last is not None and not changes:
        return None
    version = ProgrammeVersion.objects.create(
        programme=programme,
        number=(last.number + 1) if last else 1,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        origin=origin,
        structure=after,
        changes=changes,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if last else AuditAction.CREATE,
        obj=programme,
        detail=f"structure v{version.number}: {len(changes)} change(s)",
    )
    return version


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _check_years(year_from: int, year_to: int) -> None:
    domains.validate_year(year_from)
    domains.validate_year(year_to)
    if year_to < year_from:
        raise ValidationError(_("The last year cannot be before the first."), code="years")
    if year_to - year_from > 9:
        raise ValidationError(_("A programme lasts at most ten years."), code="years")


# --- a whole programme ------------------------------------------------------------------------


def programme_load(*, data: dict, actor=None, origin: str = Origin.IMPORTED) -> Programme:
    """Create or update a programme from its data file's content, matched by codes."""
    try:
        return _load(data, actor=actor, origin=origin)
    except (
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        InvalidOperation,
        IntegrityError,
        DataError,
    ) as error:
        raise ValidationError(
            _("The file does not describe a programme in the expected form."), code="form"
        ) from error


@transaction.atomic
def _load(data: dict, *, actor, origin: str) -> Programme:
    _need(actor)
    organisations = {o.code: o for o in Organisation.objects.all()}
    years = [int(y) for y in data["years"]]
    _check_years(min(years), max(years))
    programme, _created = Programme.objects.update_or_create(
        code=str(data["code"]),
        defaults={
            "title": _clean(data["title_uk"]),
            "title_en": _clean(data.get("title_en", "")),
            "year_from": min(years),
            "year_to": max(years),
            "approved_by": _clean(data.get("approved_by", "")),
            "responsible": organisations.get(data.get("responsible_executor")),
            "illustrative": bool(data.get("illustrative")),
        },
    )
    for raw_task in data["tasks"]:
        task, _c = ProgrammeTask.objects.update_or_create(
            programme=programme,
            code=str(raw_task["code"]),
            defaults={
                "title": _clean(raw_task["title_uk"]),
                "title_en": _clean(raw_task.get("title_en", "")),
            },
        )
        for raw in raw_task.get("measures") or []:
            _load_measure(task, raw, organisations)
    record_version(programme=programme, actor=actor, origin=origin)
    return programme


def _load_measure(task: ProgrammeTask, raw: dict, organisations: dict) -> None:
    missing = [code for code in raw.get("executors", []) if code not in organisations]
    if missing:
        raise ValidationError(
            _("Unknown executor codes: %(codes)s") % {"codes": ", ".join(missing)}
        )
    deadline = raw.get("deadline")
    if deadline is not None and not isinstance(deadline, date):
        deadline = date.fromisoformat(str(deadline))
    measure, _c = Measure.objects.update_or_create(
        task=task,
        code=str(raw["code"]),
        defaults={
            "title": _clean(raw["title_uk"]),
            "title_en": _clean(raw.get("title_en", "")),
            "deadline": deadline,
        },
    )
    measure.full_clean(exclude=["executors"], validate_unique=False)
    measure.executors.set([organisations[c] for c in raw.get("executors", [])])
    for row in raw.get("funding") or []:
        if row["source"] not in FundingSource.values:
            raise ValueError(row["source"])
        line, _c = Funding.objects.update_or_create(
            measure=measure,
            year=int(row["year"]),
            source=row["source"],
            defaults={"amount": Decimal(str(row["amount"]))},
        )
        line.full_clean(validate_unique=False, validate_constraints=True)
    for raw_indicator in raw.get("indicators") or []:
        indicator, _c = Indicator.objects.update_or_create(
            measure=measure,
            code=str(raw_indicator["code"]),
            defaults={
                "title": _clean(raw_indicator["title_uk"]),
                "title_en": _clean(raw_indicator.get("title_en", "")),
                "unit": raw_indicator.get("unit_uk", ""),
                "unit_en": raw_indicator.get("unit_en", ""),
            },
        )
        for year, value in (raw_indicator.get("planned") or {}).items():
            plan, _c = IndicatorPlan.objects.update_or_create(
                indicator=indicator, year=int(year), defaults={"value": Decimal(str(value))}
            )
            plan.full_clean(validate_unique=False)


@transaction.atomic
def programme_copy(
    *,
    actor,
    source_id: int,
    code: str,
    title: str,
    title_en: str = "",
    year_from: int,
    year_to: int,
    approved_by: str = "",
    illustrative: bool = False,
) -> Programme:
    """A new programme with the structure of `source`: its tasks, measures, executors and
    indicators, and its funding and plans moved by the years between the two starts (a line
    whose year falls outside the new programme is left out). Progress is never copied."""
    _need(actor)
    _check_years(year_from, year_to)
    source = programme_to_copy(actor, source_id)
    if source is None:
        raise ValidationError(_("Choose the programme to copy."), code="source")
    if Programme.objects.filter(code=code).exists():
        raise ValidationError(_("A programme with this code already exists."), code="code")
    shift = year_from - source.year_from
    programme = Programme.objects.create(
        code=code,
        title=_clean(title),
        title_en=_clean(title_en),
        year_from=year_from,
        year_to=year_to,
        approved_by=_clean(approved_by),
        responsible=source.responsible,
        illustrative=illustrative,
    )
    in_range = range(year_from, year_to + 1)
    for task in source.tasks.prefetch_related(
        "measures__executors", "measures__funding", "measures__indicators__plans"
    ):
        new_task = ProgrammeTask.objects.create(
            programme=programme, code=task.code, title=task.title, title_en=task.title_en
        )
        for measure in task.measures.all():
            deadline = measure.deadline
            if deadline is not None:
                deadline = date(min(deadline.year + shift, year_to), 12, 31)
            new_measure = Measure.objects.create(
                task=new_task,
                code=measure.code,
                title=measure.title,
                title_en=measure.title_en,
                deadline=deadline,
            )
            new_measure.executors.set(measure.executors.all())
            Funding.objects.bulk_create(
                Funding(measure=new_measure, year=f.year + shift, source=f.source, amount=f.amount)
                for f in measure.funding.all()
                if f.year + shift in in_range
            )
            for indicator in measure.indicators.all():
                new_indicator = Indicator.objects.create(
                    measure=new_measure,
                    code=indicator.code,
                    title=indicator.title,
                    title_en=indicator.title_en,
                    unit=indicator.unit,
                    unit_en=indicator.unit_en,
                )
                IndicatorPlan.objects.bulk_create(
                    IndicatorPlan(indicator=new_indicator, year=p.year + shift, value=p.value)
                    for p in indicator.plans.all()
                    if p.year + shift in in_range
                )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=programme, detail=f"copy of {source.code}"
    )
    record_version(programme=programme, actor=actor, origin=Origin.COPIED)
    return programme


@transaction.atomic
def programme_update(
    *,
    actor,
    programme_id: int,
    seen_version: int | None,
    title: str,
    title_en: str,
    year_from: int,
    year_to: int,
    approved_by: str,
    responsible_id: int | None,
    illustrative: bool,
) -> Programme:
    _need(actor)
    programme = Programme.objects.select_for_update().filter(pk=programme_id).first()
    if programme is None:
        raise PermissionDenied
    _check_version(programme, seen_version)
    _check_years(year_from, year_to)
    outside = Funding.objects.filter(measure__task__programme=programme).exclude(
        year__range=(year_from, year_to)
    )
    if (
        outside.exists()
        or IndicatorPlan.objects.filter(indicator__measure__task__programme=programme)
        .exclude(year__range=(year_from, year_to))
        .exists()
    ):
        raise ValidationError(
            _("Funding or planned values exist for years outside the new term: remove them first."),
            code="years",
        )
    programme.title = _clean(title)
    programme.title_en = _clean(title_en)
    programme.year_from, programme.year_to = year_from, year_to
    programme.approved_by = _clean(approved_by)
    # Organisations are public reference data; the form offers the active ones.
    programme.responsible = Organisation.objects.filter(pk=responsible_id, is_active=True).first()
    programme.illustrative = illustrative
    programme.save()
    record_version(programme=programme, actor=actor, origin=Origin.EDITED)
    return programme


def _locked(programme: Programme, seen_version: int | None) -> None:
    """Serialise edits of one programme and refuse one made against an older version."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    _check_version(programme, seen_version)


def _unique(action, message: str):
    try:
        with transaction.atomic():
            return action()
    except IntegrityError as error:
        raise ValidationError(message, code="unique") from error


# --- tasks ------------------------------------------------------------------------------------


@transaction.atomic
def task_save(
    *,
    actor,
    programme: Programme,
    task: ProgrammeTask | None,
    seen_version: int | None,
    code: str,
    title: str,
    title_en: str = "",
) -> ProgrammeTask:
    """Add a task (`task` None) or change one; `programme` and `task` come from the selectors."""
    _need(actor)
    _locked(programme, seen_version)
    if task is None:
        task = ProgrammeTask(programme=programme)
    task.code, task.title, task.title_en = code.strip(), _clean(title), _clean(title_en)
    _unique(task.save, _("The programme already has a task with this number."))
    record_version(programme=programme, actor=actor, origin=Origin.EDITED)
    return task


@transaction.atomic
def task_delete(*, actor, task: ProgrammeTask, seen_version: int | None) -> None:
    _need(actor)
    _locked(task.programme, seen_version)
    if task.measures.exists():
        raise ValidationError(
            _("The task still has measures: remove or move them first."), code="not_empty"
        )
    task.delete()
    record_version(programme=task.programme, actor=actor, origin=Origin.EDITED)


# --- measures ---------------------------------------------------------------------------------


def _amounts(values: dict, *, years: range) -> dict:
    outside = [key for key in values if (key[0] if isinstance(key, tuple) else key) not in years]
    if outside:
        raise ValidationError(_("A year is outside the programme's term."), code="years")
    return values


@transaction.atomic
def measure_save(
    *,
    actor,
    task: ProgrammeTask,
    measure: Measure | None,
    seen_version: int | None,
    code: str,
    title: str,
    title_en: str = "",
    deadline: date | None = None,
    executor_ids: list[int],
    funding: dict[tuple[int, str], Decimal | None],
) -> Measure:
    """Add or change a measure with its executors and its funding by year and source (an empty
    amount removes the line)."""
    _need(actor)
    programme = task.programme
    _locked(programme, seen_version)
    _amounts(funding, years=range(programme.year_from, programme.year_to + 1))
    if measure is None:
        measure = Measure(task=task)
    measure.code, measure.title, measure.title_en = code.strip(), _clean(title), _clean(title_en)
    measure.deadline = deadline
    _unique(measure.save, _("The task already has a measure with this number."))
    measure.executors.set(Organisation.objects.filter(pk__in=executor_ids, is_active=True))
    for (year, source), amount in funding.items():
        if amount is None:
            Funding.objects.filter(measure=measure, year=year, source=source).delete()
        else:
            Funding.objects.update_or_create(
                measure=measure, year=year, source=source, defaults={"amount": amount}
            )
    record_version(programme=programme, actor=actor, origin=Origin.EDITED)
    return measure


@transaction.atomic
def measure_delete(*, actor, measure: Measure, seen_version: int | None) -> None:
    _need(actor)
    programme = measure.task.programme
    _locked(programme, seen_version)
    if measure.progress.exists():
        raise ValidationError(
            _("Executors have reported on this measure: it stays in the programme."),
            code="has_progress",
        )
    measure.delete()
    record_version(programme=programme, actor=actor, origin=Origin.EDITED)


# --- indicators -------------------------------------------------------------------------------


@transaction.atomic
def indicator_save(
    *,
    actor,
    measure: Measure,
    indicator: Indicator | None,
    seen_version: int | None,
    code: str,
    title: str,
    title_en: str = "",
    unit: str,
    unit_en: str = "",
    planned: dict[int, Decimal | None],
) -> Indicator:
    _need(actor)
    programme = measure.task.programme
    _locked(programme, seen_version)
    _amounts(planned, years=range(programme.year_from, programme.year_to + 1))
    if indicator is None:
        indicator = Indicator(measure=measure)
        if Indicator.objects.filter(measure=measure, code=code.strip()).exists():
            raise ValidationError(
                _("The measure already has an indicator with this number."), code="unique"
            )
    indicator.code, indicator.title, indicator.title_en = (
        code.strip(),
        _clean(title),
        _clean(title_en),
    )
    indicator.unit, indicator.unit_en = _clean(unit), _clean(unit_en)
    indicator.save()
    for year, value in planned.items():
        if value is None:
            IndicatorPlan.objects.filter(indicator=indicator, year=year).delete()
        else:
            IndicatorPlan.objects.update_or_create(
                indicator=indicator, year=year, defaults={"value": value}
            )
    record_version(programme=programme, actor=actor, origin=Origin.EDITED)
    return indicator


@transaction.atomic
def indicator_delete(*, actor, indicator: Indicator, seen_version: int | None) -> None:
    _need(actor)
    programme = indicator.measure.task.programme
    _locked(programme, seen_version)
    if indicator.actuals.exists():
        raise ValidationError(
            _("Executors have reported facts for this indicator: it stays in the programme."),
            code="has_actuals",
        )
    indicator.delete()
    record_version(programme=programme, actor=actor, origin=Origin.EDITED)
