"""The plans' pages: who may see, change, print and approve, and who may not; bad input and a
stale form change nothing; the printed plan carries nothing of the offender."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import CasePlan, CasePlanAction, CasePlanStatus, SafetyPlan
from cases.plans import services
from portal.models import AuditAction, AuditEvent
from tests.cases.factories import person, register_case
from tests.cases.pages import case_tab
from tests.cases.plans.factories import action, case_plan, safety_plan

OFFENDER_PHONE = "0671234567"


@pytest.fixture
def case(owner):
    return register_case(
        owner,
        offender=person(
            "Шевченко",
            "Петро",
            "M",
            date(1985, 1, 2),
            relation_to_victim="spouse",
            phone=OFFENDER_PHONE,
            address="м. Київ, вул. Кривдника, 13",
        ),
        victim=person(phone="0501112233", address="м. Київ, вул. Потерпілої, 7"),
        risk_answers={"strangling": True, "weapon_access": True},
    )


def _url(case, name: str = "safety") -> str:
    return f"/cases/{case.pk}/plans/{name}/"


def _safety_post(version: int = 0, **extra) -> dict:
    data = {
        "version": str(version),
        "steps": ["call_102", "strangling_doctor"],
        "own_steps": "Ключі — у сусідки Галини",
        "documents": ["passport", "keys"],
        "documents_other": "",
        "discreet_title": "on",
        "note": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Марія Коваль",
        "contacts-0-phone": "050 999 88 77",
        "contacts-0-relation": "сестра",
        "situations-TOTAL_FORMS": "1",
        "situations-INITIAL_FORMS": "0",
        "situations-0-situation": "Починається сварка",
        "situations-0-action": "Виходжу до сусідки",
        "places-TOTAL_FORMS": "1",
        "places-INITIAL_FORMS": "0",
        "places-0-name": "Лінія довіри",
        "places-0-phone": "15-00",
    }
    data.update(extra)
    return data


def _pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


# --- the safety plan -------------------------------------------------------------------------


def test_a_new_safety_plan_proposes_the_steps_of_the_risk_assessment(client, owner, case):
    client.force_login(owner)
    response = client.get(_url(case))
    assert response.status_code == 200
    form = response.context["forms"].form
    assert {"call_102", "strangling_doctor", "weapon_leave"} <= set(form.initial["steps"])
    html = response.content.decode()
    assert "(за оцінкою ризиків)" in html
    assert "Кривдника" not in html  # the offender's address is nowhere on the page


def test_the_worker_saves_the_plan_and_lands_on_the_plan_tab(client, owner, case):
    client.force_login(owner)
    response = client.post(_url(case), _safety_post())
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/#section-plans"
    plan = SafetyPlan.objects.get(case=case)
    assert [s["code"] for s in plan.content["steps"]] == ["call_102", "strangling_doctor", ""]
    assert plan.content["contacts"] == [
        {"name": "Марія Коваль", "phone": "050 999 88 77", "relation": "сестра"}
    ]


def test_a_stale_form_is_refused_with_a_clear_message_and_keeps_the_input(client, owner, case):
    safety_plan(owner, case)
    client.force_login(owner)
    response = client.post(_url(case), _safety_post(version=0, **{"contacts-0-name": "Ірина"}))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Поки ви редагували план, його зберіг хтось інший" in html
    assert 'value="Ірина"' in html
    assert SafetyPlan.objects.get(case=case).version == 1


def test_the_offenders_phone_as_a_contact_is_refused_at_the_contacts(client, owner, case):
    client.force_login(owner)
    response = client.post(_url(case), _safety_post(**{"contacts-0-phone": OFFENDER_PHONE}))
    assert response.status_code == 400
    assert "Це номер телефону кривдника" in response.content.decode()
    assert not SafetyPlan.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contacts-0-phone", "дзвоніть мамі"),
        ("contacts-0-name", ""),
        ("situations-0-action", ""),
        ("steps", "not-a-step"),
        ("documents", "passport-of-the-offender"),
        ("contacts-TOTAL_FORMS", "junk"),
        ("version", "-1"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, owner, case, field, value):
    client.force_login(owner)
    response = client.post(_url(case), _safety_post(**{field: value}))
    assert response.status_code == 400
    assert not SafetyPlan.objects.filter(case=case).exists()


def test_a_coordinator_reads_the_plan_but_has_no_form_and_cannot_save(
    client, coordinator, owner, case
):
    safety_plan(owner, case)
    client.force_login(coordinator)
    response = client.get(_url(case))
    assert response.status_code == 200
    assert 'data-testid="safety-plan-readonly"' in response.content.decode()
    assert "safety-plan-form" not in response.content.decode()
    assert client.post(_url(case), _safety_post(version=1)).status_code == 403
    assert SafetyPlan.objects.get(case=case).version == 1


def test_the_police_officer_who_opened_the_case_does_not_see_its_plans(client, police, owner):
    case = register_case(police)
    safety_plan(owner, case)
    client.force_login(police)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert 'id="section-plans"' not in client.get(f"/cases/{case.pk}/").content.decode()
    assert case_tab(client, case, "plans").status_code == 404
    for name in ("safety", "safety/print", "case", "case/goals/new"):
        assert client.get(_url(case, name)).status_code == 404


def test_the_plan_tab_is_on_the_case_page_for_the_worker(client, owner, case):
    safety_plan(owner, case)
    client.force_login(owner)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="section-plans"' in html
    assert "Версія 1, переглянуто" not in html  # read when the tab is opened
    assert "Версія 1, переглянуто" in case_tab(client, case, "plans").content.decode()


def test_viewing_the_plan_is_audited(client, owner, case):
    plan = safety_plan(owner, case)
    client.force_login(owner)
    client.get(_url(case))
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.safetyplan", object_id=str(plan.pk)
    ).exists()


# --- the printout ----------------------------------------------------------------------------


def test_the_printout_has_her_plan_and_nothing_of_the_offender_or_the_portal(client, owner, case):
    client.force_login(owner)
    client.post(_url(case), _safety_post())
    response = client.get(_url(case, "safety/print"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="contacts.pdf"'
    text = _pdf_text(response)
    for wanted in ("Мої важливі контакти", "Марія Коваль", "050 999 88 77", "15-00", "Паспорт"):
        assert wanted in text
    assert "Ключі — у сусідки Галини" in text
    offender_digits = OFFENDER_PHONE[-9:]
    for never in (
        "Петро",
        "Кривдника",
        offender_digits,
        case.number,
        "КИЇВ-",
        owner.username,
        "Потерпілої",  # the victim's own address is not on the paper either
        "кривдник",
        "портал",
    ):
        assert never not in text, never
    assert offender_digits not in text.replace(" ", "")


def test_without_the_discreet_title_the_printout_says_safety_plan(client, owner, case):
    client.force_login(owner)
    client.post(_url(case), _safety_post(discreet_title=""))
    text = _pdf_text(client.get(_url(case, "safety/print")))
    assert "Мій план безпеки" in text
    assert "Мої важливі контакти" not in text


def test_each_printout_is_audited_as_a_download(client, owner, case):
    plan = safety_plan(owner, case)
    client.force_login(owner)
    client.get(_url(case, "safety/print"))
    assert AuditEvent.objects.filter(
        action=AuditAction.DOWNLOAD, object_type="cases.safetyplan", object_id=str(plan.pk)
    ).exists()


def test_printing_before_a_plan_exists_leads_to_making_one(client, owner, case):
    client.force_login(owner)
    response = client.get(_url(case, "safety/print"))
    assert response.status_code == 302
    assert response["Location"] == _url(case)


def test_a_coordinator_may_not_print_the_victims_plan(client, coordinator, owner, case):
    safety_plan(owner, case)
    client.force_login(coordinator)
    assert client.get(_url(case, "safety/print")).status_code == 403


# --- the case plan ---------------------------------------------------------------------------


def _goal_post(case, version: int = 0, **extra) -> dict:
    due = (timezone.localdate() + timedelta(days=10)).strftime("%d.%m.%Y")
    data = {
        "version": str(version),
        "text": "Безпечне житло для Оксани і дітей",
        "note": "",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "Подати заяву на місце в притулку",
        "actions-0-responsible_organisation": str(case.owner_id),
        "actions-0-responsible_person": str(case.created_by_id),
        "actions-0-due_date": due,
        "actions-0-status": "planned",
        "actions-1-text": "",
        "actions-1-responsible_organisation": str(case.owner_id),
        "actions-1-due_date": "",
        "actions-1-status": "planned",
    }
    data.update(extra)
    return data


def test_the_worker_adds_a_goal_with_an_action_that_becomes_her_task(client, owner, case):
    client.force_login(owner)
    response = client.post(_url(case, "case/goals/new"), _goal_post(case))
    assert response.status_code == 302
    item = CasePlanAction.objects.get(goal__plan__case=case)
    assert item.task.assignee == owner
    assert item.task.title == "План: Подати заяву на місце в притулку"


def test_a_person_of_another_organisation_is_not_a_choice(client, owner, outsider, case):
    client.force_login(owner)
    post = _goal_post(case, **{"actions-0-responsible_person": str(outsider.pk)})
    response = client.post(_url(case, "case/goals/new"), post)
    assert response.status_code == 400
    assert not CasePlanAction.objects.exists()


def test_a_goal_of_another_case_is_404(client, owner, case):
    other = register_case(owner)
    case_plan(owner, other)
    goal = CasePlanAction.objects.get(goal__plan__case=other).goal
    client.force_login(owner)
    assert client.get(f"/cases/{case.pk}/plans/case/goals/{goal.pk}/").status_code == 404
    assert client.get(f"/cases/{other.pk}/plans/case/goals/{goal.pk}/").status_code == 200


def test_a_stale_goal_form_is_refused_and_keeps_the_input(client, owner, case):
    case_plan(owner, case)
    client.force_login(owner)
    response = client.post(_url(case, "case/goals/new"), _goal_post(case, version=0, text="Моя"))
    assert response.status_code == 409
    assert "Моя" in response.content.decode()
    assert CasePlan.objects.get(case=case).goals.count() == 1


def test_the_head_sees_the_plan_awaiting_approval_and_approves_it(client, owner, head, case):
    case_plan(owner, case)
    plan = services.case_plan_submit(actor=owner, case_id=case.pk, expected_version=1)
    client.force_login(head)
    page = client.get(_url(case, "case"))
    assert 'data-testid="awaiting-approval"' in page.content.decode()
    assert 'data-testid="case-plan-approve"' in page.content.decode()
    response = client.post(_url(case, "case/approve"), {"version": plan.version})
    assert response.status_code == 302
    assert CasePlan.objects.get(case=case).status == CasePlanStatus.APPROVED


def test_the_author_sees_no_approve_button_and_her_post_is_refused(client, owner, case):
    case_plan(owner, case)
    plan = services.case_plan_submit(actor=owner, case_id=case.pk, expected_version=1)
    client.force_login(owner)
    assert "case-plan-approve" not in client.get(_url(case, "case")).content.decode()
    assert client.post(_url(case, "case/approve"), {"version": plan.version}).status_code == 403
    assert CasePlan.objects.get(case=case).status == CasePlanStatus.AWAITING_APPROVAL


def test_a_head_who_sent_it_herself_is_told_why_she_cannot_approve(client, head, case):
    case_plan(head, case, actions=[action(case.owner, person=head)])
    plan = services.case_plan_submit(actor=head, case_id=case.pk, expected_version=1)
    client.force_login(head)
    page = client.get(_url(case, "case")).content.decode()
    assert 'data-testid="own-version"' in page
    assert "case-plan-approve" not in page
    response = client.post(_url(case, "case/approve"), {"version": plan.version})
    assert response.status_code == 400
    assert "її затверджує інший керівник організації" in response.content.decode()
    assert CasePlan.objects.get(case=case).status == CasePlanStatus.AWAITING_APPROVAL


def test_a_coordinator_reads_the_case_plan_and_cannot_change_it(client, coordinator, owner, case):
    case_plan(owner, case)
    item = CasePlanAction.objects.get(goal__plan__case=case)
    client.force_login(coordinator)
    page = client.get(_url(case, "case")).content.decode()
    assert "Супровід до юриста" in page
    assert 'data-testid="goal-new"' not in page
    assert client.get(_url(case, "case/goals/new")).status_code == 403
    post = client.post(f"/cases/{case.pk}/plans/case/actions/{item.pk}/status/", {"status": "done"})
    assert post.status_code == 403
    item.refresh_from_db()
    assert item.status == "planned"


def test_an_action_is_marked_done_from_the_plan(client, owner, case):
    case_plan(owner, case)
    item = CasePlanAction.objects.get(goal__plan__case=case)
    client.force_login(owner)
    response = client.post(
        f"/cases/{case.pk}/plans/case/actions/{item.pk}/status/", {"status": "done"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    assert item.task.done_at is not None


@pytest.mark.parametrize("status", ["", "finished", "x" * 1000])
def test_a_junk_status_changes_nothing(client, owner, case, status):
    case_plan(owner, case)
    item = CasePlanAction.objects.get(goal__plan__case=case)
    client.force_login(owner)
    client.post(f"/cases/{case.pk}/plans/case/actions/{item.pk}/status/", {"status": status})
    item.refresh_from_db()
    assert item.status == "planned"


def test_an_administrator_behind_the_glass_sees_the_case_but_not_its_plans(
    client, admin_user, owner, case
):
    from cases.access import case_break_glass

    safety_plan(owner, case)
    case_break_glass(
        actor=admin_user,
        case_number=case.number,
        reason="Перевірка скарги постраждалої особи на роботу центру",
    )
    client.force_login(admin_user)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert 'id="section-plans"' not in page.content.decode()
    assert case_tab(client, case, "plans").status_code == 404
    assert client.get(_url(case)).status_code == 404
