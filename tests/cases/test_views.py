from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Attachment, Case
from portal.models import AuditAction, AuditEvent
from tests.cases.factories import person, register_case
from tests.cases.pages import query_count

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _intake_post(**extra):
    now = timezone.localtime()
    data = {
        "case-district": "2",
        "case-channel": "phone",
        "case-intake_scenario": "1",
        "case-reported_at": (now - timedelta(hours=1)).strftime("%d.%m.%Y %H:%M"),
        "victim-last_name": "Ковальчук",
        "victim-first_name": "Ірина",
        "victim-sex": "F",
        "victim-birth_date": "12.04.1990",
        "victim-phone": "067 555 12 34",
        "offender-last_name": "Ковальчук",
        "offender-first_name": "Богдан",
        "offender-sex": "M",
        "offender-relation_to_victim": "spouse",
        "incident-occurred_at": (now - timedelta(hours=3)).strftime("%d.%m.%Y %H:%M"),
        "incident-forms": ["physical", "psychological"],
        "needs-needs": ["shelter"],
        "needs-accompanying_children": "1",
        "risk-threats_to_kill": "yes",
    }
    data.update(extra)
    return data


def test_intake_page_registers_a_complete_case(client, owner):
    from portal.models import District

    client.force_login(owner)
    data = _intake_post(**{"case-district": str(District.objects.get(slug="darnytskyi").pk)})
    response = client.post("/cases/new/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.risk_level == "high"
    assert case.participants.get(role="victim").person.phone == "+380675551234"


def test_bad_intake_keeps_everything_typed_and_says_what_is_wrong(client, owner):
    client.force_login(owner)
    data = _intake_post(
        **{"incident-forms": [], "victim-phone": "12-34", "case-reported_at": "01.01.2099 10:00"}
    )
    response = client.post("/cases/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Оберіть принаймні одну форму насильства" in page
    assert "український номер телефону" in page
    assert "не може бути в майбутньому" in page
    assert 'value="Ковальчук"' in page  # nothing typed is lost
    assert not Case.objects.exists()


def test_misspelled_surname_finds_the_case(client, owner):
    case = register_case(owner, victim=person("Шевченко", "Оксана"))
    register_case(
        owner, victim=person("Бондаренко", "Марія"), offender=person("Бондаренко", "Іван", "M")
    )
    client.force_login(owner)
    for query in ["Шевчнко", "шевченка", "Шевченко Оксана"]:
        page = client.get("/cases/", {"q": query}).content.decode()
        assert case.number in page, query
        assert "Бондаренко" not in page, query


def test_search_by_phone_and_by_number(client, owner):
    case = register_case(owner, victim=person(phone="0671112233"))
    client.force_login(owner)
    assert case.number in client.get("/cases/", {"q": "067 111 22 33"}).content.decode()
    assert case.number in client.get("/cases/", {"q": case.number[-6:]}).content.decode()


def test_conflicting_edit_shows_what_changed_and_keeps_the_input(client, owner, colleague):
    case = register_case(owner)
    form = {
        "edit-district": case.district_id,
        "edit-channel": "phone",
        "edit-intake_scenario": "1",
        "edit-reported_at": timezone.localtime(case.reported_at).strftime("%d.%m.%Y %H:%M"),
        "edit-version": case.version,
    }
    client.force_login(colleague)
    assert (
        client.post(f"/cases/{case.pk}/edit/", {**form, "edit-summary": "Колега"}).status_code
        == 302
    )
    client.force_login(owner)
    response = client.post(f"/cases/{case.pk}/edit/", {**form, "edit-summary": "Моя правка"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Хтось інший змінив цей випадок" in page
    assert "Колега" in page and "Моя правка" in page
    case.refresh_from_db()
    assert case.summary == "Колега"


def test_attachment_of_a_wrong_type_is_refused(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    fake_pdf = SimpleUploadedFile(
        "scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(f"/cases/{case.pk}/attachments/", {"attachment-file": fake_pdf})
    assert response.status_code == 400
    assert "лише файли PDF, JPEG або PNG" in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachment_larger_than_the_limit_is_refused(client, owner, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 32
    case = register_case(owner)
    client.force_login(owner)
    response = client.post(
        f"/cases/{case.pk}/attachments/", {"attachment-file": SimpleUploadedFile("photo.png", PNG)}
    )
    assert "більший за" in response.content.decode()


def test_attachment_is_downloaded_only_by_those_who_see_the_case_and_audited(
    client, owner, outsider, settings, tmp_path
):
    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path
    case = register_case(owner)
    client.force_login(owner)
    client.post(
        f"/cases/{case.pk}/attachments/", {"attachment-file": SimpleUploadedFile("photo.png", PNG)}
    )
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert "photo" not in attachment.file.name  # stored under a random name
    url = f"/cases/{case.pk}/attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert AuditEvent.objects.filter(
        action=AuditAction.DOWNLOAD, object_id=str(attachment.pk)
    ).exists()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_export_leaves_out_contacts_and_is_audited(client, owner):
    register_case(owner, victim=person(phone="0671112233", address="вул. Тиха, 1"))
    client.force_login(owner)
    response = client.get("/cases/export.csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Номер випадку"
    assert len(rows) == 2
    assert "0671112233" not in text and "+380671112233" not in text and "Тиха" not in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    response = client.get("/cases/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == [cell or None for cell in rows[0]]  # the same columns as the CSV
    assert len(cells) == 2
    assert cells[1][0] == rows[1][0]  # the case number
    assert "Шевченко" in " ".join(str(cell) for cell in cells[1])
    text = " ".join(str(cell) for row in cells for cell in row if cell is not None)
    assert "0671112233" not in text and "Тиха" not in text


def test_export_is_refused_to_roles_without_it(client, police):
    client.force_login(police)
    assert client.get("/cases/export.csv").status_code == 403


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/cases/", 9), ("/cases/?q=Шевчнко", 11), ("/cases/?district=darnytskyi", 9)],
)
def test_the_list_runs_the_same_number_of_queries_for_3_and_30_rows(client, owner, url, expected):
    client.force_login(owner)
    for _ in range(3):
        register_case(owner)
    few = query_count(client, url)
    for _ in range(27):
        register_case(owner)
    assert query_count(client, url) == few
    # session, user, the acting membership with the others for the header and what the
    # two-factor check decides on (the role's policy and whether the user has a confirmed
    # device: someone who enrolled is always asked), district choices of the filter form, COUNT of
    # cases, unread notifications, the page of cases with victim names, the user's saved
    # filters, and the INSERT of the read's one audit event (one per page, whatever its
    # length). No session write: signing in recorded the renewal and both counts fall within
    # its first minute; once a minute of activity a request adds three more (savepoint,
    # UPDATE django_session, release; see tests/portal/test_sessions.py). A name search first
    # reads the matching people's ids and then their cases' ids (cases/search.py): two more.
    assert few == expected


def test_the_case_page_runs_the_same_number_of_queries_however_much_it_holds(client, owner):
    from cases import services

    client.force_login(owner)
    case = register_case(owner)
    small = query_count(client, f"/cases/{case.pk}/")
    for index in range(8):
        services.note_add(actor=owner, case_id=case.pk, text=f"Нотатка {index}")
        services.incident_add(
            actor=owner,
            case_id=case.pk,
            values={
                "occurred_at": timezone.now() - timedelta(days=index + 1),
                "forms": ["economic"],
            },
        )
        services.task_add(
            actor=owner, case_id=case.pk, title=f"Завдання {index}", due_date=timezone.localdate()
        )
    assert query_count(client, f"/cases/{case.pk}/") == small


def test_worker_dashboard_shows_open_cases_and_high_risk(client, owner):
    register_case(owner, risk_answers={"threats_to_kill": True})
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert "1 відкритий випадок" in page
    assert "Високий ризик без направлення" in page


def test_a_high_risk_case_leaves_the_without_a_referral_list_once_a_referral_is_sent(
    client, owner, organisations
):
    from referrals import services as referral_services
    from tests.referrals.factories import catalogue_for_darnytskyi

    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, risk_answers={"threats_to_kill": True}, consent_to_share=True)
    client.force_login(owner)
    panel = client.get("/").content.decode().split("Високий ризик без направлення")[1]
    assert case.number in panel
    record = referral_services.referral_plan_for_case(actor=owner, case_id=case.pk)
    referral_services.referral_apply_plan(actor=owner, plan_id=record.pk)
    panel = client.get("/").content.decode().split("Високий ризик без направлення")[1]
    assert case.number not in panel
