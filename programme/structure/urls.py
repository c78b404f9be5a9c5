from django.urls import path

from programme.structure import views

app_name = "structure"

urlpatterns = [
    path("", views.programmes, name="programmes"),
    path("new/", views.programme_new, name="programme_new"),
    path("<int:pk>/", views.editor, name="editor"),
    path("<int:pk>/as-of/", views.structure_on, name="structure_on"),
    path("<int:pk>/edit/", views.header_edit, name="header_edit"),
    path("<int:pk>/windows/", views.windows, name="windows"),
    path("<int:pk>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:pk>/measures/new/", views.measure_new, name="measure_new"),
    path("measures/<int:pk>/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("measures/<int:pk>/indicators/new/", views.indicator_new, name="indicator_new"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
]
