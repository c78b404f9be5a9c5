"""The plans' addresses, part of the `cases` namespace (cases/urls.py adds them)."""

from django.urls import path

from cases.plans import views

urlpatterns = [
    path("<int:pk>/plans/safety/", views.safety_plan, name="safety_plan"),
    path("<int:pk>/plans/safety/print/", views.safety_plan_print, name="safety_plan_print"),
    path("<int:pk>/plans/case/", views.case_plan, name="case_plan"),
    path("<int:pk>/plans/case/goals/new/", views.goal_edit, name="goal_new"),
    path("<int:pk>/plans/case/goals/<int:goal_pk>/", views.goal_edit, name="goal_edit"),
    path(
        "<int:pk>/plans/case/actions/<int:action_pk>/status/",
        views.action_status,
        name="action_status",
    ),
    path("<int:pk>/plans/case/submit/", views.case_plan_submit, name="case_plan_submit"),
    path("<int:pk>/plans/case/approve/", views.case_plan_approve, name="case_plan_approve"),
    path("<int:pk>/plans/case/return/", views.case_plan_return, name="case_plan_return"),
]
