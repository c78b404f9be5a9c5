"""The daily tools in the browser, on a desktop and on a phone: the coordinator changes a rule of
the routing policy through its form and publishes it; the worker meets her worklist, saves a
filter of the case list and uses it, and prints a case summary. No page is wider than the
screen and axe finds nothing serious on the new pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import SavedFilter
from cases.services import task_add
from referrals.models import RoutingPolicy
from tests.cases.factories import register_case
from tests.e2e.test_accessibility import _violations
from tests.e2e.test_layout_390 import DESKTOP, PHONE, _shoot

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366px", "390px"])


def _fits(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@VIEWPORTS
def test_the_coordinator_changes_a_rule_through_its_form_and_publishes_it(
    page, live_server, login_as, coordinator, viewport
):
    page.set_viewport_size(viewport)
    login_as(page, coordinator)
    page.goto(f"{live_server.url}/referrals/policy/")
    shelter = page.locator("[data-testid=policy-rule]", has_text="Притулок").first
    assert "R6" not in page.inner_text("main")
    shelter.locator("[data-testid=rule-edit]").click()
    page.locator("[data-testid=rule-form]").wait_for()
    _fits(page, viewport)
    assert _violations(page) == []
    _shoot(page, "coordinator", "policy-rule", viewport["width"])

    page.fill("#id_deadline_amount", "3")
    page.select_option("#id_deadline_unit", "days")
    page.click("[data-testid=rule-save]")
    assert "Правило змінено в чернетці" in page.inner_text("main")
    page.locator("[data-testid=draft-changed]").wait_for()
    assert RoutingPolicy.objects.get(is_active=True).version == 1

    page.fill("#policy-note", "Притулок: строк відповіді 3 дні")
    page.click("[data-testid=policy-publish]")
    assert "Версія політики 2 тепер чинна." in page.inner_text("main")
    active = RoutingPolicy.objects.get(is_active=True)
    assert active.version == 2
    rule = next(r for r in active.rules if r["service"] == "shelter")
    assert rule["deadline"]["default"] == {"days": 3}
    _fits(page, viewport)


@VIEWPORTS
def test_the_worker_meets_her_worklist_saves_a_filter_and_prints_a_summary(
    page, live_server, login_as, owner, viewport
):
    case = register_case(owner, risk_answers={"threats_to_kill": True})
    task_add(
        actor=owner,
        case_id=case.pk,
        title="Візит додому",
        due_date=timezone.localdate() - timedelta(days=2),
        assignee=owner,
    )
    page.set_viewport_size(viewport)
    login_as(page, owner)
    worklist = page.locator("[data-testid=worklist]")
    assert "Візит додому" in worklist.inner_text()
    assert "прострочено на 2 дні" in worklist.inner_text()
    assert case.number in page.inner_text("[data-testid=worklist-no_order]")
    _fits(page, viewport)
    _shoot(page, "owner", "worklist", viewport["width"])

    page.goto(f"{live_server.url}/cases/?risk_level=high&mine=on")
    page.fill("#saved-filter-name", "Мої високого ризику")
    page.click("[data-testid=save-filter] button")
    assert SavedFilter.objects.filter(user=owner, name="Мої високого ризику").exists()
    page.goto(f"{live_server.url}/cases/")
    page.click("[data-testid=saved-filter] a")
    assert "risk_level=high" in page.url
    assert case.number in page.inner_text("[data-testid=case-table]")
    _fits(page, viewport)
    assert _violations(page) == []

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    with page.expect_download() as download:
        page.click("[data-testid=case-print]")
    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert case.number in text and "Візит додому" in text
