"""Merging duplicates, part of the `cases` namespace (cases/urls.py adds them)."""

from django.urls import path

from cases.merge import views

urlpatterns = [
    path("people/<int:pk>/duplicates/", views.candidates, name="merge_candidates"),
    path("people/<int:pk>/duplicates/<int:other_pk>/", views.compare, name="merge_compare"),
    path("merges/<int:pk>/", views.merge, name="merge"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
]
