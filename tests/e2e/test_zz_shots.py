import pytest
from tests.e2e.test_layout_390 import DESKTOP, PHONE
from tests.cases.factories import register_case
from cases.services import task_add
from django.utils import timezone
from datetime import timedelta

@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["d", "p"])
def test_shots(page, live_server, login_as, coordinator, owner, size):
    page.set_viewport_size(size)
    login_as(page, coordinator)
    page.goto(f"{live_server.url}/referrals/policy/")
    page.screenshot(path=f"/tmp/shot-policy-{size['width']}.png", full_page=True)
    page.click("[data-testid=policy-rule]:nth-child(6) [data-testid=rule-edit]")
    page.screenshot(path=f"/tmp/shot-rule-{size['width']}.png", full_page=True)
    page.fill("#id_deadline_amount", "3")
    page.click("[data-testid=rule-save]")
    page.screenshot(path=f"/tmp/shot-saved-{size['width']}.png", full_page=True)
    w = page.evaluate("document.documentElement.scrollWidth")
    print("width", w)
    page.context.clear_cookies()
    case = register_case(owner, risk_answers={"threats_to_kill": True})
    task_add(actor=owner, case_id=case.pk, title="Візит додому", due_date=timezone.localdate() - timedelta(days=2), assignee=owner)
    login_as(page, owner)
    page.goto(f"{live_server.url}/")
    page.screenshot(path=f"/tmp/shot-dash-{size['width']}.png", full_page=True)
    page.goto(f"{live_server.url}/cases/?risk_level=high&mine=on")
    page.fill("#saved-filter-name", "Мої високого ризику")
    page.click("[data-testid=save-filter] button")
    page.screenshot(path=f"/tmp/shot-list-{size['width']}.png", full_page=False)
    print("width2", page.evaluate("document.documentElement.scrollWidth"))
