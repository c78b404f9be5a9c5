from __future__ import annotations

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
from portal.roles import Capability, can, get_object_for_user
from programme import services
from programme.figures import latest_complete_report, spreadsheet_value
from programme.forms import (
    NarrativeForm,
    ProgressForm,
    ReportOrderForm,
    StatisticsPeriodForm,
    report_years,
)
from programme.models import Progress, RunStatus
from programme.report import report_context
from programme.reporting import waiting_for_queue
from programme.selectors import (
    measure_for_user,
    measures_openable_by,
    programme_for,
    progress_of_measure,
    progress_plan,
    report_runs_for,
    statistics_default_year,
    tasks_for,
)
from programme.structure.selectors import programmes_for


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.PROGRAMME_VIEW):
        raise Http404
    code = request.GET.get("programme")
    programme = programme_for(request.user, code=code, today=timezone.localdate())
    if programme is None:
        if code is not None:
            raise Http404
        return render(request, "programme/programme.html", {"programme": None})
    year = min(max(timezone.localdate().year, programme.year_from), programme.year_to)
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
            "tasks": tasks_for(request.user, programme=programme, year=year),
            # A measure's title links to its page only for those who may open it.
            "openable": set(measures_openable_by(request.user).values_list("pk", flat=True)),
            "programmes": programmes_for(request.user),
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


