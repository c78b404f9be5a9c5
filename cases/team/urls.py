"""The teams' addresses, part of the `cases` namespace (cases/urls.py adds them)."""

from django.urls import path

from cases.team import views

urlpatterns = [
    path("<int:pk>/team/convene/", views.team_convene, name="team_convene"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("teams/<int:pk>/members/", views.member_add, name="team_member_add"),
    path(
        "teams/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="team_member_remove",
    ),
    path("teams/<int:pk>/extend/", views.team_extend, name="team_extend"),
    path("teams/<int:pk>/close/", views.team_close, name="team_close"),
    path("teams/<int:pk>/conferences/new/", views.conference_new, name="conference_new"),
    path("conferences/<int:pk>/", views.conference, name="conference"),
    path("conferences/<int:pk>/print/", views.conference_print, name="conference_print"),
]
