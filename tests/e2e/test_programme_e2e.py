"""The secretariat orders the 9-month report, watches it finish and downloads the PDF."""

from __future__ import annotations

import pytest

from tests.cases.factories import register_case


@pytest.mark.celery
def test_secretariat_orders_the_nine_month_report_and_downloads_it(
    page, live_server, login_as, celery_worker, secretariat, owner, settings, tmp_path
):
    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path
    register_case(owner)
    login_as(page, secretariat)
    page.click("[data-testid=main-menu] [data-menu=programme]")
    page.click("[data-testid=nav-statistics]")
    assert "Домашнє насильство в місті Києві" in page.inner_text("h1")
    page.click("[data-testid=nav-reports]")
    page.select_option("#kind", "9months")
    page.select_option("#year", "2024")
    page.click("[data-testid=order]")
    page.wait_for_selector("[data-testid=run-status][data-status=done]", timeout=60_000)
    with page.expect_download() as download_info:
        page.click("[data-testid=download]")
    download = download_info.value
    path = tmp_path / "downloaded.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")


def test_secretariat_makes_the_next_programme_edits_a_measure_and_reads_the_old_structure(
    page, login_as, secretariat, organisations
):
    """The next programme from the last one, in the browser: copy, change a measure's funding
    for a year, see the change as a version, and read the structure as it stood before it."""
    from programme.models import Funding, Measure, Programme, ProgrammeTask

    previous = Programme.objects.create(
        code="dv-2022-2024", title="Програма 2022–2024", year_from=2022, year_to=2024
    )
    task = ProgrammeTask.objects.create(programme=previous, code="1", title="Телефон довіри")
    measure = Measure.objects.create(task=task, code="1.1", title="Консультування")
    measure.executors.add(organisations["city_centre"])
    Funding.objects.create(measure=measure, year=2024, source="city_budget", amount=300)

    login_as(page, secretariat)
    page.click("[data-testid=main-menu] [data-menu=programme]")
    page.click("[data-testid=nav-programmes]")
    page.click("[data-testid=programme-new]")
    page.fill("#id_code", "dv-2025-2027")
    page.fill("#id_title", "Програма 2025–2027")
    assert page.input_value("#id_year_from") == "2025"
    page.click("[data-testid=programme-new-form] button")
    assert "Програма 2025–2027" in page.inner_text("h1")
    assert "2027 (бюджет міста Києва) 300,0" in page.inner_text("[data-testid=structure-measure]")

    page.click("[data-testid=structure-measure] >> text=змінити")
    page.fill("#id_funding_2027_city_budget", "450,5")
    page.fill("#id_funding_2026_other", "12")
    page.click("[data-testid=structure-form] button.btn-primary")
    assert "450,5" in page.inner_text("[data-testid=structure-measure]")
    versions = page.inner_text("[data-testid=structure-versions]")
    assert "Захід 1.1: фінансування на 2027 рік (бюджет міста): 300,0 → 450,5" in versions

    page.click("[data-testid=structure-versions] >> text=Версія 1")
    assert "300,0" in page.inner_text("main") and "450,5" not in page.inner_text("main")