@login_required
def progress_form(request: HttpRequest, measure_pk: int, year: int, quarter: int) -> HttpResponse:
    measure = services.measures_of(request.user).filter(pk=measure_pk).first()
    if measure is None or quarter not in (1, 2, 3, 4):
        raise Http404
    progress = Progress.objects.filter(measure=measure, year=year, quarter=quarter).first()
    indicators = list(measure.indicators.all())
    if request.method == "POST":
        # Everything typed is parsed and bounded by the progress form; the service writes.
        form = ProgressForm(request.POST, indicators=indicators)
        if form.is_valid():
            draft = form.cleaned_data["intent"] == ProgressForm.DRAFT
            write = services.progress_save_draft if draft else services.progress_submit
            try:
                write(
                    actor=request.user,
                    measure_id=measure.pk,
                    year=year,
                    quarter=quarter,
                    **form.submission(),
                )
            except ValidationError as error:
                # A refusal about one field is shown at that field, the others above the form.
                form.add_error(None, error)
            else:
                if draft:
                    messages.success(
                        request,
                        _(
                            "The draft is saved. The secretariat sees the report only once you "
                            "submit it."
                        ),
                    )
                    return redirect(request.path)
                messages.success(request, _("The quarterly report is submitted."))
                return redirect(f"/programme/?year={year}")
    else:
        form = ProgressForm(indicators=indicators, initial=ProgressForm.initial_from(progress))
    plan = progress_plan(request.user, measure=measure, year=year)
    return render(
        request,
        "programme/progress_form.html",
        {
            "measure": measure,
            "year": year,
            "quarter": quarter,
            "progress": progress,
            "form": form,
            "locked": bool(progress and progress.submitted_at and not progress.reopened_at),
            # A report submitted once is corrected and submitted again, not made a draft.
            "can_draft": progress is None or progress.submitted_at is None,
            "plan": plan,
            "indicators": [
                (form[f"ind-{i.pk}"], i, plan["indicators"].get(i.pk)) for i in indicators
            ],
        },
        status=400 if form.errors else 200,
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


def free_periods(user) -> bool:
    """Who may ask for any start and end: those who may see every case anyway."""
    return can(user, Capability.CASE_VIEW_ALL)


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Aggregates only; no personal data, ever."""
    if not can(request.user, Capability.STATISTICS_VIEW):
        raise Http404
    today = timezone.localdate()
    form = StatisticsPeriodForm(
        request.GET,
        free_periods=free_periods(request.user),
        default_year=statistics_default_year(request.user, today=today),
    )
    picker = {"form": form, "years": report_years(today)}
    if not form.is_valid():
        # A period that was not understood is said so, in Ukrainian, at its field; no other
        # period's figures are shown in its place, and no spreadsheet is made.
        messages.error(request, " ".join(form.error_messages()))
        if request.GET.get("format") == "xlsx":
            return redirect("programme:statistics")
        return render(
            request, "programme/statistics.html", {**picker, "period_error": True}, status=400
        )
    period = form.period()
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
        {**context, **picker, "xlsx_query": query.urlencode()},
    )


def _cells(row: dict) -> tuple:
    return row["current"], row["previous"], row["pct"]


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
        ("form", _("Reports by form of violence")),
        ("sex", _("Victims by sex")),
        ("age", _("Victims by age group")),
        ("services", _("Referrals by service")),
    ]:
        append([])
        append([title, context["cur_label"], context["prev_label"], _("Change, %")])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for row in context["tables"][key]:
            # The <5 rule applies to everything that leaves the system.
            append([str(row["label"]), *map(spreadsheet_value, _cells(row))])
    orders = context["orders"]
    append([])
    append([_("Orders"), context["cur_label"], context["prev_label"], _("Change, %")])
    for key, title in [
        ("urgent", _("Urgent restraining orders")),
        ("urgent_police_initiative", _("— on police initiative")),
        ("urgent_on_application", _("— on the victim's application")),
        ("urgent_initiator_not_recorded", _("— initiator not recorded")),
        ("urgent_minor_offenders", _("— against offenders under 18")),
        ("restrictive", _("Restrictive orders, new")),
        ("restrictive_extended", _("Restrictive orders, extended")),
        ("preventive_records", _("Offenders taken onto the preventive record")),
        ("offender_programmes", _("Offenders referred to an offender programme")),
        ("offender_programmes_completed", _("— programmes completed")),
    ]:
        append([title, *map(spreadsheet_value, _cells(orders[key]))])
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
    today = timezone.localdate()
    kind, year, quarter = latest_complete_report(today)
    form = ReportOrderForm(
        request.POST or None,
        today=today,
        initial={"kind": kind, "year": year, "quarter": quarter},
    )
    status = 200
    if request.method == "POST":
        if not can(request.user, Capability.REPORT_ORDER):
            raise Http404
        if form.is_valid():
            try:
                run = services.report_run_create(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                    quarter=form.cleaned_data["quarter"],
                    locale=request.LANGUAGE_CODE,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("programme:report", pk=run.pk)
        status = 400
    return render(
        request,
        "programme/reports.html",
        {
            "runs": runs[:50],
            "form": form,
            "can_order": can(request.user, Capability.REPORT_ORDER),
        },
        status=status,
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's page: its status (polled while it renders) and, on a draft, the secretariat's
    narrative and the order of the final version."""
    run = get_object_or_404(report_runs_for(request.user), pk=pk)
    can_order = can(request.user, Capability.REPORT_ORDER)
    errors: list[str] = []
    if request.method == "POST":
        if not can_order:
            raise Http404
        form = NarrativeForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.error_messages())
            narrative = form.cleaned_data["narrative"]
            if form.cleaned_data["final"]:
                final = services.report_run_finalise(
                    actor=request.user, run_id=run.pk, narrative=narrative
                )
                messages.success(request, _("The final version is ordered."))
                return redirect("programme:report", pk=final.pk)
            run = services.report_run_narrative_set(
                actor=request.user, run_id=run.pk, narrative=narrative
            )
        except ValidationError as error:
            errors.extend(error.messages)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The narrative is saved."))
            return redirect("programme:report", pk=run.pk)
    template = "programme/_run_status.html" if request.htmx else "programme/report.html"
    return render(
        request,
        template,
        {
            "run": run,
            "can_order": can_order,
            "errors": errors,
            "waiting_for_queue": run.status == RunStatus.QUEUED and waiting_for_queue(run),
        },
        status=400 if errors else 200,
    )


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    """The only way out for a report: a permitted role, an audit entry, no public URL."""
    if not can(request.user, Capability.REPORT_DOWNLOAD):
        raise Http404
    run = get_object_for_user(
        report_runs_for(request.user).filter(status=RunStatus.DONE).exclude(file=""), pk
    )
    try:
        pdf = run.file.open("rb")
    except FileNotFoundError:  # removed from the private files: the same answer as no report
        raise Http404 from None
    audit_record(actor=request.user, action=AuditAction.DOWNLOAD, obj=run, detail=str(run))
    response = FileResponse(
        pdf,
        as_attachment=True,
        filename=run.file.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def measure(request: HttpRequest, pk: int) -> HttpResponse:
    item = measure_for_user(user=request.user, pk=pk)
    return render(
        request,
        "programme/measure.html",
        {
            "measure": item,
            "progress": progress_of_measure(request.user, measure=item),
            "can_manage": can(request.user, Capability.PROGRAMME_MANAGE),
        },
    )
