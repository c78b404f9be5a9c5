"""Grants on one case lapse; administrators see no case except by break-the-glass, in plain
sight; roles change only by another administrator, and the coordinators are told."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.access import case_break_glass, case_grant_access
from cases.selectors import cases_visible_to
from portal.models import AuditEvent, Membership, Notification
from portal.roles import Role
from tests.admin_pages import opened
from tests.cases.factories import register_case
from tests.factories import member


def test_a_coordinators_grant_lapses_after_thirty_days(owner, outsider, coordinator, settings):
    settings.PORTAL_GRANT_DAYS = 30
    case = register_case(owner)
    case_grant_access(actor=coordinator, case_id=case.pk, username="outsider")
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert cases_visible_to(outsider).filter(pk=case.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        assert not cases_visible_to(outsider).filter(pk=case.pk).exists()


@pytest.mark.parametrize("username", ["provider", "secretariat", "nobody", "", "x" * 5000])
def test_access_is_given_only_to_colleagues_who_work_on_cases(
    personas, owner, coordinator, username
):
    case = register_case(owner)
    with pytest.raises(ValidationError):
        case_grant_access(actor=coordinator, case_id=case.pk, username=username)


def test_a_social_worker_cannot_grant_access(client, owner, outsider):
    case = register_case(owner)
    with pytest.raises(PermissionDenied):
        case_grant_access(actor=owner, case_id=case.pk, username="outsider")
    client.force_login(owner)
    assert client.post(f"/cases/{case.pk}/access/", {"username": "outsider"}).status_code == 403
    assert not cases_visible_to(outsider).filter(pk=case.pk).exists()


def test_the_grant_form_answers_an_unknown_user_with_a_message_not_an_error(
    client, owner, coordinator
):
    case = register_case(owner)
    client.force_login(coordinator)
    response = client.post(f"/cases/{case.pk}/access/", {"username": "nobody"}, follow=True)
    assert response.status_code == 200
    assert "не можна надати доступ" in response.content.decode()


def test_administrators_see_no_case_without_breaking_the_glass(client, owner, admin_user):
    case = register_case(owner)
    assert not cases_visible_to(admin_user).exists()
    client.force_login(admin_user)
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_break_the_glass_needs_a_reason_and_tells_the_coordinators(
    client, owner, admin_user, coordinator, settings
):
    settings.PORTAL_BREAK_GLASS_MINUTES = 120
    case = register_case(owner)
    client.force_login(admin_user)
    short = client.post("/cases/break-glass/", {"case_number": case.number, "reason": "треба"})
    assert short.status_code == 400
    assert not cases_visible_to(admin_user).exists()
    response = client.post(
        "/cases/break-glass/",
        {"case_number": case.number, "reason": "Запит особи про доступ до своїх даних № 15"},
    )
    assert response.status_code == 302
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert Notification.objects.filter(user=coordinator, title__contains=case.number).exists()
    assert AuditEvent.objects.filter(
        username="admin", object_id=str(case.pk), detail__startswith="break-glass"
    ).exists()
    assert AuditEvent.objects.filter(username="admin", action="view", object_id=str(case.pk))
    with time_machine.travel(timezone.now() + timedelta(minutes=121)):
        assert not cases_visible_to(admin_user).filter(pk=case.pk).exists()


def test_break_the_glass_is_only_for_administrators(owner, coordinator):
    case = register_case(owner)
    with pytest.raises(PermissionDenied):
        case_break_glass(actor=owner, case_number=case.number, reason="x" * 40)


def test_the_django_admin_lists_no_personal_data(client, admin_user, owner):
    register_case(owner)
    client.force_login(admin_user)
    index = client.get("/admin/").content.decode()
    for path in ["/admin/cases/case/", "/admin/cases/person/", "/admin/referrals/referral/"]:
        assert client.get(path).status_code == 404
        assert path not in index
    assert client.get("/admin/cases/violencesubtype/").status_code == 200


def test_an_administrator_cannot_give_themselves_a_role(client, admin_user, organisations):
    client.force_login(admin_user)
    response = client.post(
        "/admin/portal/membership/add/",
        {
            "user": admin_user.pk,
            "organisation": organisations["city_centre"].pk,
            "role": Role.COORDINATOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=admin_user, role=Role.COORDINATOR).exists()


def test_a_role_given_in_the_admin_is_audited_and_told_to_the_coordinators(
    client, admin_user, coordinator, outsider, organisations
):
    client.force_login(admin_user)
    response = client.post(
        "/admin/portal/membership/add/",
        {
            "user": outsider.pk,
            "organisation": organisations["city_centre"].pk,
            "role": Role.COORDINATOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    given = Membership.objects.get(user=outsider, role=Role.COORDINATOR)
    # It waits, inactive, for a second administrator.
    assert not given.is_active and given.granted_by == admin_user
    assert AuditEvent.objects.filter(
        username="admin", object_type="portal.membership", detail__startswith="added"
    ).exists()
    assert Notification.objects.filter(user=coordinator, title__contains="роль").exists()


def _activate(client, membership):
    url = f"/admin/portal/membership/{membership.pk}/change/"
    data = {
        "user": membership.user_id,
        "organisation": membership.organisation_id,
        "role": membership.role,
        "is_active": "on",
    }
    return client.post(url, opened(client, url, data))


def test_a_role_given_in_the_admin_is_activated_only_by_another_administrator(
    client, admin_user, outsider, organisations
):
    """Found by attacking the demo: an administrator made a second account for themselves with
    a social worker's role and read a victim's case with it."""
    client.force_login(admin_user)
    client.post(
        "/admin/portal/membership/add/",
        {
            "user": outsider.pk,
            "organisation": organisations["css_darnytskyi"].pk,
            "role": Role.SOCIAL_WORKER,
            "is_active": "on",
        },
    )
    given = Membership.objects.get(user=outsider, organisation=organisations["css_darnytskyi"])
    assert _activate(client, given).status_code == 200
    given.refresh_from_db()
    assert not given.is_active
    second = member(Role.ADMINISTRATOR, organisations["department"], "admin-2")
    second.is_staff = second.is_superuser = True
    second.save()
    client.force_login(second)
    assert _activate(client, given).status_code == 302
    given.refresh_from_db()
    assert given.is_active


def test_creating_and_deleting_an_account_in_the_admin_is_audited(client, admin_user):
    from portal.models import User

    client.force_login(admin_user)
    response = client.post(
        "/admin/portal/user/add/",
        {
            "username": "shadow",
            "last_name": "Тіньова",
            "first_name": "Олена",
            "usable_password": "true",
            "password1": "Very-Long-Pass-42!",
            "password2": "Very-Long-Pass-42!",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    created = "admin created: username,last_name,first_name,password"
    assert AuditEvent.objects.filter(detail=created).exists()
    shadow = User.objects.get(username="shadow")
    client.post(f"/admin/portal/user/{shadow.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(username="shadow").exists()
    assert AuditEvent.objects.filter(detail="admin deleted: shadow").exists()
