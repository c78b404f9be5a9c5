"""The safety plan's service at its boundaries: versions, a stale form, the offender's data and a
shelter's address refused, and what the timeline and the audit are told."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import CaseEvent, SafetyPlan, SafetyPlanRevision
from cases.plans import services
from cases.plans.content import SafetyContent
from portal.models import AuditAction, AuditEvent, OrganisationKind
from tests.cases.factories import person, register_case
from tests.cases.plans.factories import safety_plan
from tests.factories import OrganisationFactory

SISTER = {"name": "Марія Коваль", "phone": "+380501112233", "relation": "сестра"}


@pytest.fixture
def case(owner):
    offender = person(
        "Шевченко", "Петро", "M", date(1985, 1, 2), relation_to_victim="spouse", phone="0671234567"
    )
    return register_case(owner, offender=offender, risk_answers={"strangling": True})


def _save(actor, case, *, version=None, note="", **content):
    if version is None:
        version = SafetyPlan.objects.filter(case=case).values_list("version", flat=True).first()
    return services.safety_plan_save(
        actor=actor,
        case_id=case.pk,
        expected_version=version or 0,
        content=SafetyContent(**content),
        note=note,
    )


def test_the_first_save_is_version_one_with_who_and_what(owner, case):
    plan = _save(owner, case, contacts=(SISTER,), documents=("passport",))
    assert plan.version == 1
    revision = SafetyPlanRevision.objects.get(plan=plan)
    assert (revision.number, revision.saved_by) == (1, owner)
    assert {c["section"] for c in revision.changes} == {"contacts", "documents"}
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="cases.safetyplan", object_id=str(plan.pk)
    ).exists()


def test_the_timeline_names_what_changed_but_never_a_contacts_name_or_phone(owner, case):
    _save(owner, case, contacts=(SISTER,))
    _save(owner, case, contacts=(SISTER, {"name": "Іван", "phone": "0501234567", "relation": ""}))
    event = CaseEvent.objects.filter(case=case, kind="plan.safety_saved").order_by("-pk").first()
    assert "безпечні контакти" in event.summary or "safe contacts" in event.summary
    for secret in ("Іван", "0501234567", "Марія", "+380501112233"):
        assert secret not in event.summary
        assert secret not in str(event.detail)


def test_a_form_opened_on_an_older_version_is_refused_and_nothing_changes(owner, colleague, case):
    _save(owner, case, contacts=(SISTER,))
    _save(colleague, case, version=1, documents=("keys",))
    with pytest.raises(services.PlanConflict) as refused:
        _save(owner, case, version=1, documents=("money",))
    assert refused.value.current_version == 2
    plan = SafetyPlan.objects.get(case=case)
    assert plan.version == 2
    assert plan.content["documents"] == ["keys"]
    assert SafetyPlanRevision.objects.filter(plan=plan).count() == 2


def test_two_first_saves_of_the_same_plan_cannot_both_win(owner, colleague, case):
    _save(owner, case, version=0, contacts=(SISTER,))
    with pytest.raises(services.PlanConflict):
        _save(colleague, case, version=0, documents=("keys",))
    assert SafetyPlan.objects.get(case=case).content["contacts"] == [SISTER]


@pytest.mark.parametrize("phone", ["+380671234567", "067 123 45 67", "(067) 123-45-67"])
def test_the_offenders_phone_is_refused_however_it_is_written(owner, case, phone):
    with pytest.raises(ValidationError) as refused:
        _save(owner, case, contacts=({"name": "Тато", "phone": phone, "relation": ""},))
    assert "contacts" in refused.value.message_dict
    assert not SafetyPlan.objects.filter(case=case).exists()


def test_the_offenders_full_name_is_refused_anywhere_in_the_plan(owner, case):
    with pytest.raises(ValidationError) as refused:
        _save(owner, case, situations=({"situation": "Петро Шевченко п'яний", "action": "йду"},))
    assert "situations" in refused.value.message_dict
    assert not SafetyPlan.objects.filter(case=case).exists()


def test_the_family_surname_alone_is_allowed_the_victim_and_her_in_laws_share_it(owner, case):
    plan = _save(
        owner, case, contacts=({"name": "Ганна Шевченко", "phone": "0509998877", "relation": ""},)
    )
    assert plan.version == 1


def test_a_shelters_confidential_address_is_refused(owner, case):
    OrganisationFactory(
        code="shelter-secret",
        kind=OrganisationKind.SHELTER,
        address="вул. Таємна, 5",
        address_confidential=True,
    )
    with pytest.raises(ValidationError) as refused:
        _save(owner, case, places=({"name": "Притулок, вул. Таємна, 5", "phone": "15-00"},))
    assert "places" in refused.value.message_dict
    assert not SafetyPlan.objects.filter(case=case).exists()


def test_a_public_address_is_not_mistaken_for_a_confidential_one(owner, case):
    OrganisationFactory(code="centre-open", address="вул. Відкрита, 1", address_confidential=False)
    plan = _save(owner, case, places=({"name": "Центр, вул. Відкрита, 1", "phone": "044"},))
    assert plan.version == 1


def test_a_review_with_a_note_and_no_change_is_a_version(owner, case):
    _save(owner, case, contacts=(SISTER,))
    plan = _save(owner, case, contacts=(SISTER,), note="Переглянули з Оксаною, усе актуально")
    assert plan.version == 2
    revision = plan.revisions.get(number=2)
    assert revision.changes == []
    assert revision.note.startswith("Переглянули")
    event = CaseEvent.objects.filter(case=case).order_by("-pk").first()
    assert "Переглянули" not in event.summary  # the note may carry names: not on the timeline


def test_saving_the_same_plan_without_a_note_writes_nothing(owner, case):
    _save(owner, case, contacts=(SISTER,))
    events = CaseEvent.objects.count()
    plan = _save(owner, case, contacts=(SISTER,))
    assert plan.version == 1
    assert CaseEvent.objects.count() == events


@pytest.mark.parametrize("persona", ["coordinator", "outsider", "police", "provider"])
def test_who_may_not_change_the_case_may_not_save_its_plan(personas, case, persona):
    with pytest.raises(PermissionDenied):
        _save(personas[persona], case, contacts=(SISTER,))
    assert not SafetyPlan.objects.filter(case=case).exists()


def test_the_factory_plan_is_a_first_version(owner, case):
    assert safety_plan(owner, case).version == 1
