"""Two people editing one record in the admin never undo each other's change without knowing:
the save of a page opened before someone else's save is refused in Ukrainian and writes
nothing; opened again, it saves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from portal.admin_locking import OpenedStateCheck
from portal.models import AuditAction, AuditEvent, District, Membership, User
from portal.roles import Role
from programme.models import Funding, FundingSource, Measure, Programme, ProgrammeTask
from referrals.models import Holiday
from tests.admin_pages import STATE, inline_data, opened

REFUSED = "Хтось інший змінив цей запис, поки він був у вас відкритий. Нічого не збережено"


def _holiday_post(name: str) -> dict:
    return {"date": "01.05.2031", "name": name, "_save": "Зберегти"}


def _opened_by(client, user, url: str, data: dict) -> dict:
    client.force_login(user)
    return opened(client, url, data)


def test_the_later_of_two_saves_of_one_page_is_refused_and_the_first_is_kept(
    client, admin_user, second_admin
):
    holiday = Holiday.objects.create(date=date(2031, 5, 1), name="День праці")
    url = f"/admin/referrals/holiday/{holiday.pk}/change/"
    first = _opened_by(client, admin_user, url, _holiday_post("День праці (1 травня)"))
    second = _opened_by(client, second_admin, url, _holiday_post("Перше травня"))

    client.force_login(admin_user)
    assert client.post(url, first).status_code == 302
    client.force_login(second_admin)
    refused = client.post(url, second)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert REFUSED in page
    # Saving the same page again is refused again: only opening it shows what changed.
    assert REFUSED in client.post(url, second).content.decode()
    holiday.refresh_from_db()
    assert holiday.name == "День праці (1 травня)"
    changes = AuditEvent.objects.filter(object_type="referrals.holiday", action=AuditAction.UPDATE)
    assert list(changes.values_list("username", flat=True)) == ["admin"]

    again = opened(client, url, _holiday_post("Перше травня"))
    assert client.post(url, again).status_code == 302
    holiday.refresh_from_db()
    assert holiday.name == "Перше травня"


def test_a_save_without_the_state_it_was_opened_with_writes_nothing(client, admin_user):
    district = District.objects.get(slug="darnytskyi")
    before = district.name
    client.force_login(admin_user)
    response = client.post(
        f"/admin/portal/district/{district.pk}/change/", {"name": "Підмінений", "_save": "Зберегти"}
    )
    assert response.status_code == 200 and REFUSED in response.content.decode()
    district.refresh_from_db()
    assert district.name == before


def _as_posted(page, **changes) -> dict:
    """The change page as its browser would post it, with its inlines' rows, and `changes`."""
    form = page.context["adminform"].form
    data = {
        name: value
        for name in form.fields
        if (value := form[name].value()) is not None and not form.fields[name].disabled
    }
    for name, field in form.fields.items():
        if isinstance(field, forms.BooleanField) and name in data:
            data[name] = "on" if data[name] else ""
    [state] = STATE.findall(page.content.decode())
    data.update(_opened_state=state, _save="Зберегти", **changes)
    data.update(inline_data(page, rows=True))
    return data


def test_a_sign_in_meanwhile_is_no_conflict_for_the_account_being_edited(client, admin_user, owner):
    """Only what the form edits is compared: the user's last sign-in moves by itself."""
    url = f"/admin/portal/user/{owner.pk}/change/"
    client.force_login(admin_user)
    data = _as_posted(client.get(url), last_name="Нове-Прізвище")
    User.objects.filter(pk=owner.pk).update(last_login="2031-01-01T10:00:00+02:00")
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    owner.refresh_from_db()
    assert owner.last_name == "Нове-Прізвище"


