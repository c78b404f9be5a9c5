"""An agenda item presents a draft of the interaction procedure; once the meeting is held, the
draft is "presented to the council" on the meeting's date, and the item says so."""

from __future__ import annotations

from datetime import date

from programme.council import services
from referrals import services as referral_services
from referrals.models import ProcedureStatus


def test_holding_the_meeting_marks_the_draft_its_agenda_presented(
    client, secretariat, coordinator, council
):
    draft = referral_services.procedure_create(
        actor=coordinator, title="Порядок взаємодії у місті Києві", label="проєкт 2026"
    )
    meeting = services.meeting_create(
        actor=secretariat, number=8, day=date(2026, 10, 17), form="mixed"
    )
    item = services.meeting_item_add(
        actor=secretariat, meeting_id=meeting.pk, title="Про проєкт Порядку", procedure=draft
    )
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    draft.refresh_from_db()
    assert draft.status == ProcedureStatus.DRAFT  # the agenda is sent, the meeting not held
    services.meeting_attendance_record(
        actor=secretariat, meeting_id=meeting.pk, present_ids={council[0].pk, council[1].pk}
    )
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    draft.refresh_from_db()
    assert (draft.status, draft.presented_on) == (ProcedureStatus.PRESENTED, date(2026, 10, 17))

    client.force_login(secretariat)
    page = client.get(f"/programme/council/items/{item.pk}/").content.decode()
    assert "Представляє" in page and "проєкт 2026" in page
