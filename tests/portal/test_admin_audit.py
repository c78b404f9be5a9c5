"""Whatever an administrator changes in the Django admin is in the portal's audit log: who
switched off the second factor for a role, who deleted someone's authenticator, who unlocked an
account, who edited the city's reference data — one event per object, written with the change,
read in words, and the object named. Every admin the site registers gets this, including the
ones written later."""

from __future__ import annotations

from datetime import date

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation
from django.utils.functional import Promise
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.admin_site import AuditedAdmin, AuditedAdminSite
from portal.audit_labels import is_named, labels_for
from portal.audit_words import detail_in_words
from portal.models import AuditAction, AuditEvent, District, RolePolicy, User
from portal.roles import Role
from programme.models import ReportKind, ReportRun, RunStatus
from referrals.models import Holiday
from tests.admin_pages import opened
from tests.cases.factories import register_case

# Shown in the admin, never written there: the audit log, the council's reports (ordered,
# retried and made final by the secretariat in the portal), and the organisations' permission
# groups (made with each organisation, filled by its memberships).
READ_ONLY = {"portal.auditevent", "programme.reportrun", "auth.group", "referrals.routingpolicy"}


def admin_events(**kwargs):
    return AuditEvent.objects.filter(username="admin", **kwargs)


def log_page(client, reader) -> str:
    client.force_login(reader)
    response = client.get("/audit/")
    assert response.status_code == 200
    return response.content.decode()


def _writable(model_admin, request) -> bool:
    return (
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
    )


