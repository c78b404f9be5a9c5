"""Appeals against orders: the rules at their boundaries (no database), then the services and
the order page. An order cancelled on appeal stops binding from the decision date."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import CaseEvent
from orders import rules, services
from orders.models import OrderAppeal, RestrainingOrder
from orders.selectors import with_status
from portal.calendar import KYIV
from tests.cases.factories import register_case
from tests.orders.factories import urgent

# --- the rules -------------------------------------------------------------------------------

START = date(2024, 3, 10)


def test_an_appeal_may_be_filed_on_the_day_the_order_starts_not_the_day_before():
    assert rules.check_appeal_filing(order_start_day=START, filed_on=START) == []
    [violation] = rules.check_appeal_filing(
        order_start_day=START, filed_on=START - timedelta(days=1)
    )
    assert violation.field == "filed_on"
    assert violation.message == "Припис діє з 10.03.2024: оскаржити його раніше не можна."


def test_a_decision_on_the_filing_day_is_fine_the_day_before_is_not():
    ok = rules.check_appeal_decision(filed_on=START, outcome="upheld", decision_date=START, note="")
    assert ok == []
    [violation] = rules.check_appeal_decision(
        filed_on=START, outcome="upheld", decision_date=START - timedelta(days=1), note=""
    )
    assert violation.code == "decision_before_filing"


@pytest.mark.parametrize("outcome", ["pending", "", "overturned"])
def test_a_decision_needs_an_outcome(outcome):
    [violation] = rules.check_appeal_decision(
        filed_on=START, outcome=outcome, decision_date=START, note=""
    )
    assert violation.code == "no_outcome"


def test_a_decision_needs_its_date_and_a_change_needs_words():
    codes = {
        v.code
        for v in rules.check_appeal_decision(
            filed_on=START, outcome="changed", decision_date=None, note=" "
        )
    }
    assert codes == {"no_date", "change_unsaid"}


def test_cancelled_on_appeal_the_order_ends_at_the_start_of_the_decision_day_in_kyiv():
    moment = rules.appeal_cancels_from(date(2024, 10, 27))  # the day clocks go back
    assert moment == datetime(2024, 10, 27, 0, 0, tzinfo=KYIV)
    starts = datetime(2024, 10, 20, 12, 0, tzinfo=KYIV)
    ends = datetime(2024, 12, 20, 23, 59, tzinfo=KYIV)
    just_before = moment - timedelta(microseconds=1)
    status = rules.order_status
    assert status(now=just_before, starts_at=starts, ends_at=ends, cancelled_at=moment) == "active"
    assert status(now=moment, starts_at=starts, ends_at=ends, cancelled_at=moment) == "cancelled"


# --- the services ----------------------------------------------------------------------------


@pytest.fixture
def order(owner):
    case = register_case(owner)
    today = timezone.localdate()
    return services.order_record_restrictive(
        actor=owner,
        case_id=case.pk,
        number="756/1/24",
        court="Дарницький районний суд",
        decision_date=today - timedelta(days=20),
        applicant="victim",
        start=today - timedelta(days=20),
        end=today - timedelta(days=20) + relativedelta(months=3),
        measures=["keep_distance"],
    )


def _file(order, actor, days_ago=15):
    return services.order_appeal_file(
        actor=actor,
        order_id=order.pk,
        filed_on=timezone.localdate() - timedelta(days=days_ago),
        court="Київський апеляційний суд",
    )


def test_an_appeal_is_recorded_and_marks_the_order(order, owner):
    appeal = _file(order, owner)
    assert appeal.outcome == "pending"
    order.refresh_from_db()
    assert order.appealed
    assert CaseEvent.objects.filter(case=order.case, kind="order.appealed").exists()


def test_a_second_pending_appeal_is_refused(order, owner):
    _file(order, owner)
    with pytest.raises(ValidationError, match="ще розглядається"):
        _file(order, owner, days_ago=10)
    assert OrderAppeal.objects.count() == 1


def test_an_appeal_in_the_future_or_without_a_court_is_refused(order, owner):
    with pytest.raises(ValidationError, match="майбутньому"):
        services.order_appeal_file(
            actor=owner,
            order_id=order.pk,
            filed_on=timezone.localdate() + timedelta(days=1),
            court="Суд",
        )
    with pytest.raises(ValidationError, match="суд"):
        services.order_appeal_file(
            actor=owner, order_id=order.pk, filed_on=timezone.localdate(), court="  "
        )
    assert not OrderAppeal.objects.exists()


def test_upheld_keeps_the_order_in_force(order, owner):
    _file(order, owner)
    services.order_appeal_decide(
        actor=owner,
        order_id=order.pk,
        outcome="upheld",
        decision_date=timezone.localdate() - timedelta(days=2),
    )
    status = with_status(RestrainingOrder.objects.filter(pk=order.pk)).get().status
    assert status == "active"


def test_cancelled_on_appeal_the_order_is_no_longer_in_force_from_the_decision_date(order, owner):
    _file(order, owner)
    decided = timezone.localdate() - timedelta(days=3)
    services.order_appeal_decide(
        actor=owner, order_id=order.pk, outcome="cancelled", decision_date=decided
    )
    order.refresh_from_db()
    assert order.cancelled_at == rules.appeal_cancels_from(decided)
    assert "Київський апеляційний суд" in order.cancel_reason
    orders = RestrainingOrder.objects.filter(pk=order.pk)
    assert with_status(orders).get().status == "cancelled"
    the_day_before = rules.appeal_cancels_from(decided) - timedelta(minutes=1)
    assert with_status(orders, now=the_day_before).get().status == "active"
    assert CaseEvent.objects.filter(case=order.case, kind="order.appeal_decided").exists()


def test_an_earlier_cancellation_is_kept(order, owner):
    _file(order, owner, days_ago=15)
    services.order_cancel(actor=owner, order_id=order.pk, reason="Скасовано судом першої інстанції")
    order.refresh_from_db()
    earlier = order.cancelled_at
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        services.order_appeal_decide(
            actor=owner, order_id=order.pk, outcome="cancelled", decision_date=timezone.localdate()
        )
    order.refresh_from_db()
    assert order.cancelled_at == earlier


def test_changed_needs_to_say_how(order, owner):
    _file(order, owner)
    with pytest.raises(ValidationError, match="змінив"):
        services.order_appeal_decide(
            actor=owner,
            order_id=order.pk,
            outcome="changed",
            decision_date=timezone.localdate(),
        )
    assert OrderAppeal.objects.get().outcome == "pending"
    services.order_appeal_decide(
        actor=owner,
        order_id=order.pk,
        outcome="changed",
        decision_date=timezone.localdate(),
        note="Відстань зменшено до 50 м",
    )
    assert OrderAppeal.objects.get().outcome == "changed"


def test_a_decision_without_a_pending_appeal_is_refused(order, owner):
    with pytest.raises(ValidationError, match="нерозглянутої"):
        services.order_appeal_decide(
            actor=owner, order_id=order.pk, outcome="upheld", decision_date=timezone.localdate()
        )


@pytest.mark.parametrize("who", ["outsider", "provider", "secretariat", "coordinator"])
def test_who_may_not_see_or_change_the_order_cannot_record_an_appeal(order, personas, who):
    with pytest.raises(PermissionDenied):
        _file(order, personas[who])
    assert not OrderAppeal.objects.exists()


def test_the_police_record_an_appeal_on_their_urgent_order(owner, police):
    order = urgent(police, register_case(owner), days=5)
    appeal = services.order_appeal_file(
        actor=police, order_id=order.pk, filed_on=timezone.localdate(), court="Дарницький суд"
    )
    assert appeal.order == order


# --- the order page --------------------------------------------------------------------------


def test_the_order_page_records_an_appeal_and_its_outcome(client, order, owner):
    client.force_login(owner)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="appeal-form"' in page and "Оскаржень не зафіксовано." in page
    refused = client.post(
        f"/orders/{order.pk}/appeal/", {"appeal-filed_on": "31.02.2024", "appeal-court": "Суд"}
    )
    assert refused.status_code == 400
    assert not OrderAppeal.objects.exists()
    filed = (timezone.localdate() - timedelta(days=5)).strftime("%d.%m.%Y")
    response = client.post(
        f"/orders/{order.pk}/appeal/",
        {"appeal-filed_on": filed, "appeal-court": "Київський апеляційний суд"},
    )
    assert response.status_code == 302
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="appeal-decision-form"' in page
    response = client.post(
        f"/orders/{order.pk}/appeal/decision/",
        {
            "appeal_decision-outcome": "cancelled",
            "appeal_decision-decision_date": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "припис скасовано" in page


def test_a_decision_before_the_filing_is_refused_at_the_field(client, order, owner):
    _file(order, owner, days_ago=5)
    client.force_login(owner)
    response = client.post(
        f"/orders/{order.pk}/appeal/decision/",
        {
            "appeal_decision-outcome": "upheld",
            "appeal_decision-decision_date": (timezone.localdate() - timedelta(days=6)).strftime(
                "%d.%m.%Y"
            ),
        },
    )
    assert response.status_code == 400
    assert "рішення не може бути раніше" in response.content.decode()
    assert OrderAppeal.objects.get().outcome == "pending"
