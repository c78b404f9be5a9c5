"""The Kyiv interaction procedure as a document: draft → presented to the council (a meeting
whose agenda item presents it) → approved by an order → in force from a date → replaced by the
next version. The routing policy names the version it implements, the editor shows it, and a
plan's reason cites it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from programme.council.forms import AgendaItemForm
from referrals import services
from referrals.models import InteractionProcedure, ProcedureStatus, RoutingPolicy
from referrals.plan_view import referral_reasons
from tests.referrals.conftest import send_shelter_referral
from tests.referrals.factories import catalogue_for_darnytskyi


def _draft(coordinator, label="проєкт 2026"):
    return services.procedure_create(
        actor=coordinator, title="Порядок взаємодії у місті Києві", label=label
    )


def _in_force(coordinator, label, on):
    procedure = _draft(coordinator, label)
    services.procedure_approve(
        actor=coordinator, procedure_id=procedure.pk, order="розпорядження № 1", on=on
    )
    return services.procedure_put_in_force(actor=coordinator, procedure_id=procedure.pk, on=on)


def test_a_version_goes_from_draft_to_force_and_replaces_the_one_before(coordinator):
    first = _in_force(coordinator, "2024", date(2025, 1, 1))
    second = _draft(coordinator)
    services.procedure_mark_presented(
        actor=coordinator, procedure_id=second.pk, on=date(2026, 10, 17)
    )
    services.procedure_approve(
        actor=coordinator,
        procedure_id=second.pk,
        order="розпорядження начальника КМВА від 01.11.2026 № 2",
        on=date(2026, 11, 1),
    )
    services.procedure_put_in_force(actor=coordinator, procedure_id=second.pk, on=date(2026, 12, 1))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.replaced_on) == (ProcedureStatus.REPLACED, date(2026, 12, 1))
    assert (second.status, second.in_force_from) == (ProcedureStatus.IN_FORCE, date(2026, 12, 1))
    assert InteractionProcedure.objects.filter(status=ProcedureStatus.IN_FORCE).count() == 1


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("in_force_of_a_draft", "Набрати чинності може лише затверджена версія."),
        ("approval_before_presentation", "Затвердження не може передувати представленню"),
        ("approval_without_order", "Вкажіть розпорядження"),
        ("stale_page", "Хтось тим часом змінив цю версію"),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(coordinator, step, message):
    procedure = _draft(coordinator)
    services.procedure_mark_presented(
        actor=coordinator, procedure_id=procedure.pk, on=date(2026, 10, 17)
    )
    procedure.refresh_from_db()
    before = (procedure.status, procedure.version)
    calls = {
        "in_force_of_a_draft": lambda: services.procedure_put_in_force(
            actor=coordinator, procedure_id=procedure.pk, on=date(2026, 12, 1)
        ),
        "approval_before_presentation": lambda: services.procedure_approve(
            actor=coordinator, procedure_id=procedure.pk, order="№ 1", on=date(2026, 1, 1)
        ),
        "approval_without_order": lambda: services.procedure_approve(
            actor=coordinator, procedure_id=procedure.pk, order="  ", on=date(2026, 11, 1)
        ),
        "stale_page": lambda: services.procedure_approve(
            actor=coordinator,
            procedure_id=procedure.pk,
            order="№ 1",
            on=date(2026, 11, 1),
            version=procedure.version - 1,
        ),
    }
    with pytest.raises(ValidationError) as refused:
        calls[step]()
    assert message in " ".join(refused.value.messages)
    procedure.refresh_from_db()
    assert (procedure.status, procedure.version) == before


def test_only_one_version_is_ever_in_force(coordinator):
    _in_force(coordinator, "2024", date(2025, 1, 1))
    other = _draft(coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionProcedure.objects.filter(pk=other.pk).update(status=ProcedureStatus.IN_FORCE)


@pytest.mark.parametrize("persona", ["owner", "provider", "police", "secretariat", "head"])
def test_only_the_keepers_of_the_policy_change_the_procedure(personas, persona, coordinator):
    procedure = _draft(coordinator)
    with pytest.raises(PermissionDenied):
        services.procedure_create(actor=personas[persona], title="Х", label="Х")
    with pytest.raises(PermissionDenied):
        services.procedure_approve(
            actor=personas[persona], procedure_id=procedure.pk, order="№", on=date(2026, 1, 1)
        )


def test_a_published_policy_names_the_version_in_force_and_a_plan_cites_it(
    coordinator, owner, organisations
):
    _in_force(coordinator, "2024", date(2025, 1, 1))
    rules = RoutingPolicy.objects.get(is_active=True).rules
    record = services.policy_publish(
        actor=coordinator, rules_json=json.dumps({"rules": rules}), note="Те саме"
    )
    assert record.procedure.label == "2024"
    catalogue_for_darnytskyi(organisations)
    referral = send_shelter_referral(owner, organisations)
    reference = referral_reasons(referral)[0].reference
    assert "Порядок взаємодії у місті Києві, 2024 (розпорядження № 1)" in reference


def test_the_pages_show_the_versions_and_refuse_bad_steps_in_ukrainian(client, coordinator):
    procedure = _draft(coordinator)
    client.force_login(coordinator)
    page = client.get("/referrals/procedure/").content.decode()
    assert "проєкт 2026" in page and "Позначити як представлений" in page
    answer = client.post(
        f"/referrals/procedure/{procedure.pk}/approve/",
        {"on": "31.02.2026", "order": "", "version": procedure.version},
    )
    assert answer.status_code == 400
    assert "Введіть коректну дату" in answer.content.decode() or "дат" in answer.content.decode()
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.DRAFT
    answer = client.post(
        f"/referrals/procedure/{procedure.pk}/teleport/",
        {"on": "01.11.2026", "version": procedure.version},
    )
    assert answer.status_code == 404
    client.post(
        f"/referrals/procedure/{procedure.pk}/approve/",
        {"on": "01.11.2026", "order": "розпорядження № 5", "version": procedure.version},
    )
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.APPROVED
    page = client.get("/referrals/policy/").content.decode()
    assert "Версії порядку" in page
    answer = client.post("/referrals/procedure/", {"title": "", "label": "проєкт 2026"})
    assert answer.status_code == 400 and "Це поле обов" in answer.content.decode()
    answer = client.post("/referrals/procedure/", {"title": "Порядок", "label": "Проєкт 2026"})
    assert answer.status_code == 400
    assert "Версія з такою назвою вже є." in answer.content.decode()
    assert InteractionProcedure.objects.count() == 1


def test_an_agenda_item_presents_only_a_draft_or_presented_version(coordinator):
    draft = _draft(coordinator)
    approved = _in_force(coordinator, "2024", date(2025, 1, 1))
    for value, valid in [(draft.pk, True), (approved.pk, False), (987654, False), ("x", False)]:
        form = AgendaItemForm({"title": "Про Порядок", "procedure": value})
        assert form.is_valid() is valid, value
