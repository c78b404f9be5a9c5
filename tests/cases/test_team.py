"""The multidisciplinary team: the case's worker convenes it, its members read the case for the
team's lifetime only (a police officer does; a shelter's staff member sees the team's page, not
the case), conferences record decisions that become the owners' tasks with a reminder, and the
record prints. Outsiders meet a 404; a member who may not manage the team, a 403."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases.models import CaseUserObjectPermission, Task
from cases.selectors import cases_visible_to
from cases.tasks import remind_tasks_due
from cases.team import services
from cases.team.models import CaseTeam, ConferenceDecision, TeamMember
from portal.models import AuditAction, AuditEvent, Membership, Notification
from tests.cases.factories import register_case
from tests.cases.pages import case_tab

TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _on_a_tuesday():
    with time_machine.travel("2026-12-01 10:00 +02:00", tick=False):
        yield


@pytest.fixture
def case(owner):
    return register_case(owner)


@pytest.fixture
def team(owner, case):
    return services.team_convene(
        actor=owner,
        case_id=case.pk,
        purpose="Складний випадок: діти, повторне насильство",
        ends_on=TODAY + timedelta(days=30),
    )


def _add(actor, team, user, role="police"):
    membership = Membership.objects.get(user=user)
    return services.team_member_add(
        actor=actor, team_id=team.pk, membership_id=membership.pk, role=role
    )


def _sees(user, case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


# --- members and their access -----------------------------------------------------------------


def test_a_police_member_reads_the_case_until_the_teams_last_day_and_not_after(
    owner, police, case, team
):
    assert not _sees(police, case)
    member = _add(owner, team, police)
    assert member.reads_case and _sees(police, case)
    grant = CaseUserObjectPermission.objects.get(user=police, content_object=case)
    assert grant.reason == f"team:{team.pk}"
    with time_machine.travel("2026-12-31 23:59 +02:00", tick=False):
        assert _sees(police, case)
    with time_machine.travel("2027-01-01 00:01 +02:00", tick=False):
        assert not _sees(police, case)


def test_a_services_member_sees_the_teams_page_but_never_the_case(
    client, owner, provider, case, team
):
    member = _add(owner, team, provider, role="specialised")
    assert not member.reads_case and not _sees(provider, case)
    client.force_login(provider)
    page = client.get(f"/cases/teams/{team.pk}/")
    assert page.status_code == 200
    assert case.number in page.content.decode()
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        user=provider, action=AuditAction.VIEW, object_type="cases.caseteam"
    ).exists()
    assert Notification.objects.filter(user=provider, url=f"/cases/teams/{team.pk}/").exists()


def test_leaving_and_closing_end_the_access_and_the_team_page_for_the_member(
    client, owner, police, provider, case, team
):
    police_member = _add(owner, team, police)
    _add(owner, team, provider, role="specialised")
    services.team_member_remove(actor=owner, team_id=team.pk, member_id=police_member.pk)
    assert not _sees(police, case)
    client.force_login(police)
    assert client.get(f"/cases/teams/{team.pk}/").status_code == 404
    services.team_close(actor=owner, team_id=team.pk, reason="Мету досягнуто")
    client.force_login(provider)
    assert client.get(f"/cases/teams/{team.pk}/").status_code == 404
    assert not TeamMember.objects.filter(team=team, left_at__isnull=True).exists()
    assert not CaseUserObjectPermission.objects.filter(reason=f"team:{team.pk}").exists()


def test_a_coordinators_own_longer_grant_outlives_the_team(owner, coordinator, police, case, team):
    from cases.access import case_grant_access

    case_grant_access(actor=coordinator, case_id=case.pk, username="police")  # for 30 days
    services.team_extend(actor=owner, team_id=team.pk, ends_on=TODAY + timedelta(days=7))
    _add(owner, team, police)
    services.team_close(actor=owner, team_id=team.pk, reason="Мету досягнуто")
    assert _sees(police, case)


def test_extending_the_team_extends_its_members_access(owner, police, case, team):
    _add(owner, team, police)
    services.team_extend(actor=owner, team_id=team.pk, ends_on=TODAY + timedelta(days=90))
    with time_machine.travel("2027-02-15 12:00 +02:00", tick=False):
        assert _sees(police, case)


def test_a_confidential_cases_members_do_not_read_it(owner, police):
    secret = register_case(owner, confidential=True)
    team = services.team_convene(
        actor=owner, case_id=secret.pk, purpose="Конфіденційно", ends_on=TODAY
    )
    assert not _add(owner, team, police).reads_case
    assert not _sees(police, secret)


# --- who may do what --------------------------------------------------------------------------


def test_one_working_team_per_case_and_none_ending_in_the_past(owner, case, team):
    with translation.override("uk"):
        with pytest.raises(ValidationError) as twice:
            services.team_convene(actor=owner, case_id=case.pk, purpose="Ще", ends_on=TODAY)
        assert twice.value.messages == ["Випадок уже має робочу команду."]
        services.team_close(actor=owner, team_id=team.pk, reason="Переїзд")
        with pytest.raises(ValidationError) as past:
            services.team_convene(
                actor=owner, case_id=case.pk, purpose="Ще", ends_on=TODAY - timedelta(days=1)
            )
        assert past.value.messages == ["Команда не може завершити роботу в минулому."]


def test_the_coordinator_convenes_and_another_districts_worker_cannot(coordinator, outsider, case):
    assert services.team_convene(
        actor=coordinator, case_id=case.pk, purpose="Скликано координатором", ends_on=TODAY
    )
    with pytest.raises(PermissionDenied):
        services.team_convene(actor=outsider, case_id=case.pk, purpose="x", ends_on=TODAY)


@pytest.mark.parametrize("persona", ["outsider", "provider", "police", "secretariat", "executor"])
def test_the_team_and_its_conference_are_404_to_those_outside_it(
    client, personas, owner, team, persona
):
    conference = _conference(owner, team)
    client.force_login(personas[persona])
    for url in (
        f"/cases/teams/{team.pk}/",
        f"/cases/conferences/{conference.pk}/",
        f"/cases/conferences/{conference.pk}/print/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/cases/teams/{team.pk}/close/", {"reason": "x"}).status_code == 404
    assert CaseTeam.objects.get().is_open


def test_a_member_reads_the_team_but_may_not_change_it(client, owner, police, outsider, team):
    _add(owner, team, police)
    client.force_login(police)
    assert client.get(f"/cases/teams/{team.pk}/").status_code == 200
    other = Membership.objects.get(user=outsider)
    answer = client.post(
        f"/cases/teams/{team.pk}/members/", {"membership": other.pk, "role": "other"}
    )
    assert answer.status_code == 403
    assert team.members.count() == 1


def test_a_person_not_on_the_candidates_list_is_refused_at_the_field(client, owner, team):
    client.force_login(owner)
    answer = client.post(f"/cases/teams/{team.pk}/members/", {"membership": "999999", "role": "x"})
    assert answer.status_code == 400
    assert set(answer.context["member_form"].errors) == {"membership", "role"}
    assert not team.members.exists()


# --- conferences ------------------------------------------------------------------------------


def _conference(owner, team, **overrides):
    if not team.members.filter(user=owner).exists():
        _add(owner, team, owner, role="case_manager")
    me = team.members.get(user=owner)
    values = {
        "actor": owner,
        "team_id": team.pk,
        "held_on": TODAY,
        "form": "in_person",
        "situation": "Постраждала з двома дітьми у притулку.",
        "case_manager_id": owner.pk,
        "present_ids": [me.pk],
        "next_review": TODAY + timedelta(days=14),
        "decisions": [services.DecisionInput("Подати заяву до суду", owner.pk, TODAY)],
    }
    return services.conference_record(**(values | overrides))


def test_a_conferences_decisions_become_tasks_of_their_owners_and_are_reminded_once(
    owner, police, team
):
    police_member = _add(owner, team, police)
    _add(owner, team, owner, role="case_manager")
    conference = _conference(
        owner,
        team,
        decisions=[
            services.DecisionInput("Перевірити виконання припису", police.pk, TODAY + timedelta(1)),
            services.DecisionInput("Скласти план безпеки", owner.pk, TODAY + timedelta(7)),
        ],
        present_ids=[police_member.pk, team.members.get(user=owner).pk],
    )
    decisions = list(ConferenceDecision.objects.filter(conference=conference))
    assert [(d.number, d.owner, d.task.assignee) for d in decisions] == [
        (1, police, police),
        (2, owner, owner),
    ]
    assert decisions[0].task.case == team.case
    assert remind_tasks_due() == 1  # only the one due tomorrow
    assert remind_tasks_due() == 0  # a second delivery sends nothing twice
    notice = Notification.objects.get(user=police, title="Завдання на завтра")
    assert notice.url == f"/cases/conferences/{conference.pk}/"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": TODAY + timedelta(days=1)}, "held_on"),
        ({"present_ids": []}, "present"),
        ({"present_ids": [999999]}, "present"),
        ({"next_review": TODAY}, "next_review"),
        ({"decisions": [services.DecisionInput("x", 999999, TODAY)]}, "decisions"),
        ({"decisions": [services.DecisionInput("x", 0, TODAY - timedelta(days=1))]}, "decisions"),
    ],
)
def test_a_conference_the_rules_refuse_records_nothing(owner, outsider, team, overrides, field):
    _add(owner, team, owner, role="case_manager")
    if "decisions" in overrides and overrides["decisions"][0].owner_id == 0:
        overrides = {"decisions": [services.DecisionInput("x", owner.pk, TODAY - timedelta(1))]}
    with pytest.raises(ValidationError) as refused:
        _conference(owner, team, **overrides)
    assert field in refused.value.message_dict
    assert not ConferenceDecision.objects.exists()
    assert not Task.objects.exists()


def test_the_conference_is_recorded_in_the_browser_and_its_record_prints(client, owner, team):
    me = _add(owner, team, owner, role="case_manager")
    client.force_login(owner)
    form = client.get(f"/cases/teams/{team.pk}/conferences/new/")
    assert form.status_code == 200
    answer = client.post(
        f"/cases/teams/{team.pk}/conferences/new/",
        {
            "held_on": "01.12.2026",
            "form": "online",
            "present": [me.pk],
            "situation": "Ситуація стабільна.",
            "case_manager": owner.pk,
            "next_review": "15.12.2026",
            "decision_1_text": "Супровід до суду",
            "decision_1_owner": owner.pk,
            "decision_1_due": "10.12.2026",
            "decision_2_text": "Без виконавця",
        },
    )
    assert answer.status_code == 400  # the second decision has no owner and no due date
    assert set(answer.context["form"].errors) == {"decision_2_owner", "decision_2_due"}
    assert not ConferenceDecision.objects.exists()
    answer = client.post(
        f"/cases/teams/{team.pk}/conferences/new/",
        {
            "held_on": "01.12.2026",
            "form": "online",
            "present": [me.pk],
            "situation": "Ситуація стабільна.",
            "case_manager": owner.pk,
            "decision_1_text": "Супровід до суду",
            "decision_1_owner": owner.pk,
            "decision_1_due": "10.12.2026",
        },
    )
    decision = ConferenceDecision.objects.get()
    assert answer.status_code == 302
    assert answer.url == f"/cases/conferences/{decision.conference_id}/"
    pdf = client.get(f"/cases/conferences/{decision.conference_id}/print/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(
        user=owner, action=AuditAction.DOWNLOAD, object_type="cases.conference"
    ).exists()


def test_the_case_page_has_the_team_tab_for_its_worker_and_not_for_the_police_who_opened_it(
    client, owner, police, organisations
):
    opened_by_police = register_case(police)
    assert opened_by_police.owner == organisations["css_darnytskyi"]
    client.force_login(owner)
    assert 'id="section-team"' in client.get(f"/cases/{opened_by_police.pk}/").content.decode()
    tab = case_tab(client, opened_by_police, "team").content.decode()
    assert 'data-testid="team-convene"' in tab
    client.force_login(police)
    page = client.get(f"/cases/{opened_by_police.pk}/")
    assert page.status_code == 200 and 'id="section-team"' not in page.content.decode()
    assert case_tab(client, opened_by_police, "team").status_code == 404
    assert timezone.localdate() == TODAY


def test_the_audit_log_names_a_team_and_a_conference_by_their_case_and_finds_them_by_it(
    owner, case, team
):
    from portal.audit_labels import labels_for, scope_objects

    conference = _conference(owner, team)
    with translation.override("uk"):
        labels = labels_for(
            [("cases.caseteam", str(team.pk)), ("cases.conference", str(conference.pk))]
        )
    assert labels["cases.caseteam", str(team.pk)] == (
        f"мультидисциплінарна команда № {team.pk} (у випадку {case.number})"
    )
    assert labels["cases.conference", str(conference.pk)] == (
        f"кейс-конференція № {conference.pk} (у випадку {case.number})"
    )
    # Filtering the log by the case's number finds what the team did.
    found = scope_objects("case", case.number)
    assert found["cases.caseteam"] == {str(team.pk)}
    assert found["cases.conference"] == {str(conference.pk)}
