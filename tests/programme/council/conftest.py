"""A council with three members, a held meeting with one decision, and an assignment to the
Obolonskyi centre, whose executor reports on it."""

from __future__ import annotations

from datetime import date

import pytest

from portal.roles import Role
from programme.council import services
from programme.council.models import CouncilMember, CouncilRole, Meeting
from tests.factories import member


@pytest.fixture
def council(organisations):
    rows = [
        ("Голова Ради", CouncilRole.HEAD),
        ("Секретар Ради", CouncilRole.SECRETARY),
        ("Член Ради", CouncilRole.MEMBER),
    ]
    return [
        CouncilMember.objects.create(
            full_name=name, position="посада", role=role, date_from=date(2024, 1, 1)
        )
        for name, role in rows
    ]


@pytest.fixture
def meeting(secretariat, council):
    meeting = services.meeting_create(
        actor=secretariat, number=7, day=date(2026, 10, 1), form="mixed"
    )
    services.meeting_item_add(
        actor=secretariat,
        meeting_id=meeting.pk,
        title="Про проєкт Порядку взаємодії",
        presenter="Директор міського центру",
    )
    return meeting


@pytest.fixture
def held(secretariat, meeting, council):
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    services.meeting_attendance_record(
        actor=secretariat, meeting_id=meeting.pk, present_ids={council[0].pk, council[1].pk}
    )
    services.meeting_advance(actor=secretariat, meeting_id=meeting.pk)
    return Meeting.objects.get(pk=meeting.pk)


@pytest.fixture
def decision(secretariat, held):
    return services.decision_add(
        actor=secretariat, item_id=held.items.get().pk, text="Схвалити проєкт Порядку."
    )


@pytest.fixture
def assignment(secretariat, decision, organisations):
    return services.assignment_add(
        actor=secretariat,
        decision_id=decision.pk,
        assignee=organisations["css_obolonskyi"],
        text="Підготувати проєкт розпорядження",
        responsible="Директор ЦСС",
        deadline=date(2026, 11, 1),
    )


@pytest.fixture
def obolon_executor(organisations):
    return member(Role.EXECUTOR, organisations["css_obolonskyi"], "obolon-executor")


@pytest.fixture(autouse=True)
def _refusals_in_english():
    """Service refusals are matched by their English msgids here; what users read is checked
    through pages, which speak the request's language (Ukrainian first)."""
    from django.utils import translation

    with translation.override("en"):
        yield
