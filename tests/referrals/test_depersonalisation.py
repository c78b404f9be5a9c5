"""Depersonalisation (art. 16 of the Law): N years after closure a case's names, contacts,
addresses and free texts become placeholders, its files are deleted and the history of its
changes emptied, while every figure of every report made before stays exactly the same; a
person still in a living case keeps her data; a dry run changes nothing; one audit event per
case. (Here, in the referrals tests, because the case carries referrals and orders too.)"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cases import retention
from cases import services as case_services
from cases.models import Case, CaseStatus, Person
from cases.services.depersonalise import depersonalise
from orders.models import RestrainingOrder
from portal.calendar import KYIV, age_on
from portal.models import AuditEvent
from programme.figures import period_for
from programme.statistics import statistics
from referrals.models import Referral
from tests.cases.factories import person, register_case
from tests.cases.pages import case_page_and_tabs
from tests.orders.factories import urgent
from tests.referrals.conftest import send_shelter_referral
from tests.referrals.factories import catalogue_for_darnytskyi

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"\x00\x00\x00\x00IEND\xaeB`\x82"
REPORTED = datetime(2019, 3, 10, 11, 0, tzinfo=KYIV)
CLOSED = datetime(2020, 1, 15, 12, 0, tzinfo=KYIV)
TODAY = date(2026, 12, 1)  # the referrals tests run on Tuesday 01.12.2026 (conftest)


def _backdate(case: Case, *, closed: datetime | None = CLOSED) -> None:
    """A case of 2019 (the portal's intake refuses such dates; the data are older than it)."""
    Case.objects.filter(pk=case.pk).update(
        reported_at=REPORTED,
        status=CaseStatus.CLOSED if closed else CaseStatus.IN_WORK,
        closed_at=closed,
        close_reason_code="other" if closed else "",
        close_reason="Переїхала до Львова" if closed else "",
    )
    Referral.objects.filter(case=case).update(sent_at=REPORTED + timedelta(hours=1))
    RestrainingOrder.objects.filter(case=case).update(
        starts_at=REPORTED + timedelta(hours=2), ends_at=REPORTED + timedelta(days=10)
    )


def _report(year: int = 2019) -> dict:
    """The year's report as published (small counts hidden) and every figure before hiding."""
    out = io.StringIO()
    call_command("programme_report", year=year, annual=True, format="json", stdout=out)
    raw = statistics(period_for("year", year), today=TODAY)
    return {"published": json.loads(out.getvalue()), "raw": raw}


@pytest.fixture
def old_case(owner, police, organisations, settings, tmp_path):
    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path
    catalogue_for_darnytskyi(organisations)
    referral = send_shelter_referral(
        owner,
        organisations,
        victim=person(
            "Гайдамаченко",
            "Соломія",
            birth_date=date(2001, 3, 12),
            phone="0671234567",
            address="вул. Тиха, 5",
        ),
        risk_answers={"threats_to_kill": True},
    )
    case = referral.case
    case_services.note_add(actor=owner, case_id=case.pk, text="Живе у сестри на Троєщині")
    case_services.attachment_add(
        actor=owner,
        case_id=case.pk,
        upload=SimpleUploadedFile("скан.png", PNG, content_type="image/png"),
    )
    urgent(police, case)
    RestrainingOrder.objects.filter(case=case).update(applicant="Гайдамаченко С.")
    _backdate(case)
    return Case.objects.get(pk=case.pk)


def test_a_case_due_loses_its_personal_data_and_no_figure_changes(old_case):
    before = _report()
    raw = before["raw"]["cases"]
    assert raw["registered"]["current"] == 1 and raw["victim_age"]["0-17"]["current"] == 1
    assert before["raw"]["orders"]["urgent"]["current"] == 1
    victim = old_case.participants.get(role="victim").person
    attachment = old_case.attachments.get()
    path = Path(attachment.file.path)
    assert path.exists()

    outcome = depersonalise(as_of=TODAY)
    assert outcome.case_ids == [old_case.pk]

    assert _report() == before
    victim.refresh_from_db()
    assert (victim.last_name, victim.first_name, victim.phone, victim.address) == (
        retention.NAME,
        "",
        "",
        "",
    )
    assert victim.birth_date != date(2001, 3, 12)
    assert age_on(victim.birth_date, date(2019, 3, 10)) == age_on(
        date(2001, 3, 12), date(2019, 3, 10)
    )
    assert not Person.history.filter(id=victim.pk).exclude(last_name=retention.NAME).exists()
    assert not path.exists() and not old_case.attachments.exists()
    assert old_case.notes.get().text == retention.TEXT
    assert Referral.objects.filter(case=old_case).exclude(shared_data={}).count() == 0
    assert RestrainingOrder.objects.get(case=old_case).applicant == retention.TEXT
    everything = json.dumps(
        list(Case.history.filter(id=old_case.pk).values()), default=str, ensure_ascii=False
    )
    assert "Гайдамаченко" not in everything and "Троєщин" not in everything
    assert (
        AuditEvent.objects.filter(
            object_type="cases.case",
            object_id=str(old_case.pk),
            detail__startswith="depersonalised",
        ).count()
        == 1
    )
    old_case.refresh_from_db()
    assert old_case.depersonalised_at is not None


def test_a_dry_run_counts_and_changes_nothing(old_case):
    outcome = depersonalise(as_of=TODAY, dry_run=True)
    assert (outcome.case_ids, outcome.persons, outcome.attachments) == ([old_case.pk], 2, 1)
    assert old_case.participants.get(role="victim").person.last_name == "Гайдамаченко"
    assert Case.objects.get(pk=old_case.pk).depersonalised_at is None


def test_a_case_not_yet_due_or_not_closed_keeps_its_data(old_case, owner):
    assert depersonalise(as_of=date(2025, 1, 14)).case_ids == []  # 5 years end on 15.01.2025
    living = register_case(owner)
    _backdate(living, closed=None)
    assert depersonalise(as_of=TODAY).case_ids == [old_case.pk]
    assert Case.objects.get(pk=living.pk).depersonalised_at is None


def test_a_person_still_in_a_living_case_keeps_her_name(old_case, owner):
    victim = old_case.participants.get(role="victim").person
    living = register_case(
        owner, victim=person("Гайдамаченко", "Соломія", birth_date=date(2001, 3, 12))
    )
    living.participants.filter(role="victim").update(person=victim)
    depersonalise(as_of=TODAY)
    victim.refresh_from_db()
    assert victim.last_name == "Гайдамаченко"


def test_a_second_run_finds_nothing_to_do(old_case):
    depersonalise(as_of=TODAY)
    again = depersonalise(as_of=TODAY)
    assert again.case_ids == [] and again.persons == 0


def test_the_command_prints_the_contract_and_dry_run_changes_nothing(old_case):
    out = io.StringIO()
    call_command("depersonalise", as_of="2026-12-01", dry_run=True, format="json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["dry_run"] is True and printed["case_ids"] == [old_case.pk]
    assert {"cases", "persons", "attachments", "years_after_closure"} <= set(printed)
    assert Case.objects.get(pk=old_case.pk).depersonalised_at is None


@pytest.mark.parametrize(
    ("birth", "days"),
    [
        (date(2001, 3, 12), [date(2019, 3, 10)]),
        (date(2001, 3, 12), [date(2019, 3, 10), date(2019, 3, 12), date(2020, 3, 11)]),
        (date(2008, 2, 29), [date(2026, 2, 28), date(2026, 3, 1)]),
        (date(1990, 12, 31), []),
    ],
)
def test_the_new_birth_date_keeps_every_counted_age(birth, days):
    new = retention.coarse_birth_date(birth, days)
    assert all(age_on(new, day) == age_on(birth, day) for day in days)
    assert abs((new - birth).days) <= 366


def test_a_case_closed_on_29_february_is_due_on_1_march():
    closed = datetime(2020, 2, 29, 12, tzinfo=KYIV)
    assert not retention.is_due(closed, date(2025, 2, 28), 5)
    assert retention.is_due(closed, date(2025, 3, 1), 5)


def test_the_case_page_says_it_is_depersonalised_and_shows_no_old_name(
    client, coordinator, old_case
):
    depersonalise(as_of=TODAY)
    client.force_login(coordinator)
    page = case_page_and_tabs(client, old_case)
    assert 'data-testid="case-depersonalised"' in page and "Знеособлено 01.12.2026" in page
    for secret in ("Гайдамаченко", "0671234567", "Тиха", "Троєщин", "Львова"):
        assert secret not in page
