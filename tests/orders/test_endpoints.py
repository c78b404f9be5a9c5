"""Every endpoint of orders, once doing its job and once refused.

Behaviour: the order, extension, breach or cancellation is saved with the values posted, with an
audit event and an entry on the case timeline. Refusal: a role that sees the order but may not
change it gets 403; one that does not see it gets 404; nothing is written.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import CaseEvent
from orders import services
from orders.models import Breach, OrderExtension, RestrainingOrder
from portal.models import AuditAction, AuditEvent, OrganisationKind
from portal.roles import Role
from tests.cases.factories import person, register_case
from tests.factories import OrganisationFactory, member
from tests.orders.factories import share_case_with, urgent


def _day(day) -> str:
    return day.strftime("%d.%m.%Y")


def _restrictive_post(**extra) -> dict:
    today = timezone.localdate()
    data = {
        "number": "756/1234/24",
        "court": "Дарницький районний суд",
        "decision_date": _day(today),
        "applicant": "victim",
        "start": _day(today),
        "end": _day(today + relativedelta(months=3)),
        "measures": ["keep_distance", "no_correspondence"],
    }
    data.update(extra)
    return data


def restrictive(owner, case) -> RestrainingOrder:
    today = timezone.localdate()
    return services.order_record_restrictive(
        actor=owner,
        case_id=case.pk,
        number="756/1/24",
        court="Дарницький районний суд",
        decision_date=today,
        applicant="victim",
        start=today,
        end=today + relativedelta(months=2),
        measures=["keep_distance"],
    )


def _written() -> tuple:
    return (
        RestrainingOrder.objects.count(),
        RestrainingOrder.objects.filter(cancelled_at__isnull=False).count(),
        OrderExtension.objects.count(),
        Breach.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).count(),
    )


def _extension_post(order) -> dict:
    end = timezone.localtime(order.ends_at).date()
    return {
        "extend-start": _day(end + timedelta(days=1)),
        "extend-end": _day(end + relativedelta(months=2)),
        "extend-decision_number": "756/1/24-п",
        "extend-decision_date": _day(timezone.localdate()),
    }


def _breach_post() -> dict:
    return {
        "breach-occurred_at": (timezone.localtime() - timedelta(minutes=10)).strftime(
            "%d.%m.%Y %H:%M"
        ),
        "breach-description": "Прийшов до квартири",
        "breach-consequence": "administrative",
    }


# --- behaviour -------------------------------------------------------------------------------


def test_the_owner_records_a_courts_restrictive_order_on_the_case(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    response = client.post(f"/orders/case/{case.pk}/restrictive/new/", _restrictive_post())
    assert response.status_code == 302
    order = RestrainingOrder.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/"
    assert (order.kind, order.case, order.number, order.court) == (
        "restrictive",
        case,
        "756/1234/24",
        "Дарницький районний суд",
    )
    assert order.measures == ["keep_distance", "no_correspondence"]
    assert order.offender == case.participants.get(role="offender").person
    assert AuditEvent.objects.filter(
        username="owner", action=AuditAction.CREATE, object_id=str(order.pk), detail=order.number
    ).exists()
    assert CaseEvent.objects.filter(case=case, kind="order.issued", actor=owner).exists()


def test_two_restrictive_orders_are_recorded_as_issued_by_the_courts_that_were_named(
    client, owner, organisations
):
    # A court organisation exists: the old code made it the issuer of every restrictive order,
    # whatever court the user typed.
    OrganisationFactory(code="kyiv-court", name="Районні суди м. Києва", kind="court")
    client.force_login(owner)
    named = {}
    for court, surname in (
        ("Дарницький районний суд м. Києва", "Лисенко"),
        ("Оболонський районний суд м. Києва", "Мельник"),
    ):
        case = register_case(owner, victim=person(surname, "Олена"))
        post = _restrictive_post(court=f"  {court} ", number=f"756/{surname}/24")
        response = client.post(f"/orders/case/{case.pk}/restrictive/new/", post)
        assert response.status_code == 302
        named[court] = RestrainingOrder.objects.get(case=case)
    for court, order in named.items():
        assert order.court == court
        # The organisation that recorded the decision answers for the record, not a court.
        assert order.issued_by == organisations["css_darnytskyi"]
        page = client.get(f"/orders/{order.pk}/").content.decode()
        assert court in page
        assert "Районні суди м. Києва" not in page
    assert CaseEvent.objects.filter(summary__contains="Оболонський районний суд").count() == 1


def test_a_restrictive_order_without_a_court_is_refused_by_the_service_too(owner):
    case = register_case(owner)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.order_record_restrictive(
            actor=owner,
            case_id=case.pk,
            number="756/2/24",
            court="   ",
            decision_date=today,
            applicant="victim",
            start=today,
            end=today + relativedelta(months=2),
            measures=["keep_distance"],
        )
    assert "court" in refused.value.message_dict
    assert not RestrainingOrder.objects.exists()


def test_a_restrictive_order_shorter_than_a_month_is_refused_and_not_saved(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    short = _restrictive_post(end=_day(timezone.localdate() + timedelta(days=10)))
    assert client.post(f"/orders/case/{case.pk}/restrictive/new/", short).status_code == 200
    assert not RestrainingOrder.objects.exists()


def test_the_owner_extends_a_restrictive_order(client, owner):
    case = register_case(owner)
    order = restrictive(owner, case)
    client.force_login(owner)
    post = _extension_post(order)
    assert client.post(f"/orders/{order.pk}/extend/", post).status_code == 302
    extension = OrderExtension.objects.get(order=order)
    assert timezone.localtime(extension.ends_at).strftime("%d.%m.%Y") == post["extend-end"]
    assert extension.decision_number == "756/1/24-п"
    assert AuditEvent.objects.filter(
        username="owner", action=AuditAction.CREATE, object_id=str(extension.pk)
    ).exists()
    assert CaseEvent.objects.filter(case=case, kind="order.extended", actor=owner).exists()


def test_an_urgent_order_is_not_extended(client, owner, police):
    order = urgent(police, register_case(owner))
    client.force_login(police)
    before = _written()
    response = client.post(f"/orders/{order.pk}/extend/", _extension_post(order))
    assert response.status_code == 400
    assert _written() == before


def test_police_record_a_breach_of_their_urgent_order(client, owner, police):
    case = register_case(owner)
    order = urgent(police, case)
    client.force_login(police)
    assert client.post(f"/orders/{order.pk}/breach/", _breach_post()).status_code == 302
    breach = Breach.objects.get(order=order)
    assert (breach.description, breach.consequence, breach.recorded_by) == (
        "Прийшов до квартири",
        "administrative",
        police,
    )
    assert AuditEvent.objects.filter(
        username="police", action=AuditAction.CREATE, object_id=str(breach.pk)
    ).exists()
    assert CaseEvent.objects.filter(case=case, kind="order.breach", actor=police).exists()


def test_the_issuing_unit_cancels_its_urgent_order_through_the_page(client, owner, police):
    case = register_case(owner)
    order = urgent(police, case)
    client.force_login(police)
    response = client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "Помилка в номері"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.cancelled_at is not None
    assert order.cancel_reason == "Помилка в номері"
    assert AuditEvent.objects.filter(
        username="police", action=AuditAction.UPDATE, object_id=str(order.pk), detail="cancelled"
    ).exists()
    assert "Помилка в номері" in (
        CaseEvent.objects.get(case=case, kind="order.cancelled", actor=police).summary
    )
    # Cancelled once: a second cancellation is a form error, not a second event.
    again = client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "ще раз"})
    assert again.status_code == 400
    assert CaseEvent.objects.filter(kind="order.cancelled").count() == 1


def test_the_owner_records_a_courts_cancellation_of_a_restrictive_order(client, owner):
    case = register_case(owner)
    order = restrictive(owner, case)
    client.force_login(owner)
    response = client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "Скасовано апеляцією"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.cancel_reason == "Скасовано апеляцією"


def test_the_offender_page_lists_their_orders_and_is_audited(client, owner, police):
    case = register_case(owner)
    order = urgent(police, case, number="ТЗП-77")
    offender = order.offender
    client.force_login(owner)
    response = client.get(f"/orders/offender/{offender.pk}/")
    assert response.status_code == 200
    assert "ТЗП-77" in response.content.decode()
    assert AuditEvent.objects.filter(
        username="owner",
        action=AuditAction.VIEW,
        object_type="cases.person",
        object_id=str(offender.pk),
        detail="orders",
    ).exists()


# --- refusal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "answer"), [("coordinator", 403), ("outsider", 404)])
def test_restrictive_orders_are_refused_to_who_may_not_edit_or_see_the_case(
    client, personas, persona, answer
):
    case = register_case(personas["owner"])
    client.force_login(personas[persona])
    assert client.get(f"/orders/case/{case.pk}/restrictive/new/").status_code == answer
    before = _written()
    response = client.post(f"/orders/case/{case.pk}/restrictive/new/", _restrictive_post())
    assert response.status_code == answer
    assert _written() == before


@pytest.mark.parametrize("persona", ["provider", "police", "secretariat", "executor", "admin"])
def test_restrictive_orders_on_an_unseen_case_are_404(client, personas, persona):
    case = register_case(personas["owner"])
    client.force_login(personas[persona])
    before = _written()
    response = client.post(f"/orders/case/{case.pk}/restrictive/new/", _restrictive_post())
    assert response.status_code == 404
    assert _written() == before


def test_a_social_worker_may_not_issue_an_urgent_order(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    assert client.get("/orders/urgent/new/").status_code == 403
    now = timezone.localtime()
    response = client.post(
        "/orders/urgent/new/",
        {
            "number": "ТЗП-9",
            "initiated_by": "police",
            "issued_at": now.strftime("%d.%m.%Y %H:%M"),
            "ends_at": (now + timedelta(days=5)).strftime("%d.%m.%Y %H:%M"),
            "measures": ["no_contact"],
            "case_number": case.number,
        },
    )
    assert response.status_code == 403
    assert not RestrainingOrder.objects.exists()


# endpoint → the persona that sees the order but may not do this (403), and those who see no
# order at all (404).
ACTIONS = {
    "extend/": _extension_post,
    "breach/": lambda order: _breach_post(),
    "cancel/": lambda order: {"cancel-reason": "спроба"},
}


@pytest.mark.parametrize("endpoint", ACTIONS)
@pytest.mark.parametrize(
    ("persona", "answer"),
    [
        ("coordinator", 403),
        ("outsider", 404),
        ("provider", 404),
        ("secretariat", 404),
        ("executor", 404),
        ("admin", 404),
    ],
)
def test_order_actions_are_refused_and_write_nothing(client, personas, endpoint, persona, answer):
    case = register_case(personas["owner"])
    order = restrictive(personas["owner"], case)
    client.force_login(personas[persona])
    before = _written()
    response = client.post(f"/orders/{order.pk}/{endpoint}", ACTIONS[endpoint](order))
    assert response.status_code == answer
    assert _written() == before


def test_another_police_unit_that_sees_the_case_may_not_cancel_an_urgent_order(
    client, owner, police, organisations
):
    case = register_case(owner)
    order = urgent(police, case)
    unit = OrganisationFactory(
        code="police-obolonskyi", kind=OrganisationKind.POLICE_UNIT, district_slugs=["obolonskyi"]
    )
    other_officer = member(Role.POLICE_OFFICER, unit, "police2")
    share_case_with(other_officer, case)
    client.force_login(other_officer)
    assert client.get(f"/orders/{order.pk}/").status_code == 200
    before = _written()
    response = client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "не наш"})
    assert response.status_code == 403
    assert _written() == before


@pytest.mark.parametrize("persona", ["outsider", "provider", "secretariat", "admin"])
def test_the_offender_page_is_404_to_who_does_not_see_the_case(client, personas, police, persona):
    order = urgent(police, register_case(personas["owner"]))
    client.force_login(personas[persona])
    assert client.get(f"/orders/offender/{order.offender_id}/").status_code == 404
    assert not AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.person"
    ).exists()


@pytest.mark.parametrize("persona", ["provider", "owner", "police", "executor"])
def test_order_statistics_are_404_to_roles_without_them(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get("/orders/statistics/").status_code == 404
    assert client.get("/orders/statistics/", {"format": "json"}).status_code == 404
