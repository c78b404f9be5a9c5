"""The council's members are listed in its own order of precedence — head, deputy, secretary,
members — on the meeting page, the attendance form and the minutes, not by the stored role
code (which sorts "deputy" before "head" and "member" before "secretary")."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from programme.council import services
from programme.council.models import CouncilMember, CouncilRole
from tests.programme.council.test_outputs import _text

pytestmark = pytest.mark.django_db

# Names in alphabetical order opposite to the council's order, so neither the code nor the
# name can produce the expected order by accident.
IN_COUNCIL_ORDER = [
    ("Ящук Голова", CouncilRole.HEAD),
    ("Шевчук Заступниця", CouncilRole.DEPUTY),
    ("Мельник Секретар", CouncilRole.SECRETARY),
    ("Бойко Член", CouncilRole.MEMBER),
    ("Антонюк Членкиня", CouncilRole.MEMBER),
]
EXPECTED = [
    "Ящук Голова",
    "Шевчук Заступниця",
    "Мельник Секретар",
    "Антонюк Членкиня",
    "Бойко Член",
]


@pytest.fixture
def recorded(secretariat, organisations):
    members = [
        CouncilMember.objects.create(
            full_name=name, position="посада", role=role, date_from=date(2024, 1, 1)
        )
        for name, role in IN_COUNCIL_ORDER
    ]
    meeting = services.meeting_create(
        actor=secretariat, number=3, day=date(2026, 10, 1), form="in_person"
    )
    services.meeting_item_add(actor=secretariat, meeting_id=meeting.pk, title="Питання")
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    services.meeting_attendance_record(
        actor=secretariat, meeting_id=meeting.pk, present_ids={m.pk for m in members}
    )
    return meeting


def _order_in(text: str) -> list[str]:
    return sorted(EXPECTED, key=text.index)


def test_the_meeting_page_lists_attendance_head_deputy_secretary_then_members(
    client, secretariat, recorded
):
    client.force_login(secretariat)
    page = client.get(reverse("programme:council:meeting", args=[recorded.pk])).content.decode()
    assert _order_in(page) == EXPECTED


def test_the_attendance_form_offers_the_members_in_the_councils_order(
    client, secretariat, recorded
):
    client.force_login(secretariat)
    page = client.get(reverse("programme:council:attendance", args=[recorded.pk]))
    assert _order_in(page.content.decode()) == EXPECTED


def test_the_minutes_name_the_present_in_the_councils_order(client, secretariat, recorded):
    client.force_login(secretariat)
    pdf = client.get(reverse("programme:council:minutes", args=[recorded.pk])).content
    text = _text(pdf)
    # The "present" paragraph names each member with their position after a dash.
    start = min(text.index(f"{name} — посада") for name in EXPECTED)
    present = text[start : start + 400]
    assert _order_in(present) == EXPECTED
