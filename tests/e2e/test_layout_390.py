"""Every role's main pages fit a 390 px phone and a 1366 px desktop: the page never scrolls
sideways, the header folds into a menu button that opens by mouse and by keyboard, and on the
phone every button, field and menu entry is at least 44 px tall.

Set PORTAL_LAYOUT_SCREENSHOTS=/tmp/layout to keep a full-page screenshot of each page at both
widths (for looking at them, which a scrollWidth check cannot replace).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from cases.lifecycle import services as lifecycle
from cases.lifecycle import transfers
from cases.team import services as team_services
from orders import services as order_services
from portal.models import District
from portal.roles import Role
from programme.models import Indicator, Measure, Programme, ProgrammeTask
from programme.structure.services import record_version
from referrals import services as referral_services
from referrals.models import Referral
from tests.cases.factories import register_case
from tests.cases.plans.factories import case_plan, safety_plan
from tests.factories import member
from tests.orders.factories import urgent
from tests.referrals.factories import catalogue_for_darnytskyi

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
TAP_TARGET = 44  # px: WCAG 2.5.5 and the platforms' guidance for a finger

# Each role's dashboard, its lists and the forms it fills most; "{…}" is a row made below.
PAGES = {
    "owner": [
        "/",
        "/cases/",
        "/cases/new/",
        "/cases/{case}/",
        "/cases/{case}/people/{victim}/",
        "/cases/{case}/plans/safety/",
        "/cases/{case}/plans/case/",
        "/cases/{case}/plans/case/goals/{goal}/",
        "/orders/case/{case}/programme/new/",
        "/orders/programme/{programme}/",
        "/referrals/",
        "/referrals/case/{case}/",
        "/notifications/",
        "/cases/teams/{team}/",
        "/cases/teams/{team}/conferences/new/",
        "/cases/conferences/{conference}/",
    ],
    # The head of the Darnytskyi centre: the dashboard, a closure to approve, a transfer to answer.
    "head": [
        "/",
        "/cases/{closure_case}/",
        "/cases/transfers/{transfer}/",
        "/cases/people/{victim}/",
        "/cases/people/{victim}/duplicates/",
    ],
    "police": [
        "/",
        "/orders/",
        "/orders/urgent/new/",
        "/orders/{order}/",
        "/orders/calendar/",
        "/orders/case/{case}/preventive/new/",
        "/orders/preventive/{preventive}/",
        "/referrals/",
        "/referrals/{notice}/",
    ],
    "provider": [
        "/",
        "/referrals/",
        "/referrals/?all=1",
        "/referrals/{referral}/",
        "/referrals/{accepted}/",
        "/referrals/capacity/",
        "/notifications/",
    ],
    "coordinator": [
        "/",
        "/cases/",
        "/cases/{case}/plans/safety/",
        "/cases/{case}/plans/case/",
        "/referrals/",
        "/referrals/policy/",
        "/referrals/holidays/",
        "/referrals/capacity/",
        "/orders/statistics/",
        "/programme/statistics/",
        "/audit/",
    ],
    "secretariat": [
        "/",
        "/orders/",
        "/programme/",
        "/programme/measures/{measure}/",
        "/programme/reports/",
        "/programme/council/",
        "/programme/council/assignments/",
        "/programme/council/memoranda/",
        "/programme/council/members/",
        "/programme/programmes/",
        "/programme/programmes/new/",
        "/programme/programmes/{plan}/",
        "/programme/programmes/{plan}/as-of/?day=01.12.2026",
        "/programme/programmes/{plan}/windows/",
        "/programme/programmes/measures/{measure}/",
    ],
    "executor": ["/", "/programme/", "/programme/measures/{measure}/", "{progress_form}"],
    "admin": ["/", "/audit/"],
}


@pytest.fixture
def demo_rows(owner, police, provider, executor, organisations, head, outsider):
    """A high-risk case routed to the shelter, an urgent order on it, and the demo programme:
    enough for every list and detail page to show real rows."""
    catalogue_for_darnytskyi(organisations)
    case = register_case(
        owner,
        risk_answers={"threats_to_kill": True},
        needs=["shelter", "legal"],
        consent_to_share=True,
    )
    plan = referral_services.referral_plan_for_case(actor=owner, case_id=case.pk)
    referral_services.referral_apply_plan(actor=owner, plan_id=plan.pk)
    # A mother with two children the shelter took in: its inbox has a stay in work.
    mother = register_case(owner, needs=["shelter"], accompanying_children=2, consent_to_share=True)
    plan = referral_services.referral_plan_for_case(actor=owner, case_id=mother.pk)
    referral_services.referral_apply_plan(actor=owner, plan_id=plan.pk)
    accepted = referral_services.referral_accept(
        actor=provider,
        referral_id=Referral.objects.get(case=mother, provider=organisations["shelter"]).pk,
    )
    order = urgent(police, case, number="ТЗП-2026-000123")
    preventive = order_services.preventive_record_take(
        actor=police,
        case_id=case.pk,
        basis="order",
        order_id=order.pk,
        taken_on=timezone.localdate(),
    )
    offender_programme = order_services.offender_programme_refer(
        actor=owner,
        case_id=case.pk,
        referred_by="court",
        referred_on=timezone.localdate(),
        provider="Київський міський центр гендерної рівності",
    )
    safety_plan(owner, case)
    case_plan(owner, case)
    programme = Programme.objects.create(
        code="p", title="Міська цільова програма", year_from=2022, year_to=2026
    )
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Запобігання")
    measure = Measure.objects.create(
        task=task, code="1.1", title="Тренінги для поліції щодо реагування на насильство"
    )
    measure.executors.add(organisations["city_centre"])
    Indicator.objects.create(measure=measure, code="1", title="Навчено фахівців", unit="осіб")
    record_version(programme=programme, actor=None, origin="imported")
    team = team_services.team_convene(
        actor=owner, case_id=case.pk, purpose="Повторне насильство", ends_on=timezone.localdate()
    )
    seat = team_services.team_member_add(
        actor=owner,
        team_id=team.pk,
        membership_id=owner.memberships.get().pk,
        role="case_manager",
    )
    team_services.team_member_add(
        actor=owner, team_id=team.pk, membership_id=police.memberships.get().pk, role="police"
    )
    conference = team_services.conference_record(
        actor=owner,
        team_id=team.pk,
        held_on=timezone.localdate(),
        form="mixed",
        situation="Постраждала з дітьми у родичів; кривдник порушив припис.",
        case_manager_id=owner.pk,
        present_ids=[seat.pk],
        next_review=None,
        decisions=[
            team_services.DecisionInput(
                "Подати позовну заяву про обмежувальний припис", owner.pk, timezone.localdate()
            )
        ],
    )
    closure_case = register_case(owner)
    lifecycle.closure_request(actor=owner, case_id=closure_case.pk, reason="moved_away")
    member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")
    incoming = register_case(outsider, district_id=District.objects.get(slug="obolonskyi").pk)
    transfer = transfers.transfer_request(
        actor=outsider,
        case_id=incoming.pk,
        to_organisation_id=organisations["css_darnytskyi"].pk,
        reason="Постраждала переїхала до Дарницького району",
        keep_read=True,
    )
    return {
        "case": case.pk,
        "closure_case": closure_case.pk,
        "transfer": transfer.pk,
        "order": order.pk,
        "victim": case.participants.get(role="victim").person_id,
        "goal": case.case_plan.goals.get().pk,
        "preventive": preventive.pk,
        "programme": offender_programme.pk,
        "referral": Referral.objects.get(case=case, provider=organisations["shelter"]).pk,
        "notice": Referral.objects.get(case=case, service="police_notice").pk,
        "accepted": accepted.pk,
        "measure": measure.pk,
        "plan": programme.pk,
        "team": team.pk,
        "conference": conference.pk,
        "progress_form": (f"/programme/measures/{measure.pk}/progress/2025/1/"),
    }


def _too_wide(page, width: int) -> list[str]:
    """Nothing when the page fits `width`; otherwise the outermost elements that stick out."""
    return page.evaluate(
        """(width) => {
          if (document.documentElement.scrollWidth <= width) return [];
          const out = [...document.body.querySelectorAll('*')].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.right > width + 1 && r.width > 0 && !el.closest('.table-responsive');
          });
          return out.filter((el) => !out.includes(el.parentElement))
            .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`
                         + ` ${Math.round(el.getBoundingClientRect().right)} px`);
        }""",
        width,
    )


def _small_targets(page, scope: str) -> list[str]:
    """Visible controls in `scope` smaller than a fingertip; a checkbox or radio button counts
    with its label, and a link counts only when it is a button or a menu or tab entry."""
    return page.evaluate(
        """([scope, min]) => [...document.querySelectorAll(
              ['a.btn', 'a.nav-link', 'a.page-link', 'button', 'select', 'textarea', 'summary',
               'input:not([type=hidden])'].map((s) => `${scope} ${s}`).join(','))]
            .map((el) => el.matches('[type=radio], [type=checkbox]')
                         ? el.closest('label, .form-check') || el : el)
            .filter((el) => el.offsetParent !== null && !el.matches('.skip-link'))
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, r]) => r.height < min)
            .map(([el, r]) => `${el.outerHTML.slice(0, 90)} (${Math.round(r.height)} px)`)""",
        [scope, TAP_TARGET],
    )


def _tabs_until(page, selector: str, limit: int = 20) -> int:
    for presses in range(limit + 1):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses
        page.keyboard.press("Tab")
    return limit + 1


def _shoot(page, persona: str, path: str, width: int) -> None:
    folder = os.environ.get("PORTAL_LAYOUT_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "_").replace("{", "").replace("}", "") or "dashboard"
    page.screenshot(path=f"{folder}/{persona}-{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("persona", sorted(PAGES))
def test_main_pages_fit_a_phone_and_a_desktop_and_have_fingertip_sized_controls(
    page, live_server, login_as, personas, demo_rows, persona
):
    page.set_viewport_size(PHONE)
    login_as(page, personas[persona])
    too_wide, too_small = {}, {}
    for template in PAGES[persona]:
        path = template.format(**demo_rows)
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            _shoot(page, persona, template, viewport["width"])
            if sticking_out := _too_wide(page, viewport["width"]):
                too_wide[f"{path} at {viewport['width']} px"] = sticking_out
            if viewport == PHONE and (small := _small_targets(page, "main")):
                too_small[path] = small
    assert too_wide == {}
    assert too_small == {}


@pytest.mark.parametrize("persona", sorted(PAGES))
def test_on_a_phone_the_menu_button_opens_the_navigation_with_mouse_and_keyboard(
    page, live_server, login_as, personas, persona
):
    page.set_viewport_size(PHONE)
    login_as(page, personas[persona])
    toggle = page.locator("[data-testid=menu-toggle]")
    menu = page.locator("[data-testid=main-menu]")
    assert toggle.is_visible()
    assert not menu.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert _small_targets(page, ".portal-header") == []

    toggle.click()
    menu.locator("[data-menu=dashboard]").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert _small_targets(page, ".portal-header") == []
    _shoot(page, persona, "menu-open", PHONE["width"])
    assert _too_wide(page, PHONE["width"]) == []

    toggle.click()
    menu.wait_for(state="hidden")
    toggle.focus()
    page.keyboard.press("Enter")
    menu.locator("[data-menu=dashboard]").wait_for(state="visible")
    page.keyboard.press("Tab")  # the disclosed panel follows the button
    assert page.evaluate("document.activeElement.closest('#portal-menu') !== null")
    assert _tabs_until(page, "[data-testid=main-menu] a") <= 8  # past A−, A+, UK, EN, account
    page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.dataset.testid") == "menu-toggle"

    toggle.click()
    page.click("[data-testid=acting-as]")
    account = page.locator("#portal-menu .dropdown-menu.show")
    account.wait_for()
    page.keyboard.press("Escape")  # closes the account's dropdown first…
    account.wait_for(state="detached")
    assert toggle.get_attribute("aria-expanded") == "true"  # …and leaves the menu open


def test_on_a_desktop_the_menu_is_open_and_the_button_hidden(page, live_server, login_as, owner):
    login_as(page, owner)
    assert not page.locator("[data-testid=menu-toggle]").is_visible()
    assert page.locator("[data-testid=main-menu] [data-menu=cases]").is_visible()


def test_sign_in_page_fits_a_phone_with_its_language_switch_in_view(page, live_server, db):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/account/login/")
    _shoot(page, "anonymous", "/account/login/", PHONE["width"])
    assert _too_wide(page, PHONE["width"]) == []
    assert page.locator("button[name=language][value=en]").is_visible()
    assert _small_targets(page, "body") == []
