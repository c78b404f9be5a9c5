from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "year_from", "year_to", "illustrative"]


@admin.register(ProgrammeTask)
class ProgrammeTaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "programme"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "task", "deadline"]
    list_filter = ["task"]
    search_fields = ["code", "title"]
    filter_horizontal = ["executors"]
    inlines = [FundingInline, IndicatorInline]


@admin.register(IndicatorPlan)
class IndicatorPlanAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "value"]
    list_filter = ["year"]


@admin.register(ReportingWindow)
class ReportingWindowAdmin(admin.ModelAdmin):
    list_display = ["year", "quarter", "deadline"]


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
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
class ReportRunAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
