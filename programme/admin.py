from django.contrib import admin

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
    list_display = ["kind", "period_start", "period_end", "version", "status", "created_at"]
    readonly_fields = ["file", "figures", "error"]
