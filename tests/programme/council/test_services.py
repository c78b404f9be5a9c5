from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import AuditEvent
from programme.council import rules, services
from programme.council.models import AssignmentEvent, AssignmentStatus, MeetingStatus

pytestmark = pytest.mark.django_db


def test_quorum_is_more_than_half_of_the_members():
    assert rules.has_quorum(present=2, members=3)
    assert not rules.has_quorum(present=2, members=4)
    assert rules.has_quorum(present=3, members=4)
    assert not rules.has_quorum(present=0, members=0)


def test_overdue_counts_from_the_day_after_the_deadline_and_only_while_open():
    deadline = date(2026, 11, 1)
    assert rules.days_overdue(status="in_progress", deadline=deadline, today=deadline) == 0
    assert rules.days_overdue(status="in_progress", deadline=deadline, today=date(2026, 11, 2)) == 1
    assert rules.days_overdue(status="reported", deadline=deadline, today=date(2026, 12, 1)) == 0
    assert rules.days_overdue(status="assigned", deadline=None, today=date(2030, 1, 1)) == 0
    assert rules.effective_status(status="assigned", deadline=deadline, today=date(2027, 1, 1)) == (
        "overdue"
    )


def test_a_meeting_goes_forward_only_through_its_steps(secretariat, meeting, council):
    with pytest.raises(ValidationError, match="once the agenda is sent"):
        services.meeting_attendance_record(
            actor=secretariat, meeting_id=meeting.pk, present_ids=set()
        )
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    with pytest.raises(ValidationError, match="Record the attendance"):
        services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    services.meeting_attendance_record(
        actor=secretariat, meeting_id=meeting.pk, present_ids={council[0].pk}
    )
    with pytest.raises(ValidationError, match="No quorum: 1 of 3"):
        services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    services.meeting_attendance_record(
        actor=secretariat, meeting_id=meeting.pk, present_ids={council[0].pk, council[2].pk}
    )
    assert services.meeting_advance(actor=secretariat, meeting_id=meeting.pk).status == "held"
    with pytest.raises(ValidationError, match="at least one decision"):
        services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)


def test_an_empty_agenda_cannot_be_sent(secretariat, council):
    meeting = services.meeting_create(
        actor=secretariat, number=1, day=date(2026, 1, 5), form="online"
    )
    with pytest.raises(ValidationError, match="at least one item"):
        services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)


def test_decisions_are_numbered_within_their_item(secretariat, held):
    item = held.items.get()
    first = services.decision_add(actor=secretariat, item_id=item.pk, text="Перше")
    second = services.decision_add(actor=secretariat, item_id=item.pk, text="Друге")
    assert (first.number, second.number) == ("1.1", "1.2")


def test_signed_minutes_freeze_the_meeting(secretariat, held, decision):
    services.meeting_advance(actor=secretariat, meeting_id=held.pk)
    held.refresh_from_db()
    assert held.status == MeetingStatus.MINUTES_SIGNED and not held.is_draft
    with pytest.raises(ValidationError):
        services.decision_add(actor=secretariat, item_id=decision.item_id, text="Пізніше")
    with pytest.raises(ValidationError):
        services.meeting_advance(actor=secretariat, meeting_id=held.pk)


def test_only_the_secretariat_prepares_meetings(personas, council):
    for name in ("coordinator", "executor", "owner", "police", "provider", "admin"):
        with pytest.raises(PermissionDenied):
            services.meeting_create(
                actor=personas[name], number=99, day=date(2026, 1, 1), form="online"
            )


def test_an_assignment_needs_a_deadline_or_a_periodic_term(secretariat, decision, organisations):
    with pytest.raises(ValidationError, match="deadline or a periodic term"):
        services.assignment_add(
            actor=secretariat,
            decision_id=decision.pk,
            assignee=organisations["department"],
            text="Щось",
        )
    periodic = services.assignment_add(
        actor=secretariat,
        decision_id=decision.pk,
        assignee=organisations["department"],
        text="Інформувати",
        term="щокварталу до 10 числа",
    )
    assert periodic.shown_status(date(2099, 1, 1)) == "assigned"


def test_the_assignee_reports_and_the_secretariat_returns_then_accepts(
    secretariat, obolon_executor, assignment
):
    services.assignment_start(actor=obolon_executor, assignment_id=assignment.pk)
    services.assignment_report(actor=obolon_executor, assignment_id=assignment.pk, text="Зроблено")
    with pytest.raises(ValidationError, match="reason"):
        services.assignment_return(actor=secretariat, assignment_id=assignment.pk, reason=" ")
    returned = services.assignment_return(
        actor=secretariat, assignment_id=assignment.pk, reason="Немає проєкту"
    )
    assert returned.status == AssignmentStatus.IN_PROGRESS
    services.assignment_report(actor=obolon_executor, assignment_id=assignment.pk, text="Додано")
    done = services.assignment_accept(actor=secretariat, assignment_id=assignment.pk)
    assert done.status == AssignmentStatus.DONE and done.done_at is not None
    kinds = list(
        AssignmentEvent.objects.filter(assignment=assignment).values_list("kind", flat=True)
    )
    assert kinds == ["started", "reported", "returned", "reported", "accepted"]
    assert AuditEvent.objects.filter(object_type="programme.assignment").count() >= 6


