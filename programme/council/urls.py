from django.urls import path

from programme.council import material_views, views
from programme.council.memoranda import views as memoranda

app_name = "council"

urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("members/", views.members, name="members"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/advance/", views.meeting_advance, name="meeting_advance"),
    path("meetings/<int:pk>/items/", views.item_add, name="item_add"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/confirm/", views.meeting_confirm, name="meeting_confirm"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/record/", views.item_record, name="item_record"),
    path("items/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("items/<int:pk>/materials/report/", material_views.material_add_run, name="material_run"),
    path(
        "items/<int:pk>/materials/statistics/",
        material_views.material_add_statistics,
        name="material_statistics",
    ),
    path(
        "items/<int:pk>/materials/orders/",
        material_views.material_add_orders,
        name="material_orders",
    ),
    path("materials/<int:pk>/", material_views.material, name="material"),
    path("decisions/<int:pk>/assignments/", views.assignment_new, name="assignment_new"),
    path("assignments/", views.control, name="control"),
    path("assignments/control.pdf", views.control_report, {"fmt": "pdf"}, name="control_pdf"),
    path("assignments/control.xlsx", views.control_report, {"fmt": "xlsx"}, name="control_xlsx"),
    path("assignments/mine/", views.my_assignments, name="my_assignments"),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
    path("assignments/<int:pk>/start/", views.assignment_start, name="assignment_start"),
    path("assignments/<int:pk>/report/", views.assignment_report, name="assignment_report"),
    path("assignments/<int:pk>/accept/", views.assignment_accept, name="assignment_accept"),
    path("assignments/<int:pk>/return/", views.assignment_return, name="assignment_return"),
    path("assignments/<int:pk>/extend/", views.assignment_extend, name="assignment_extend"),
    path("memoranda/", memoranda.memoranda, name="memoranda"),
    path("memoranda/<int:pk>/", memoranda.memorandum, name="memorandum"),
    path("memoranda/<int:pk>/report/", memoranda.memorandum_report, name="memorandum_report"),
    path(
        "memoranda/<int:pk>/terminate/", memoranda.memorandum_terminate, name="memorandum_terminate"
    ),
]