def test_every_admin_is_audited_and_every_object_it_writes_has_a_name(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    registered = admin.site._registry
    assert len(registered) >= 20
    for model, model_admin in registered.items():
        label = model._meta.label_lower
        assert isinstance(model_admin, AuditedAdmin), label
        assert _writable(model_admin, request) is (label not in READ_ONLY), label
        if label not in READ_ONLY:
            assert is_named(label), f"{label}: the audit log would say 'object (…, № 7)'"
    # These call a service that writes the change's own event (tested with the service).
    own = {m._meta.label_lower for m, a in registered.items() if a.writes_its_own_audit}
    assert own == {"portal.membership"}


def test_an_admin_registered_later_is_audited_too():
    assert admin.site.__class__ is AuditedAdminSite  # what @admin.register goes to
    site = AuditedAdminSite(name="later")

    class PlainAdmin(admin.ModelAdmin):
        list_display = ["name"]

    site.register(District, PlainAdmin)
    registered = site._registry[District]
    assert isinstance(registered, AuditedAdmin) and isinstance(registered, PlainAdmin)
    assert type(registered).list_display == ["name"]


def test_switching_off_the_second_factor_for_a_role_is_an_event_read_in_words(
    client, admin_user, coordinator
):
    policy = RolePolicy.objects.create(role=Role.COORDINATOR, require_two_factor=True)
    client.force_login(admin_user)
    url = f"/admin/portal/rolepolicy/{policy.pk}/change/"
    response = client.post(
        url, opened(client, url, {"role": Role.COORDINATOR, "_save": "Зберегти"})
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.require_two_factor is False
    event = admin_events(action=AuditAction.UPDATE).get()
    assert (event.object_type, event.object_id) == ("portal.rolepolicy", str(policy.pk))
    assert event.detail == "admin changed: require_two_factor"
    assert LogEntry.objects.filter(object_id=str(policy.pk)).count() == 1  # the admin's history

    page = log_page(client, coordinator)
    assert "Змінено в адмініструванні: вимагати двофакторний вхід" in page
    assert "політика ролі Координатор" in page
    assert "require_two_factor" not in page and "portal.rolepolicy" not in page
    with translation.override("en"):
        assert detail_in_words(event.detail, event.object_type) == (
            "Changed in the administration: require two-factor sign-in"
        )


def test_deleting_someones_authenticator_names_whose_it_was(client, admin_user, coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="Телефон", confirmed=True)
    client.force_login(admin_user)
    assert (
        client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = admin_events(action=AuditAction.DELETE).get()
    assert (event.object_type, event.object_id) == ("otp_totp.totpdevice", str(device.pk))
    assert event.detail == f"admin deleted: Телефон ({coordinator.username})"
    page = log_page(client, coordinator)
    assert f"Видалено в адмініструванні: Телефон ({coordinator.username})" in page


def test_an_authenticator_still_there_is_named_by_its_owner(coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="Телефон", confirmed=True)
    pair = ("otp_totp.totpdevice", str(device.pk))
    with translation.override("uk"):
        assert labels_for([pair])[pair] == (
            f"застосунок-автентифікатор користувача {coordinator.username}"
        )


def test_a_bulk_deletion_writes_one_event_per_object(client, admin_user, organisations):
    holidays = [
        Holiday.objects.create(date="2031-01-01", name="Новий рік"),
        Holiday.objects.create(date="2031-03-08", name="Восьме березня"),
    ]
    client.force_login(admin_user)
    response = client.post(
        "/admin/referrals/holiday/",
        {
            "action": "delete_selected",
            "_selected_action": [h.pk for h in holidays],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Holiday.objects.filter(pk__in=[h.pk for h in holidays]).exists()
    events = admin_events(action=AuditAction.DELETE, object_type="referrals.holiday")
    assert sorted(events.values_list("detail", flat=True)) == [
        "admin deleted: 01.01.2031 Новий рік",
        "admin deleted: 08.03.2031 Восьме березня",
    ]


def test_an_object_deleted_in_the_admin_keeps_its_name_in_the_log(
    client, admin_user, organisations
):
    holiday = Holiday.objects.create(date="2031-01-01", name="Новий рік")
    client.force_login(admin_user)
    client.post(f"/admin/referrals/holiday/{holiday.pk}/delete/", {"post": "yes"})
    never_made = str(holiday.pk + 1000)
    with translation.override("uk"):
        labels = labels_for(
            [("referrals.holiday", str(holiday.pk)), ("referrals.holiday", never_made)]
        )
    assert labels["referrals.holiday", str(holiday.pk)] == (
        "святковий день «01.01.2031 Новий рік» (видалено)"
    )
    # An id no deletion names is not said to be deleted.
    assert labels["referrals.holiday", never_made] == f"об'єкт (святковий день, № {never_made})"


def test_an_object_deleted_without_a_name_is_named_by_its_kind_and_number(owner):
    from cases.services import filters

    saved = filters.saved_filter_add(actor=owner, name="Мої", query=QueryDict("status=new"))
    pk = str(saved.pk)
    filters.saved_filter_delete(actor=owner, saved=saved)
    with translation.override("uk"):
        label = labels_for([("cases.savedfilter", pk)])["cases.savedfilter", pk]
    assert label == f"збережений фільтр № {pk} (видалено)"


def test_a_refused_form_changes_nothing_and_writes_no_event(client, admin_user, organisations):
    client.force_login(admin_user)
    before = District.objects.count()
    response = client.post("/admin/portal/district/add/", {"name": "", "_save": "Зберегти"})
    assert response.status_code == 200 and response.context["errors"]
    assert District.objects.count() == before
    assert not admin_events().exclude(action=AuditAction.LOGIN).exists()


def test_an_account_created_with_a_role_names_its_fields_and_the_role_given(
    client, admin_user, organisations, coordinator
):
    client.force_login(admin_user)
    response = client.post(
        "/admin/portal/user/add/",
        {
            "username": "new_worker",
            "last_name": "Тіньова",
            "first_name": "Олена",
            "usable_password": "true",
            "password1": "Another-Horse-43!",
            "password2": "Another-Horse-43!",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-organisation": organisations["css_darnytskyi"].pk,
            "memberships-0-role": Role.SOCIAL_WORKER,
            "memberships-0-is_active": "on",
            "_save": "Зберегти",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_worker")
    event = admin_events(action=AuditAction.CREATE, object_type="portal.user").get()
    assert event.object_id == str(user.pk)
    assert event.detail == "admin created: username,last_name,first_name,password; +membership"
    assert "Новий" not in event.detail  # the form's values are never in the detail
    with translation.override("uk"):
        words = detail_in_words(event.detail, event.object_type)
    assert words == (
        "Створено в адмініструванні: ім'я користувача, прізвище, ім'я, пароль, членства: додано"
    )


def test_deleting_an_account_names_it(client, admin_user, organisations):
    leaver = User.objects.create_user(username="leaver", password="Leaving-Soon-42!")
    client.force_login(admin_user)
    assert (
        client.post(f"/admin/portal/user/{leaver.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    event = admin_events(action=AuditAction.DELETE).get()
    assert (event.object_id, event.detail) == (str(leaver.pk), "admin deleted: leaver")


def test_unlocking_an_account_is_an_event_with_whose_sign_ins_they_were(
    client, admin_user, coordinator
):
    attempt = AccessAttempt.objects.create(
        username=coordinator.username,
        ip_address="10.1.2.3",
        user_agent="test",
        path_info="/account/login/",
        http_accept="*/*",
        get_data="",
        post_data="",
        failures_since_start=10,
    )
    pair = ("axes.accessattempt", str(attempt.pk))
    with translation.override("uk"):
        assert labels_for([pair])[pair] == (
            f"серія невдалих входів: {coordinator.username} з адреси 10.1.2.3"
        )
    client.force_login(admin_user)
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event = admin_events(action=AuditAction.DELETE).get()
    assert event.object_type == "axes.accessattempt"
    assert event.detail == f"admin deleted: {coordinator.username} (10.1.2.3)"


@pytest.mark.parametrize(
    ("detail", "uk"),
    [
        ("admin created", "Створено в адмініструванні"),
        (
            "admin changed: name; -membership",
            "Змінено в адмініструванні: назва, членства: видалено",
        ),
        ("admin changed: ~membership", "Змінено в адмініструванні: членства: змінено"),
        ("admin changed: no_such_field", "Змінено в адмініструванні: no_such_field"),
        # Events written before the admin was audited this way still read.
        ("user shadow created in the admin", "Користувача shadow створено в адмініструванні"),
    ],
)
def test_the_details_read_in_words(detail, uk):
    object_type = "portal.user" if "shadow" in detail else "portal.organisation"
    with translation.override("uk"):
        assert detail_in_words(detail, object_type) == uk


def test_a_report_run_shows_why_it_failed_but_neither_its_exact_figures_nor_its_file(
    client, admin_user, organisations
):
    run = ReportRun.objects.create(
        kind=ReportKind.NINE_MONTHS,
        year=2024,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 9, 30),
        status=RunStatus.FAILED,
        attempts=3,
        error="WorkerLostError: the worker died",
        figures={"cases": {"victims_men_70_plus": 2}},
        narrative="Пояснювальна записка",
    )
    run.file.save("report-test.pdf", ContentFile(b"%PDF-1.7"), save=True)
    client.force_login(admin_user)
    url = f"/admin/programme/reportrun/{run.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "WorkerLostError: the worker died" in text and "Файл звіту" in text
    assert "victims_men_70_plus" not in text  # exact counts stay in the portal
    assert "report-test.pdf" not in text and "_private-files" not in text
    assert "Початок періоду" in text and "Period start" not in text
    assert client.post(url, {"status": RunStatus.DONE, "final": "on"}).status_code == 403
    delete = f"/admin/programme/reportrun/{run.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    run.refresh_from_db()
    assert (run.status, run.final) == (RunStatus.FAILED, False)
    # Both attempts are refusals in the log; nothing was changed.
    assert admin_events(action=AuditAction.PERMISSION_DENIED).count() == 2
    assert not admin_events(action__in=[AuditAction.UPDATE, AuditAction.DELETE]).exists()


OUR_APPS = {"portal", "cases", "orders", "referrals", "programme"}


def test_every_field_of_our_models_in_the_admin_has_a_name_in_the_readers_language():
    # A field without a verbose name is labelled from its code ("Submitted by") on a Ukrainian
    # page: every model the admin shows, with its inlines', is walked.
    shown = set()
    for model, model_admin in admin.site._registry.items():
        shown.add(model)
        shown.update(inline.model for inline in model_admin.inlines)
    unnamed = [
        f"{model._meta.label_lower}.{field.name}"
        for model in shown
        if model._meta.app_label in OUR_APPS
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert unnamed == []
    with translation.override("uk"):
        assert str(ReportRun._meta.get_field("period_start").verbose_name) == "початок періоду"


def test_no_other_role_reaches_the_admin_or_changes_anything_through_it(client, personas):
    policy = RolePolicy.objects.create(role=Role.COORDINATOR, require_two_factor=True)
    url = f"/admin/portal/rolepolicy/{policy.pk}/change/"
    for name, user in personas.items():
        if name == "admin":
            continue
        client.force_login(user)
        page = client.get(url)
        # To the admin's sign-in (or first to the second factor), never into the page.
        assert page.status_code == 302 and not page["Location"].startswith("/admin/portal"), name
        client.post(url, {"role": Role.COORDINATOR, "_save": "Зберегти"})
        policy.refresh_from_db()
        assert policy.require_two_factor is True, name
    assert not AuditEvent.objects.filter(object_type="portal.rolepolicy").exists()


def test_a_role_policy_for_an_unknown_role_is_refused_in_ukrainian(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/portal/rolepolicy/add/", {"role": "R6", "_save": "Зберегти"})
    assert response.status_code == 200
    assert "R6 немає серед варіантів вибору" in response.content.decode()
    assert not RolePolicy.objects.exists()
    assert not admin_events(action=AuditAction.CREATE).exists()


def test_the_organisations_permission_groups_are_named_by_organisation_and_changed_by_nobody(
    client, admin_user, organisations
):
    shelter = organisations["shelter"]
    client.force_login(admin_user)
    listing = client.get("/admin/auth/group/").content.decode()
    assert shelter.name in listing
    assert "org:" not in listing
    group = shelter.group
    assert f"/admin/auth/group/{group.pk}/" not in listing  # no page titled «org:shelter-1»
    assert client.get(f"/admin/auth/group/{group.pk}/change/").status_code == 403
    assert client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "x"}).status_code == 403
    assert client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/auth/group/add/").status_code == 403
    group.refresh_from_db()
    assert group.name == f"org:{shelter.code}"
    with translation.override("uk"):
        label = labels_for([("auth.group", str(group.pk))])["auth.group", str(group.pk)]
    assert label == f"група доступу організації {shelter.name}"
    # Its members are the organisation's active memberships: whoever acts for it.
    assert (
        client.get("/admin/auth/group/").context["cl"].result_list.get(pk=group.pk).members
        == shelter.memberships.filter(is_active=True).count()
    )


def test_the_user_form_offers_neither_groups_nor_model_permissions(client, admin_user, coordinator):
    client.force_login(admin_user)
    form = client.get(f"/admin/portal/user/{coordinator.pk}/change/").context["adminform"].form
    assert "groups" not in form.fields and "user_permissions" not in form.fields
    assert "is_active" in form.fields


def test_a_deletion_page_names_what_it_takes_by_kind_never_a_case_or_its_content(
    client, admin_user, owner
):
    """Django would list every case of a district and every decision of a conference an
    account took part in; the administrator reads no case."""
    case = register_case(owner)
    district = case.district
    client.force_login(admin_user)
    page = client.get(f"/admin/portal/district/{district.pk}/delete/").content.decode()
    assert "Не вдається видалити" in page
    assert "<li>Випадки</li>" in page
    assert case.number not in page
    assert District.objects.filter(pk=district.pk).exists()

    holiday = Holiday.objects.create(date="2031-05-09", name="День пам'яті")
    page = client.get(f"/admin/referrals/holiday/{holiday.pk}/delete/").content.decode()
    assert "Святковий день: 09.05.2031 День пам&#x27;яті" in page
