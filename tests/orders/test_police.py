"""The police unit's desk: its dashboard, the order page as the unit sees it, the urgent order
form (short case numbers, no new-case fields with a number) and the statuses' grammar."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone, translation

from cases.models import Case
from orders import services
from orders.models import RestrainingOrder
from orders.rules import STATUS_LABELS
from portal.models import AuditAction, AuditEvent, OrganisationKind
from portal.roles import Role
from tests.cases.factories import person, register_case
from tests.factories import OrganisationFactory, member
from tests.orders.factories import share_case_with, urgent
from tests.orders.test_views import _form


@pytest.fixture
def police_colleague(organisations):
    return member(Role.POLICE_OFFICER, organisations["police_darnytskyi"], "police_colleague")


def _case(owner, first_name="Оксана", offender="Петро", **extra):
    return register_case(
        owner,
        victim=person("Коваль", first_name),
        offender=person("Коваль", offender, "M", relation_to_victim="spouse"),
        **extra,
    )


def _high_risk(case):
    Case.objects.filter(pk=case.pk).update(risk_level="high")
    return case


def _dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</ul>', page, re.S)
    assert match, testid
    return match.group(1)


# --- the dashboard ---------------------------------------------------------------------------


def test_police_dashboard_lists_orders_ending_within_seven_days_from_now(client, police, owner):
    soon = urgent(police, _case(owner, "Анна"), days=7, number="ТЗП-7")  # ends in 6 d 23 h
    later = urgent(police, _case(owner, "Ірина"), days=8, number="ТЗП-8")  # ends in 7 d 23 h
    expiring = _section(_dashboard(client, police), "police-expiring")
    assert f"/orders/{soon.pk}/" in expiring
    assert f"/orders/{later.pk}/" not in expiring


def test_police_dashboard_shows_recent_breaches_of_the_units_orders(client, police, owner):
    order = urgent(police, _case(owner), number="ТЗП-21")
    services.breach_record(
        actor=police,
        order_id=order.pk,
        occurred_at=timezone.now() - timedelta(minutes=30),
        description="Телефонував потерпілій.",
        consequence="administrative",
    )
    breaches = _section(_dashboard(client, police), "police-breaches")
    assert "ТЗП-21" in breaches and f"/orders/{order.pk}/" in breaches


def test_police_dashboard_leaves_out_another_units_orders(client, police, owner, organisations):
    other_unit = OrganisationFactory(
        code="police-obolonskyi",
        name="Оболонське УП",
        kind=OrganisationKind.POLICE_UNIT,
        district_slugs=["obolonskyi"],
    )
    stranger = member(Role.POLICE_OFFICER, other_unit, "stranger")
    theirs = urgent(stranger, _case(owner), days=3, number="ТЗП-ЧУЖИЙ")
    page = _dashboard(client, police)
    assert f"/orders/{theirs.pk}/" not in page and "ТЗП-ЧУЖИЙ" not in page


def test_police_dashboard_lists_high_risk_cases_of_its_district_without_an_order(
    client, police, owner, outsider
):
    unprotected = _high_risk(_case(owner, "Анна"))
    share_case_with(police, unprotected)
    protected = _high_risk(_case(owner, "Ірина"))
    urgent(police, protected)
    not_shared = _high_risk(_case(owner, "Марія"))  # the unit may not see it
    other_district = _high_risk(_case(outsider, "Олена", district_id=_district("obolonskyi")))
    share_case_with(police, other_district)
    listed = _section(_dashboard(client, police), "police-unprotected")
    assert unprotected.number in listed
    for case in (protected, not_shared, other_district):
        assert case.number not in listed


def test_police_dashboard_records_the_orders_it_showed_in_the_audit_log(client, police, owner):
    order = urgent(police, _case(owner), days=3)
    _dashboard(client, police)
    assert AuditEvent.objects.filter(
        user=police,
        action=AuditAction.VIEW,
        object_type="orders.restrainingorder",
        detail=f"dashboard: {order.pk}",
    ).exists()


def test_a_social_worker_does_not_get_the_police_panel(client, police, owner):
    urgent(police, _case(owner), days=3)
    assert 'data-testid="police-panel"' not in _dashboard(client, owner)


def _district(slug: str) -> int:
    from portal.models import District

    return District.objects.get(slug=slug).pk


# --- the order page as the unit sees it ------------------------------------------------------


def _hrefs(page: str) -> list[str]:
    links = re.findall(r'href="([^"]+)"', page)
    return [
        link.replace("&amp;", "&")
        for link in links
        if link.startswith("/") and not link.startswith(settings.STATIC_URL)
    ]


def test_every_link_on_an_order_page_opens_for_the_police_officer_who_sees_it(
    client, police, police_colleague, owner, organisations
):
    # The order was issued by a colleague of the same unit on a case shared with the colleague
    # only: the officer sees the order (their unit's) but may not open the case.
    order = urgent(police_colleague, _case(owner), number="ТЗП-42")
    client.force_login(police)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "ТЗП-42" in page
    for link in _hrefs(page):
        assert client.get(link, follow=True).status_code == 200, link


def test_an_officer_without_access_to_the_case_sees_its_number_and_the_owners_contact(
    client, police, police_colleague, owner, organisations
):
    centre = organisations["css_darnytskyi"]
    centre.phone, centre.email = "+380445550101", "css@darnytsia.kyiv.ua"
    centre.save(update_fields=["phone", "email"])
    case = _case(owner)
    order = urgent(police_colleague, case)
    client.force_login(police)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' not in page
    assert case.number in page
    owner_row = _section(page.replace("</dd>", "</ul>"), "case-owner")
    assert centre.name in owner_row and "+380445550101" in owner_row
    assert "css@darnytsia.kyiv.ua" in owner_row
    assert str(order.offender) in page and str(order.victim) in page  # as recorded on the order


def test_who_may_open_the_case_still_gets_the_link_to_it(client, police, owner):
    case = _case(owner)
    order = urgent(police, case)
    client.force_login(owner)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in page
    assert f'href="/orders/offender/{order.offender_id}/"' in page


def test_the_order_page_as_the_unit_sees_it_is_audited(client, police, police_colleague, owner):
    order = urgent(police_colleague, _case(owner))
    client.force_login(police)
    client.get(f"/orders/{order.pk}/")
    assert AuditEvent.objects.filter(
        user=police, action=AuditAction.VIEW, object_id=str(order.pk)
    ).exists()


# --- the urgent order form -------------------------------------------------------------------


def _serial(case) -> str:
    return case.number.rsplit("-", 1)[1].lstrip("0")


@pytest.mark.parametrize("short", ["serial", "year-serial"])
def test_the_form_finds_a_case_by_the_short_form_of_its_number(client, police, owner, short):
    case = _case(owner)
    share_case_with(police, case)
    year = case.number.split("-")[1]
    typed = _serial(case) if short == "serial" else f"{year}-{_serial(case)}"
    client.force_login(police)
    response = client.post("/orders/urgent/new/", _form(case_number=typed))
    assert response.status_code == 302
    assert RestrainingOrder.objects.get().case == case


def test_a_short_number_that_fits_two_of_the_users_cases_asks_for_the_full_one(
    client, police, owner
):
    first, second = _case(owner, "Анна"), _case(owner, "Ірина")
    Case.objects.filter(pk=first.pk).update(number="КИЇВ-2025-000077")
    Case.objects.filter(pk=second.pk).update(number="КИЇВ-2026-000077")
    share_case_with(police, first)
    share_case_with(police, second)
    client.force_login(police)
    page = client.post("/orders/urgent/new/", _form(case_number="77")).content.decode()
    assert "КИЇВ-2025-000077" in page and "КИЇВ-2026-000077" in page
    assert not RestrainingOrder.objects.exists()
    client.post("/orders/urgent/new/", _form(case_number="2026-77"))
    assert RestrainingOrder.objects.get().case_id == second.pk


def test_a_short_number_never_reaches_a_case_outside_the_users_scope(client, police, owner):
    visible, hidden = _case(owner, "Анна"), _case(owner, "Ірина")
    Case.objects.filter(pk=visible.pk).update(number="КИЇВ-2026-000088")
    Case.objects.filter(pk=hidden.pk).update(number="КИЇВ-2025-000088")
    share_case_with(police, visible)
    client.force_login(police)
    page = client.post("/orders/urgent/new/", _form(case_number="88")).content.decode()
    assert "КИЇВ-2025-000088" not in page  # neither ambiguous nor named
    assert RestrainingOrder.objects.get().case_id == visible.pk
    RestrainingOrder.objects.all().delete()
    page = client.post("/orders/urgent/new/", _form(case_number="2025-88")).content.decode()
    assert not RestrainingOrder.objects.exists()
    assert "КИЇВ-2025-000088" not in page


def test_with_a_case_number_the_form_needs_none_of_the_new_case_fields(client, police, owner):
    # The browser hides and disables the new-case fields once a number is typed: none is sent.
    case = _case(owner)
    share_case_with(police, case)
    data = {
        key: value
        for key, value in _form(case_number=case.number).items()
        if not key.startswith(("victim_", "offender_", "district", "relation"))
    }
    client.force_login(police)
    assert client.post("/orders/urgent/new/", data).status_code == 302
    assert RestrainingOrder.objects.get().case == case


def test_without_a_case_number_the_new_case_fields_are_still_required(client, police):
    client.force_login(police)
    data = {k: v for k, v in _form().items() if k != "victim_sex"}
    response = client.post("/orders/urgent/new/", data)
    assert response.status_code == 200
    assert not RestrainingOrder.objects.exists()


def test_the_form_discloses_new_case_fields_progressively_and_offers_ten_days(client, police):
    client.force_login(police)
    page = client.get("/orders/urgent/new/").content.decode()
    assert "data-new-case" in page and 'data-testid="plus-ten-days"' in page
    assert 'src="/static/portal/order-form.js"' in page
    assert "<script>" not in page  # CSP: no inline script
    assert (Path(settings.BASE_DIR) / "static" / "portal" / "order-form.js").exists()


# --- the statuses' grammar -------------------------------------------------------------------


def test_order_status_labels_are_the_orders_own_messages_in_every_catalogue():
    # A msgid shared with another catalogue takes that catalogue's Ukrainian: "active" came out
    # as "активна" (an organisation) on a припис, which is masculine.
    with translation.override(None):
        ours = {str(label) for label in STATUS_LABELS.values()}
    base = Path(settings.BASE_DIR)
    for po_path in base.glob("*/**/uk/LC_MESSAGES/django.po"):
        if ".venv" in po_path.parts or po_path.is_relative_to(base / "orders"):
            continue
        shared = ours & {entry.msgid for entry in polib.pofile(str(po_path))}
        assert not shared, f"{po_path}: {shared}"


# --- the statistics page's date --------------------------------------------------------------


def test_the_statistics_page_takes_the_date_as_dd_mm_yyyy_in_a_text_field(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/orders/statistics/", {"as_of": "30.09.2024"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="date"' not in page
    assert 'placeholder="дд.мм.рррр"' in page and 'value="30.09.2024"' in page
