"""A police officer records an urgent order for a new case; the district's social worker sees
it on the case timeline."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from cases.models import Case
from orders.models import RestrainingOrder
from tests.cases.factories import register_case
from tests.orders.factories import share_case_with


def test_police_order_for_a_new_case_reaches_the_social_workers_timeline(
    page, live_server, login_as, police, owner, browser
):
    login_as(page, police)
    page.click("[data-testid=main-menu] [data-menu=orders]")
    page.click("[data-testid=new-urgent]")
    now = timezone.localtime()
    page.fill("#id_number", "ТЗП-2024-0099")
    page.fill("#id_issued_at", now.strftime("%d.%m.%Y %H:%M"))
    page.fill("#id_ends_at", (now + timedelta(days=11)).strftime("%d.%m.%Y %H:%M"))
    page.check("#id_measures_0")  # leave the residence
    page.check("#id_measures_2")  # no contact
    page.select_option("#id_district", label="Дарницький")
    page.fill("#id_victim_last_name", "Левченко")
    page.fill("#id_victim_first_name", "Віра")
    page.fill("#id_offender_last_name", "Левченко")
    page.fill("#id_offender_first_name", "Максим")
    page.fill("#id_offender_birth_date", "05.05.1979")
    page.click("[data-testid=save-order]")
    # Eleven days are refused with a clear message; everything typed is still there.
    assert "не більше 10 діб" in page.inner_text("main")
    assert page.input_value("#id_victim_last_name") == "Левченко"
    page.fill("#id_ends_at", (now + timedelta(days=10)).strftime("%d.%m.%Y %H:%M"))
    page.click("[data-testid=save-order]")
    assert "ТЗП-2024-0099" in page.inner_text("h1")

    case = Case.objects.get()
    worker_page = browser.new_context(locale="uk-UA").new_page()
    login_as(worker_page, owner)
    worker_page.goto(f"{live_server.url}/cases/{case.pk}/#timeline")
    assert "Терміновий заборонний припис № ТЗП-2024-0099" in worker_page.inner_text(
        "[data-testid=timeline]"
    )
    worker_page.context.close()


def test_police_give_a_short_case_number_and_ten_days_in_two_clicks(
    page, live_server, login_as, police, owner
):
    case = register_case(owner)
    share_case_with(police, case)
    login_as(page, police)
    page.goto(f"{live_server.url}/orders/urgent/new/")
    assert page.is_visible("[data-testid=new-case-fields]")
    page.fill("#id_number", "ТЗП-2026-0100")
    page.fill("#id_case_number", case.number.rsplit("-", 1)[1].lstrip("0"))
    # A case number makes the new-case fields disappear.
    assert not page.is_visible("[data-testid=new-case-fields]")
    issued = page.input_value("#id_issued_at")
    page.click("[data-testid=plus-ten-days]")
    day, month, rest = issued.split(".", 2)
    year, clock = rest.split(" ")
    expected = datetime(int(year), int(month), int(day)) + timedelta(days=10)
    assert page.input_value("#id_ends_at") == f"{expected:%d.%m.%Y} {clock}"
    page.check("#id_measures_2")
    page.click("[data-testid=save-order]")
    assert "ТЗП-2026-0100" in page.inner_text("h1")
    assert RestrainingOrder.objects.get().case_id == case.pk
