"""The case's lead in the browser, on a desktop and on a phone: a worker asks to close and the
head approves; the head gives a case to another worker; the Darnytskyi centre hands a case to
the Obolonskyi centre, whose head accepts it."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseStatus, CaseTransfer, TransferStatus
from portal.roles import Role
from tests.cases.factories import register_case
from tests.e2e.test_layout_390 import DESKTOP, PHONE, _too_wide
from tests.factories import member

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])


def _case_for(owner) -> Case:
    case = register_case(owner)
    Case.objects.filter(pk=case.pk).update(responsible=owner)
    return Case.objects.get(pk=case.pk)


def _sign_out(page, live_server) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/account/login/")


@VIEWPORTS
def test_a_worker_asks_to_close_and_the_head_approves(
    page, live_server, login_as, owner, head, viewport
):
    case = _case_for(owner)
    page.set_viewport_size(viewport)
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("[data-testid=closure-toggle]")
    page.select_option("#id_closure-reason", "other")
    page.click("[data-testid=closure-submit]")
    # "Other" without words is refused at the field, and nothing is asked.
    assert "Напишіть словами" in page.inner_text("[data-testid=closure-form]")
    page.fill("#id_closure-reason_text", "Постраждала виїхала за кордон")
    page.click("[data-testid=closure-submit]")
    assert page.locator("[data-testid=closure-requested]").is_visible()
    assert _too_wide(page, viewport["width"]) == []

    _sign_out(page, live_server)
    login_as(page, head)
    page.click(f"[data-testid=pending-closures] a[href^='/cases/{case.pk}/']")
    assert "Постраждала виїхала за кордон" in page.inner_text("[data-testid=closure-pending]")
    assert _too_wide(page, viewport["width"]) == []
    page.fill("#id_answer-comment", "Погоджую")
    page.click("[data-testid=closure-approve]")
    assert page.inner_text("[data-testid=case-status]") == "Закрито"
    assert "інша причина: Постраждала виїхала за кордон" in page.inner_text(
        "[data-testid=close-reason]"
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


@VIEWPORTS
def test_the_head_gives_a_case_to_another_worker(
    page, live_server, login_as, owner, colleague, head, viewport
):
    case = _case_for(owner)
    page.set_viewport_size(viewport)
    login_as(page, head)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("[data-testid=reassign-toggle]")
    page.select_option("#id_reassign-worker", str(colleague.pk))
    page.click("[data-testid=reassign-submit]")
    assert str(colleague) in page.inner_text("main")
    assert _too_wide(page, viewport["width"]) == []
    assert Case.objects.get(pk=case.pk).responsible == colleague
    page.click("[data-testid=timeline-tab]")
    assert "Відповідальний працівник" in page.inner_text("[data-testid=timeline]")


@VIEWPORTS
def test_darnytskyi_hands_a_case_to_obolonskyi_whose_head_accepts(
    page, live_server, login_as, owner, outsider, organisations, viewport
):
    obolon_head = member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")
    case = _case_for(owner)
    page.set_viewport_size(viewport)
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("[data-testid=transfer-toggle]")
    page.select_option("#id_transfer-to_organisation", str(organisations["css_obolonskyi"].pk))
    page.fill("#id_transfer-reason", "Постраждала переїхала на Оболонь")
    page.check("#id_transfer-keep_read")
    page.click("[data-testid=transfer-submit]")
    assert page.locator("[data-testid=transfer-waiting]").is_visible()
    assert _too_wide(page, viewport["width"]) == []

    _sign_out(page, live_server)
    login_as(page, obolon_head)
    page.click("[data-testid=incoming-transfers] a")
    assert "Постраждала переїхала на Оболонь" in page.inner_text("[data-testid=transfer-reason]")
    assert _too_wide(page, viewport["width"]) == []
    page.select_option("#id_accept-responsible", str(outsider.pk))
    page.check("#id_accept-keep_read")
    page.click("[data-testid=transfer-accept]")
    assert page.inner_text("[data-testid=transfer-status]") == "прийнято"
    page.click("[data-testid=open-case]")
    assert case.number in page.inner_text("[data-testid=case-number]")
    transfer = CaseTransfer.objects.get()
    assert (transfer.status, transfer.keep_read_granted) == (TransferStatus.ACCEPTED, True)
    assert Case.objects.get(pk=case.pk).owner == organisations["css_obolonskyi"]
