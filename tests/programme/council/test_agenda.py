"""Sending the agenda: every member serving on the meeting's date who has a portal account gets
it in the portal and by e-mail, once; members answer whether they will attend; the secretariat
sees the answers beside the recorded attendance; a member sees only the meetings of the council
while they serve on it."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.models import AuditEvent, Notification
from portal.roles import Role
from programme.council import services
from programme.council.models import AttendanceConfirmation, CouncilMember, CouncilRole
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated(organisations, council):
    """Two members with portal accounts (a police officer and an executor), and a former
    member whose account must get nothing."""
    police_member = member(Role.POLICE_OFFICER, organisations["police_darnytskyi"], "council-pol")
    police_member.email = "police@example.org"
    police_member.save(update_fields=["email"])
    executor_member = member(Role.EXECUTOR, organisations["city_centre"], "council-exe")
    executor_member.email = "centre@example.org"
    executor_member.save(update_fields=["email"])
    former = member(Role.EXECUTOR, organisations["department"], "council-former")
    rows = [
        ("Поліцейська Членкиня", police_member, date(2024, 1, 1), None),
        ("Директорка Центру", executor_member, date(2024, 1, 1), None),
        ("Колишній Член", former, date(2020, 1, 1), date(2023, 12, 31)),
    ]
    for name, user, start, end in rows:
        CouncilMember.objects.create(
            full_name=name,
            position="посада",
            role=CouncilRole.MEMBER,
            date_from=start,
            date_to=end,
            user=user,
        )
    return {"police": police_member, "executor": executor_member, "former": former}


def _meeting_url(meeting):
    return reverse("programme:council:meeting", args=[meeting.pk])


def test_sending_the_agenda_notifies_and_mails_each_current_member_once(
    secretariat, meeting, seated, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    notes = Notification.objects.filter(dedupe_key__startswith="council-agenda:")
    assert {n.user for n in notes} == {seated["police"], seated["executor"]}
    note = notes.get(user=seated["police"])
    assert note.url == _meeting_url(meeting)
    assert "№ 7" in note.title and "01.10.2026" in note.title
    assert "1. Про проєкт Порядку взаємодії" in note.body
    assert sorted(m.to[0] for m in mailoutbox) == ["centre@example.org", "police@example.org"]
    assert _meeting_url(meeting) in mailoutbox[0].body
    assert AuditEvent.objects.filter(detail="agenda sent 2").exists()


def test_a_member_sees_the_meeting_and_confirms_attendance(client, secretariat, meeting, seated):
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    client.force_login(seated["police"])
    page = client.get(_meeting_url(meeting)).content.decode()
    assert "Про проєкт Порядку взаємодії" in page and 'data-testid="will-attend"' in page
    answer = client.post(
        reverse("programme:council:meeting_confirm", args=[meeting.pk]), {"reply": "will_attend"}
    )
    assert answer.status_code == 302
    client.force_login(seated["executor"])
    client.post(
        reverse("programme:council:meeting_confirm", args=[meeting.pk]), {"reply": "will_not"}
    )
    replies = dict(
        AttendanceConfirmation.objects.filter(meeting=meeting).values_list(
            "member__full_name", "reply"
        )
    )
    assert replies == {"Поліцейська Членкиня": "will_attend", "Директорка Центру": "will_not"}
    # the member sees their own answer, not the others'
    page = client.get(_meeting_url(meeting)).content.decode()
    assert 'data-testid="my-reply"' in page and "Поліцейська Членкиня" not in page


def test_the_secretariat_sees_the_answers_beside_the_recorded_attendance(
    client, secretariat, meeting, seated, council
):
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    services.meeting_attendance_confirm(
        actor=seated["police"], meeting_id=meeting.pk, reply="will_not"
    )
    services.meeting_attendance_record(
        actor=secretariat, meeting_id=meeting.pk, present_ids={council[0].pk}
    )
    client.force_login(secretariat)
    page = client.get(_meeting_url(meeting)).content.decode()
    row = page[page.index("Поліцейська Членкиня") :][:600]
    assert "не візьме участі" in row or "will not attend" in row
    assert "відсутн" in row or "absent" in row


def test_a_member_may_change_the_answer_until_the_meeting_is_held(
    secretariat, meeting, seated, council
):
    with pytest.raises(ValidationError, match="once the agenda is sent"):
        services.meeting_attendance_confirm(
            actor=seated["police"], meeting_id=meeting.pk, reply="will_attend"
        )
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    services.meeting_attendance_confirm(
        actor=seated["police"], meeting_id=meeting.pk, reply="will_attend"
    )
    again = services.meeting_attendance_confirm(
        actor=seated["police"], meeting_id=meeting.pk, reply="will_not"
    )
    assert again.reply == "will_not"
    assert AttendanceConfirmation.objects.filter(meeting=meeting).count() == 1


def test_who_does_not_serve_on_the_council_on_that_date_sees_nothing_and_cannot_answer(
    client, secretariat, meeting, seated, personas
):
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    for user in (seated["former"], personas["owner"], personas["executor"]):
        client.force_login(user)
        assert client.get(_meeting_url(meeting)).status_code == 404
        answer = client.post(
            reverse("programme:council:meeting_confirm", args=[meeting.pk]),
            {"reply": "will_attend"},
        )
        assert answer.status_code == 404
        with pytest.raises(PermissionDenied):
            services.meeting_attendance_confirm(
                actor=user, meeting_id=meeting.pk, reply="will_attend"
            )
    assert not AttendanceConfirmation.objects.exists()


def test_a_member_sees_no_control_list_and_no_other_meeting(client, secretariat, meeting, seated):
    earlier = services.meeting_create(
        actor=secretariat, number=1, day=date(2023, 6, 1), form="online"
    )
    client.force_login(seated["police"])
    assert client.get(_meeting_url(earlier)).status_code == 404
    assert client.get(_meeting_url(meeting)).status_code == 200
    assert client.get(reverse("programme:council:control")).status_code == 404
    assert client.get(reverse("programme:council:meetings")).status_code == 404


def test_a_member_is_linked_to_a_portal_account_by_login(secretariat, seated):
    linked = services.council_member_add(
        actor=secretariat,
        full_name="Нова Членкиня",
        position="посада",
        organisation=None,
        role=CouncilRole.MEMBER,
        date_from=date(2025, 1, 1),
        username="council-pol",
    )
    assert linked.user == seated["police"]
    with pytest.raises(ValidationError, match="no active portal account"):
        services.council_member_add(
            actor=secretariat,
            full_name="Хтось",
            position="посада",
            organisation=None,
            role=CouncilRole.MEMBER,
            date_from=date(2025, 1, 1),
            username="nobody-here",
        )
