"""The council's work in the browser: the secretariat prepares and records a meeting, issues the
minutes, puts an assignment under control; the assignee reports; the secretariat removes it
from control. Both pages must fit 1366 and 390 px without scrolling sideways.

Set PORTAL_COUNCIL_SCREENSHOTS=/tmp/council_shots to keep full-page screenshots of the meeting
page and the control list at both widths, and the minutes PDF, for looking at."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from portal.roles import Role
from programme.council.models import (
    Assignment,
    AssignmentStatus,
    CouncilMember,
    CouncilRole,
    Meeting,
    MeetingStatus,
)
from programme.council.selectors import kyiv_today
from tests.factories import member

SHOTS = os.environ.get("PORTAL_COUNCIL_SCREENSHOTS", "")
WIDTHS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}


@pytest.fixture
def council(organisations):
    for name, role in [
        ("Олена Голова", CouncilRole.HEAD),
        ("Ігор Заступник", CouncilRole.DEPUTY),
        ("Марія Секретар", CouncilRole.SECRETARY),
        ("Петро Член", CouncilRole.MEMBER),
    ]:
        CouncilMember.objects.create(
            full_name=name, position="посада", role=role, date_from=date(2024, 1, 1)
        )


def _shoot(page, name: str) -> None:
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size(WIDTHS["1366"])


def test_the_secretariat_records_a_meeting_and_removes_the_assignment_from_control(
    page, live_server, login_as, secretariat, organisations, council, tmp_path
):
    today = kyiv_today()
    obolon = member(Role.EXECUTOR, organisations["css_obolonskyi"], "obolon-e2e")
    login_as(page, secretariat)
    page.goto(f"{live_server.url}/programme/council/")
    page.click("[data-testid=meeting-new]")
    form = page.locator("[data-testid=meeting-form]")
    form.locator("[name=number]").fill("21")
    form.locator("[name=date]").fill(today.strftime("%d.%m.%Y"))
    form.locator("[name=form]").select_option("mixed")
    form.locator("[name=place]").fill("вул. Хрещатик, 36")
    with page.expect_navigation():
        form.locator("button").click()

    items = page.locator("[data-testid=item-form]")
    items.locator("[name=title]").fill("Про стан виконання міської цільової програми")
    items.locator("[name=presenter]").fill("Директорка Департаменту")
    with page.expect_navigation():
        items.locator("button").click()
    assert "Про стан виконання міської цільової програми" in page.inner_text("main")
    meeting_url = page.url

    # a generated, frozen material for the item: the orders since 1 January
    page.click("[data-testid=item-open]")
    with page.expect_navigation():
        page.locator("[data-testid=material-orders-form] button").click()
    page.goto(meeting_url)
    page.locator("[data-testid=materials] a").first.click()
    assert page.locator("[data-testid=frozen]").is_visible()
    page.goto(meeting_url)

    with page.expect_navigation():
        page.click("[data-testid=advance]")  # the agenda is sent
    page.click("[data-testid=attendance]")
    attendance = page.locator("[data-testid=attendance-form]")
    for name in ("Олена Голова", "Марія Секретар", "Петро Член"):
        attendance.get_by_label(name).check()
    with page.expect_navigation():
        attendance.locator("button").click()
    assert page.locator("[data-testid=quorum]").is_visible()
    with page.expect_navigation():
        page.click("[data-testid=advance]")  # held
    assert Meeting.objects.get(number=21).status == MeetingStatus.HELD

    page.click("[data-testid=item-open]")
    decision = page.locator("[data-testid=decision-form]")
    decision.locator("[name=text]").fill("Інформацію взяти до відома.")
    with page.expect_navigation():
        decision.locator("button").click()
    page.locator("a[href*='/decisions/']").first.click()
    assignment = page.locator("[data-testid=assignment-form]")
    assignment.locator("[name=assignee]").select_option(label="ЦСС Оболонського району")
    assignment.locator("[name=responsible]").fill("Директор ЦСС")
    assignment.locator("[name=text]").fill("Поінформувати про стан виконання заходів")
    assignment.locator("[name=deadline]").fill((today + timedelta(days=20)).strftime("%d.%m.%Y"))
    with page.expect_navigation():
        assignment.locator("button").click()
    assert page.url == meeting_url
    assert "Поінформувати про стан виконання заходів" in page.inner_text("main")

    with page.expect_download() as download_info:
        page.click("[data-testid=minutes]")
    minutes = (Path(SHOTS) if SHOTS else tmp_path) / "minutes.pdf"
    minutes.parent.mkdir(parents=True, exist_ok=True)
    download_info.value.save_as(minutes)
    assert minutes.read_bytes().startswith(b"%PDF")
    _shoot(page, "meeting")
    page.goto(f"{live_server.url}/programme/council/assignments/")
    _shoot(page, "control")

    # the assignee reports
    page.context.clear_cookies()
    login_as(page, obolon)
    task = Assignment.objects.get()
    page.goto(f"{live_server.url}/programme/council/assignments/{task.pk}/")
    report = page.locator("[data-testid=report-form]")
    report.locator("[name=text]").fill("Заходи виконано, звіт додано.")
    with page.expect_navigation():
        report.locator("button").click()
    task.refresh_from_db()
    assert task.status == AssignmentStatus.REPORTED

    # the secretariat accepts the report: removed from control
    page.context.clear_cookies()
    login_as(page, secretariat)
    page.goto(f"{live_server.url}/programme/council/assignments/{task.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=accept]")
    task.refresh_from_db()
    assert task.status == AssignmentStatus.DONE
    assert page.locator("[data-testid=accept]").count() == 0
