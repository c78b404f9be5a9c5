"""The worker's worklist on the dashboard: her tasks due today and overdue, the answers to her
referrals she has not seen, her referrals still waiting for an answer, and her high-risk cases
without an urgent order — from her own open cases only, in words, the late ones first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Task
from cases.services import task_add
from referrals import services
from referrals.models import Referral
from tests.cases.factories import register_case
from tests.orders.factories import urgent
from tests.referrals.conftest import send_shelter_referral
from tests.referrals.factories import catalogue_for_darnytskyi


def _section(client, key: str) -> str:
    page = client.get("/").content.decode()
    match = re.search(rf'data-testid="worklist-{key}">(.*?)</ul>', page, re.S)
    assert match, f"no worklist section {key}"
    return match.group(1)


def _count(section: str) -> int:
    return int(re.search(r'data-testid="worklist-count">(\d+)<', section).group(1))


def test_tasks_due_today_and_overdue_are_listed_most_overdue_first_with_how_late(
    client, owner, colleague
):
    case = register_case(owner)
    today = timezone.localdate()
    task_add(actor=owner, case_id=case.pk, title="Зателефонувати", due_date=today, assignee=owner)
    task_add(
        actor=owner,
        case_id=case.pk,
        title="Візит додому",
        due_date=today - timedelta(days=3),
        assignee=owner,
    )
    task_add(actor=owner, case_id=case.pk, title="Завтрашнє", due_date=today + timedelta(days=1))
    done = task_add(actor=owner, case_id=case.pk, title="Зроблене", due_date=today, assignee=owner)
    Task.objects.filter(pk=done.pk).update(done_at=timezone.now())
    # A colleague's task on her own case is hers, not the owner's.
    theirs = register_case(colleague)
    task_add(actor=colleague, case_id=theirs.pk, title="Чуже", due_date=today, assignee=colleague)

    client.force_login(owner)
    section = _section(client, "tasks")
    assert _count(section) == 2
    assert section.index("Візит додому") < section.index("Зателефонувати")
    assert "прострочено на 3 дні" in section and "сьогодні" in section
    assert "Завтрашнє" not in section and "Зроблене" not in section and "Чуже" not in section
    assert f"/cases/{case.pk}/#notes" in section


def test_an_answer_is_new_until_the_worker_opens_the_cases_referrals(
    client, owner, provider, organisations, django_capture_on_commit_callbacks
):
    catalogue_for_darnytskyi(organisations)
    referral = send_shelter_referral(owner, organisations)
    client.force_login(owner)
    assert _count(_section(client, "answers")) == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(actor=provider, referral_id=referral.pk)
    section = _section(client, "answers")
    assert _count(section) == 1
    assert referral.case.number in section
    assert "Притулок № 1 прийняв" in section and "shelter-1" not in section

    assert client.get(f"/referrals/case/{referral.case_id}/").status_code == 200
    assert _count(_section(client, "answers")) == 0


def test_a_decline_passed_on_is_new_and_the_next_provider_is_waited_for(
    client, owner, provider, organisations, django_capture_on_commit_callbacks
):
    catalogue_for_darnytskyi(organisations)
    referral = send_shelter_referral(owner, organisations)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decline(actor=provider, referral_id=referral.pk, reason="Немає місць")
    client.force_login(owner)
    answers = _section(client, "answers")
    assert "відмовив" in answers
    successor = Referral.objects.get(previous=referral)
    waiting = _section(client, "waiting")
    assert f"Притулок — {successor.provider.name}" in waiting


def test_referrals_waiting_say_by_whom_and_how_late(client, owner, organisations):
    catalogue_for_darnytskyi(organisations)
    referral = send_shelter_referral(owner, organisations)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(hours=5))
    client.force_login(owner)
    section = _section(client, "waiting")
    assert "Притулок № 1" in section
    assert "прострочено на 5 годин" in section
    assert "shelter" not in section.replace("Притулок", "")


def test_a_high_risk_case_without_an_urgent_order_waits_until_the_police_issue_one(
    client, owner, police
):
    case = register_case(owner, risk_answers={"threats_to_kill": True})
    assert case.risk_level == "high"
    calm = register_case(owner)
    client.force_login(owner)
    section = _section(client, "no_order")
    assert case.number in section and calm.number not in section

    urgent(police, case)
    section = _section(client, "no_order")
    assert case.number not in section and _count(section) == 0


def test_another_workers_cases_are_neither_listed_nor_counted(client, owner, colleague, outsider):
    case = register_case(colleague, risk_answers={"threats_to_kill": True})
    task_add(
        actor=colleague,
        case_id=case.pk,
        title="Колегине",
        due_date=timezone.localdate() - timedelta(days=1),
    )
    for user in (owner, outsider):
        client.force_login(user)
        page = client.get("/").content.decode()
        assert case.number not in page and "Колегине" not in page
        assert "Нічого не чекає на вас сьогодні." in page


@pytest.mark.parametrize("persona", ["provider", "police", "coordinator", "secretariat"])
def test_only_those_who_lead_cases_have_a_worklist(client, personas, persona):
    client.force_login(personas[persona])
    assert 'data-testid="worklist"' not in client.get("/").content.decode()


def test_a_long_worklist_shows_the_first_items_and_counts_all(client, owner):
    case = register_case(owner)
    today = timezone.localdate()
    for n in range(9):
        task_add(actor=owner, case_id=case.pk, title=f"Крок {n}", due_date=today, assignee=owner)
    client.force_login(owner)
    section = _section(client, "tasks")
    assert _count(section) == 9
    assert section.count('data-testid="worklist-item"') == 6
    assert "Показано 6 з 9" in client.get("/").content.decode()
