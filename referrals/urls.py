from django.urls import path

from referrals.views import inbox, pages, policy, procedure

app_name = "referrals"

urlpatterns = [
    path("", pages.index, name="index"),
    path("case/<int:case_pk>/", pages.case_routing, name="case"),
    path("case/<int:case_pk>/plan/", pages.case_plan, name="case_plan"),
    path("case/<int:case_pk>/plan/<int:plan_pk>/apply/", pages.case_apply, name="case_apply"),
    path("capacity/", inbox.capacity, name="capacity"),
    path("policy/", policy.policy, name="policy"),
    path("procedure/", procedure.procedure, name="procedure"),
    path("procedure/<int:pk>/<slug:step>/", procedure.procedure_step, name="procedure_step"),
    path("holidays/", pages.holidays, name="holidays"),
    path("holidays/martial-law/", pages.martial_law, name="martial_law"),
    path("<int:pk>/", inbox.referral_detail, name="detail"),
    path("<int:pk>/letter/", inbox.referral_letter, name="letter"),
    path("<int:pk>/accept/", inbox.accept, name="accept"),
    path("<int:pk>/decline/", pages.decline, name="decline"),
    path("<int:pk>/start/", pages.start, name="start"),
    path("<int:pk>/complete/", pages.complete, name="complete"),
    path("<int:pk>/cancel/", pages.cancel, name="cancel"),
    path("<int:pk>/assign/", pages.assign, name="assign"),
]