def test_refusals_of_wrong_steps(secretariat, obolon_executor, assignment):
    with pytest.raises(ValidationError, match="Only a reported"):
        services.assignment_accept(actor=secretariat, assignment_id=assignment.pk)
    with pytest.raises(PermissionDenied):
        # the secretariat keeps control; it does not report for the assignee
        services.assignment_report(actor=secretariat, assignment_id=assignment.pk, text="x")
    with pytest.raises(PermissionDenied):
        services.assignment_accept(actor=obolon_executor, assignment_id=assignment.pk)
    with pytest.raises(ValidationError, match="Describe"):
        services.assignment_report(actor=obolon_executor, assignment_id=assignment.pk, text="")


def test_another_organisations_executor_cannot_touch_the_assignment(executor, assignment):
    with pytest.raises(PermissionDenied):
        services.assignment_report(actor=executor, assignment_id=assignment.pk, text="Моє")


@time_machine.travel(date(2026, 11, 10), tick=False)
def test_an_extension_moves_the_deadline_later_with_a_reason(secretariat, assignment):
    assert assignment.days_overdue(date(2026, 11, 10)) == 9
    with pytest.raises(ValidationError, match="later than the current"):
        services.assignment_extend(
            actor=secretariat, assignment_id=assignment.pk, deadline=date(2026, 10, 30), reason="x"
        )
    with pytest.raises(ValidationError, match="in the past"):
        services.assignment_extend(
            actor=secretariat, assignment_id=assignment.pk, deadline=date(2026, 11, 5), reason="x"
        )
    extended = services.assignment_extend(
        actor=secretariat,
        assignment_id=assignment.pk,
        deadline=date(2026, 12, 1),
        reason="Погодження триває",
    )
    assert extended.deadline == date(2026, 12, 1)
    assert extended.shown_status(date(2026, 11, 10)) == "assigned"
    event = AssignmentEvent.objects.get(assignment=assignment, kind="extended")
    assert event.previous_deadline == date(2026, 11, 1) and event.text == "Погодження триває"


def test_the_audit_log_names_council_objects_by_their_kind_and_name(assignment, held, council):
    from django.utils import translation

    from portal.audit_labels import labels_for
    from programme.models import Programme

    programme = Programme.objects.create(
        code="test-2026", title="Міська цільова програма «Тест»", year_from=2026, year_to=2028
    )
    with translation.override("uk"):
        labels = labels_for(
            [
                ("programme.meeting", str(held.pk)),
                ("programme.councilmember", str(council[0].pk)),
                ("programme.assignment", str(assignment.pk)),
                ("programme.programme", str(programme.pk)),
                ("programme.meeting", "999999"),
            ]
        )
    assert labels["programme.meeting", str(held.pk)] == "засідання ради № 7, 01.10.2026"
    assert labels["programme.councilmember", str(council[0].pk)] == "член ради Голова Ради"
    assert labels["programme.assignment", str(assignment.pk)].startswith("доручення ")
    assert labels["programme.programme", str(programme.pk)] == "Міська цільова програма «Тест»"
    # A meeting that does not exist keeps the generic label: nothing is invented.
    assert labels["programme.meeting", "999999"] == "об'єкт (засідання ради, № 999999)"


def test_a_page_of_council_objects_costs_one_query_per_kind(
    assignment, held, council, django_assert_num_queries
):
    from portal.audit_labels import labels_for

    pairs = [("programme.councilmember", str(m.pk)) for m in council] + [
        ("programme.assignment", str(assignment.pk)),
        ("programme.meeting", str(held.pk)),
    ]
    with django_assert_num_queries(3):
        labels_for(pairs)


def test_an_agenda_item_and_a_decision_are_named_by_their_meeting(decision, held):
    from django.utils import translation

    from portal.audit_labels import labels_for

    item = held.items.get()
    pairs = [("programme.agendaitem", str(item.pk)), ("programme.decision", str(decision.pk))]
    with translation.override("uk"):
        labels = labels_for(pairs)
    assert (
        labels["programme.agendaitem", str(item.pk)] == "питання 1 засідання ради № 7, 01.10.2026"
    )
    assert labels["programme.decision", str(decision.pk)] == (
        f"рішення {decision.number} засідання ради № 7, 01.10.2026"
    )
    with translation.override("en"):
        assert labels_for(pairs)["programme.agendaitem", str(item.pk)] == (
            "question 1 of council meeting № 7, 01.10.2026"
        )
