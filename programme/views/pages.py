from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, can
from programme import services
from programme.figures import Period, period_for
from programme.forms import progress_numbers
from programme.models import Measure, Progress, ProgressStatus, ReportKind, ReportRun
from programme.report import report_context
from programme.selectors import programme_for, report_runs_for, tasks_for


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.PROGRAMME_VIEW):
        raise Http404
    programme = programme_for(request.user)
    if programme is None:
        return render(request, "programme/programme.html", {"programme": None})
    year = min(timezone.localdate().year, programme.year_to)
    status = 200
    if "year" in request.GET:
        try:
            year = _year_param(request.GET["year"])
        except ValidationError as error:
            # The page shows the default year, and says the one asked for was not understood.
            messages.error(request, " ".join(error.messages))
            status = 400
    return render(
        request,
        "programme/programme.html",
        {
            "programme": programme,
            "tasks": tasks_for(request.user, year=year),
            "year": year,
            "years": range(programme.year_from, programme.year_to + 1),
            "can_report": can(request.user, Capability.PROGRAMME_PROGRESS),
            "can_manage": can(request.user, Capability.PROGRAMME_MANAGE),
        },
        status=status,
    )


def _year_param(raw: str) -> int:
    """A year typed into an address: digits within the register's years, or a ValidationError."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise ValidationError(
            _("Enter a year from %(earliest)s to %(latest)s.")
            % {"earliest": domains.EARLIEST_YEAR, "latest": domains.LATEST_YEAR},
            code="year",
        )
    year = int(raw)
    domains.validate_year(year)
    return year


def _version_param(raw: str | None) -> int | None:
    """The version a form was loaded at (optimistic locking); junk is refused, not ignored."""
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise ValidationError(_("The form is damaged: reload the page and enter it again."))
    return int(raw)


@login_required
def progress_form(request: HttpRequest, measure_pk: int, year: int, quarter: int) -> HttpResponse:
    measure = services.measures_of(request.user).filter(pk=measure_pk).first()
    if measure is None or quarter not in (1, 2, 3, 4):
        raise Http404
    progress = Progress.objects.filter(measure=measure, year=year, quarter=quarter).first()
    errors = []
    if request.method == "POST":
        # The numbers are parsed and bounded by the progress form (programme/forms.py) only.
        try:
            spent, actuals = progress_numbers(request.POST, measure=measure, year=year)
            services.progress_submit(
                actor=request.user,
                measure_id=measure.pk,
                year=year,
                quarter=quarter,
                status=request.POST.get("status", ProgressStatus.IN_PROGRESS),
                spent=spent,
                narrative=request.POST.get("narrative", ""),
                actuals=actuals,
                expected_version=_version_param(request.POST.get("version")),
            )
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            messages.success(request, _("The quarterly report is submitted."))
            return redirect(f"/programme/?year={year}")
    actual_values = {a.indicator_id: a.value for a in progress.actuals.all()} if progress else {}
    locked = bool(progress and progress.submitted_at and not progress.reopened_at)
    return render(
        request,
        "programme/progress_form.html",
        {
            "measure": measure,
            "year": year,
            "quarter": quarter,
            "progress": progress,
            "statuses": ProgressStatus.choices,
            "errors": errors,
            "locked": locked,
            "indicators": [(i, actual_values.get(i.pk)) for i in measure.indicators.all()],
            "post": request.POST if request.method == "POST" else None,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def progress_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        progress = services.progress_reopen(actor=request.user, progress_id=pk)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The report is reopened for the executor."))
    return redirect(f"/programme/?year={progress.year}")


def _default_period(today: date) -> Period:
    return period_for("months", today.year if today.month > 9 else today.year - 1, months=9)


def _date_param(raw: str) -> date:
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(_("Enter the dates as yyyy-mm-dd."), code="date") from None
    if not domains.EARLIEST_DATE <= day < domains.LATEST_DATE:
        raise ValidationError(
            _("Enter dates from %(earliest)s to %(latest)s.")
            % {"earliest": "01.01.2000", "latest": "31.12.2099"},
            code="date",
        )
    return day


def free_periods(user) -> bool:
    """Who may ask for any start and end: those who may see every case anyway."""
    return can(user, Capability.CASE_VIEW_ALL)


def _period_from(request) -> Period:
    """The period asked for in the address; an absent one is the default, a bad one is a
    ValidationError (never silently another period)."""
    today = timezone.localdate()
    kind = request.GET.get("kind", "9months")
    if "year" in request.GET:
        year = _year_param(request.GET["year"])
    else:
        year = _default_period(today).start.year
    if kind == "quarter":
        raw = request.GET.get("quarter", "1").strip()
        if raw not in {"1", "2", "3", "4"}:
            raise ValidationError(_("Choose a quarter from 1 to 4."), code="quarter")
        return period_for("quarter", year, quarter=int(raw))
    if kind == "year":
        return period_for("year", year)
    if kind == "custom":
        if not free_periods(request.user):
            # Two free periods a day apart differ by that day's cases: the roles that see
            # aggregates only get whole quarters, 9 months and years (docs/statistics.md).
            raise ValidationError(
                _("Choose a quarter, 9 months or a year: free periods are for coordinators."),
                code="kind",
            )
        start = _date_param(request.GET.get("start", ""))
        end = _date_param(request.GET.get("end", ""))
        if end < start:
            raise ValidationError(_("The end of the period is before its start."), code="period")
        return Period(start, end, "custom")
    if kind != "9months":
        raise ValidationError(_("Choose the kind of period."), code="kind")
    return period_for("months", year, months=9)


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Aggregates only; no personal data, ever."""
    if not can(request.user, Capability.STATISTICS_VIEW):
        raise Http404
    status = 200
    try:
        period = _period_from(request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        period, status = _default_period(timezone.localdate()), 400
        if request.GET.get("format") == "xlsx":
            # A spreadsheet for a period nobody asked for is worse than none.
            return redirect("programme:statistics")
    context = report_context(period, cached=True)
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="statistics",
            detail=period.label(),
        )
        return _xlsx(context)
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "programme/statistics.html",
        {
            **context,
            "kind": request.GET.get("kind", "9months"),
            "free_periods": free_periods(request.user),
            "xlsx_query": query.urlencode(),
            "years": range(2019, timezone.localdate().year + 1),
        },
        status=status,
    )


