from django.urls import include, path

from programme.views import pages

app_name = "programme"

urlpatterns = [
    path("", pages.index, name="index"),
    path("statistics/", pages.statistics, name="statistics"),
    path("reports/", pages.reports, name="reports"),
    path("reports/<int:pk>/", pages.report, name="report"),
    path("reports/<int:pk>/download/", pages.report_download, name="report_download"),
    path("measures/<int:pk>/", pages.measure, name="measure"),
    path(
        "measures/<int:measure_pk>/progress/<int:year>/<int:quarter>/",
        pages.progress_form,
        name="progress",
    ),
    path("progress/<int:pk>/reopen/", pages.progress_reopen, name="progress_reopen"),
    path("council/", include("programme.council.urls")),
    path("programmes/", include("programme.structure.urls")),
]
