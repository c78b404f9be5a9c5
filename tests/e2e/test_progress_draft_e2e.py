"""An executor reports a quarter in two sittings: saves a draft, comes back to it, is told at the
field what is missing, and submits. The secretariat sees nothing until then."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.models import Organisation
from programme.models import Indicator, IndicatorPlan, Measure, Programme, ProgrammeTask, Progress

YEAR, QUARTER = 2025, 1


@pytest.fixture
def measure(executor):
    programme = Programme.objects.create(
        code="p", title="Міська цільова програма", year_from=2022, year_to=2026
    )
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Телефон довіри")
    measure = Measure.objects.create(task=task, code="1.1", title="Цілодобове консультування")
    measure.executors.add(Organisation.objects.get(code="city-centre"))
    indicator = Indicator.objects.create(
        measure=measure, code="1", title="Консультовано", unit="осіб"
    )
    IndicatorPlan.objects.create(indicator=indicator, year=YEAR, value=Decimal(400))
    return measure


def test_executor_saves_a_draft_comes_back_and_submits_after_a_refusal_at_the_field(
    page, live_server, login_as, executor, secretariat, measure
):
    indicator = measure.indicators.get()
    form_url = f"{live_server.url}/programme/measures/{measure.pk}/progress/{YEAR}/{QUARTER}/"
    login_as(page, executor)
    page.goto(form_url)
    assert page.input_value("#status") == ""  # "—" until chosen
    assert "400,0" in page.inner_text(f"[data-testid=plan-ind-{indicator.pk}]")
    page.fill("#spent", "12,5")
    page.fill(f"#ind-{indicator.pk}", "37")
    page.click("[data-testid=progress-draft]")
    page.wait_for_selector("[data-testid=draft-note]")
    assert Progress.objects.get().submitted_at is None

    # The secretariat does not see the draft on the programme page.
    page.context.clear_cookies()
    login_as(page, secretariat)
    page.goto(f"{live_server.url}/programme/?year={YEAR}")
    assert page.locator("[data-testid=status-badge]").count() == 0

    # The executor comes back: the draft is there, still without a status.
    page.context.clear_cookies()
    login_as(page, executor)
    page.goto(form_url)
    assert page.input_value("#spent").replace(",", ".") == "12.5"
    assert page.input_value(f"#ind-{indicator.pk}").replace(",", ".") == "37.0"
    page.click("[data-testid=progress-submit]")
    error = page.locator("#status-error")
    error.wait_for()
    assert error.inner_text() == "Оберіть стан виконання заходу."
    assert page.get_attribute("#status", "aria-invalid") == "true"
    assert "Звіт не подано" in page.inner_text("[data-testid=error-summary]")
    assert Progress.objects.get().submitted_at is None

    page.select_option("#status", "in_progress")
    with page.expect_navigation():
        page.click("[data-testid=progress-submit]")
    assert page.url.endswith(f"/programme/?year={YEAR}")
    assert page.locator("[data-testid=status-badge]").first.inner_text() == "виконується"
    progress = Progress.objects.get()
    assert progress.submitted_at is not None
    assert (progress.status, progress.spent) == ("in_progress", Decimal("12.5"))