def test_a_membership_given_meanwhile_refuses_the_accounts_older_page(
    client, admin_user, owner, organisations
):
    """The inline's rows are part of what the page edits: the older page would have posted
    the memberships it showed, as if the new one were not there."""
    url = f"/admin/portal/user/{owner.pk}/change/"
    client.force_login(admin_user)
    stale = _as_posted(client.get(url), last_name="Нове-Прізвище")
    given = Membership.objects.create(
        user=owner, organisation=organisations["shelter"], role=Role.PROVIDER_STAFF
    )
    refused = client.post(url, stale)
    assert refused.status_code == 200 and REFUSED in refused.content.decode()
    owner.refresh_from_db()
    assert owner.last_name != "Нове-Прізвище"
    assert Membership.objects.filter(pk=given.pk).exists()

    fresh = _as_posted(client.get(url), last_name="Нове-Прізвище")
    assert client.post(url, fresh).status_code == 302
    owner.refresh_from_db()
    assert owner.last_name == "Нове-Прізвище"
    assert Membership.objects.filter(pk=given.pk).exists()


def test_a_funding_line_changed_meanwhile_refuses_the_measures_older_page(
    client, admin_user, organisations
):
    programme = Programme.objects.create(
        code="dv-2031", title="Програма 2031", year_from=2031, year_to=2033
    )
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Завдання")
    measure = Measure.objects.create(task=task, code="1.1", title="Захід")
    measure.executors.add(organisations["city_centre"])
    line = Funding.objects.create(
        measure=measure, year=2031, source=FundingSource.CITY_BUDGET, amount=Decimal("100.0")
    )
    url = f"/admin/programme/measure/{measure.pk}/change/"
    client.force_login(admin_user)
    stale = _as_posted(client.get(url), title="Захід (уточнено)")
    Funding.objects.filter(pk=line.pk).update(amount=Decimal("250.0"))
    refused = client.post(url, stale)
    assert refused.status_code == 200 and REFUSED in refused.content.decode()
    line.refresh_from_db()
    measure.refresh_from_db()
    assert (line.amount, measure.title) == (Decimal("250.0"), "Захід")

    fresh = _as_posted(client.get(url), title="Захід (уточнено)")
    response = client.post(url, fresh)
    assert response.status_code == 302, response.context["adminform"].form.errors
    line.refresh_from_db()
    measure.refresh_from_db()
    assert (line.amount, measure.title) == (Decimal("250.0"), "Захід (уточнено)")


def test_an_administrators_own_memberships_are_no_conflict_for_their_own_page(
    client, admin_user, second_admin, organisations
):
    """One's own memberships are shown, never saved from one's own page: a colleague who
    confirms one of them meanwhile does not make that page's save refused."""
    url = f"/admin/portal/user/{admin_user.pk}/change/"
    client.force_login(admin_user)
    own = _as_posted(client.get(url), last_name="Адміністраторенко")
    Membership.objects.create(
        user=admin_user, organisation=organisations["shelter"], role=Role.PROVIDER_STAFF
    )
    response = client.post(url, own)
    assert response.status_code == 302, response.content.decode()[:2000]
    admin_user.refresh_from_db()
    assert admin_user.last_name == "Адміністраторенко"


def test_a_measure_saved_in_the_admin_locks_its_programme_before_its_own_rows(
    client, admin_user, organisations
):
    """The programme's own pages lock the programme, then the measure and its funding; the
    admin locks in the same order, so the two never wait on each other."""
    programme = Programme.objects.create(
        code="dv-2031", title="Програма 2031", year_from=2031, year_to=2033
    )
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Завдання")
    measure = Measure.objects.create(task=task, code="1.1", title="Захід")
    measure.executors.add(organisations["city_centre"])
    url = f"/admin/programme/measure/{measure.pk}/change/"
    client.force_login(admin_user)
    data = _as_posted(client.get(url), title="Захід (уточнено)")
    with CaptureQueriesContext(connection) as context:
        assert client.post(url, data).status_code == 302
    locks = [q["sql"] for q in context.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locks and 'FROM "programme_programme"' in locks[0], locks[:2]


def test_every_admin_change_form_checks_the_state_it_was_opened_with(admin_user):
    """Generated from the registry: an admin written tomorrow is covered the day it is."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        instance = model()
        form = model_admin.get_form(request, instance, change=True)
        assert issubclass(form, OpenedStateCheck), model._meta.label
