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
