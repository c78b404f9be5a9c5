"""The case plan's services at their boundaries: an action and its task kept consistent both
ways (never a second task), whom an action may name, the stale form, and the head's approval
that is never one's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import services as case_services
from cases.models import (
    ActionStatus,
    CaseEvent,
    CasePlan,
    CasePlanAction,
    CasePlanRevision,
    CasePlanStatus,
    Task,
)
from cases.plans import services
from portal.models import Notification, Organisation
from portal.roles import Role
from tests.cases.factories import register_case
from tests.cases.plans.factories import action, case_plan
from tests.factories import member


@pytest.fixture
def case(owner):
    return register_case(owner)


def _version(case) -> int:
    return CasePlan.objects.filter(case=case).values_list("version", flat=True).first() or 0


def _resave(actor, case, goal, actions, **extra):
    return services.case_plan_goal_save(
        actor=actor,
        case_id=case.pk,
        expected_version=_version(case),
        goal_id=goal.pk,
        text=extra.pop("text", goal.text),
        actions=actions,
        **extra,
    )


def _only_action(case) -> CasePlanAction:
    return CasePlanAction.objects.select_related("task", "goal").get(goal__plan__case=case)


# --- an action and its task ------------------------------------------------------------------


def test_an_action_with_a_responsible_person_becomes_her_task(owner, colleague, case):
    case_plan(owner, case, actions=[action(case.owner, person=colleague, text="Візит додому")])
    task = _only_action(case).task
    assert task.assignee == colleague
    assert task.title == "План: Візит додому"
    assert task.due_date == timezone.localdate() + timedelta(days=7)
    assert task.done_at is None


def test_an_action_without_a_person_has_no_task(owner, case):
    case_plan(owner, case, actions=[action(case.owner, person=None)])
    assert _only_action(case).task is None
    assert not Task.objects.filter(case=case).exists()


def test_saving_the_goal_again_updates_the_same_task_and_never_adds_a_second(owner, case):
    case_plan(owner, case)
    first = _only_action(case)
    moved = action(case.owner, person=owner, days=20, text="Супровід до суду", id=first.pk)
    _resave(owner, case, first.goal, [moved])
    _resave(owner, case, first.goal, [moved])
    assert Task.objects.filter(case=case).count() == 1
    task = Task.objects.get(case=case)
    assert task.pk == first.task_id
    assert task.title == "План: Супровід до суду"
    assert task.due_date == timezone.localdate() + timedelta(days=20)


def test_marking_the_action_done_closes_its_task(owner, case):
    case_plan(owner, case)
    item = _only_action(case)
    services.case_plan_action_set_status(
        actor=owner, case_id=case.pk, action_id=item.pk, status=ActionStatus.DONE
    )
    item.task.refresh_from_db()
    assert item.task.done_at is not None


def test_completing_the_task_marks_the_action_done_and_records_the_progress(owner, case):
    case_plan(owner, case)
    item = _only_action(case)
    case_services.task_complete(actor=owner, task_id=item.task_id)
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE
    plan = CasePlan.objects.get(case=case)
    assert plan.version == 2
    assert plan.revisions.get(number=2).kind == "progress"


def test_reopening_a_done_action_reopens_its_task(owner, case):
    case_plan(owner, case)
    item = _only_action(case)
    for status in (ActionStatus.DONE, ActionStatus.IN_PROGRESS):
        services.case_plan_action_set_status(
            actor=owner, case_id=case.pk, action_id=item.pk, status=status
        )
    item.task.refresh_from_db()
    assert item.task.done_at is None
    assert Task.objects.filter(case=case).count() == 1


def test_cancelling_the_action_drops_its_open_task(owner, case):
    case_plan(owner, case)
    item = _only_action(case)
    services.case_plan_action_set_status(
        actor=owner, case_id=case.pk, action_id=item.pk, status=ActionStatus.CANCELLED
    )
    item.refresh_from_db()
    assert item.task is None
    assert not Task.objects.filter(case=case).exists()


def test_taking_the_person_off_an_action_drops_her_open_task(owner, case):
    case_plan(owner, case)
    item = _only_action(case)
    _resave(owner, case, item.goal, [action(case.owner, person=None, id=item.pk)])
    assert not Task.objects.filter(case=case).exists()


def test_removing_a_goal_drops_its_open_tasks_and_keeps_the_done_ones(owner, colleague, case):
    case_plan(
        owner,
        case,
        actions=[action(case.owner, person=owner, text="А"), action(case.owner, person=colleague)],
    )
    done = CasePlanAction.objects.get(text="А")
    case_services.task_complete(actor=owner, task_id=done.task_id)
    _resave(owner, case, done.goal, [], remove=True)
    assert list(Task.objects.filter(case=case).values_list("title", flat=True)) == ["План: А"]
    assert not CasePlanAction.objects.filter(goal__plan__case=case).exists()


# --- whom an action may name -----------------------------------------------------------------


def test_a_person_who_does_not_work_on_the_case_is_refused(owner, outsider, case):
    with pytest.raises(ValidationError) as refused:
        case_plan(owner, case, actions=[action(case.owner, person=outsider)])
    assert "actions" in refused.value.message_dict
    assert not CasePlanAction.objects.exists()
    assert not Task.objects.filter(assignee=outsider).exists()


def test_a_person_is_named_only_for_the_cases_own_organisation(owner, organisations, case):
    with pytest.raises(ValidationError):
        case_plan(owner, case, actions=[action(organisations["shelter"], person=owner)])
    plan = case_plan(owner, case, actions=[action(organisations["shelter"], person=None)])
    assert plan.version == 1


def test_an_inactive_organisation_is_refused(owner, case):
    closed = Organisation.objects.create(code="closed", name="Закрита", kind="ngo", is_active=False)
    with pytest.raises(ValidationError):
        case_plan(owner, case, actions=[action(closed)])
    assert not CasePlan.objects.filter(case=case, version__gt=0).exists()


def test_an_action_of_another_cases_plan_cannot_be_changed_through_this_one(owner, case):
    other = register_case(owner)
    case_plan(owner, other)
    foreign = _only_action(other)
    case_plan(owner, case)
    goal = _only_action(case).goal
    with pytest.raises(ValidationError):
        _resave(owner, case, goal, [action(case.owner, text="Чуже", id=foreign.pk)])
    foreign.refresh_from_db()
    assert foreign.text == "Супровід до юриста"


def test_a_due_date_beyond_the_planning_horizon_is_refused(owner, case):
    late = action(case.owner, days=365 * 6)
    with pytest.raises(ValidationError):
        case_plan(owner, case, actions=[late])
    assert not CasePlanAction.objects.exists()


def test_the_offenders_name_in_an_action_is_refused(owner, case):
    with pytest.raises(ValidationError):
        case_plan(owner, case, actions=[action(case.owner, text="Поговорити з Петро Шевченко")])


def test_a_stale_goal_form_is_refused_and_nothing_changes(owner, colleague, case):
    case_plan(owner, case)
    goal = _only_action(case).goal
    _resave(colleague, case, goal, [], text="Житло і робота")
    with pytest.raises(services.PlanConflict):
        services.case_plan_goal_save(
            actor=owner,
            case_id=case.pk,
            expected_version=1,
            goal_id=goal.pk,
            text="Моя версія",
            actions=[],
        )
    goal.refresh_from_db()
    assert goal.text == "Житло і робота"


def test_the_timeline_names_the_changed_fields_never_the_actions_text(owner, case):
    case_plan(owner, case, actions=[action(case.owner, person=owner, text="Зустріч з Оксаною")])
    event = CaseEvent.objects.filter(case=case, kind="plan.case_edited").get()
    assert "Оксан" not in event.summary
    assert "Оксан" not in str(event.detail)


# --- approval --------------------------------------------------------------------------------


@pytest.fixture
def sent(owner, case):
    case_plan(owner, case)
    services.case_plan_submit(actor=owner, case_id=case.pk, expected_version=_version(case))
    return CasePlan.objects.get(case=case)


def test_an_empty_plan_cannot_be_sent(owner, case):
    with pytest.raises(ValidationError):
        services.case_plan_submit(actor=owner, case_id=case.pk, expected_version=0)
    assert not CasePlan.objects.filter(case=case, status=CasePlanStatus.AWAITING_APPROVAL).exists()


def test_sending_tells_the_head(head, sent):
    assert sent.status == CasePlanStatus.AWAITING_APPROVAL
    assert Notification.objects.filter(user=head, url__endswith="/plans/case/").exists()


def test_the_head_approves_a_workers_plan(owner, head, case, sent):
    services.case_plan_approve(actor=head, case_id=case.pk, expected_version=sent.version)
    sent.refresh_from_db()
    assert (sent.status, sent.approved_by) == (CasePlanStatus.APPROVED, head)
    assert Notification.objects.filter(user=owner, title__contains=case.number).exists()


def test_a_head_cannot_approve_a_plan_she_sent(organisations, head, case):
    case_plan(head, case, actions=[action(case.owner, person=head)])
    services.case_plan_submit(actor=head, case_id=case.pk, expected_version=_version(case))
    version = _version(case)
    with pytest.raises(ValidationError):
        services.case_plan_approve(actor=head, case_id=case.pk, expected_version=version)
    plan = CasePlan.objects.get(case=case)
    assert (plan.status, plan.version) == (CasePlanStatus.AWAITING_APPROVAL, version)
    second_head = member(Role.HEAD, organisations["css_darnytskyi"], "head-2")
    services.case_plan_approve(actor=second_head, case_id=case.pk, expected_version=version)
    assert CasePlan.objects.get(case=case).status == CasePlanStatus.APPROVED


def test_a_head_who_changed_the_plan_cannot_approve_it_even_if_a_worker_sent_it(owner, head, case):
    case_plan(owner, case)
    goal = _only_action(case).goal
    _resave(head, case, goal, [], text="Ціль, яку змінила керівниця")
    services.case_plan_submit(actor=owner, case_id=case.pk, expected_version=_version(case))
    with pytest.raises(ValidationError):
        services.case_plan_approve(actor=head, case_id=case.pk, expected_version=_version(case))


@pytest.mark.parametrize("persona", ["colleague", "coordinator", "outsider"])
def test_no_one_but_a_head_of_the_organisation_approves(
    personas, organisations, case, sent, persona
):
    actor = personas[persona]
    with pytest.raises(PermissionDenied):
        services.case_plan_approve(actor=actor, case_id=case.pk, expected_version=sent.version)
    assert CasePlan.objects.get(case=case).status == CasePlanStatus.AWAITING_APPROVAL


def test_a_head_of_another_organisation_cannot_approve(organisations, case, sent):
    other_head = member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")
    with pytest.raises(PermissionDenied):
        services.case_plan_approve(actor=other_head, case_id=case.pk, expected_version=sent.version)


def test_an_approval_on_a_stale_page_is_refused(owner, head, case, sent):
    item = _only_action(case)
    services.case_plan_action_set_status(
        actor=owner, case_id=case.pk, action_id=item.pk, status=ActionStatus.IN_PROGRESS
    )
    with pytest.raises(services.PlanConflict):
        services.case_plan_approve(actor=head, case_id=case.pk, expected_version=sent.version)
    assert CasePlan.objects.get(case=case).status == CasePlanStatus.AWAITING_APPROVAL


def test_changing_goals_after_approval_needs_a_new_approval_progress_does_not(
    owner, head, case, sent
):
    services.case_plan_approve(actor=head, case_id=case.pk, expected_version=sent.version)
    item = _only_action(case)
    services.case_plan_action_set_status(
        actor=owner, case_id=case.pk, action_id=item.pk, status=ActionStatus.DONE
    )
    assert CasePlan.objects.get(case=case).status == CasePlanStatus.APPROVED
    _resave(owner, case, item.goal, [], text="Нова ціль")
    assert CasePlan.objects.get(case=case).status == CasePlanStatus.DRAFT


def test_returning_needs_a_reason_and_sends_the_plan_back_to_draft(owner, head, case, sent):
    with pytest.raises(ValidationError):
        services.case_plan_return(
            actor=head, case_id=case.pk, expected_version=sent.version, reason=" "
        )
    services.case_plan_return(
        actor=head, case_id=case.pk, expected_version=sent.version, reason="Додайте строк"
    )
    plan = CasePlan.objects.get(case=case)
    assert plan.status == CasePlanStatus.DRAFT
    assert CasePlanRevision.objects.filter(
        plan=plan, kind="returned", note="Додайте строк"
    ).exists()
