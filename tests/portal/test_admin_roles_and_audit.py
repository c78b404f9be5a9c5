"""The Django admin as the administrator uses it for accounts and roles: a role given waits for a
second administrator, nobody changes their own rights, every change of an account or a role is
audited and told to the city coordinators, and the audit log and authenticator secrets are
never editable or readable there."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import audit_record
from portal.memberships import membership_record_change
from portal.models import AuditAction, AuditEvent, Membership, Notification, User
from portal.roles import Role
from tests.admin_pages import inline_data, opened
from tests.factories import UserFactory

MEMBERSHIPS = "/admin/portal/membership/"
USERS = "/admin/portal/user/"


def _membership_post(user, organisation, role, *, active=True) -> dict:
    data = {"user": user.pk, "organisation": organisation.pk, "role": role, "_save": "Зберегти"}
    if active:
        data["is_active"] = "on"
    return data


def _role_notices(coordinator) -> list[str]:
    return list(
        Notification.objects.filter(user=coordinator, title="У порталі змінено роль").values_list(
            "body", flat=True
        )
    )


def _bulk_actions(response) -> list[str]:
    form = response.context["action_form"]  # None when no action is left at all
    return [] if form is None else [name for name, _label in form.fields["action"].choices]


# --- a role given waits for a second administrator -----------------------------------------------


def test_a_role_given_in_the_admin_is_held_inactive_audited_and_told_to_coordinators(
    client, admin_user, colleague, coordinator, organisations
):
    client.force_login(admin_user)
    response = client.post(
        f"{MEMBERSHIPS}add/",
        _membership_post(colleague, organisations["shelter"], Role.PROVIDER_STAFF),
    )
    assert response.status_code == 302
    given = Membership.objects.get(user=colleague, organisation=organisations["shelter"])
    # The administrator ticked "active"; the admin keeps it off until someone else confirms.
    assert (given.is_active, given.granted_by) == (False, admin_user)
    event = AuditEvent.objects.get(object_type="portal.membership", object_id=str(given.pk))
    assert (event.action, event.username) == (AuditAction.CREATE, "admin")
    assert event.detail.startswith("added: ")
    [body] = _role_notices(coordinator)
    assert "«Працівник надавача послуг»" in body and "Притулок № 1" in body
    assert body.endswith("надано")


def test_whoever_gave_a_role_may_not_confirm_it_but_another_administrator_may(
    client, admin_user, second_admin, colleague, coordinator, organisations
):
    client.force_login(admin_user)
    client.post(
        f"{MEMBERSHIPS}add/",
        _membership_post(colleague, organisations["shelter"], Role.PROVIDER_STAFF),
    )
    given = Membership.objects.get(user=colleague, organisation=organisations["shelter"])
    url = f"{MEMBERSHIPS}{given.pk}/change/"
    post = opened(
        client, url, _membership_post(colleague, organisations["shelter"], Role.PROVIDER_STAFF)
    )

    refused = client.post(url, post)
    assert refused.status_code == 200
    assert "Цю роль надали ви: її має підтвердити інший адміністратор." in refused.content.decode()
    given.refresh_from_db()
    assert given.is_active is False
    assert not AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(given.pk)
    ).exists()

    client.force_login(second_admin)
    assert client.post(url, post).status_code == 302
    given.refresh_from_db()
    assert given.is_active is True
    confirmed = AuditEvent.objects.get(
        action=AuditAction.UPDATE, object_type="portal.membership", object_id=str(given.pk)
    )
    assert confirmed.username == "admin2"
    assert any(body.endswith("змінено") for body in _role_notices(coordinator))


def test_an_administrator_may_not_give_a_role_to_themselves(client, admin_user, organisations):
    client.force_login(admin_user)
    response = client.post(
        f"{MEMBERSHIPS}add/",
        _membership_post(admin_user, organisations["city_centre"], Role.COORDINATOR),
    )
    assert response.status_code == 200
    assert (
        "Ви не можете змінювати власні ролі: це має зробити інший адміністратор."
        in response.content.decode()
    )
    assert list(Membership.objects.filter(user=admin_user).values_list("role", flat=True)) == [
        Role.ADMINISTRATOR
    ]
    assert not AuditEvent.objects.filter(object_type="portal.membership").exists()


def test_an_administrator_may_not_edit_their_own_membership(client, admin_user, organisations):
    own = Membership.objects.get(user=admin_user)
    client.force_login(admin_user)
    response = client.post(
        f"{MEMBERSHIPS}{own.pk}/change/",
        _membership_post(admin_user, organisations["city_centre"], Role.COORDINATOR),
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert (own.role, own.organisation) == (Role.ADMINISTRATOR, organisations["department"])


def test_taking_a_role_away_is_audited_and_told_and_never_done_in_bulk(
    client, admin_user, colleague, coordinator
):
    theirs = Membership.objects.get(user=colleague)
    client.force_login(admin_user)
    assert "delete_selected" not in _bulk_actions(client.get(MEMBERSHIPS))
    response = client.post(f"{MEMBERSHIPS}{theirs.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=theirs.pk).exists()
    event = AuditEvent.objects.get(object_type="portal.membership", action=AuditAction.DELETE)
    assert event.object_id == str(theirs.pk) and event.detail.startswith("removed: ")
    [body] = _role_notices(coordinator)
    assert body.endswith("відкликано")


def test_a_coordinator_who_changes_a_role_is_not_told_of_their_own_change(admin_user, coordinator):
    theirs = Membership.objects.get(user=coordinator)
    membership_record_change(actor=coordinator, membership=theirs, change="changed")
    assert _role_notices(coordinator) == []
    theirs.is_active = False
    membership_record_change(actor=admin_user, membership=theirs, change="changed")
    [body] = _role_notices(coordinator)
    assert body.endswith("призупинено")


# --- accounts ----------------------------------------------------------------------------------


def test_an_account_made_in_the_admin_is_audited_and_its_role_waits_for_confirmation(
    client, admin_user, coordinator, organisations
):
    client.force_login(admin_user)
    page = client.get(f"{USERS}add/")
    data = {
        **inline_data(page),
        "username": "new_worker",
        "last_name": "Тіньова",
        "first_name": "Олена",
        "usable_password": "true",
        "password1": "Another-Horse-43!",
        "password2": "Another-Horse-43!",
        "memberships-0-organisation": organisations["css_darnytskyi"].pk,
        "memberships-0-role": Role.SOCIAL_WORKER,
        "memberships-0-is_active": "on",
        "_save": "Зберегти",
    }
    data["memberships-TOTAL_FORMS"] = "1"
    response = client.post(f"{USERS}add/", data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    user = User.objects.get(username="new_worker")
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        object_type="portal.user",
        object_id=str(user.pk),
        detail="admin created: username,last_name,first_name,password; +membership",
    ).exists()
    membership = Membership.objects.get(user=user)
    assert (membership.is_active, membership.granted_by) == (False, admin_user)
    assert len(_role_notices(coordinator)) == 1


def test_an_account_is_made_with_a_name_or_not_at_all(client, admin_user):
    """Colleagues choose a person for a case team or see a referral's contact by name: an
    account without one would show its login there."""
    client.force_login(admin_user)
    page = client.get(f"{USERS}add/")
    response = client.post(
        f"{USERS}add/",
        {
            **inline_data(page),
            "username": "nameless",
            "usable_password": "true",
            "password1": "Another-Horse-43!",
            "password2": "Another-Horse-43!",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.errors) == {"last_name", "first_name"}
    assert form.errors["last_name"] == ["Це поле обов'язкове."]
    assert not User.objects.filter(username="nameless").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_an_account_is_deleted_one_by_one_with_an_audit_event(client, admin_user):
    leaver = UserFactory(username="leaver")
    client.force_login(admin_user)
    assert "delete_selected" not in _bulk_actions(client.get(USERS))
    assert client.post(f"{USERS}{leaver.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not User.objects.filter(username="leaver").exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="portal.user")
    assert (event.object_id, event.detail) == (str(leaver.pk), "admin deleted: leaver")


def test_on_their_own_account_an_administrator_cannot_raise_rights_or_touch_roles(
    client, admin_user, owner
):
    client.force_login(admin_user)
    own = client.get(f"{USERS}{admin_user.pk}/change/")
    other = client.get(f"{USERS}{owner.pk}/change/")
    assert 'name="is_superuser"' not in own.content.decode()
    assert 'name="is_superuser"' in other.content.decode()
    [own_roles] = own.context["inline_admin_formsets"]
    [other_roles] = other.context["inline_admin_formsets"]
    assert (own_roles.has_add_permission, own_roles.has_change_permission) == (False, False)
    assert own_roles.has_delete_permission is False
    assert (other_roles.has_add_permission, other_roles.has_change_permission) == (True, True)


# --- what the admin never edits or shows ----------------------------------------------------------


def test_the_audit_log_in_the_admin_speaks_in_words_not_codes(client, admin_user, owner):
    """The administrator reads the log as the audit page shows it: the record by its name,
    the role and the detail in words, Kyiv time in the title; the filter by kind of record
    names the kinds."""
    event = AuditEvent.objects.create(
        user=owner,
        username=owner.username,
        role=Role.ADMINISTRATOR,
        action=AuditAction.UPDATE,
        object_type="portal.user",
        object_id=str(owner.pk),
        detail="admin changed: last_name",
    )
    client.force_login(admin_user)
    listing = client.get("/admin/portal/auditevent/").content.decode()
    page = client.get(f"/admin/portal/auditevent/{event.pk}/change/").content.decode()
    for shown in (listing, page):
        assert ">portal.user<" not in shown and "admin changed" not in shown
        assert f"користувач {owner.username}" in shown
    assert "Змінено в адмініструванні: прізвище" in page
    assert "Адміністратор" in page and ">administrator<" not in page
    assert "?object_type=portal.user" in listing
    users = client.get("/admin/portal/auditevent/?object_type=portal.user").context["cl"]
    assert event in users.result_list
    assert {e.object_type for e in users.result_list} == {"portal.user"}
    cases = client.get("/admin/portal/auditevent/?object_type=cases.case").context["cl"]
    assert list(cases.result_list) == []


def test_the_audit_log_in_the_admin_is_read_only(client, admin_user, owner):
    event = audit_record(actor=owner, action=AuditAction.VIEW, detail="переглянуто")
    client.force_login(admin_user)
    assert client.get("/admin/portal/auditevent/").status_code == 200
    assert client.get("/admin/portal/auditevent/add/").status_code == 403
    changed = client.post(f"/admin/portal/auditevent/{event.pk}/change/", {"detail": "підмінено"})
    assert changed.status_code == 403
    assert client.post(
        f"/admin/portal/auditevent/{event.pk}/delete/", {"post": "yes"}
    ).status_code == (403)
    event.refresh_from_db()
    assert event.detail == "переглянуто"


def test_reading_the_audit_log_in_the_admin_is_audited_as_on_the_portal(client, admin_user, owner):
    """Who read whose cases is personal data wherever it is read: a page of the admin's list,
    with what was searched for, and one event opened are each a read of the log, in words."""
    event = audit_record(actor=owner, action=AuditAction.VIEW, detail="переглянуто")
    client.force_login(admin_user)
    mine = AuditEvent.objects.filter(user=admin_user, object_type="portal.auditevent")

    client.get("/admin/portal/auditevent/", {"q": owner.username})
    [listed] = mine.all()
    assert listed.action == AuditAction.VIEW
    assert (
        listed.detail == f"audit log read in the admin: page 1, 1 events; search {owner.username}"
    )

    client.get(f"/admin/portal/auditevent/{event.pk}/change/")
    opened = mine.order_by("pk").last()
    assert (opened.object_id, opened.detail) == (str(event.pk), "audit event read")

    # A page that shows no list (an unknown filter sends the admin back) reads nothing.
    client.get("/admin/portal/auditevent/", {"no_such_field": "1"})
    assert mine.count() == 2
    words = client.get(f"/admin/portal/auditevent/{opened.pk}/change/").content.decode()
    assert f"подія журналу аудиту № {event.pk} від " in words
    assert "Відкрито подію журналу аудиту" in words
    said = client.get(f"/admin/portal/auditevent/{listed.pk}/change/").content.decode()
    assert (
        "Журнал аудиту в адмініструванні, сторінка 1: показано подій — 1; "
        f"шукали «{owner.username}»"
    ) in said
    assert "audit log read" not in said and "audit event read" not in words


def test_an_authenticator_is_listed_and_deleted_but_its_secret_never_shown(
    client, admin_user, coordinator
):
    device = TOTPDevice.objects.create(user=coordinator, name="Телефон", confirmed=True)
    client.force_login(admin_user)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Телефон" in text
    assert device.key not in text
    assert "qrcode" not in text.lower() and 'name="key"' not in text
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    delete = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()


def test_a_districts_and_an_organisations_code_is_given_once(client, admin_user, organisations):
    """Routing plans, saved filters, permission groups and data files name them by code."""
    from portal.models import District

    shelter = organisations["shelter"]
    district = District.objects.get(slug="darnytskyi")
    client.force_login(admin_user)
    page = client.get(f"/admin/portal/organisation/{shelter.pk}/change/").content.decode()
    assert 'name="code"' not in page and shelter.code in page
    page = client.get(f"/admin/portal/district/{district.pk}/change/").content.decode()
    assert 'name="slug"' not in page
    assert 'name="code"' in client.get("/admin/portal/organisation/add/").content.decode()
    assert 'name="slug"' in client.get("/admin/portal/district/add/").content.decode()


def test_an_accounts_page_says_whether_it_has_a_password_never_how_it_is_stored(
    client, admin_user, owner
):
    client.force_login(admin_user)
    page = client.get(f"{USERS}{owner.pk}/change/").content.decode()
    assert "Пароль встановлено." in page
    stored = User.objects.get(pk=owner.pk).password
    algorithm, *parts = stored.split("$")
    assert algorithm not in page and "сіль" not in page and "хеш" not in page
    assert not [part for part in parts if len(part) > 5 and part[:6] in page]
    owner.set_unusable_password()
    owner.save(update_fields=["password"])
    assert "Пароль не встановлено." in client.get(f"{USERS}{owner.pk}/change/").content.decode()
