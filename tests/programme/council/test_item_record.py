"""The record of an agenda item for the minutes (what was heard, who spoke) and a meeting's
attendance: two people of the secretariat writing one at once never write over each other
without seeing it — the later save keeps its entries in the form, shows the other's above them,
and replaces them only when saved again."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.models import AuditAction, AuditEvent
from portal.roles import Role
from programme.council import rules, services
from programme.council.models import AgendaItem
from tests.factories import member

STATE = re.compile(r'name="opened_state" value="([0-9a-f]+)"')


@pytest.fixture
def item(meeting) -> AgendaItem:
    return meeting.items.order_by("position").first()


@pytest.fixture
def colleague(organisations):
    return member(Role.SECRETARIAT, organisations["department"], "secretariat-2")


def _opened(client, item) -> str:
    page = client.get(f"/programme/council/items/{item.pk}/").content.decode()
    [state] = STATE.findall(page)
    return state


def _save(client, item, state: str, notes: str, speakers: str = ""):
    return client.post(
        f"/programme/council/items/{item.pk}/record/",
        {"notes": notes, "speakers": speakers, "opened_state": state},
    )


def test_the_record_is_saved_and_audited(client, secretariat, item):
    client.force_login(secretariat)
    response = _save(client, item, _opened(client, item), "Заслухали директора.", "Іваненко")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.notes, item.speakers) == ("Заслухали директора.", "Іваненко")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, detail="heard/spoke")
    assert (event.username, event.object_id) == (secretariat.username, str(item.pk))


def test_a_later_save_from_an_older_page_keeps_its_text_and_shows_the_other(
    client, secretariat, colleague, item
):
    client.force_login(secretariat)
    mine = _opened(client, item)
    client.force_login(colleague)
    theirs = _opened(client, item)
    assert _save(client, item, theirs, "Текст колеги").status_code == 302

    client.force_login(secretariat)
    refused = _save(client, item, mine, "Мій текст")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Хтось інший зберіг запис із цього питання, поки ви писали" in page
    assert 'data-testid="record-theirs"' in page and "Текст колеги" in page
    assert "Мій текст" in page  # still in the form, not lost
    item.refresh_from_db()
    assert item.notes == "Текст колеги"

    # Having seen theirs, saving again replaces it.
    [now] = STATE.findall(page)
    assert now == rules.record_state(notes="Текст колеги", speakers="")
    assert _save(client, item, now, "Мій текст").status_code == 302
    item.refresh_from_db()
    assert item.notes == "Мій текст"


def test_the_service_refuses_a_stale_state_and_writes_nothing(secretariat, item):
    with translation.override("uk"), pytest.raises(ValidationError, match="поки ви писали"):
        services.meeting_item_record(
            actor=secretariat, item_id=item.pk, notes="x", speakers="", opened_state="0" * 32
        )
    item.refresh_from_db()
    assert item.notes != "x"


def test_attendance_saved_meanwhile_is_shown_and_replaced_only_when_saved_again(
    client, secretariat, colleague, meeting, council
):
    url = f"/programme/council/meetings/{meeting.pk}/attendance/"
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)  # the agenda is sent
    client.force_login(secretariat)
    [mine] = STATE.findall(client.get(url).content.decode())
    client.force_login(colleague)
    [theirs] = STATE.findall(client.get(url).content.decode())
    head, secretary, member = council
    assert client.post(url, {"present": [head.pk], "opened_state": theirs}).status_code == 302

    client.force_login(secretariat)
    refused = client.post(url, {"present": [secretary.pk, member.pk], "opened_state": mine})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Хтось інший зберіг присутність" in page
    assert 'data-testid="attendance-theirs"' in page and head.full_name in page

    def present() -> set[int]:
        return set(meeting.attendance.filter(present=True).values_list("member_id", flat=True))

    assert present() == {head.pk}

    [now] = STATE.findall(page)
    assert now == rules.attendance_state([head.pk])
    answer = client.post(url, {"present": [secretary.pk, member.pk], "opened_state": now})
    assert answer.status_code == 302
    assert present() == {secretary.pk, member.pk}
