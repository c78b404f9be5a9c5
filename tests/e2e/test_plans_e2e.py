"""A worker makes a safety plan from the suggestions and prints it; she makes a case plan with
two actions and sends it; the head approves it on her phone.

Set PORTAL_LAYOUT_SCREENSHOTS=/tmp/layout to keep screenshots of the journey's pages.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from pypdf import PdfReader

from cases.models import CasePlan, CasePlanStatus, Task
from tests.cases.factories import register_case
from tests.e2e.test_layout_390 import DESKTOP, PHONE, _shoot, _too_wide


def test_worker_makes_both_plans_prints_one_and_the_head_approves_the_other(
    page, live_server, login_as, owner, head
):
    case = register_case(owner, risk_answers={"strangling": True, "weapon_access": True})
    page.set_viewport_size(DESKTOP)
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("button[data-bs-target='#section-plans']")
    page.click("[data-testid=safety-plan-open]")

    # The risk assessment's steps are proposed, already ticked.
    strangling = page.get_by_label("Стискання шиї може вбити", exact=False)
    assert strangling.is_checked()
    page.fill("#id_contacts-0-name", "Марія")
    page.fill("#id_contacts-0-phone", "050 999 88 77")
    page.fill("#id_contacts-0-relation", "сестра")
    page.check("[name=documents][value=passport]")
    assert _too_wide(page, DESKTOP["width"]) == []
    _shoot(page, "owner", "safety-plan", DESKTOP["width"])
    page.click("[data-testid=safety-plan-save]")
    assert "#section-plans" in page.url
    assert "Версія 1" in page.inner_text("[data-testid=safety-plan-version]")

    with page.expect_download() as download:
        page.click("#section-plans [data-testid=safety-plan-print]")
    pdf = PdfReader(download.value.path())
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Мої важливі контакти" in text and "Марія" in text
    assert case.number not in text

    # The case plan: a goal with two actions, one of them the worker's own task.
    page.click("[data-testid=case-plan-open]")
    page.click("[data-testid=goal-new]")
    page.fill("#id_text", "Безпечне житло")
    due = (timezone.localdate() + timedelta(days=5)).strftime("%d.%m.%Y")
    page.fill("#id_actions-0-text", "Місце в притулку через 15-00")
    page.select_option("#id_actions-0-responsible_person", str(owner.pk))
    page.fill("#id_actions-0-due_date", due)
    page.fill("#id_actions-1-text", "Консультація юриста")
    page.fill("#id_actions-1-due_date", due)
    _shoot(page, "owner", "goal-new", DESKTOP["width"])
    page.click("[data-testid=goal-save]")
    assert page.locator("[data-testid=plan-action]").count() == 2
    assert Task.objects.filter(case=case, assignee=owner, title__startswith="План: ").count() == 1
    page.click("[data-testid=case-plan-submit]")
    assert "Очікує затвердження" in page.inner_text("[data-testid=case-plan-status]")

    # The head, on her phone.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    login_as(page, head)
    page.goto(f"{live_server.url}/cases/{case.pk}/plans/case/")
    page.locator("[data-testid=awaiting-approval]").wait_for()
    assert _too_wide(page, PHONE["width"]) == []
    _shoot(page, "head", "case-plan", PHONE["width"])
    page.fill("#id_note", "Погоджено")
    page.click("[data-testid=case-plan-approve]")
    assert "Затверджено" in page.inner_text("[data-testid=case-plan-status]")
    assert CasePlan.objects.get(case=case).status == CasePlanStatus.APPROVED
    history = page.inner_text("[data-testid=case-plan-history]")
    assert "затверджено" in history and "Погоджено" in history
    for path in ("plans/safety/", "plans/case/goals/new/"):
        page.goto(f"{live_server.url}/cases/{case.pk}/{path}")
        assert _too_wide(page, PHONE["width"]) == [], path
