"""Paper: the case summary and the referral letter are PDFs through the same WeasyPrint path as
the report, in Ukrainian, marked confidential with who printed them; each carries what its
reader sees on the page and no more, for whoever may read it, and every print is audited."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from cases import services as case_services
from portal.models import AuditEvent
from referrals import services
from tests.cases.factories import person, register_case
from tests.referrals.conftest import send_shelter_referral
from tests.referrals.factories import catalogue_for_darnytskyi


def _text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_case_summary_has_the_people_the_risk_the_next_steps_and_who_printed_it(
    client, owner, police
):
    case = register_case(
        owner,
        victim=person("Гайдамаченко", "Соломія", phone="0671234567"),
        risk_answers={"threats_to_kill": True},
    )
    case_services.task_add(
        actor=owner, case_id=case.pk, title="Візит додому", due_date=case.reported_at.date()
    )
    client.force_login(owner)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/print/"' in page

    text = _text(client.get(f"/cases/{case.pk}/print/"))
    assert f"Випадок {case.number}" in text
    assert "Гайдамаченко" in text and "Високий" in text
    assert "Візит додому" in text
    assert "Конфіденційно" in text and "Надруковано" in text
    assert "Що зробити далі" in text and "Немає термінового заборонного припису" in text
    for code in ("high", "risk_level", "physical", "in_work"):
        assert code not in text
    assert AuditEvent.objects.filter(
        action="download", object_type="cases.case", object_id=str(case.pk)
    ).exists()


def test_the_summary_of_a_case_one_does_not_see_is_answered_like_a_missing_one(
    client, owner, outsider
):
    case = register_case(outsider, victim=person("Недоторканна", "Ліна"))
    client.force_login(owner)
    assert client.get(f"/cases/{case.pk}/print/").status_code == 404
    assert client.get("/cases/987654321/print/").status_code == 404


def test_the_referral_letter_says_who_asks_for_what_by_when_and_why(client, owner, organisations):
    catalogue_for_darnytskyi(organisations)
    referral = send_shelter_referral(owner, organisations, victim=person("Гайдамаченко", "Соломія"))
    client.force_login(owner)
    assert (
        f'href="/referrals/{referral.pk}/letter/"'
        in client.get(f"/referrals/{referral.pk}/").content.decode()
    )
    response = client.get(f"/referrals/{referral.pk}/letter/")
    text = _text(response)
    assert "Направлення" in text and "Притулок № 1" in text
    assert referral.case.number in text
    assert "Гайдамаченко" in text
    assert "Порядку" in text or "Порядок" in text  # the procedure's reference for the reason
    assert "shelter" not in text and "R" + "6" not in text
    assert ".pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="download", object_type="referrals.referral", object_id=str(referral.pk)
    ).exists()


def test_the_providers_letter_carries_no_more_than_its_page_after_the_referral_is_over(
    client, owner, provider, organisations, django_capture_on_commit_callbacks
):
    catalogue_for_darnytskyi(organisations)
    referral = send_shelter_referral(owner, organisations, victim=person("Гайдамаченко", "Соломія"))
    client.force_login(provider)
    assert "Гайдамаченко" in _text(client.get(f"/referrals/{referral.pk}/letter/"))

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decline(actor=provider, referral_id=referral.pk, reason="Немає місць")
    text = _text(client.get(f"/referrals/{referral.pk}/letter/"))
    assert "Гайдамаченко" not in text
    assert referral.case.number in text


@pytest.mark.parametrize("persona", ["outsider", "secretariat", "executor", "police"])
def test_a_letter_of_a_referral_one_does_not_see_is_answered_like_a_missing_one(
    client, owner, organisations, personas, persona
):
    catalogue_for_darnytskyi(organisations)
    referral = send_shelter_referral(owner, organisations)
    client.force_login(personas[persona])
    assert client.get(f"/referrals/{referral.pk}/letter/").status_code == 404
