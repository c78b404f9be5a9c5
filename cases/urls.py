from django.urls import path

from cases.lifecycle import views as lead
from cases.merge.urls import urlpatterns as merge_urlpatterns
from cases.plans.urls import urlpatterns as plan_urlpatterns
from cases.team.urls import urlpatterns as team_urlpatterns
from cases.views import access, attachments, detail, edit, export, intake, listing, people

app_name = "cases"

urlpatterns = [
    path("", listing.case_list_view, name="index"),
    path("filters/", listing.saved_filter_add, name="saved_filter_add"),
    path("filters/<int:pk>/delete/", listing.saved_filter_delete, name="saved_filter_delete"),
    path("new/", intake.intake, name="intake"),
    path("people/lookup/", intake.person_lookup, name="person_lookup"),
    path("people/<int:person_pk>/", people.person_cases, name="person_cases"),
    path("risk/preview/", intake.risk_preview, name="risk_preview"),
    path("export.<str:fmt>", export.export, name="export"),
    path("<int:pk>/", detail.case_detail, name="detail"),
    path("<int:pk>/tabs/<slug:key>/", detail.case_section, name="section"),
    path("<int:pk>/edit/", edit.case_edit, name="edit"),
    path("<int:pk>/print/", detail.case_print, name="print"),
    path("<int:pk>/victim-name/", listing.victim_name, name="victim_name"),
    path("<int:pk>/people/", edit.participant_add, name="participant_add"),
    path("<int:pk>/people/<int:person_pk>/", people.person_edit, name="person"),
    path("<int:pk>/status/", edit.case_status, name="status"),
    path("<int:pk>/consent/", edit.case_consent, name="consent"),
    path("<int:pk>/notes/", edit.note_add, name="note_add"),
    path("<int:pk>/tasks/", edit.task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/done/", edit.task_done, name="task_done"),
    path("<int:pk>/incidents/", edit.incident_add, name="incident_add"),
    path("<int:pk>/risk/", edit.risk_add, name="risk_add"),
    path("<int:pk>/needs/", edit.needs_add, name="needs_add"),
    path("<int:pk>/attachments/", edit.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        attachments.attachment_download,
        name="attachment_download",
    ),
    path("<int:pk>/access/", access.grant_access, name="grant_access"),
    path("<int:pk>/access/<int:user_pk>/revoke/", access.revoke_access, name="revoke_access"),
    path("break-glass/", access.break_glass, name="break_glass"),
    *plan_urlpatterns,
    *team_urlpatterns,
    *merge_urlpatterns,
    # The case's lead: closure with the head's approval, reopening, reassigning, transfers.
    path("<int:pk>/closure/", lead.closure_request, name="closure_request"),
    path(
        "<int:pk>/closure/<int:request_pk>/approve/", lead.closure_approve, name="closure_approve"
    ),
    path("<int:pk>/closure/<int:request_pk>/return/", lead.closure_return, name="closure_return"),
    path("<int:pk>/reopen/", lead.case_reopen, name="reopen"),
    path("<int:pk>/reassign/", lead.case_reassign, name="reassign"),
    path("<int:pk>/transfer/", lead.transfer_request, name="transfer_request"),
    path("transfers/<int:pk>/", lead.transfer_detail, name="transfer"),
    path("transfers/<int:pk>/accept/", lead.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/decline/", lead.transfer_decline, name="transfer_decline"),
    path("transfers/<int:pk>/withdraw/", lead.transfer_withdraw, name="transfer_withdraw"),
]
