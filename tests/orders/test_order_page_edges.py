"""The order pages at their edges: what a page offers each role, a refused action shown on the
order's own page in Ukrainian with nothing written, references the user may not follow, and the
statistics' day that must end a month for who sees aggregates only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cases.models import Case
from orders import services
from orders.models import Breach, OrderExtension, RestrainingOrder
from portal.models import AuditAction, AuditEvent
from tests.cases.factories import person, register_case
from tests.orders.factories import share_case_with, urgent


def _day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def case(owner):
    return register_case(owner)


@pytest.fixture
def restrictive(owner, case):
    today = timezone.localdate()
    return services.order_record_restrictive(
        actor=owner,
        case_id=case.pk,
        number="756/5/24",
        court="Дарницький районний суд",
        decision_date=today,
        applicant="victim",
        start=today,
        end=today + relativedelta(months=2),
        measures=["keep_distance"],
    )


def _views_of(order) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="orders.restrainingorder", object_id=str(order.pk)
    ).count()


def _actions(client, order) -> dict[str, bool]:
    page = client.get(f"/orders/{order.pk}/").content.decode()
    return {
        action: f'action="/orders/{order.pk}/{action}/"' in page
        for action in ("breach", "extend", "cancel")
    }


# --- what the order page offers ----------------------------------------------------------------


def test_the_issuing_unit_may_record_a_breach_and_cancel_but_not_extend_an_urgent_order(
    client, police, case
):
    order = urgent(police, case)
    client.force_login(police)
    assert _actions(client, order) == {"breach": True, "extend": False, "cancel": True}


def test_an_ended_order_offers_no_cancellation_but_still_takes_an_appeal(client, police, case):
    order = urgent(police, case, issued_at=timezone.now() - timedelta(days=12), days=10)
    client.force_login(police)
    assert _actions(client, order) == {"breach": False, "extend": False, "cancel": False}
    # A court may still hear an appeal against an order that has run its course.
    assert (
        f'action="/orders/{order.pk}/appeal/"'
        in client.get(f"/orders/{order.pk}/").content.decode()
    )


def test_the_owner_may_record_a_breach_but_not_cancel_the_polices_urgent_order(
    client, owner, police, case
):
    order = urgent(police, case)
    client.force_login(owner)
    assert _actions(client, order) == {"breach": True, "extend": False, "cancel": False}


def test_the_owner_may_do_everything_with_a_courts_order_it_keeps(client, owner, restrictive):
    client.force_login(owner)
    assert _actions(client, restrictive) == {"breach": True, "extend": True, "cancel": True}


def test_the_coordinator_reads_an_order_without_any_form_to_change_it(
    client, coordinator, restrictive
):
    client.force_login(coordinator)
    response = client.get(f"/orders/{restrictive.pk}/")
    assert response.status_code == 200
    assert "756/5/24" in response.content.decode()
    assert _actions(client, restrictive) == {"breach": False, "extend": False, "cancel": False}


def test_a_cancelled_order_offers_nothing_more_and_shows_why_it_was_cancelled(
    client, owner, restrictive
):
    services.order_cancel(actor=owner, order_id=restrictive.pk, reason="Скасовано апеляцією")
    client.force_login(owner)
    page = client.get(f"/orders/{restrictive.pk}/").content.decode()
    assert "Скасовано апеляцією" in page
    assert _actions(client, restrictive) == {"breach": False, "extend": False, "cancel": False}


# --- a refused action stays on the order's page --------------------------------------------------


def test_a_breach_without_a_description_is_shown_again_and_the_page_view_is_audited(
    client, police, case
):
    order = urgent(police, case)
    client.force_login(police)
    views = _views_of(order)
    response = client.post(
        f"/orders/{order.pk}/breach/",
        {
            "breach-occurred_at": (timezone.localtime() - timedelta(minutes=5)).strftime(
                "%d.%m.%Y %H:%M"
            ),
            "breach-consequence": "warning",
        },
    )
    assert response.status_code == 400
    assert response.context["breach_form"].errors["description"]
    assert not Breach.objects.exists()
    # The page shows the order's people again: a read like any other.
    assert _views_of(order) == views + 1


def test_a_breach_before_the_order_began_is_refused_on_the_page_in_ukrainian(client, police, case):
    order = urgent(police, case, issued_at=timezone.now() - timedelta(hours=3))
    before = timezone.localtime(order.starts_at) - timedelta(hours=1)
    client.force_login(police)
    response = client.post(
        f"/orders/{order.pk}/breach/",
        {
            "breach-occurred_at": before.strftime("%d.%m.%Y %H:%M"),
            "breach-description": "Прийшов додому",
            "breach-consequence": "administrative",
        },
    )
    assert response.status_code == 400
    assert "Порушення раніше за початок дії припису." in response.content.decode()
    assert not Breach.objects.exists()


def test_cancelling_twice_on_the_page_keeps_the_first_cancellation(client, police, case):
    order = urgent(police, case)
    client.force_login(police)
    first = client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "Помилка"})
    assert first.status_code == 302
    second = client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "Ще раз"})
    assert second.status_code == 400
    assert second.context["cancel_form"].errors["reason"] == ["Припис уже скасовано."]
    # The page no longer shows the cancel form, so the refusal is said above the page.
    page = second.content.decode()
    assert "Припис уже скасовано." in page
    assert "Помилка" in page and "Ще раз" not in page
    order.refresh_from_db()
    assert order.cancel_reason == "Помилка"


def test_an_extension_leaving_a_gap_is_refused_on_the_page_with_the_orders_end(
    client, owner, restrictive
):
    end = timezone.localtime(restrictive.ends_at).date()
    client.force_login(owner)
    response = client.post(
        f"/orders/{restrictive.pk}/extend/",
        {"extend-start": _day(end + timedelta(days=3)), "extend-end": _day(end + timedelta(40))},
    )
    assert response.status_code == 400
    assert (
        f"Припис закінчився {_day(end)}: продовження має початися не пізніше наступного дня."
        in response.content.decode()
    )
    assert not OrderExtension.objects.exists()


def test_an_overlapping_court_order_is_refused_on_its_form_and_nothing_is_saved(
    client, owner, case, restrictive
):
    today = timezone.localdate()
    client.force_login(owner)
    response = client.post(
        f"/orders/case/{case.pk}/restrictive/new/",
        {
            "number": "756/6/24",
            "court": "Дарницький районний суд",
            "decision_date": _day(today),
            "applicant": "victim",
            "start": _day(today),
            "end": _day(today + relativedelta(months=3)),
            "measures": ["no_correspondence"],
        },
    )
    assert response.status_code == 200
    assert "756/5/24" in " ".join(str(e) for e in response.context["form"].non_field_errors())
    assert list(RestrainingOrder.objects.values_list("number", flat=True)) == ["756/5/24"]


# --- the urgent order form's references ----------------------------------------------------------


def test_the_urgent_form_opened_from_a_case_has_its_number_filled_in(client, police, case):
    share_case_with(police, case)
    client.force_login(police)
    response = client.get("/orders/urgent/new/", {"case": case.pk})
    assert response.context["form"].initial["case_number"] == case.number
    assert f'value="{case.number}"' in response.content.decode()


def test_the_urgent_form_opened_from_a_case_the_unit_may_not_see_is_not_found(client, police, case):
    client.force_login(police)
    assert client.get("/orders/urgent/new/", {"case": case.pk}).status_code == 404
    assert client.get("/orders/urgent/new/", {"case": "abc"}).status_code == 404


def test_an_unseen_case_number_gets_the_same_answer_as_a_missing_one_and_opens_nothing(
    client, police, case
):
    now = timezone.localtime()
    form = {
        "number": "ТЗП-404",
        "initiated_by": "police",
        "issued_at": now.strftime("%d.%m.%Y %H:%M"),
        "ends_at": (now + timedelta(days=3)).strftime("%d.%m.%Y %H:%M"),
        "measures": ["no_contact"],
    }
    cases = Case.objects.count()
    client.force_login(police)
    answers = []
    for number in (case.number, "КИЇВ-1999-999999"):
        response = client.post("/orders/urgent/new/", {**form, "case_number": number})
        assert response.status_code == 200
        answers.append(response.context["form"].errors["case_number"])
    assert answers[0] == answers[1]
    assert answers[0][0].startswith("Випадок із таким номером вашому підрозділу недоступний.")
    assert (Case.objects.count(), RestrainingOrder.objects.count()) == (cases, 0)


def test_a_social_worker_is_refused_the_urgent_form_and_it_is_audited(client, owner):
    client.force_login(owner)
    assert client.get("/orders/urgent/new/").status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED, object_id="/orders/urgent/new/"
    ).exists()


# --- lists, the calendar, the offender page ----------------------------------------------


@pytest.mark.parametrize("persona", ["provider", "executor"])
def test_roles_without_orders_find_no_list_and_no_calendar(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get("/orders/").status_code == 404
    assert client.get("/orders/calendar/").status_code == 404


def test_a_cancelled_order_leaves_the_calendar_and_is_found_by_its_status(
    client, police, owner, case
):
    kept = urgent(police, case, days=2, number="ТЗП-201")
    other = register_case(
        owner, victim=person("Лисенко", "Ніна"), offender=person("Лисенко", "Іван", "M")
    )
    gone = urgent(police, other, days=2, number="ТЗП-202")
    services.order_cancel(actor=police, order_id=gone.pk, reason="Помилка")
    client.force_login(police)
    days = client.get("/orders/calendar/").context["days"]
    assert [o.number for day in days for o in day["orders"]] == [kept.number]
    cancelled = client.get("/orders/", {"status": "cancelled"}).context["page"].object_list
    assert [o.number for o in cancelled] == ["ТЗП-202"]


def test_the_offender_page_is_not_found_for_junk_or_a_victim_the_user_may_not_see(
    client, owner, outsider, case
):
    victim = case.participants.get(role="victim").person_id
    client.force_login(outsider)
    assert client.get(f"/orders/offender/{victim}/").status_code == 404
    client.force_login(owner)
    assert client.get("/orders/offender/999999999/").status_code == 404


# --- the statistics' day -------------------------------------------------------------------------


def test_the_secretariat_must_choose_a_month_end_and_gets_no_figures_otherwise(client, secretariat):
    client.force_login(secretariat)
    response = client.get("/orders/statistics/", {"as_of": "15.03.2025"})
    assert response.status_code == 400
    assert "Оберіть останній день місяця." in response.content.decode()
    assert "figures" not in response.context
    data = client.get("/orders/statistics/", {"as_of": "2025-03-15", "format": "json"})
    assert (data.status_code, data.json()) == (400, {"error": "Оберіть останній день місяця."})
    good = client.get("/orders/statistics/", {"as_of": "31.03.2025", "format": "json"})
    assert good.json()["as_of"] == "2025-03-31" and good.json()["published"] is True


def test_the_coordinator_may_count_to_any_day_but_the_export_is_still_published(
    client, coordinator
):
    client.force_login(coordinator)
    page = client.get("/orders/statistics/", {"as_of": "15.03.2025"})
    assert page.status_code == 200
    assert page.context["as_of"] == date(2025, 3, 15) and page.context["exact"] is True
    data = client.get("/orders/statistics/", {"as_of": "2025-03-15", "format": "json"}).json()
    assert (data["as_of"], data["previous_as_of"], data["published"]) == (
        "2025-03-15",
        "2024-03-15",
        True,
    )


def test_the_first_day_the_statistics_may_count_to_is_in_the_registers_second_year(
    client, coordinator
):
    client.force_login(coordinator)
    assert client.get("/orders/statistics/", {"as_of": "01.01.2001"}).status_code == 200
    refused = client.get("/orders/statistics/", {"as_of": "31.12.2000"})
    assert refused.status_code == 400
    assert "Введіть дату від 01.01.2001 до 31.12.2099." in refused.content.decode()
