"""Closure with the head's approval, reopening and reassigning (cases.lifecycle.services):
every refusal leaves the case as it was."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cases import services as case_services
from cases.lifecycle import services
from cases.models import Case, CaseEvent, CaseStatus, ClosureRequest, ClosureStatus, Task
from portal.models import AuditAction, AuditEvent, Membership, Notification
from portal.roles import Role
from tests.cases.factories import register_case
from tests.factories import member


@pytest.fixture
def case(owner):
    case = register_case(owner)
    Case.objects.filter(pk=case.pk).update(responsible=owner)
    return Case.objects.get(pk=case.pk)


def _unchanged(case: Case) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.closed_at, fresh.close_reason_code, fresh.version) == (
        case.status,
        case.closed_at,
        case.close_reason_code,
        case.version,
    )


def _kinds(case: Case) -> list[str]:
    return list(
        CaseEvent.objects.filter(case=case).order_by("at", "pk").values_list("kind", flat=True)
    )


# --- asking ----------------------------------------------------------------------------------


def test_a_worker_asks_to_close_and_the_case_waits_for_the_head(case, owner, head):
    request = services.closure_request(actor=owner, case_id=case.pk, reason="moved_away")
    assert request.status == ClosureStatus.PENDING
    assert request.requested_by_role == Role.SOCIAL_WORKER
    _unchanged(case)  # still open until the head approves
    assert "case.closure_requested" in _kinds(case)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="cases.closurerequest", object_id=str(request.pk)
    ).exists()
    notice = Notification.objects.get(user=head)
    assert case.number in notice.title and notice.url.startswith(f"/cases/{case.pk}/")


def test_other_needs_the_reason_in_words(case, owner):
    with pytest.raises(ValidationError) as error:
        services.closure_request(actor=owner, case_id=case.pk, reason="other", reason_text="  ")
    assert "reason_text" in error.value.message_dict
    assert not ClosureRequest.objects.exists()
    request = services.closure_request(
        actor=owner, case_id=case.pk, reason="other", reason_text="Повнолітня, живе окремо"
    )
    assert request.reason_shown.endswith(": Повнолітня, живе окремо")


@pytest.mark.parametrize("reason", ["", "closed", "GOALS_REACHED", "x" * 30])
def test_a_reason_not_on_the_list_is_refused(case, owner, reason):
    with pytest.raises(ValidationError, match="зі списку"):
        services.closure_request(actor=owner, case_id=case.pk, reason=reason)
    assert not ClosureRequest.objects.exists()


def test_a_reason_of_more_than_500_characters_is_refused(case, owner):
    with pytest.raises(ValidationError, match="500"):
        services.closure_request(
            actor=owner, case_id=case.pk, reason="other", reason_text="а" * 501
        )
    assert not ClosureRequest.objects.exists()


def test_closure_cannot_be_requested_twice(case, owner, colleague):
    services.closure_request(actor=owner, case_id=case.pk, reason="contact_lost")
    with pytest.raises(ValidationError, match="вже надіслано"):
        services.closure_request(actor=colleague, case_id=case.pk, reason="refused")
    assert ClosureRequest.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "police", "coordinator", "provider", "secretariat"])
def test_only_the_leading_organisation_asks(case, personas, who):
    with pytest.raises(PermissionDenied):
        services.closure_request(actor=personas[who], case_id=case.pk, reason="goals_reached")
    assert not ClosureRequest.objects.exists()


# --- approving -------------------------------------------------------------------------------


def test_the_head_approves_and_the_case_is_closed_with_its_reason(case, owner, head):
    request = services.closure_request(actor=owner, case_id=case.pk, reason="goals_reached")
    closed = services.closure_approve(actor=head, request_id=request.pk, comment="Гарна робота")
    assert closed.status == CaseStatus.CLOSED and closed.closed_at is not None
    assert (closed.close_reason_code, closed.close_reason) == ("goals_reached", "")
    assert closed.version == case.version + 1
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.comment) == (
        ClosureStatus.APPROVED,
        head,
        "Гарна робота",
    )
    assert _kinds(case)[-1] == "case.closed"
    assert AuditEvent.objects.filter(
        user=head,
        action=AuditAction.UPDATE,
        object_type="cases.case",
        detail="closed: goals_reached",
    ).exists()
    assert Notification.objects.filter(user=owner, title__contains="затверджено").exists()


def test_the_head_cannot_approve_their_own_closure(case, head):
    request = services.closure_request(actor=head, case_id=case.pk, reason="death")
    with pytest.raises(ValidationError, match="власний запит"):
        services.closure_approve(actor=head, request_id=request.pk)
    _unchanged(case)
    assert ClosureRequest.objects.get().status == ClosureStatus.PENDING


def test_a_heads_own_closure_is_approved_by_a_coordinator(case, head, coordinator):
    request = services.closure_request(actor=head, case_id=case.pk, reason="death")
    assert Notification.objects.filter(user=coordinator).exists()
    services.closure_approve(actor=coordinator, request_id=request.pk)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_a_heads_own_closure_is_approved_by_another_head(case, head, organisations):
    second = member(Role.HEAD, organisations["css_darnytskyi"], "head-2")
    request = services.closure_request(actor=head, case_id=case.pk, reason="moved_away")
    services.closure_approve(actor=second, request_id=request.pk)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_a_coordinator_does_not_approve_a_workers_closure(case, owner, coordinator):
    request = services.closure_request(actor=owner, case_id=case.pk, reason="moved_away")
    with pytest.raises(ValidationError, match="керівник організації"):
        services.closure_approve(actor=coordinator, request_id=request.pk)
    _unchanged(case)


@pytest.mark.parametrize("who", ["owner", "colleague"])
def test_workers_do_not_approve(case, owner, personas, who):
    request = services.closure_request(actor=owner, case_id=case.pk, reason="moved_away")
    with pytest.raises((PermissionDenied, ValidationError)):
        services.closure_approve(actor=personas[who], request_id=request.pk)
    _unchanged(case)


def test_the_head_of_another_centre_gets_the_same_answer_as_for_a_missing_request(
    case, owner, organisations
):
    other_head = member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")
    request = services.closure_request(actor=owner, case_id=case.pk, reason="moved_away")
    for request_id in (request.pk, 987654):
        with pytest.raises(PermissionDenied):
            services.closure_approve(actor=other_head, request_id=request_id)
    _unchanged(case)


def test_an_answered_request_is_stale_and_cannot_be_answered_again(case, owner, head):
    request = services.closure_request(actor=owner, case_id=case.pk, reason="refused")
    services.closure_return(actor=head, request_id=request.pk, comment="Спершу план безпеки")
    with pytest.raises(ValidationError, match="вже відповіли"):
        services.closure_approve(actor=head, request_id=request.pk)
    _unchanged(case)


def test_returning_needs_a_comment_and_keeps_the_case_open(case, owner, head):
    request = services.closure_request(actor=owner, case_id=case.pk, reason="refused")
    with pytest.raises(ValidationError, match="ще треба зробити"):
        services.closure_return(actor=head, request_id=request.pk, comment=" ")
    assert ClosureRequest.objects.get().status == ClosureStatus.PENDING
    services.closure_return(actor=head, request_id=request.pk, comment="Зустрітися ще раз")
    _unchanged(case)
    assert Notification.objects.filter(user=owner, body="Зустрітися ще раз").exists()
    # Returned, the worker may ask again.
    again = services.closure_request(actor=owner, case_id=case.pk, reason="refused")
    assert again.status == ClosureStatus.PENDING


def test_a_confidential_cases_closure_goes_to_the_coordinator(owner, head, coordinator):
    case = register_case(owner, confidential=True)
    Case.objects.filter(pk=case.pk).update(responsible=owner)
    request = services.closure_request(actor=owner, case_id=case.pk, reason="goals_reached")
    assert not Notification.objects.filter(user=head).exists()  # the head cannot see it
    with pytest.raises(PermissionDenied):
        services.closure_approve(actor=head, request_id=request.pk)
    services.closure_approve(actor=coordinator, request_id=request.pk)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


@pytest.mark.django_db(transaction=True)
def test_two_heads_approving_at_once_close_the_case_once(organisations):
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    centre = organisations["css_darnytskyi"]
    worker = member(Role.SOCIAL_WORKER, centre, "w")
    heads = [member(Role.HEAD, centre, "h1"), member(Role.HEAD, centre, "h2")]
    case = register_case(worker)
    request = services.closure_request(actor=worker, case_id=case.pk, reason="moved_away")
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(user):
        try:
            barrier.wait()
            services.closure_approve(actor=user, request_id=request.pk)
            outcomes.append("closed")
        except ValidationError:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(h,)) for h in heads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["closed", "stale"]
    assert CaseEvent.objects.filter(case=case, kind="case.closed").count() == 1


# --- what is still open ----------------------------------------------------------------------


def test_open_tasks_are_listed_and_stay_open_after_closing(case, owner, head):
    from cases.lifecycle.selectors import open_work

    task = case_services.task_add(
        actor=owner, case_id=case.pk, title="Повторний візит", due_date=timezone.localdate()
    )
    assert [t.pk for t in open_work(case=case)["tasks"]] == [task.pk]
    request = services.closure_request(actor=owner, case_id=case.pk, reason="goals_reached")
    services.closure_approve(actor=head, request_id=request.pk)
    assert Task.objects.get(pk=task.pk).done_at is None


# --- reopening -------------------------------------------------------------------------------


def _closed(case, owner, head):
    request = services.closure_request(
        actor=owner, case_id=case.pk, reason="other", reason_text="Старий запис"
    )
    return services.closure_approve(actor=head, request_id=request.pk)


def test_a_closed_case_is_reopened_with_a_reason(case, owner, head, colleague):
    closed = _closed(case, owner, head)
    with pytest.raises(ValidationError, match="чому"):
        services.case_reopen(actor=colleague, case_id=case.pk, reason="")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    reopened = services.case_reopen(actor=colleague, case_id=case.pk, reason="Нове звернення")
    assert (reopened.status, reopened.closed_at, reopened.close_reason_code) == (
        CaseStatus.IN_WORK,
        None,
        "",
    )
    assert reopened.version == closed.version + 1
    event = CaseEvent.objects.filter(case=case, kind="case.reopened").get()
    assert event.detail["reason"] == "Нове звернення"
    assert AuditEvent.objects.filter(user=colleague, detail="reopened").exists()


def test_an_open_case_is_not_reopened(case, owner):
    with pytest.raises(ValidationError, match="закритий"):
        services.case_reopen(actor=owner, case_id=case.pk, reason="Чому б і ні")
    _unchanged(case)


@pytest.mark.parametrize("who", ["outsider", "police", "coordinator"])
def test_only_the_leading_organisation_reopens(case, owner, head, personas, who):
    _closed(case, owner, head)
    closed = Case.objects.get(pk=case.pk)
    with pytest.raises(PermissionDenied):
        services.case_reopen(actor=personas[who], case_id=case.pk, reason="Нове звернення")
    _unchanged(closed)


# --- reassigning -----------------------------------------------------------------------------


def test_the_head_gives_the_case_to_another_worker_with_the_open_tasks(
    case, owner, colleague, head
):
    mine = case_services.task_add(
        actor=owner, case_id=case.pk, title="Дзвінок", due_date=timezone.localdate()
    )
    updated = services.case_reassign(actor=head, case_id=case.pk, worker_id=str(colleague.pk))
    assert updated.responsible == colleague
    assert Task.objects.get(pk=mine.pk).assignee == colleague
    event = CaseEvent.objects.filter(case=case, kind="case.reassigned").get()
    assert event.detail == {"tasks_moved": 1}
    assert Notification.objects.filter(user=colleague, title__contains=case.number).exists()
    assert Notification.objects.filter(user=owner, title__contains=case.number).exists()
    assert AuditEvent.objects.filter(user=head, detail=f"responsible {owner.pk} -> {colleague.pk}")


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "99999999999999999999", "OUTSIDER", "OFF"])
def test_only_an_active_worker_of_the_organisation_can_be_chosen(
    case, head, outsider, organisations, value
):
    if value == "OUTSIDER":
        value = outsider.pk
    if value == "OFF":
        suspended = member(Role.SOCIAL_WORKER, organisations["css_darnytskyi"], "suspended")
        Membership.objects.filter(user=suspended).update(is_active=False)
        value = suspended.pk
    with pytest.raises(ValidationError, match="активного працівника"):
        services.case_reassign(actor=head, case_id=case.pk, worker_id=value)
    _unchanged(case)


def test_a_worker_cannot_reassign(case, owner, colleague):
    with pytest.raises(PermissionDenied):
        services.case_reassign(actor=owner, case_id=case.pk, worker_id=colleague.pk)
    _unchanged(case)


def test_the_head_of_another_centre_cannot_reassign(case, organisations):
    other_head = member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")
    worker = member(Role.SOCIAL_WORKER, organisations["css_obolonskyi"], "w-obolon")
    with pytest.raises(PermissionDenied):
        services.case_reassign(actor=other_head, case_id=case.pk, worker_id=worker.pk)
    _unchanged(case)


def test_the_same_worker_again_is_refused(case, head, owner):
    with pytest.raises(ValidationError, match="вже відповідає"):
        services.case_reassign(actor=head, case_id=case.pk, worker_id=owner.pk)
    _unchanged(case)
