"""One person across cases: the cases of hers the user may see, her role in each, repeat flags,
and only a count of the cases the user may not see; a person in no case the user sees is
answered like one that does not exist; the read is audited."""

from __future__ import annotations

import pytest

from cases.models import ParticipantRole
from portal.models import AuditEvent
from tests.cases.factories import person, register_case


@pytest.fixture
def victim_in_three_cases(owner, outsider):
    first = register_case(owner, victim=person("Гайдамаченко", "Соломія"))
    second = register_case(owner, victim=person("Гайдамаченко", "Соломія"))
    elsewhere = register_case(outsider, victim=person("Гайдамаченко", "Соломія"))
    victim = first.participants.get(role=ParticipantRole.VICTIM).person
    for case in (second, elsewhere):
        case.participants.filter(role=ParticipantRole.VICTIM).update(person=victim)
    return victim, first, second, elsewhere


def test_a_worker_sees_her_cases_of_the_person_and_a_count_of_the_others(
    client, owner, victim_in_three_cases
):
    victim, first, second, elsewhere = victim_in_three_cases
    client.force_login(owner)
    answer = client.get(f"/cases/people/{victim.pk}/")
    page = answer.content.decode()
    assert answer.status_code == 200
    assert first.number in page and second.number in page
    assert elsewhere.number not in page
    assert "Особа є ще в 1 випадку, якого ви не бачите." in page
    assert 'data-testid="repeat-victim"' in page
    assert AuditEvent.objects.filter(
        action="view", object_type="cases.person", object_id=str(victim.pk)
    ).exists()
    # The person's page of a case links here.
    edit = client.get(f"/cases/{first.pk}/people/{victim.pk}/").content.decode()
    assert f'href="/cases/people/{victim.pk}/"' in edit


def test_a_person_in_no_case_one_sees_is_answered_like_a_missing_one(
    client, owner, outsider, personas
):
    theirs = register_case(outsider, victim=person("Недоторканна", "Ліна"))
    victim = theirs.participants.get(role=ParticipantRole.VICTIM).person
    for name in ("owner", "provider", "secretariat", "executor", "police"):
        client.force_login(personas[name])
        for url in (f"/cases/people/{victim.pk}/", "/cases/people/987654321/"):
            answer = client.get(url)
            assert answer.status_code == 404, (name, url)
            assert "Недоторканна" not in answer.content.decode()


def test_a_person_in_one_case_has_no_repeat_flag_and_no_count(client, owner):
    case = register_case(owner, victim=person("Гайдамаченко", "Соломія"))
    victim = case.participants.get(role=ParticipantRole.VICTIM).person
    client.force_login(owner)
    page = client.get(f"/cases/people/{victim.pk}/").content.decode()
    assert 'data-testid="repeat-victim"' not in page
    assert 'data-testid="person-other-cases"' not in page
