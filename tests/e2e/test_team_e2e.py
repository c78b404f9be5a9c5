"""A worker convenes a multidisciplinary team from the case page, adds the police officer and
the shelter's staff member, records a conference with a decision for the officer and prints
the record; the officer reads the case on a phone while the team works; when the worker closes
the team, the officer's access ends.

Set PORTAL_LAYOUT_SCREENSHOTS=/tmp/layout to keep screenshots of the journey's pages.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from pypdf import PdfReader

from cases.team.models import ConferenceDecision
from portal.models import Membership
from tests.cases.factories import register_case
from tests.e2e.test_layout_390 import DESKTOP, PHONE, _shoot, _too_wide


def test_worker_convenes_a_team_records_a_conference_and_the_officer_reads_the_case_meanwhile(
    page, browser, live_server, login_as, owner, police, provider
):
    case = register_case(owner)
    page.set_viewport_size(DESKTOP)
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("button[data-bs-target='#section-team']")
    page.fill("#section-team #id_purpose", "Повторне насильство, діти в родині")
    until = (timezone.localdate() + timedelta(days=30)).strftime("%d.%m.%Y")
    page.fill("#section-team #id_ends_on", until)
    page.click("[data-testid=team-convene] button")
    assert "Мультидисциплінарна команда" in page.inner_text("h1")

    for user, role in ((police, "police"), (provider, "specialised"), (owner, "case_manager")):
        membership = Membership.objects.get(user=user)
        page.select_option("#id_membership", str(membership.pk))
        page.select_option("#id_role", role)
        page.click("[data-testid=member-add] button")
    members = page.inner_text("[data-testid=team-members]")
    assert f"бачить випадок до {until}" in members and "бачить лише сторінку команди" in members
    _shoot(page, "owner", "team", DESKTOP["width"])

    page.click("[data-testid=conference-new]")
    today = timezone.localdate().strftime("%d.%m.%Y")
    page.fill("#id_held_on", today)
    page.select_option("#id_form", "online")
    for box in page.query_selector_all("[name=present]"):
        box.check()
    page.fill("#id_situation", "Постраждала з дітьми у родичів. Кривдник порушив припис.")
    page.select_option("#id_case_manager", str(owner.pk))
    page.fill("#id_decision_1_text", "Перевірити дотримання припису")
    page.select_option("#id_decision_1_owner", str(police.pk))
    page.fill("#id_decision_1_due", today)
    assert _too_wide(page, DESKTOP["width"]) == []
    page.click("[data-testid=conference-form] button.btn-primary")
    assert "Перевірити дотримання припису" in page.inner_text("[data-testid=conference-decisions]")
    decision = ConferenceDecision.objects.get()
    assert decision.task.assignee == police

    with page.expect_download() as download:
        page.click("[data-testid=conference-print]")
    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Протокол кейс-конференції" in text and "Перевірити дотримання припису" in text
    assert case.number in text

    # The officer, on a phone, reads the case and the team while it works.
    officer = browser.new_context(viewport=PHONE, locale="uk-UA")
    phone = officer.new_page()
    login_as(phone, police)
    assert phone.goto(f"{live_server.url}/cases/{case.pk}/").status == 200
    phone.goto(f"{live_server.url}/cases/teams/{decision.conference.team_id}/")
    assert "Перевірити дотримання припису" in phone.inner_text("[data-testid=my-decisions]")
    assert _too_wide(phone, PHONE["width"]) == []
    _shoot(phone, "police", "team", PHONE["width"])

    # Closed: the officer's access ends at once.
    page.goto(f"{live_server.url}/cases/teams/{decision.conference.team_id}/")
    page.fill("[data-testid=team-close] #id_reason", "Мету досягнуто")
    page.click("[data-testid=team-close] button")
    assert "завершила роботу" in page.inner_text("[data-testid=team-status]")
    assert phone.goto(f"{live_server.url}/cases/{case.pk}/").status == 404
    officer.close()
