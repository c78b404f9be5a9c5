"""The offender's measures in the browser: the police officer who issued an urgent order takes
the offender onto the preventive record from the case; the social worker records the court's
referral to an offender programme and, later, that he completed it. Both show on the case and
on the offender's page."""

from __future__ import annotations

from django.utils import timezone

from orders.models import OffenderProgramme, PreventiveRecord
from tests.cases.factories import register_case
from tests.orders.factories import urgent


def test_police_take_the_offender_on_record_and_the_worker_records_his_programme(
    page, browser, live_server, login_as, owner, police
):
    case = register_case(owner)
    order = urgent(police, case)
    today = timezone.localdate().strftime("%d.%m.%Y")

    login_as(page, police)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("button[data-bs-target='#section-orders']")
    page.click("[data-testid=preventive-new]")
    page.select_option("#id_basis", "order")
    page.select_option("#id_order", str(order.pk))
    page.select_option("#id_offender", str(order.offender_id))
    page.fill("#id_taken_on", today)
    page.click("main form button.btn-primary")
    record = PreventiveRecord.objects.get()
    assert record.offender_id == order.offender_id and record.unit.code == "police-darnytskyi"

    context = browser.new_context(locale="uk-UA")
    worker = context.new_page()
    login_as(worker, owner)
    worker.goto(f"{live_server.url}/cases/{case.pk}/")
    worker.click("button[data-bs-target='#section-orders']")
    worker.wait_for_selector("#section-orders [data-testid=offender-measures]")
    section = worker.inner_text("#section-orders")
    assert "Профілактичний облік" in section
    worker.click("[data-testid=programme-new]")
    worker.select_option("#id_referred_by", "court")
    worker.fill("#id_referred_on", today)
    worker.fill("#id_provider", "Київський міський центр соціальних служб")
    worker.select_option("#id_offender", str(order.offender_id))
    worker.click("main form button.btn-primary")
    programme = OffenderProgramme.objects.get()
    worker.goto(f"{live_server.url}/orders/programme/{programme.pk}/")
    worker.select_option("#id_status", "completed")
    worker.fill("#id_started_on", today)
    worker.fill("#id_ended_on", today)
    worker.click("main form button.btn-primary")
    programme.refresh_from_db()
    assert programme.status == "completed"

    worker.goto(f"{live_server.url}/orders/offender/{order.offender_id}/")
    offender_page = worker.inner_text("main")
    assert "Профілактичний облік" in offender_page
    assert "завершено" in offender_page.lower()
    context.close()
