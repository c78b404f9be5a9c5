from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.services import PersonData
from orders import services
from orders.models import RestrainingOrder
from orders.selectors import orders_visible_to
from portal.models import District
from tests.cases.factories import person, register_case
from tests.orders.factories import urgent


@pytest.fixture
def case(owner):
    return register_case(owner)


def test_police_issue_an_urgent_order_on_a_case_and_it_is_on_the_timeline(police, case):
    order = urgent(police, case)
    assert order.issued_by.code == "police-darnytskyi"
    assert order.offender == case.participants.get(role="offender").person
    event = CaseEvent.objects.get(case=case, kind="order.issued")
    assert "ТЗП-1" in event.summary


def test_police_come_first_and_the_order_opens_a_case_for_social_services(police, organisations):
    issued_at = timezone.now() - timedelta(minutes=30)
    order = services.order_issue_urgent(
        actor=police,
        number="ТЗП-77",
        issued_at=issued_at,
        ends_at=issued_at + timedelta(days=3),
        measures=["no_contact", "no_entry"],
        initiated_by="victim",
        new_case=services.NewCaseForOrder(
            district_id=District.objects.get(slug="darnytskyi").pk,
            victim=PersonData(last_name="Мороз", first_name="Ганна", sex="F"),
            offender=PersonData(
                last_name="Мороз", first_name="Павло", sex="M", birth_date=date(1980, 1, 1)
            ),
        ),
    )
    case = Case.objects.get(pk=order.case_id)
    assert case.owner.code == "css-darnytskyi"
    assert case.channel == "police" and case.intake_scenario == 5
    assert case.created_by == police


def test_an_eleven_day_order_is_refused_with_the_latest_allowed_end(police, case):
    with pytest.raises(ValidationError) as error:
        urgent(police, case, days=11)
    assert "не більше 10 діб" in error.value.message_dict["ends_at"][0]
    assert not RestrainingOrder.objects.exists()


def test_no_entry_for_a_sixteen_year_old_offender_is_refused(police, owner):
    sixteen = timezone.localdate() - timedelta(days=16 * 365 + 30)
    case = register_case(owner, offender=person("Коваль", "Денис", "M", sixteen))
    with pytest.raises(ValidationError) as error:
        urgent(police, case, measures=["no_entry"])
    assert "молодший за 18" in error.value.message_dict["measures"][0]
    assert urgent(police, case, measures=["no_contact"]).offender_minor


def test_overlapping_orders_for_the_same_people_are_refused(police, case):
    urgent(police, case)
    with pytest.raises(ValidationError, match="вже діє"):
        urgent(police, case, number="ТЗП-2")


def test_postgresql_itself_refuses_overlapping_orders(police, case):
    order = urgent(police, case)
    with (
        pytest.raises(IntegrityError, match="order_no_overlap"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO orders_restrainingorder (kind, case_id, offender_id, victim_id, number, "
            "issued_by_id, initiated_by, risk_level, court, applicant, starts_at, ends_at, "
            "measures, offender_minor, appealed, cancel_reason, created_by_id, created_at) "
            "SELECT kind, case_id, offender_id, victim_id, 'X', issued_by_id, initiated_by, "
            "risk_level, court, applicant, starts_at + interval '1 day', "
            "ends_at + interval '1 day', measures, offender_minor, appealed, cancel_reason, "
            "created_by_id, created_at "
            "FROM orders_restrainingorder WHERE id = %s",
            [order.pk],
        )


def test_a_cancelled_order_no_longer_blocks_a_new_one(police, case):
    order = urgent(police, case)
    services.order_cancel(actor=police, order_id=order.pk, reason="Скасовано судом")
    new = urgent(police, case, number="ТЗП-2")
    cancelled = RestrainingOrder.objects.get(pk=order.pk)
    new = RestrainingOrder.objects.get(pk=new.pk)
    # The new order covers the same time as the cancelled one: only the cancellation let it in.
    assert new.starts_at < cancelled.ends_at and cancelled.starts_at < new.ends_at
    assert (new.offender_id, new.victim_id) == (cancelled.offender_id, cancelled.victim_id)
    assert cancelled.cancelled_at is not None
    assert cancelled.cancel_reason == "Скасовано судом"
    assert new.cancelled_at is None
    assert set(RestrainingOrder.objects.values_list("number", flat=True)) == {"ТЗП-1", "ТЗП-2"}


def test_restrictive_order_extension_and_breach(owner, case):
    start = timezone.localdate() - timedelta(days=10)
    order = services.order_record_restrictive(
        actor=owner,
        case_id=case.pk,
        number="754/1/24",
        court="Дарницький районний суд",
        decision_date=start,
        applicant="victim",
        start=start,
        end=start + timedelta(days=60),
        measures=["keep_distance"],
    )
    with pytest.raises(ValidationError, match="наступного дня"):
        services.order_extend(
            actor=owner,
            order_id=order.pk,
            start=start + timedelta(days=70),
            end=start + timedelta(days=100),
        )
    services.order_extend(
        actor=owner,
        order_id=order.pk,
        start=start + timedelta(days=61),
        end=start + timedelta(days=150),
    )
    services.breach_record(
        actor=owner,
        order_id=order.pk,
        occurred_at=timezone.now() - timedelta(days=1),
        description="Дзвонив",
        consequence="criminal",
    )
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"order.issued", "order.extended", "order.breach"} <= kinds


def test_who_sees_orders(personas, case):
    order = urgent(personas["police"], case)
    for name in ["owner", "colleague", "coordinator", "police"]:
        assert orders_visible_to(personas[name]).filter(pk=order.pk).exists(), name
    for name in ["outsider", "provider", "secretariat", "executor"]:
        assert not orders_visible_to(personas[name]).exists(), name


def test_providers_cannot_issue_orders(provider, case):
    with pytest.raises(PermissionDenied):
        urgent(provider, case)
