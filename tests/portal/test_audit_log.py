"""The audit log as the coordinator reads it: words, readable objects, filters, export."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from io import BytesIO, StringIO

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from cases.models import Participant
from orders.models import RestrainingOrder
from portal.audit import audit_record
from portal.audit_labels import labels_for
from portal.models import AuditAction, AuditEvent
from programme.models import ReportRun
from referrals.models import Referral
from tests.cases.factories import person, register_case

URL = "/audit/"
INVALID = 'data-testid="audit-filter-invalid"'


def kyiv(text: str) -> datetime:
    return datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=timezone.get_current_timezone())


def event_at(at: datetime, **kwargs) -> AuditEvent:
    event = audit_record(**kwargs)
    # Append-only table: the time is set by inserting a copy, never by an UPDATE.
    return AuditEvent.objects.create(
        at=at,
        user=event.user,
        username=event.username,
        organisation=event.organisation,
        role=event.role,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        detail=event.detail,
    )


def page_of(client, viewer, **params) -> str:
    client.force_login(viewer)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def case(owner):
    return register_case(owner)


@pytest.fixture
def other_case(owner):
    return register_case(owner, victim=person("Бондар", "Ірина"), offender=None)


def urgent(police, case, *, number: str = "ТЗП-1") -> RestrainingOrder:
    # Straight to the table: the labels only need a row, not the order service's rules.
    now = timezone.now()
    people = {p.role: p.person for p in case.participants.all()}
    return RestrainingOrder.objects.create(
        kind="urgent",
        case=case,
        offender=people["offender"],
        victim=people["victim"],
        number=number,
        issued_by=police.memberships.get().organisation,
        starts_at=now,
        ends_at=now + timedelta(days=10),
        measures=["no_contact"],
        created_by=police,
    )


@pytest.fixture
def referral(case, owner):
    return Referral.objects.create(
        case=case, service="shelter", due_at=timezone.now() + timedelta(days=1), sent_by=owner
    )


# --- reading -----------------------------------------------------------------------------------


def test_coordinator_reads_action_role_organisation_and_case_in_words(client, coordinator, case):
    page = page_of(client, coordinator)
    assert "Створення" in page  # AuditAction.CREATE
    assert "Соціальний працівник" in page  # Role.SOCIAL_WORKER
    assert "ЦСС Дарницького району" in page
    assert case.number in page
    assert "cases.case" not in page
    assert "social_worker" not in page


def test_a_read_of_a_list_and_a_refused_page_are_read_in_words(client, coordinator, case):
    audit_record(
        actor=coordinator, action=AuditAction.VIEW, object_type="cases.case", detail="list: 4,5"
    )
    audit_record(
        actor=coordinator,
        action=AuditAction.PERMISSION_DENIED,
        object_type="page",
        object_id="/cases/99/",
        detail="404 GET /cases/99/",
    )
    page = page_of(client, coordinator)
    assert "Список: показано 2 записи (4, 5)" in page
    assert "Не знайдено для цього користувача: GET /cases/99/" in page
    assert "list: 4,5" not in page and "404 GET" not in page


def _read(actor, object_type: str, detail: str) -> None:
    """A read of several records, as audit.audit_read writes it."""
    audit_record(actor=actor, action=AuditAction.VIEW, object_type=object_type, detail=detail)


def test_a_read_of_a_list_names_its_cases_by_number_in_the_log_and_its_export(
    client, coordinator, owner, case
):
    other = register_case(owner)
    gone = str(other.pk + 100_000)
    _read(coordinator, "cases.case", f"list: {case.pk},{other.pk},{gone}")
    page = page_of(client, coordinator)
    # Numbers, without "випадок" before each (the object column says "випадки"); an id no
    # record answers to any more is shown as it was written.
    assert f"Список: показано 3 записи ({case.number}, {other.number}, {gone})" in page
    export = client.get("/audit/export.csv").content.decode("utf-8-sig")
    assert f"{case.number}, {other.number}, {gone}" in export


def test_orders_read_in_a_list_are_named_by_their_numbers_alone(
    client, coordinator, police, owner, case
):
    first = urgent(police, case, number="ТЗП-57")
    second = urgent(police, register_case(owner), number="ТЗП-58")
    _read(police, "orders.restrainingorder", f"list: {second.pk},{first.pk}")
    page = page_of(client, coordinator)
    assert "Список: показано 2 записи (№\xa0ТЗП-58, №\xa0ТЗП-57)" in page


def test_an_inbox_names_its_referrals_but_a_lookup_keeps_its_peoples_ids(
    client, coordinator, owner, case, referral
):
    """The people an intake lookup found are namesakes of someone typed at intake: the log
    names none of them (an administrator reads the log and keeps no case)."""
    victim = case.participants.get(role="victim").person
    _read(owner, "cases.person", f"lookup: {victim.pk}")
    _read(owner, "referrals.referral", f"inbox: {referral.pk}")
    page = page_of(client, coordinator)
    assert f"Пошук відомих осіб під час прийому: показано 1 запис ({victim.pk})" in page
    assert f"Вхідні: показано 1 запис (№\xa0{referral.pk})" in page


def test_the_apps_details_are_read_in_words_and_what_a_user_typed_stays_text(
    client, coordinator, case
):
    audit_record(actor=coordinator, action=AuditAction.UPDATE, obj=case, detail="status in_work")
    audit_record(
        actor=coordinator,
        action=AuditAction.UPDATE,
        obj=case,
        detail="break-glass until 07.12.2026 10:00: <script>alert(1)</script>",
    )
    page = page_of(client, coordinator)
    assert "Статус: У роботі" in page and "status in_work" not in page
    assert "Екстрений доступ до 07.12.2026 10:00: &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_every_object_type_gets_a_label_that_identifies_without_describing(police, case, referral):
    order = urgent(police, case, number="ТЗП-57")
    participant = Participant.objects.filter(case=case, role="victim").get()
    run = ReportRun.objects.create(
        kind="quarter",
        year=2024,
        quarter=1,
        period_start=datetime(2024, 1, 1).date(),
        period_end=datetime(2024, 3, 31).date(),
    )
    labels = labels_for(
        [
            ("cases.case", str(case.pk)),
            ("cases.person", str(participant.person_id)),
            ("cases.participant", str(participant.pk)),
            ("orders.restrainingorder", str(order.pk)),
            ("referrals.referral", str(referral.pk)),
            ("programme.reportrun", str(run.pk)),
            ("url", "/audit/"),
            ("cases.case", "not-a-number"),
        ]
    )
    assert case.number in labels["cases.case", str(case.pk)]
    assert "Шевченко О." in labels["cases.person", str(participant.person_id)]
    assert "Оксана" not in labels["cases.person", str(participant.person_id)]
    assert case.number in labels["cases.participant", str(participant.pk)]
    assert "ТЗП-57" in labels["orders.restrainingorder", str(order.pk)]
    assert f"№ {referral.pk}" in labels["referrals.referral", str(referral.pk)]
    assert "Притулок" in labels["referrals.referral", str(referral.pk)]
    assert "01.01.2024" in labels["programme.reportrun", str(run.pk)]
    assert "/audit/" in labels["url", "/audit/"]
    assert "not-a-number" in labels["cases.case", "not-a-number"]


# --- filters -----------------------------------------------------------------------------------


def test_user_filter_shows_only_that_users_events(client, coordinator, owner, police):
    audit_record(actor=owner, action=AuditAction.VIEW, object_type="x", detail="by-owner")
    audit_record(actor=police, action=AuditAction.VIEW, object_type="x", detail="by-police")
    page = page_of(client, coordinator, user="owner")
    assert "by-owner" in page
    assert "by-police" not in page


def test_organisation_filter_shows_only_that_organisations_events(
    client, coordinator, owner, police, organisations
):
    audit_record(actor=owner, action=AuditAction.VIEW, object_type="x", detail="by-owner")
    audit_record(actor=police, action=AuditAction.VIEW, object_type="x", detail="by-police")
    page = page_of(client, coordinator, organisation=organisations["police_darnytskyi"].pk)
    assert "by-police" in page
    assert "by-owner" not in page


def test_action_filter_shows_only_that_action(client, coordinator, owner):
    audit_record(actor=owner, action=AuditAction.VIEW, object_type="x", detail="a-view")
    audit_record(actor=owner, action=AuditAction.DELETE, object_type="x", detail="a-delete")
    page = page_of(client, coordinator, action="delete")
    assert "a-delete" in page
    assert "a-view" not in page


def test_period_includes_both_whole_end_days_and_nothing_outside(client, coordinator, owner):
    for at, detail in [
        ("30.09.2024 23:59", "ev-before"),
        ("01.10.2024 00:00", "ev-first-minute"),
        ("10.10.2024 23:59", "ev-last-minute"),
        ("11.10.2024 00:00", "ev-after"),
    ]:
        event_at(kyiv(at), actor=owner, action=AuditAction.VIEW, object_type="x", detail=detail)
    page = page_of(client, coordinator, date_from="01.10.2024", date_to="10.10.2024")
    assert "ev-first-minute" in page
    assert "ev-last-minute" in page
    assert "ev-before" not in page
    assert "ev-after" not in page


def test_a_start_after_the_end_is_a_ukrainian_error_and_no_events(client, coordinator, owner):
    audit_record(actor=owner, action=AuditAction.VIEW, object_type="x", detail="any-event")
    page = page_of(client, coordinator, date_from="10.10.2024", date_to="01.10.2024")
    assert "Кінець періоду раніше за його початок" in page
    assert "any-event" not in page


def test_case_filter_shows_the_case_and_what_belongs_to_it_but_not_another_case(
    client, coordinator, owner, police, case, other_case, referral
):
    order = urgent(police, case)
    participant = Participant.objects.filter(case=case, role="victim").get()
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=participant.person, detail="p-1")
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=order, detail="o-1")
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=referral, detail="r-1")
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=other_case, detail="other-1")
    page = page_of(client, coordinator, case=case.number.lower())
    for detail in ["p-1", "o-1", "r-1", case.number]:
        assert detail in page
    assert "other-1" not in page


def test_case_filter_with_an_unknown_number_shows_nothing(client, coordinator, case):
    page = page_of(client, coordinator, case="КИЇВ-1999-000001")
    assert case.number not in page
    assert "audit-empty" in page


def test_person_filter_shows_events_on_the_person_and_their_participation(
    client, coordinator, case
):
    victim = Participant.objects.filter(case=case, role="victim").get()
    offender = Participant.objects.filter(case=case, role="offender").get()
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=victim.person, detail="victim-p")
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=victim, detail="victim-part")
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=offender.person, detail="off-p")
    page = page_of(client, coordinator, person=victim.person_id)
    assert "victim-p" in page
    assert "victim-part" in page
    assert "off-p" not in page


# A NUL byte never reaches a view: portal.security.RejectNullBytesMiddleware answers 400 first
# (test_a_nul_byte_in_any_filter_or_export_is_a_400_and_exports_nothing).
JUNK = ["abc", "01.01.40000", "01.01.0001", "x" * 10_000]
# Which junk is still a valid (if empty) filter: a user name or case number may be any short text.
VALID_JUNK = {("user", "abc"), ("user", "01.01.40000"), ("user", "01.01.0001")}
VALID_JUNK |= {("case", "abc"), ("case", "01.01.40000"), ("case", "01.01.0001")}


@pytest.mark.parametrize("field", ["user", "organisation", "action", "date_from", "date_to"])
@pytest.mark.parametrize("junk", JUNK, ids=["text", "year40000", "year1", "10k"])
def test_junk_in_a_filter_is_an_error_message_never_a_500(client, coordinator, field, junk):
    page = page_of(client, coordinator, **{field: junk})
    assert (INVALID in page) is ((field, junk) not in VALID_JUNK)


@pytest.mark.parametrize("field", ["case", "person", "page"])
@pytest.mark.parametrize("junk", JUNK, ids=["text", "year40000", "year1", "10k"])
def test_junk_in_case_person_or_page_is_never_a_500(client, coordinator, field, junk):
    page = page_of(client, coordinator, **{field: junk})
    invalid = field != "page" and (field, junk) not in VALID_JUNK
    assert (INVALID in page) is invalid


def test_junk_in_the_export_shows_the_error_instead_of_a_file(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/audit/export.csv", {"person": "abc"})
    assert response.status_code == 200
    assert INVALID in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("field", ["user", "organisation", "action", "date_from", "case", "person"])
def test_a_nul_byte_in_any_filter_or_export_is_a_400_and_exports_nothing(
    client, coordinator, field
):
    client.force_login(coordinator)
    assert client.get(URL, {field: "a\x00b"}).status_code == 400
    assert client.get("/audit/export.csv", {field: "\x00"}).status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- export ------------------------------------------------------------------------------------


@pytest.fixture
def formula_event(owner):
    audit_record(actor=owner, action=AuditAction.VIEW, object_type="x", detail="not-exported")
    return audit_record(
        actor=owner, action=AuditAction.UPDATE, object_type="x", detail='=HYPERLINK("http://x")'
    )


def test_csv_export_has_the_filtered_rows_neutralised_and_is_audited(
    client, coordinator, formula_event
):
    client.force_login(coordinator)
    response = client.get("/audit/export.csv", {"action": "update"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2  # header and the one update
    assert '\'=HYPERLINK("http://x")' in rows[1]
    assert "Зміна" in rows[1]
    assert "not-exported" not in response.content.decode("utf-8-sig")
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, user=coordinator)
    assert export.object_type == "portal.auditevent"
    assert export.detail.startswith("csv: 1 rows; action=update")


def test_xlsx_export_has_the_filtered_rows_neutralised_and_is_audited(
    client, coordinator, formula_event
):
    client.force_login(coordinator)
    response = client.get("/audit/export.xlsx", {"action": "update"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(rows) == 2
    assert '\'=HYPERLINK("http://x")' in rows[1]
    assert isinstance(rows[1][0], datetime)
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, user=coordinator, detail__startswith="xlsx: 1 rows"
    ).exists()


def test_an_unknown_export_format_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/audit/export.pdf").status_code == 404


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["owner", "provider", "police", "secretariat", "executor"])
@pytest.mark.parametrize("url", [URL, "/audit/export.csv", "/audit/export.xlsx"])
def test_roles_without_audit_view_are_refused_the_log_and_its_export(client, personas, name, url):
    client.force_login(personas[name])
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_administrator_may_read_and_export_the_log(client, admin_user, formula_event):
    client.force_login(admin_user)
    assert client.get(URL).status_code == 200
    assert client.get("/audit/export.csv").status_code == 200


# --- cost --------------------------------------------------------------------------------------


@pytest.fixture
def five_objects(police, case, referral):
    order = urgent(police, case)
    participant = Participant.objects.filter(case=case, role="victim").get()
    return [case, participant.person, participant, order, referral]


def test_a_page_of_fifty_events_of_five_types_costs_a_constant_number_of_queries(
    client, coordinator, five_objects, django_assert_num_queries
):
    client.force_login(coordinator)  # audited too: the 50 events below come after it
    for _ in range(10):
        for obj in five_objects:
            audit_record(actor=coordinator, action=AuditAction.VIEW, obj=obj)
    with django_assert_num_queries(13):
        # Middleware: 1 session, 2 user, 3 the acting membership with the others for the
        # header and what the two-factor check decides on (the role's policy and the user's
        # confirmed devices). The view: 4 capped count, 5 the page of events with their
        # organisations, 6-10 one label query per object type (case, person, participant,
        # order, referral), 11 the event of this read. The base template: 12 unread
        # notifications. The filter form: 13 organisations for its select.
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count(f"{five_objects[0].number}") >= 10


def test_an_event_no_person_did_is_shown_as_done_by_the_system(client, admin_user):
    audit_record(actor=None, action=AuditAction.UPDATE, object_type="x", detail="escalation")
    client.force_login(admin_user)
    html = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    event = AuditEvent.objects.get(detail="escalation")
    assert (event.user_id, event.username) == (None, "system")
    assert "система" in html


def test_memberships_holidays_periods_and_saved_filters_are_named_not_numbered(owner):
    from datetime import date

    from cases.models import SavedFilter
    from portal.models import Membership
    from referrals.models import Holiday, MartialLawPeriod

    membership = Membership.objects.get(user=owner)
    holiday = Holiday.objects.order_by("date").first()  # the calendar comes with the migrations
    period = MartialLawPeriod.objects.create(starts_on=date(2022, 2, 24))
    saved = SavedFilter.objects.create(user=owner, name="Мої нові", query="status=new")
    pairs = [
        ("portal.membership", str(membership.pk)),
        ("referrals.holiday", str(holiday.pk)),
        ("referrals.martiallawperiod", str(period.pk)),
        ("cases.savedfilter", str(saved.pk)),
    ]
    with translation.override("uk"):
        labels = labels_for(pairs)
    assert labels[pairs[0]] == f"членство {membership}"
    assert labels[pairs[1]] == f"святковий день {holiday.date:%d.%m.%Y} {holiday.name}"
    assert labels[pairs[2]] == "період воєнного стану 24.02.2022–…"
    assert labels[pairs[3]].endswith("Мої нові")
    assert not [label for label in labels.values() if "об'єкт (" in label]


def test_reading_the_audit_log_is_itself_audited(client, coordinator, owner):
    """The log says who read whose cases and people: reading it is a read like any other,
    with what was looked for, and it is written after the page it describes was read."""
    case = register_case(owner)
    client.force_login(coordinator)
    before = AuditEvent.objects.count()
    page = client.get("/audit/", {"case": case.number}).content.decode()
    read = AuditEvent.objects.filter(user=coordinator, object_type="portal.auditevent").get()
    assert read.action == AuditAction.VIEW
    assert read.detail.startswith("audit log read: page 1, ")
    assert read.detail.endswith(f"; case {case.number}")
    assert "audit log read" not in page  # not on the page it describes
    assert AuditEvent.objects.count() == before + 1
    with translation.override("uk"):
        words = client.get("/audit/", {"user": coordinator.username}).content.decode()
    assert "Журнал аудиту, сторінка 1: показано подій — " in words
    assert f"; випадок {case.number}" in words
    # An invalid filter shows no events, and reads nothing.
    client.get("/audit/", {"date_from": "31.02.2026"})
    assert AuditEvent.objects.filter(user=coordinator, object_type="portal.auditevent").count() == 2
