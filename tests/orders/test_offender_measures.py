"""The other two special measures (DOMAIN §2): the police unit's preventive record and the
offender programme — recorded on the case, moved on with their dates, refused to whoever may not
act, audited, on the case timeline, and counted in the council's report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases.models import CaseEvent
from orders import rules, services
from orders.models import OffenderProgramme, PreventiveRecord
from portal.models import AuditAction, AuditEvent, OrganisationKind
from portal.roles import Role
from programme import statistics
from programme.figures import Period
from programme.report import published
from tests.cases.factories import person, register_case
from tests.factories import OrganisationFactory, member
from tests.orders.factories import share_case_with, urgent

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


def _case(owner):
    return register_case(
        owner,
        victim=person("Коваль", "Оксана"),
        offender=person("Коваль", "Петро", "M", relation_to_victim="spouse"),
    )


@pytest.fixture
def case(owner):
    return _case(owner)


@pytest.fixture
def order(police, case):
    return urgent(police, case)


def _take(police, case, order=None, **extra):
    share_case_with(police, case)
    values = {
        "actor": police,
        "case_id": case.pk,
        "basis": "order" if order else "protocol",
        "taken_on": timezone.localdate(),
        "order_id": order.pk if order else None,
    }
    return services.preventive_record_take(**{**values, **extra})


def _refer(actor, case, **extra):
    values = {
        "actor": actor,
        "case_id": case.pk,
        "referred_by": "court",
        "referred_on": timezone.localdate() - timedelta(days=30),
        "provider": "Міський центр гендерної рівності",
    }
    return services.offender_programme_refer(**{**values, **extra})


# --- the law, as a pure rule ----------------------------------------------------------------


def test_a_programme_needs_the_dates_its_status_implies():
    referred = date(2026, 3, 1)

    def codes(status, started=None, ended=None):
        found = rules.check_programme(
            status=status, referred_on=referred, started_on=started, ended_on=ended
        )
        return [v.code for v in found]

    assert codes("referred") == []
    assert codes("referred", started=date(2026, 3, 5)) == ["referred_with_dates"]
    assert codes("attending") == ["start_missing"]
    assert codes("attending", started=date(2026, 2, 28)) == ["start_before_referral"]
    assert codes("attending", started=date(2026, 3, 1)) == []  # the day of the referral
    assert codes("attending", started=date(2026, 3, 2), ended=date(2026, 4, 1)) == [
        "attending_with_end"
    ]
    assert codes("completed", started=date(2026, 3, 2)) == ["end_missing"]
    assert codes("completed", started=date(2026, 3, 2), ended=date(2026, 3, 1)) == [
        "end_before_start"
    ]
    assert codes("completed", started=date(2026, 3, 2), ended=date(2026, 3, 2)) == []
    # An offender who never came drops out without a start, but not before the referral.
    assert codes("dropped_out", ended=date(2026, 3, 10)) == []
    assert codes("dropped_out", ended=date(2026, 2, 27)) == ["end_before_start"]


def test_a_removal_from_the_record_cannot_come_before_the_record():
    taken = date(2026, 5, 10)
    assert rules.check_preventive_removal(taken_on=taken, removed_on=taken) == []
    [violation] = rules.check_preventive_removal(taken_on=taken, removed_on=date(2026, 5, 9))
    assert violation.field == "removed_on" and "10.05.2026" in violation.message


# --- the preventive record --------------------------------------------------------------------


def test_the_police_take_the_offender_onto_their_units_record_after_an_order(police, case, order):
    record = _take(police, case, order)
    assert record.unit == police.memberships.get().organisation
    assert record.offender.first_name == "Петро" and record.order == order
    assert record.is_open
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="orders.preventiverecord", object_id=str(record.pk)
    ).exists()
    event = CaseEvent.objects.filter(case=case, kind="order.preventive").get()
    assert timezone.localdate().strftime("%d.%m.%Y") in event.summary


def test_a_record_on_an_order_must_name_an_order_of_that_case(police, owner, case, order):
    other_case = _case(owner)
    other_order = urgent(police, other_case, number="ТЗП-2")
    with pytest.raises(ValidationError) as refused:
        _take(police, case, other_order)
    assert "order" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _take(police, case, basis="order", order_id=None)
    assert not PreventiveRecord.objects.exists()


def test_one_open_record_per_offender_and_a_second_is_refused_in_words(police, case, order):
    _take(police, case, order)
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        _take(police, case, order)
    assert "уже перебуває" in str(refused.value.message_dict["basis"][0])
    assert PreventiveRecord.objects.count() == 1


def test_a_date_in_the_future_or_before_2000_is_refused(police, case, order):
    for day in (timezone.localdate() + timedelta(days=2), date(1999, 12, 31)):
        with pytest.raises(ValidationError) as refused:
            _take(police, case, order, taken_on=day)
        assert "taken_on" in refused.value.message_dict
    assert not PreventiveRecord.objects.exists()


def test_only_the_police_take_someone_onto_a_preventive_record(owner, coordinator, case):
    for actor in (owner, coordinator):
        with pytest.raises(PermissionDenied):
            services.preventive_record_take(
                actor=actor,
                case_id=case.pk,
                basis="protocol",
                taken_on=timezone.localdate(),
            )


def test_the_police_cannot_record_on_a_case_they_do_not_see(police, case):
    with pytest.raises(PermissionDenied):
        services.preventive_record_take(
            actor=police, case_id=case.pk, basis="protocol", taken_on=timezone.localdate()
        )


def test_only_the_unit_that_keeps_the_record_removes_the_offender(police, case, order):
    record = _take(police, case, order, taken_on=timezone.localdate() - timedelta(days=200))
    other_unit = member(
        Role.POLICE_OFFICER,
        OrganisationFactory(
            code="police-obolon", kind=OrganisationKind.POLICE_UNIT, district_slugs=["obolonskyi"]
        ),
        "police-obolon",
    )
    share_case_with(other_unit, case)
    with pytest.raises(PermissionDenied):
        services.preventive_record_remove(
            actor=other_unit, record_id=record.pk, removed_on=timezone.localdate(), reason="Строк"
        )
    with pytest.raises(ValidationError) as refused:
        services.preventive_record_remove(
            actor=police, record_id=record.pk, removed_on=timezone.localdate(), reason="  "
        )
    assert "reason" in refused.value.message_dict
    services.preventive_record_remove(
        actor=police,
        record_id=record.pk,
        removed_on=timezone.localdate(),
        reason="Закінчився строк обліку",
    )
    record.refresh_from_db()
    assert record.removed_on == timezone.localdate() and not record.is_open
    with pytest.raises(ValidationError):  # twice is a mistake, not a second removal
        services.preventive_record_remove(
            actor=police, record_id=record.pk, removed_on=timezone.localdate(), reason="Ще раз"
        )


# --- the offender programme -----------------------------------------------------------------


def test_the_social_service_records_a_referral_and_moves_it_to_completion(owner, case):
    programme = _refer(owner, case)
    assert programme.status == "referred" and programme.version == 1
    started = timezone.localdate() - timedelta(days=20)
    services.offender_programme_update(
        actor=owner,
        programme_id=programme.pk,
        status="attending",
        started_on=started,
        ended_on=None,
        version=1,
    )
    services.offender_programme_update(
        actor=owner,
        programme_id=programme.pk,
        status="completed",
        started_on=started,
        ended_on=timezone.localdate(),
        version=2,
    )
    programme.refresh_from_db()
    assert (programme.status, programme.version) == ("completed", 3)
    summaries = list(
        CaseEvent.objects.filter(case=case, kind="order.programme").values_list(
            "summary", flat=True
        )
    )
    assert len(summaries) == 3
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.UPDATE, object_type="orders.offenderprogramme"
        ).count()
        == 2
    )


def test_a_change_made_on_an_older_version_is_refused_not_overwritten(owner, colleague, case):
    programme = _refer(owner, case)
    services.offender_programme_update(
        actor=colleague,
        programme_id=programme.pk,
        status="dropped_out",
        started_on=None,
        ended_on=timezone.localdate(),
        version=1,
    )
    with pytest.raises(ValidationError) as refused:
        services.offender_programme_update(
            actor=owner,
            programme_id=programme.pk,
            status="attending",
            started_on=timezone.localdate(),
            ended_on=None,
            version=1,
        )
    assert "status" in refused.value.message_dict
    programme.refresh_from_db()
    assert programme.status == "dropped_out"


def test_a_status_without_its_dates_is_refused_and_nothing_changes(owner, case):
    programme = _refer(owner, case)
    with pytest.raises(ValidationError) as refused:
        services.offender_programme_update(
            actor=owner,
            programme_id=programme.pk,
            status="completed",
            started_on=None,
            ended_on=None,
            version=1,
        )
    assert {"started_on", "ended_on"} <= set(refused.value.message_dict)
    programme.refresh_from_db()
    assert (programme.status, programme.version) == ("referred", 1)


def test_a_programme_needs_a_provider_and_a_known_referrer(owner, case):
    with pytest.raises(ValidationError) as refused:
        _refer(owner, case, provider="   ")
    assert "provider" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _refer(owner, case, referred_by="prosecutor")
    assert "referred_by" in refused.value.message_dict
    assert not OffenderProgramme.objects.exists()


def test_who_may_not_change_the_case_may_not_record_a_programme(
    owner, outsider, coordinator, provider, case
):
    for actor in (outsider, coordinator, provider):
        with pytest.raises(PermissionDenied):
            _refer(actor, case)
    programme = _refer(owner, case)
    for actor in (outsider, coordinator, provider):
        with pytest.raises(PermissionDenied):
            services.offender_programme_update(
                actor=actor,
                programme_id=programme.pk,
                status="attending",
                started_on=timezone.localdate(),
                ended_on=None,
                version=1,
            )


def test_the_police_record_a_programme_on_a_case_they_see(police, case):
    share_case_with(police, case)
    programme = _refer(police, case, referred_by="police")
    assert programme.get_referred_by_display()


# --- in the council's figures ---------------------------------------------------------------


def test_the_report_counts_records_and_programmes_and_hides_small_counts(owner, police):
    this_year = Period(date(TODAY.year, 1, 1), date(TODAY.year, 9, 30))
    cases = [_case(owner) for _ in range(6)]
    for case in cases:
        share_case_with(police, case)
        services.preventive_record_take(
            actor=police, case_id=case.pk, basis="protocol", taken_on=date(TODAY.year, 3, 2)
        )
    for case in cases[:2]:
        _refer(owner, case, referred_on=date(TODAY.year, 2, 1))
    figures = statistics.statistics(this_year, today=TODAY)
    assert figures["orders"]["preventive_records"]["current"] == 6
    assert figures["orders"]["offender_programmes"]["current"] == 2
    shown = published(figures)["orders"]
    assert shown["preventive_records"]["current"] == 6
    assert shown["offender_programmes"]["current"] == "<5"
    assert shown["offender_programmes"]["pct"] is None
