"""The programme editor of the secretariat: the programmes, a new one by copy or import, the
structure with its versions and as it stood on a date, and the forms that change it. Thin: a
form in, one service or selector, a template out. Anything the user may not manage is 404."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.roles import Capability, can
from programme.models import FundingSource
from programme.services import window_set
from programme.structure import forms, selectors, services
from programme.structure.diff import describe
from programme.structure.snapshot import programme_years, structure_of


def _need(user, capability: Capability = Capability.PROGRAMME_MANAGE) -> None:
    if not can(user, capability):
        raise Http404


def _attempt(request: HttpRequest, action: Callable[[], object], done: str) -> object | None:
    """Run one service: a broken rule is a message on the same form; a refusal is a 404."""
    try:
        result = action()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    messages.success(request, done)
    return result if result is not None else True


def _editor(programme) -> str:
    return reverse("programme:structure:editor", args=[programme.pk])


@login_required
def programmes(request: HttpRequest) -> HttpResponse:
    _need(request.user, Capability.PROGRAMME_VIEW)
    year = timezone.localdate().year
    return render(
        request,
        "programme/structure/programmes.html",
        {
            "programmes": selectors.programmes_for(request.user),
            "year": year,
            "can_manage": can(request.user, Capability.PROGRAMME_MANAGE),
        },
    )


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    _need(request.user)
    programmes = selectors.programmes_for(request.user)
    latest = programmes.first()
    initial = {"how": forms.ProgrammeNewForm.COPY}
    if latest is not None:
        length = latest.year_to - latest.year_from
        initial |= {
            "source": latest.pk,
            "year_from": latest.year_to + 1,
            "year_to": latest.year_to + 1 + length,
        }
    form = forms.ProgrammeNewForm(
        request.POST or None, request.FILES or None, programmes=programmes, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["how"] == form.IMPORT:
            action = lambda: services.programme_load(data=data["data"], actor=request.user)  # noqa: E731
        else:
            action = lambda: services.programme_copy(  # noqa: E731
                actor=request.user,
                source_id=data["source"].pk,
                code=data["code"],
                title=data["title"],
                title_en=data["title_en"],
                year_from=data["year_from"],
                year_to=data["year_to"],
                approved_by=data["approved_by"],
                illustrative=data["illustrative"],
            )
        programme = _attempt(request, action, _("The programme is created; edit its structure."))
        if programme:
            return redirect(_editor(programme))
    return render(
        request, "programme/structure/programme_new.html", {"form": form}, status=_status(request)
    )


def _status(request) -> int:
    """A form page reached by a POST is one whose input, or whose change, was refused (every
    accepted POST redirects)."""
    return 400 if request.method == "POST" else 200


@login_required
def editor(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_to_manage(request.user, pk)
    structure = structure_of(programme)
    versions = list(selectors.versions_of(request.user, programme)[:30])
    return render(
        request,
        "programme/structure/editor.html",
        {
            "programme": programme,
            "tasks": programme.tasks.prefetch_related(
                "measures__executors", "measures__funding", "measures__indicators__plans"
            ),
            "years": programme_years(structure),
            "sources": FundingSource.choices,
            "version": services.current_version(programme),
            "versions": [(v, [describe(c) for c in v.changes[:12]]) for v in versions],
            "as_of": forms.AsOfForm(),
        },
    )


@login_required
def structure_on(request: HttpRequest, pk: int) -> HttpResponse:
    """The structure as it stood at the end of a day (or a numbered version): read-only."""
    programme = selectors.programme_to_manage(request.user, pk)
    form = forms.AsOfForm(request.GET or None)
    version, day = None, None
    if "number" in request.GET:
        number = request.GET["number"]
        if not (number.isascii() and number.isdigit() and len(number) < 9):
            raise Http404
        version = selectors.version_numbered(request.user, programme, int(number))
    elif form.is_valid():
        day = form.cleaned_data["day"]
        version = selectors.version_on(request.user, programme, day)
    elif form.is_bound:
        return render(
            request,
            "programme/structure/structure.html",
            {"programme": programme, "form": form},
            status=400,
        )
    else:
        return redirect(_editor(programme))
    context = {"programme": programme, "form": form, "version": version, "day": day}
    if version is not None:
        context |= {
            "structure": version.structure,
            "years": programme_years(version.structure),
            "changes": [describe(c) for c in version.changes],
        }
    return render(request, "programme/structure/structure.html", context)


def _form_page(request, form, *, title: str, back: str, submit: str, delete_url: str = ""):
    return render(
        request,
        "programme/structure/form.html",
        {"form": form, "title": title, "back": back, "submit": submit, "delete_url": delete_url},
        status=_status(request),
    )


@login_required
def header_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_to_manage(request.user, pk)
    form = forms.ProgrammeHeaderForm(
        request.POST or None,
        initial={
            "version": services.current_version(programme),
            "title": programme.title,
            "title_en": programme.title_en,
            "year_from": programme.year_from,
            "year_to": programme.year_to,
            "approved_by": programme.approved_by,
            "responsible": programme.responsible_id,
            "illustrative": programme.illustrative,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            request,
            lambda: services.programme_update(
                actor=request.user,
                programme_id=programme.pk,
                seen_version=data["version"],
                title=data["title"],
                title_en=data["title_en"],
                year_from=data["year_from"],
                year_to=data["year_to"],
                approved_by=data["approved_by"],
                responsible_id=data["responsible"].pk if data["responsible"] else None,
                illustrative=data["illustrative"],
            ),
            _("The programme is saved."),
        )
        if done:
            return redirect(_editor(programme))
    return _form_page(
        request,
        form,
        title=_("The programme's title, term and approval"),
        back=_editor(programme),
        submit=_("Save"),
    )


# --- tasks ------------------------------------------------------------------------------------


def _task_page(request, programme, task=None) -> HttpResponse:
    initial = {"version": services.current_version(programme)}
    if task is not None:
        initial |= {"code": task.code, "title": task.title, "title_en": task.title_en}
    form = forms.TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            request,
            lambda: services.task_save(
                actor=request.user,
                programme=programme,
                task=task,
                seen_version=data["version"],
                code=data["code"],
                title=data["title"],
                title_en=data["title_en"],
            ),
            _("The task is saved."),
        )
        if done:
            return redirect(_editor(programme))
    return _form_page(
        request,
        form,
        title=_("New task") if task is None else _("Task %(code)s") % {"code": task.code},
        back=_editor(programme),
        submit=_("Save"),
        delete_url=reverse("programme:structure:task_delete", args=[task.pk]) if task else "",
    )


@login_required
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, selectors.programme_to_manage(request.user, pk))


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_to_manage(request.user, pk)
    return _task_page(request, task.programme, task)


def _seen(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else -1


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_to_manage(request.user, pk)
    _attempt(
        request,
        lambda: services.task_delete(actor=request.user, task=task, seen_version=_seen(request)),
        _("The task is removed."),
    )
    return redirect(_editor(task.programme))


# --- measures ---------------------------------------------------------------------------------


def _years(programme) -> range:
    return range(programme.year_from, programme.year_to + 1)


def _measure_page(request, task, measure=None) -> HttpResponse:
    programme = task.programme
    initial = {"version": services.current_version(programme)}
    if measure is not None:
        initial |= {
            "code": measure.code,
            "title": measure.title,
            "title_en": measure.title_en,
            "deadline": measure.deadline,
            "executors": list(measure.executors.values_list("pk", flat=True)),
        }
        initial |= {
            forms.funding_name(line.year, line.source): line.amount
            for line in measure.funding.all()
        }
    form = forms.MeasureForm(request.POST or None, initial=initial, years=_years(programme))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            request,
            lambda: services.measure_save(
                actor=request.user,
                task=task,
                measure=measure,
                seen_version=data["version"],
                code=data["code"],
                title=data["title"],
                title_en=data["title_en"],
                deadline=data["deadline"],
                executor_ids=[o.pk for o in data["executors"]],
                funding=form.funding(),
            ),
            _("The measure is saved."),
        )
        if done:
            return redirect(_editor(programme))
    title = (
        _("New measure of task %(code)s") % {"code": task.code}
        if measure is None
        else _("Measure %(code)s") % {"code": measure.code}
    )
    delete = reverse("programme:structure:measure_delete", args=[measure.pk]) if measure else ""
    return _form_page(
        request, form, title=title, back=_editor(programme), submit=_("Save"), delete_url=delete
    )


@login_required
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _measure_page(request, selectors.task_to_manage(request.user, pk))


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_to_manage(request.user, pk)
    return _measure_page(request, measure.task, measure)


@login_required
@require_POST
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_to_manage(request.user, pk)
    _attempt(
        request,
        lambda: services.measure_delete(
            actor=request.user, measure=measure, seen_version=_seen(request)
        ),
        _("The measure is removed."),
    )
    return redirect(_editor(measure.task.programme))


# --- indicators -------------------------------------------------------------------------------


def _indicator_page(request, measure, indicator=None) -> HttpResponse:
    programme = measure.task.programme
    initial = {"version": services.current_version(programme)}
    if indicator is not None:
        initial |= {
            "code": indicator.code,
            "title": indicator.title,
            "title_en": indicator.title_en,
            "unit": indicator.unit,
            "unit_en": indicator.unit_en,
        }
        initial |= {forms.plan_name(p.year): p.value for p in indicator.plans.all()}
    form = forms.IndicatorForm(request.POST or None, initial=initial, years=_years(programme))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            request,
            lambda: services.indicator_save(
                actor=request.user,
                measure=measure,
                indicator=indicator,
                seen_version=data["version"],
                code=data["code"],
                title=data["title"],
                title_en=data["title_en"],
                unit=data["unit"],
                unit_en=data["unit_en"],
                planned=form.planned(),
            ),
            _("The indicator is saved."),
        )
        if done:
            return redirect(_editor(programme))
    title = (
        _("New indicator of measure %(code)s") % {"code": measure.code}
        if indicator is None
        else _("Indicator %(code)s") % {"code": indicator.code}
    )
    delete = (
        reverse("programme:structure:indicator_delete", args=[indicator.pk]) if indicator else ""
    )
    return _form_page(
        request, form, title=title, back=_editor(programme), submit=_("Save"), delete_url=delete
    )


@login_required
def indicator_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _indicator_page(request, selectors.measure_to_manage(request.user, pk))


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_to_manage(request.user, pk)
    return _indicator_page(request, indicator.measure, indicator)


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_to_manage(request.user, pk)
    _attempt(
        request,
        lambda: services.indicator_delete(
            actor=request.user, indicator=indicator, seen_version=_seen(request)
        ),
        _("The indicator is removed."),
    )
    return redirect(_editor(indicator.measure.task.programme))


# --- reporting windows ------------------------------------------------------------------------


@login_required
def windows(request: HttpRequest, pk: int) -> HttpResponse:
    """The deadlines for entering each quarter's progress over the programme's term."""
    programme = selectors.programme_to_manage(request.user, pk)
    form = forms.WindowForm(request.POST or None, years=_years(programme))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: window_set(
                actor=request.user,
                year=data["year"],
                quarter=data["quarter"],
                deadline=data["deadline"],
            ),
            _("The deadline is saved."),
        ):
            return redirect(reverse("programme:structure:windows", args=[programme.pk]))
    existing = selectors.windows_of(request.user, programme)
    rows = [
        (year, quarter, existing.get((year, quarter)))
        for year in _years(programme)
        for quarter in (1, 2, 3, 4)
    ]
    return render(
        request,
        "programme/structure/windows.html",
        {"programme": programme, "rows": rows, "form": form},
        status=_status(request),
    )