def _xlsx(context) -> HttpResponse:
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from portal.spreadsheets import XLSX_CONTENT_TYPE, safe_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Statistics")[:31]
    # Labels come from the database (district, service names): every row goes through
    # portal.spreadsheets, so nothing typed by a person becomes a formula.

    def append(cells: list) -> None:
        sheet.append(safe_row(cells))

    append([_("Kyiv: domestic violence statistics"), context["period"].label()])
    sheet["A1"].font = Font(bold=True)
    for key, title in [
        ("channel", _("Reports by channel")),
        ("district", _("Reports by district")),
        ("form", _("Forms of violence")),
        ("sex", _("Victims by sex")),
        ("age", _("Victims by age group")),
        ("services", _("Referrals by service")),
    ]:
        append([])
        append([title, context["cur_label"], context["prev_label"], _("Change, %")])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for row in context["tables"][key]:
            # The <5 rule applies to everything that leaves the system.
            append([str(row["label"]), row["current"], row["previous"], row["pct"]])
    orders = context["orders"]
    append([])
    append([_("Orders"), context["cur_label"], context["prev_label"], _("Change, %")])
    for key, title in [
        ("urgent", _("Urgent restraining orders")),
        ("restrictive", _("Restrictive orders, new")),
        ("restrictive_extended", _("Restrictive orders, extended")),
    ]:
        append([title, orders[key]["current"], orders[key]["previous"], orders[key]["pct"]])
    sheet.column_dimensions["A"].width = 48
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="statistics-{context["period"].start:%Y%m%d}-'
        f'{context["period"].end:%Y%m%d}.xlsx"'
    )
    return response


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    runs = report_runs_for(request.user)
    if not (
        can(request.user, Capability.REPORT_DOWNLOAD) or can(request.user, Capability.REPORT_ORDER)
    ):
        raise Http404
    if request.method == "POST":
        try:
            kind = request.POST.get("kind", ReportKind.NINE_MONTHS)
            quarter = int(request.POST["quarter"]) if kind == ReportKind.QUARTER else None
            run = services.report_run_create(
                actor=request.user,
                kind=kind,
                year=int(request.POST.get("year", 0)),
                quarter=quarter,
                locale=request.LANGUAGE_CODE,
            )
        except (ValueError, KeyError):
            messages.error(request, _("Choose the kind of report and the period."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            return redirect("programme:report", pk=run.pk)
    return render(
        request,
        "programme/reports.html",
        {
            "runs": runs[:50],
            "kinds": ReportKind.choices,
            "years": range(2022, timezone.localdate().year + 1),
            "can_order": can(request.user, Capability.REPORT_ORDER),
        },
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(report_runs_for(request.user), pk=pk)
    template = "programme/_run_status.html" if request.htmx else "programme/report.html"
    return render(request, template, {"run": run})


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    """The only way out for a report: a permitted role, an audit entry, no public URL."""
    if not can(request.user, Capability.REPORT_DOWNLOAD):
        raise Http404
    run = get_object_or_404(ReportRun, pk=pk, status="done")
    audit_record(actor=request.user, action=AuditAction.DOWNLOAD, obj=run, detail=str(run))
    response = FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=run.file.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def measure(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Measure.objects.select_related("task"), pk=pk)
    if not (
        can(request.user, Capability.PROGRAMME_MANAGE)
        or services.measures_of(request.user).filter(pk=pk).exists()
    ):
        raise Http404
    return render(
        request,
        "programme/measure.html",
        {
            "measure": item,
            "progress": item.progress.order_by("-year", "-quarter"),
            "can_manage": can(request.user, Capability.PROGRAMME_MANAGE),
        },
    )
