from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, CaseStatus, Incident, Participant, Person
from portal.models import AuditAction, AuditEvent
from tests.cases.factories import person, register_case


def test_registering_creates_the_case_people_incident_risk_and_needs_at_once(owner):
    case = register_case(owner, risk_answers={"threats_to_kill": True})
    assert case.number.startswith(f"КИЇВ-{timezone.localdate().year}-")
    assert case.owner.code == "css-darnytskyi"
    assert case.responsible == owner
    assert set(case.participants.values_list("role", flat=True)) == {"victim", "offender"}
    assert case.forms == ["physical"]
    assert case.risk_level == "high"
    assert case.risk_assessments.get().rule == "red_flag"
    assert case.needs_assessments.get().needs == ["shelter"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(case.pk)).exists()
    assert CaseEvent.objects.filter(case=case, kind="case.created").exists()


def test_nothing_is_saved_when_part_of_the_intake_is_invalid(owner):
    with pytest.raises(ValidationError):
        register_case(owner, incident={"occurred_at": timezone.now(), "forms": []})
    assert not Case.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reported_at": timezone.now() + timedelta(days=1)}, "reported_at", "майбутньому"),
        (
            {
                "incident": {
                    "occurred_at": timezone.now() + timedelta(hours=2),
                    "forms": ["physical"],
                }
            },
            "occurred_at",
            "майбутньому",
        ),
        (
            {"incident": {"occurred_at": timezone.now() - timedelta(hours=2), "forms": []}},
            "forms",
            "принаймні одну форму",
        ),
        (
            {"victim": person(birth_date=timezone.localdate() + timedelta(days=30))},
            "victim_birth_date",
            "пізніша",
        ),
        (
            {"victim": person(birth_date=date(2012, 5, 1))},
            "children_service_notified",
            "службу у справах дітей",
        ),
    ],
)
def test_bad_intake_is_refused_with_a_ukrainian_message(owner, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        register_case(owner, **overrides)
    assert any(message in text for text in error.value.message_dict[field])


def test_a_child_victim_is_accepted_once_the_service_for_children_is_notified(owner):
    case = register_case(
        owner, victim=person(birth_date=date(2012, 5, 1)), children_service_notified=True
    )
    assert case.has_children


@pytest.mark.parametrize("raw", ["067 123 45 67", "+38 (067) 123-45-67", "380671234567"])
def test_phone_numbers_are_normalised(raw):
    assert services.normalise_phone(raw) == "+380671234567"


@pytest.mark.parametrize("raw", ["12345", "+48 601 234 567", "067-123-45"])
def test_wrong_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError, match="український номер"):
        services.normalise_phone(raw)


def test_roles_without_the_right_cannot_register(provider):
    with pytest.raises(PermissionDenied):
        register_case(provider)


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_and_consecutive_when_two_workers_register_at_once(owner, colleague):
    results, errors = [], []
    barrier = threading.Barrier(2)

    def work(user):
        try:
            barrier.wait()
            for _ in range(5):
                results.append(register_case(user).number)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in (owner, colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    sequence = sorted(int(number.rsplit("-", 1)[1]) for number in results)
    assert sequence == list(range(1, 11))


def test_the_status_form_moves_an_open_case_but_never_closes_or_reopens_it(owner, head):
    case = register_case(owner)
    services.case_change_status(actor=owner, case_id=case.pk, status=CaseStatus.IN_WORK)
    services.case_change_status(actor=owner, case_id=case.pk, status=CaseStatus.MONITORING)
    with pytest.raises(ValidationError, match="запит на закриття"):
        services.case_change_status(actor=owner, case_id=case.pk, status=CaseStatus.CLOSED)
    case.refresh_from_db()
    assert case.status == CaseStatus.MONITORING and case.closed_at is None
    # Closed through the head's approval, it reopens only with a reason.
    from cases.lifecycle import services as lifecycle

    request = lifecycle.closure_request(actor=owner, case_id=case.pk, reason="goals_reached")
    lifecycle.closure_approve(actor=head, request_id=request.pk)
    with pytest.raises(ValidationError, match="Відновити випадок"):
        services.case_change_status(actor=owner, case_id=case.pk, status=CaseStatus.IN_WORK)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_second_editor_gets_conflict_with_what_changed_and_who(owner, colleague):
    case = register_case(owner)
    read_version = case.version
    services.case_update(
        actor=colleague,
        case_id=case.pk,
        expected_version=read_version,
        changes={"summary": "Версія колеги"},
    )
    with pytest.raises(services.CaseConflict) as conflict:
        services.case_update(
            actor=owner,
            case_id=case.pk,
            expected_version=read_version,
            changes={"summary": "Моя версія"},
        )
    change = conflict.value.changes[0]
    assert (change.theirs, change.current) == ("Моя версія", "Версія колеги")
    assert change.changed_by == str(colleague)
    case.refresh_from_db()
    assert case.summary == "Версія колеги"


def test_coordinators_read_but_do_not_edit(owner, coordinator):
    case = register_case(owner)
    with pytest.raises(PermissionDenied):
        services.note_add(actor=coordinator, case_id=case.pk, text="Спроба")


def test_repeat_victims_are_the_same_person_when_chosen(owner):
    first = register_case(owner)
    victim = first.participants.get(role="victim").person
    second = register_case(owner, victim=person(existing_person_id=victim.pk))
    assert second.participants.get(role="victim").person == victim
    assert Participant.objects.filter(person=victim).count() == 2


def test_adding_an_incident_updates_the_forms_of_the_case(owner):
    case = register_case(owner)
    services.incident_add(
        actor=owner,
        case_id=case.pk,
        values={
            "occurred_at": timezone.now() - timedelta(hours=1),
            "forms": ["economic", "sexual"],
        },
    )
    case.refresh_from_db()
    assert case.forms == ["economic", "physical", "sexual"]
    assert Incident.objects.filter(case=case).count() == 2


def test_a_coordinator_grants_a_colleague_from_another_district_access(
    owner, outsider, coordinator
):
    from cases.access import case_grant_access
    from cases.selectors import cases_editable_by, cases_visible_to

    case = register_case(owner)
    assert not cases_visible_to(outsider).filter(pk=case.pk).exists()
    case_grant_access(actor=coordinator, case_id=case.pk, username="outsider", edit=True)
    assert cases_visible_to(outsider).filter(pk=case.pk).exists()
    assert cases_editable_by(outsider).filter(pk=case.pk).exists()
