"""The services of orders at the edges of what they promise: the law's limits on extensions and
breaches to the day, who may change an order, references the user may not follow, and the
expiry notice told to the right workers exactly once. Every refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.services import PersonData
from orders import services
from orders.models import Breach, ExpiryNotice, OrderExtension, RestrainingOrder
from portal.models import AuditAction, AuditEvent, District, Notification
from tests.cases.factories import register_case
from tests.orders.factories import share_case_with, urgent


@pytest.fixture
def case(owner):
    return register_case(owner)


def _restrictive(actor, case, *, start=None, months=2, number="756/1/24"):
    start = start or timezone.localdate()
    return services.order_record_restrictive(
        actor=actor,
        case_id=case.pk,
        number=number,
        court="Дарницький районний суд",
        decision_date=min(start, timezone.localdate()),
        applicant="victim",
        start=start,
        end=start + relativedelta(months=months),
        measures=["keep_distance"],
    )


def _end_day(order):
    return timezone.localtime(order.ends_at).date()


def _written() -> tuple:
    return (
        RestrainingOrder.objects.count(),
        RestrainingOrder.objects.filter(cancelled_at__isnull=False).count(),
        OrderExtension.objects.count(),
        Breach.objects.count(),
        CaseEvent.objects.filter(kind__startswith="order.").count(),
        AuditEvent.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).count(),
    )


def _breach(actor, order, occurred_at):
    return services.breach_record(
        actor=actor,
        order_id=order.pk,
        occurred_at=occurred_at,
        description="Телефонував потерпілій",
        consequence="administrative",
    )


# --- extensions: art. 26, at most six months, no gap --------------------------------------------


def test_an_extension_may_start_the_day_after_the_order_ends_but_not_two_days_after(owner, case):
    order = _restrictive(owner, case)
    end = _end_day(order)
    before = _written()
    with pytest.raises(ValidationError) as error:
        services.order_extend(
            actor=owner, order_id=order.pk, start=end + timedelta(days=2), end=end + timedelta(30)
        )
    assert error.value.message_dict["start"] == [
        f"Припис закінчився {end:%d.%m.%Y}: продовження має початися не пізніше наступного дня."
    ]
    assert _written() == before
    extension = services.order_extend(
        actor=owner, order_id=order.pk, start=end + timedelta(days=1), end=end + timedelta(30)
    )
    assert timezone.localtime(extension.ends_at).date() == end + timedelta(days=30)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="orders.orderextension", object_id=str(extension.pk)
    ).exists()


def test_an_extension_lasts_six_months_less_a_day_and_not_one_day_more(owner, case):
    order = _restrictive(owner, case)
    start = _end_day(order) + timedelta(days=1)
    longest = start + relativedelta(months=6) - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.order_extend(
            actor=owner, order_id=order.pk, start=start, end=longest + timedelta(days=1)
        )
    assert error.value.message_dict["end"] == [
        f"Продовження триває не більше 6 міс.: воно має закінчитися не пізніше {longest:%d.%m.%Y}."
    ]
    assert not OrderExtension.objects.exists()
    services.order_extend(actor=owner, order_id=order.pk, start=start, end=longest)
    assert timezone.localtime(OrderExtension.objects.get().ends_at).date() == longest


def test_a_second_extension_continues_from_the_first_one_not_from_the_order(owner, case):
    order = _restrictive(owner, case)
    first_end = _end_day(order) + timedelta(days=40)
    services.order_extend(
        actor=owner, order_id=order.pk, start=_end_day(order) + timedelta(days=1), end=first_end
    )
    # The day after the order's own end is now inside the first extension: a second extension
    # that starts two days after the extended end leaves a gap.
    with pytest.raises(ValidationError, match=first_end.strftime("%d.%m.%Y")):
        services.order_extend(
            actor=owner,
            order_id=order.pk,
            start=first_end + timedelta(days=2),
            end=first_end + timedelta(days=20),
        )
    services.order_extend(
        actor=owner,
        order_id=order.pk,
        start=first_end + timedelta(days=1),
        end=first_end + timedelta(days=20),
    )
    assert OrderExtension.objects.filter(order=order).count() == 2


def test_an_extension_that_ends_before_it_starts_is_refused(owner, case):
    order = _restrictive(owner, case)
    end = _end_day(order)
    with pytest.raises(ValidationError) as error:
        services.order_extend(
            actor=owner, order_id=order.pk, start=end + timedelta(days=1), end=end
        )
    assert error.value.message_dict["end"] == ["Дата закінчення раніше за дату початку."]
    assert not OrderExtension.objects.exists()


# --- breaches: only while the order is in force ------------------------------------------------


def test_a_breach_before_the_order_started_is_refused(police, case):
    order = urgent(police, case, issued_at=timezone.now() - timedelta(hours=2))
    with pytest.raises(ValidationError) as error:
        _breach(police, order, order.starts_at - timedelta(minutes=1))
    assert error.value.message_dict["occurred_at"] == ["Порушення раніше за початок дії припису."]
    _breach(police, order, order.starts_at)  # the first minute of the order counts
    assert Breach.objects.filter(order=order).count() == 1


def test_a_breach_after_the_order_ended_is_refused_unless_an_extension_covers_it(owner, case):
    start = timezone.localdate() - relativedelta(months=2) - timedelta(days=5)
    order = _restrictive(owner, case, start=start, months=2)
    after_end = order.ends_at + timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        _breach(owner, order, after_end)
    assert error.value.message_dict["occurred_at"] == [
        "Припис уже закінчився: порушення після його закінчення не фіксуються."
    ]
    assert not Breach.objects.exists()
    services.order_extend(
        actor=owner,
        order_id=order.pk,
        start=_end_day(order) + timedelta(days=1),
        end=_end_day(order) + timedelta(days=60),
    )
    assert _breach(owner, order, after_end).order == order


def test_a_cancelled_order_takes_no_breach(police, case):
    order = urgent(police, case)
    services.order_cancel(actor=police, order_id=order.pk, reason="Помилка в номері")
    before = _written()
    with pytest.raises(ValidationError) as error:
        _breach(police, order, timezone.now() - timedelta(minutes=5))
    assert error.value.message_dict["occurred_at"] == [
        "Порушення не можна зафіксувати за скасованим приписом."
    ]
    assert _written() == before


# --- cancellation ------------------------------------------------------------------------------


def test_an_order_is_cancelled_once_and_a_second_cancellation_changes_nothing(police, case):
    order = urgent(police, case)
    services.order_cancel(actor=police, order_id=order.pk, reason="  Рішення суду  ")
    order.refresh_from_db()
    assert order.cancel_reason == "Рішення суду"
    first = order.cancelled_at
    before = _written()
    with pytest.raises(ValidationError) as error:
        services.order_cancel(actor=police, order_id=order.pk, reason="Ще раз")
    assert error.value.message_dict["reason"] == ["Припис уже скасовано."]
    order.refresh_from_db()
    assert (order.cancelled_at, order.cancel_reason) == (first, "Рішення суду")
    assert _written() == before


def test_an_order_that_has_ended_is_not_cancelled(police, case):
    order = urgent(police, case, issued_at=timezone.now() - timedelta(days=12), days=10)
    before = _written()
    with pytest.raises(ValidationError) as error:
        services.order_cancel(actor=police, order_id=order.pk, reason="Помилка")
    assert error.value.message_dict["reason"] == [
        "Строк дії припису вже закінчився: скасовувати нічого."
    ]
    order.refresh_from_db()
    assert order.cancelled_at is None
    assert _written() == before


def test_a_reason_of_only_spaces_is_no_reason(owner, case):
    order = _restrictive(owner, case)
    with pytest.raises(ValidationError) as error:
        services.order_cancel(actor=owner, order_id=order.pk, reason="   ")
    assert error.value.message_dict["reason"] == ["Зазначте причину скасування."]
    order.refresh_from_db()
    assert order.cancelled_at is None


# --- who may change an order -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["coordinator", "outsider", "provider", "secretariat"])
def test_who_may_not_change_an_order_is_refused_every_change(personas, name):
    owner = personas["owner"]
    order = _restrictive(owner, register_case(owner))
    actor = personas[name]
    before = _written()
    for change in (
        lambda: services.order_cancel(actor=actor, order_id=order.pk, reason="Так"),
        lambda: services.order_extend(
            actor=actor,
            order_id=order.pk,
            start=_end_day(order) + timedelta(days=1),
            end=_end_day(order) + timedelta(days=10),
        ),
        lambda: _breach(actor, order, timezone.now() - timedelta(minutes=5)),
    ):
        with pytest.raises(PermissionDenied):
            change()
    assert _written() == before


def test_a_social_worker_may_not_cancel_the_polices_urgent_order(owner, police, case):
    order = urgent(police, case)
    with pytest.raises(PermissionDenied):
        services.order_cancel(actor=owner, order_id=order.pk, reason="Потерпіла просить")
    order.refresh_from_db()
    assert order.cancelled_at is None


def test_the_police_record_a_courts_order_as_their_unit(police, case):
    share_case_with(police, case)
    order = _restrictive(police, case)
    assert (order.kind, order.issued_by.code, order.court) == (
        "restrictive",
        "police-darnytskyi",
        "Дарницький районний суд",
    )


# --- references the user may not follow -------------------------------------------------------


def test_a_restrictive_order_on_a_case_of_another_centre_is_refused_as_if_it_did_not_exist(
    outsider, case
):
    missing = Case.objects.order_by("-pk").first().pk + 1000
    answers = []
    for case_id in (case.pk, missing):
        with pytest.raises(ValidationError) as error:
            services.order_record_restrictive(
                actor=outsider,
                case_id=case_id,
                number="756/9/24",
                court="Оболонський районний суд",
                decision_date=timezone.localdate(),
                applicant="victim",
                start=timezone.localdate(),
                end=timezone.localdate() + relativedelta(months=2),
                measures=["keep_distance"],
            )
        answers.append(error.value.message_dict["case"])
    assert answers[0] == answers[1]
    assert answers[0][0].startswith("Випадок із таким номером вашому підрозділу недоступний.")
    assert not RestrainingOrder.objects.exists()


def test_an_urgent_order_without_a_case_or_people_asks_for_one_of_them(police, organisations):
    issued_at = timezone.now() - timedelta(hours=1)
    cases_before = Case.objects.count()
    with pytest.raises(ValidationError) as error:
        services.order_issue_urgent(
            actor=police,
            number="ТЗП-9",
            issued_at=issued_at,
            ends_at=issued_at + timedelta(days=3),
            measures=["no_contact"],
            initiated_by="police",
        )
    assert error.value.message_dict["case"] == [
        "Оберіть випадок або введіть дані осіб, щоб його відкрити."
    ]
    assert Case.objects.count() == cases_before
    assert not RestrainingOrder.objects.exists()


def test_an_offender_who_is_not_on_the_case_is_refused(police, owner, case):
    other = register_case(owner)
    stranger = other.participants.get(role="offender").person_id
    share_case_with(police, case)
    issued_at = timezone.now() - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        services.order_issue_urgent(
            actor=police,
            number="ТЗП-10",
            issued_at=issued_at,
            ends_at=issued_at + timedelta(days=3),
            measures=["no_contact"],
            initiated_by="police",
            case_number=case.number,
            offender_id=stranger,
        )
    assert error.value.message_dict["offender"] == ["У випадку немає такої особи."]
    assert not RestrainingOrder.objects.exists()


def test_a_court_given_as_spaces_is_refused_before_anything_is_saved(owner, case):
    with pytest.raises(ValidationError) as error:
        services.order_record_restrictive(
            actor=owner,
            case_id=case.pk,
            number="756/2/24",
            court="   ",
            decision_date=timezone.localdate(),
            applicant="victim",
            start=timezone.localdate(),
            end=timezone.localdate() + relativedelta(months=2),
            measures=["keep_distance"],
        )
    assert error.value.message_dict["court"] == ["Вкажіть суд, який ухвалив рішення."]
    assert not RestrainingOrder.objects.exists()


# --- the expiry notice -------------------------------------------------------------------------


def test_without_a_responsible_worker_every_social_worker_of_the_owner_is_told_once(
    police, owner, colleague, outsider, organisations
):
    # A case the police opened belongs to the district's centre, with nobody responsible yet.
    issued_at = timezone.now() - timedelta(days=2)
    order = services.order_issue_urgent(
        actor=police,
        number="ТЗП-31",
        issued_at=issued_at,
        ends_at=issued_at + timedelta(days=2, hours=12),
        measures=["no_contact"],
        initiated_by="police",
        new_case=services.NewCaseForOrder(
            district_id=District.objects.get(slug="darnytskyi").pk,
            victim=PersonData(last_name="Бондар", first_name="Ірина", sex="F"),
            offender=PersonData(last_name="Бондар", first_name="Олег", sex="M"),
        ),
    )
    assert order.case.responsible_id is None
    assert services.order_announce_expiry(order_id=order.pk) is True
    assert services.order_announce_expiry(order_id=order.pk) is False
    told = Notification.objects.filter(dedupe_key=f"order:{order.pk}:expiry")
    assert sorted(told.values_list("user__username", flat=True)) == ["colleague", "owner"]
    notice = told.get(user=owner)
    end = timezone.localtime(order.ends_at).strftime("%d.%m.%Y %H:%M")
    assert notice.title == f"Припис № ТЗП-31 закінчується {end}"
    assert order.case.number in notice.body
    assert notice.url == order.case.get_absolute_url()
    assert ExpiryNotice.objects.filter(order=order).count() == 1
