from django.urls import path

from orders.views import measures, pages

app_name = "orders"

urlpatterns = [
    path("", pages.order_list_view, name="index"),
    path("urgent/new/", pages.urgent_new, name="urgent_new"),
    path("case/<int:case_pk>/restrictive/new/", pages.restrictive_new, name="restrictive_new"),
    path("case/<int:case_pk>/preventive/new/", measures.preventive_new, name="preventive_new"),
    path("case/<int:case_pk>/programme/new/", measures.programme_new, name="programme_new"),
    path("preventive/<int:pk>/", measures.preventive_detail, name="preventive"),
    path("programme/<int:pk>/", measures.programme_detail, name="programme"),
    path("calendar/", pages.calendar, name="calendar"),
    path("statistics/", pages.statistics, name="statistics"),
    path("offender/<int:person_pk>/", pages.offender_orders, name="offender"),
    path("<int:pk>/", pages.order_detail, name="detail"),
    path("<int:pk>/extend/", pages.order_extend, name="extend"),
    path("<int:pk>/breach/", pages.order_breach, name="breach"),
    path("<int:pk>/cancel/", pages.order_cancel, name="cancel"),
    path("<int:pk>/appeal/", pages.order_appeal, name="appeal"),
    path("<int:pk>/appeal/decision/", pages.order_appeal_decision, name="appeal_decision"),
]
