from operator import attrgetter

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_site import ReadOnlyAdmin
from programme.models import (
    Funding,
    Indicator,
    IndicatorPlan,
    Measure,
    Programme,
    ProgrammeTask,
    Progress,
    ReportingWindow,
    ReportRun,
)
from programme.structure.services import Origin, record_version


class StructureAdmin(admin.ModelAdmin):
    """A programme's structure changed in the admin is a version of it, as one changed on the
    programme's own pages is (programme.structure.services): its history shows the change,
    and an editor's page opened before it is refused instead of writing over it."""

    # The attributes that lead from an object of this admin to its programme ("" for the
    # programme itself).
    programme_path = ""

    def programme_of(self, obj) -> Programme:
        return attrgetter(self.programme_path)(obj) if self.programme_path else obj

    def lock_before_state(self, obj) -> None:
        # The programme's own pages lock the programme, then its rows; the change form's state
        # check (portal.admin_locking) locks this object and its inlines' rows: programme first.
        _lock(self.programme_of(obj))

    def save_model(self, request, obj, form, change) -> None:
        # Serialised with the programme's own pages, which lock the same row.
        if change:
            _lock(self.programme_of(obj))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        _new_version(request, self.programme_of(form.instance))

    def delete_model(self, request, obj) -> None:
        programme = self.programme_of(obj)
        _lock(programme)
        super().delete_model(request, obj)
        _new_version(request, programme)

    def delete_queryset(self, request, queryset) -> None:
        programmes = {p.pk: p for p in map(self.programme_of, queryset)}
        for programme in programmes.values():
            _lock(programme)
        super().delete_queryset(request, queryset)
        for programme in programmes.values():
            _new_version(request, programme)


def _lock(programme: Programme) -> None:
    Programme.objects.select_for_update().filter(pk=programme.pk).first()


def _new_version(request, programme: Programme) -> None:
    if Programme.objects.filter(pk=programme.pk).exists():
        record_version(programme=programme, actor=request.user, origin=Origin.ADMIN)


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(StructureAdmin):
    list_display = ["code", "title", "year_from", "year_to", "illustrative"]


@admin.register(ProgrammeTask)
class ProgrammeTaskAdmin(StructureAdmin):
    list_display = ["code", "title", "programme"]
    programme_path = "programme"


@admin.register(Measure)
class MeasureAdmin(StructureAdmin):
    list_display = ["code", "title", "task", "deadline"]
    list_filter = ["task"]
    search_fields = ["code", "title"]
    filter_horizontal = ["executors"]
    inlines = [FundingInline, IndicatorInline]
    programme_path = "task.programme"


def _programme_years(indicator) -> str:
    programme = indicator.measure.task.programme
    return f"{programme.year_from}–{programme.year_to}"


class IndicatorPlanForm(forms.ModelForm):
    """Both programmes number their indicators alike ("1.1.1."): each choice says whose."""

    class Meta:
        model = IndicatorPlan
        fields = ["indicator", "year", "value"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        field.queryset = field.queryset.select_related("measure__task__programme").order_by(
            "-measure__task__programme__year_from", "code"
        )
        field.label_from_instance = lambda indicator: f"{_programme_years(indicator)} · {indicator}"


@admin.register(IndicatorPlan)
class IndicatorPlanAdmin(StructureAdmin):
    form = IndicatorPlanForm
    list_display = ["indicator", "programme", "year", "value"]
    list_filter = ["indicator__measure__task__programme", "year"]
    list_select_related = ["indicator__measure__task__programme"]
    programme_path = "indicator.measure.task.programme"

    @admin.display(description=_("programme"), ordering="indicator__measure__task__programme")
    def programme(self, plan: IndicatorPlan) -> str:
        return _programme_years(plan.indicator)


@admin.register(ReportingWindow)
class ReportingWindowAdmin(admin.ModelAdmin):
    list_display = ["year", "quarter", "deadline"]


class ProgressAdminForm(forms.ModelForm):
    """The executors' optimistic lock, kept in the admin: the version the page was opened with
    travels with the form, and a report that changed meanwhile (an executor saved a draft) is
    refused, not overwritten."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Progress
        fields = ["status", "spent", "narrative"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            # Locked until the admin's transaction (the change form's) commits.
            current = (
                Progress.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("opened_version") != current:
                raise forms.ValidationError(
                    _("Someone else changed this report meanwhile. Reload the page.")
                )
        return cleaned


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    """An administrator corrects what an executor reported (status, spending, what was done);
    who submitted it and when, the deadline's mark and the reopening stay the workflow's own.
    Every correction moves the version on, so an executor's form opened before it is refused
    instead of writing over it (programme.services)."""

    form = ProgressAdminForm
    fields = [
        "measure",
        "year",
        "quarter",
        "status",
        "spent",
        "narrative",
        "submitted_at",
        "submitted_by",
        "late",
        "reopened_at",
        "draft_saved_at",
        "draft_saved_by",
        "version",
        "opened_version",
    ]
    # Everything shown but what the form corrects (and the version it was opened with).
    readonly_fields = [
        name for name in fields if name not in (*ProgressAdminForm.Meta.fields, "opened_version")
    ]

    def has_add_permission(self, request) -> bool:
        # A report is the executor's: it begins on their page, for their measure and quarter.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # What an executor reported is the programme's record and the 9-month report's source:
        # it is corrected here, in place and audited, never deleted.
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change and form.changed_data:
            # A save that changes nothing leaves an executor's open form valid.
            obj.version += 1
        super().save_model(request, obj, form, change)

    list_display = [
        "measure",
        "year",
        "quarter",
        "status",
        "spent",
        "late",
        "submitted_at",
        "draft_saved_at",
    ]
    list_filter = ["year", "quarter", "status", "late"]


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    """What an administrator needs to see why a run is late or failed, and nothing more.

    Read-only: a report is ordered, retried and made final by the secretariat in the portal,
    and an edit here would change the council's record behind its back. Not shown: the stored
    figures (exact, before the small counts are hidden: `programme.report.published` runs when
    they leave) and the file (a link to the private files would lead nowhere; the report
    leaves only through the portal's checked, audited download)."""

    list_display = ["kind", "period_start", "period_end", "version", "status", "created_at"]
    list_filter = ["kind", "status"]
    fields = [
        "kind",
        "year",
        "quarter",
        "period_start",
        "period_end",
        "version",
        "final",
        "status",
        "progress",
        "attempts",
        "notice",
        "error",
        "has_file",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("report file"), boolean=True)
    def has_file(self, run: ReportRun) -> bool:
        return bool(run.file)
