"""Depersonalisation as the coordinator sees it: a dry run of the command changes nothing on
the case's page; the real run leaves the page saying it was depersonalised, with no old name,
phone or note, while its figures stay."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django.utils import timezone

from cases import services as case_services
from tests.cases.factories import person, register_case
from tests.referrals.test_depersonalisation import _backdate


def test_a_dry_run_changes_nothing_and_the_real_run_leaves_only_placeholders(
    page, live_server, login_as, owner, coordinator
):
    case = register_case(
        owner, victim=person("Гайдамаченко", "Соломія", phone="0671234567", address="вул. Тиха, 5")
    )
    case_services.note_add(actor=owner, case_id=case.pk, text="Живе у сестри на Троєщині")
    _backdate(case)
    today = timezone.localdate().isoformat()

    dry = io.StringIO()
    call_command("depersonalise", as_of=today, dry_run=True, format="json", stdout=dry)
    assert json.loads(dry.getvalue())["case_ids"] == [case.pk]
    login_as(page, coordinator)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert "Гайдамаченко" in page.inner_text("main")

    call_command("depersonalise", as_of=today, format="json", stdout=io.StringIO())
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    main = page.inner_text("main")
    assert page.inner_text("[data-testid=case-depersonalised]")
    for secret in ("Гайдамаченко", "0671234567", "Тиха", "Троєщин"):
        assert secret not in main, secret
    assert case.number in main
