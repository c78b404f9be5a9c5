"""A social worker records a new case in the browser, finds it by a misspelled surname and
sees it on the timeline."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def test_worker_records_a_case_finds_it_misspelled_and_sees_the_timeline(
    page, live_server, login_as, owner
):
    login_as(page, owner)
    page.click("[data-testid=main-menu] [data-menu=cases]")
    page.click("[data-testid=new-case]")
    now = timezone.localtime()
    page.click("#intake-report summary")  # time of the report is behind "more"
    page.fill("#id_case-reported_at", (now - timedelta(hours=1)).strftime("%d.%m.%Y %H:%M"))
    page.select_option("#id_case-channel", "phone")
    page.select_option("#id_case-district", label="Дарницький")
    page.check("#id_case-consent_to_share")
    page.fill("#id_victim-last_name", "Гайдамаченко")
    page.fill("#id_victim-first_name", "Соломія")
    page.click("#intake-victim summary")
    page.fill("#id_victim-birth_date", "03.02.1991")
    page.fill("#id_victim-phone", "0671234567")
    page.fill("#id_offender-last_name", "Гайдамаченко")
    page.fill("#id_offender-first_name", "Роман")
    page.select_option("#id_offender-relation_to_victim", "spouse")
    page.fill("#id_incident-occurred_at", (now - timedelta(hours=5)).strftime("%d.%m.%Y %H:%M"))
    page.check("[name=incident-forms][value=physical]")
    page.check("[name=incident-forms][value=psychological]")
    page.check("[name=risk-threats_to_kill][value=yes]")  # a red flag
    page.wait_for_selector("[data-testid=risk-preview]")  # htmx preview of the level
    assert "високий" in page.inner_text("[data-testid=risk-preview]")
    page.check("[name=needs-needs][value=shelter]")
    page.click("[data-testid=register-case]")

    number = page.inner_text("[data-testid=case-number]").split()[0]
    assert number.startswith("КИЇВ-")
    page.click("[data-testid=main-menu] [data-menu=cases]")
    page.fill("#id_q", "Гайдамченко")  # one letter missing
    page.click("[data-testid=search]")
    page.click(f"text={number}")
    page.click("[data-testid=timeline-tab]")
    timeline = page.inner_text("[data-testid=timeline]")
    assert f"Випадок {number} зареєстровано" in timeline


def test_a_worker_reveals_a_victims_name_behind_her_code_in_the_list(
    page, live_server, login_as, owner
):
    from tests.cases.factories import person, register_case

    case = register_case(owner, victim=person("Шевченко", "Оксана"))
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/")
    table = page.inner_text("[data-testid=case-table]")
    assert f"ШО-{case.number.rsplit('-', 1)[-1]}" in table and "Шевченко" not in table
    page.click("[data-testid=victim-name-show]")
    page.wait_for_selector("[data-testid=victim-name]")
    assert page.inner_text("[data-testid=victim-name]") == "Шевченко Оксана"
    assert page.url.endswith("/cases/")  # revealed in place, the list stays


def test_on_a_phone_the_case_list_starts_under_the_search_box(page, live_server, login_as, owner):
    from tests.cases.factories import register_case

    register_case(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/")
    first_row = page.locator("[data-testid=case-table] tbody tr").first
    assert first_row.bounding_box()["y"] < 844  # on the first screen
    assert not page.locator("#id_status").is_visible()
    page.click("[data-testid=case-filters] summary")
    page.select_option("#id_risk_level", "high")
    page.click("[data-testid=search]")
    assert "risk_level=high" in page.url
    assert page.locator("#id_status").is_visible()  # a filter in force keeps them open

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/cases/")
    assert page.locator("#id_status").is_visible()
    assert not page.locator("[data-testid=case-filters] summary").is_visible()
