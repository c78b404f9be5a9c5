"""The provider's inbox is for triage: new referrals apart from those in work, the most urgent
first, each row with the service, risk in words, people, district and the answer's time in
words — from what the referral shares and never more. The police unit's notice inbox is the
same page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services as case_services
from portal.models import AuditAction, AuditEvent, Organisation
from referrals import services
from referrals.inbox import inbox_for_provider
from referrals.models import Referral
from referrals.services.sharing import CaseMaterial, shared_data
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi

NOW = timezone.datetime(2026, 3, 4, 10, 0, tzinfo=timezone.get_fixed_timezone(120))


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def catalogue(organisations):
    return catalogue_for_darnytskyi(organisations)


def _send(case, provider, service, *, due_in, sent_by, **fields) -> Referral:
    """A referral as the plan would send it: the data the service shares, a deadline."""
    return Referral.objects.create(
        case=case,
        service=service,
        provider=provider,
        shared_data=shared_data(CaseMaterial(case), service),
        due_at=timezone.now() + due_in,
        sent_by=sent_by,
        **fields,
    )


def _case(owner, **fields):
    return register_case(owner, needs=["shelter"], consent_to_share=True, **fields)


def _section(page: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}">(.*?)</section>', page, re.S).group(1)


def _order(section: str) -> list[int]:
    """The referrals' ids in the order the page lists them."""
    return [
        int(n) for n in re.findall(r'href="/referrals/(\d+)/" data-testid="inbox-item"', section)
    ]


def _rows(section: str) -> list[str]:
    """The rows' HTML, with no-break spaces read as spaces."""
    rows = re.findall(r'data-testid="inbox-row">(.*?)</tr>', section, re.S)
    return [row.replace("\xa0", " ") for row in rows]


def test_new_referrals_are_apart_from_those_in_work_and_an_answer_moves_one(
    client, owner, provider, organisations, catalogue
):
    shelter = organisations["shelter"]
    first = _send(_case(owner), shelter, "shelter", due_in=timedelta(hours=2), sent_by=owner)
    second = _send(_case(owner), shelter, "shelter", due_in=timedelta(hours=5), sent_by=owner)
    services.referral_accept(actor=provider, referral_id=second.pk)
    client.force_login(provider)
    page = client.get("/referrals/").content.decode()
    new, in_work = _section(page, "inbox-new"), _section(page, "inbox-in-work")
    assert f"/referrals/{first.pk}/" in new and f"/referrals/{second.pk}/" not in new
    assert f"/referrals/{second.pk}/" in in_work
    assert "займає 1 місце" in in_work
    assert 'data-testid="inbox-closed"' not in page


def test_the_most_urgent_come_first_and_the_risk_breaks_a_tie(
    client, owner, provider, organisations, catalogue
):
    shelter = organisations["shelter"]
    high = {"threats_to_kill": True}
    later = _send(_case(owner), shelter, "shelter", due_in=timedelta(hours=20), sent_by=owner)
    low_tie = _send(_case(owner), shelter, "shelter", due_in=timedelta(hours=3), sent_by=owner)
    high_tie = _send(
        _case(owner, risk_answers=high),
        shelter,
        "shelter",
        due_in=timedelta(hours=3),
        sent_by=owner,
    )
    overdue = _send(_case(owner), shelter, "shelter", due_in=-timedelta(minutes=30), sent_by=owner)
    rows = inbox_for_provider(provider).new
    assert [row.referral for row in rows] == [overdue, high_tie, low_tie, later]
    client.force_login(provider)
    page = client.get("/referrals/").content.decode()
    assert _order(page) == [overdue.pk, high_tie.pk, low_tie.pk, later.pk]


def test_a_row_says_risk_people_district_and_time_in_words(
    client, owner, provider, organisations, catalogue
):
    case = _case(owner, accompanying_children=2, risk_answers={"threats_to_kill": True})
    _send(
        case,
        organisations["shelter"],
        "shelter",
        due_in=timedelta(hours=2, minutes=15),
        sent_by=owner,
    )
    client.force_login(provider)
    row = _rows(client.get("/referrals/").content.decode())[0]
    assert re.search(r'<span class="badge risk-high">високий</span>', row)
    assert "1 доросла особа, 2 дитини" in row
    assert "Дарницький" in row and case.number in row and "Притулок" in row
    assert "залишилося 2 год 15 хв" in row
    assert "надіслано" in row
    # On a phone each cell is a card line named by its column.
    labels = re.findall(r'<td data-label="([^"]+)"', row)
    assert labels == ["Послуга", "Випадок", "Ризик", "Особи", "Район", "Відповісти до", "Статус"]
    text = re.sub(r"<[^>]+>", " ", row)  # what a reader sees: no code, no Python value
    assert not re.search(r"\b(high|shelter|sent|True|False|None)\b|\[|\{", text)


def test_an_overdue_referral_says_by_how_much_and_is_marked_beyond_colour(
    client, owner, provider, organisations, catalogue
):
    _send(
        _case(owner),
        organisations["shelter"],
        "shelter",
        due_in=-timedelta(hours=1, minutes=5),
        sent_by=owner,
    )
    client.force_login(provider)
    page = client.get("/referrals/").content.decode()
    assert '<tr class="inbox-overdue" data-testid="inbox-row">' in page
    assert "прострочено на 1 год 5 хв" in _rows(page)[0]


def test_a_closed_referral_shows_no_risk_or_people_any_more(
    client, owner, provider, organisations, catalogue
):
    case = _case(owner, accompanying_children=2, risk_answers={"threats_to_kill": True})
    referral = _send(
        case, organisations["shelter"], "shelter", due_in=timedelta(hours=2), sent_by=owner
    )
    services.referral_accept(actor=provider, referral_id=referral.pk)
    services.referral_complete(actor=provider, referral_id=referral.pk, outcome="Виїхала")
    client.force_login(provider)
    page = client.get("/referrals/?all=1").content.decode()
    closed = _section(page, "inbox-closed")
    row = _rows(closed)[0]
    assert "не передано" in row and "високий" not in row and "дитин" not in row
    assert case.number in row  # the case number stays, as on the referral's page
    assert _rows(_section(page, "inbox-new")) == []


def test_after_consent_is_withdrawn_an_optional_referral_shows_nobody(
    client, owner, provider, organisations, catalogue
):
    case = _case(owner, accompanying_children=1, risk_answers={"threats_to_kill": True})
    _send(case, organisations["shelter"], "shelter", due_in=timedelta(hours=2), sent_by=owner)
    case_services.case_record_consent(actor=owner, case_id=case.pk, consent=False)
    client.force_login(provider)
    row = _rows(client.get("/referrals/").content.decode())[0]
    assert "не передано" in row and "доросл" not in row and "дитин" not in row


def test_the_police_unit_triages_its_notices_on_the_same_page(
    client, owner, police, organisations, catalogue
):
    case = register_case(owner, risk_answers={"threats_to_kill": True}, children=[])
    notice = _send(
        case,
        organisations["police_darnytskyi"],
        "police_notice",
        due_in=timedelta(minutes=40),
        sent_by=owner,
        mandatory=True,
    )
    client.force_login(police)
    page = client.get("/referrals/").content.decode()
    row = _rows(_section(page, "inbox-new"))[0]
    assert f"/referrals/{notice.pk}/" in row and "обов'язково" in row
    assert "високий" in row and "залишилося 40 хв" in row
    # A notice shares whether children are involved, not who: nobody is counted as a person.
    assert re.search(r'data-testid="inbox-people">(дітей немає|є діти)</td>', row)
    assert "доросл" not in row
    assert 'data-testid="capacity' not in page  # no places board for the police


def test_another_providers_referrals_are_not_in_the_inbox(
    client, owner, provider, organisations, catalogue
):
    other = Organisation.objects.get(code="shelter-2")
    foreign = _send(_case(owner), other, "shelter", due_in=timedelta(hours=2), sent_by=owner)
    client.force_login(provider)
    page = client.get("/referrals/?all=1").content.decode()
    assert f"/referrals/{foreign.pk}/" not in page and foreign.case.number not in page


def test_the_inbox_is_audited_with_the_referrals_it_showed(
    client, owner, provider, organisations, catalogue
):
    shown = _send(
        _case(owner), organisations["shelter"], "shelter", due_in=timedelta(hours=2), sent_by=owner
    )
    client.force_login(provider)
    client.get("/referrals/")
    event = AuditEvent.objects.get(
        user=provider, action=AuditAction.VIEW, object_type="referrals.referral"
    )
    assert event.detail == f"inbox: {shown.pk}"


def test_the_inbox_costs_the_same_queries_for_three_referrals_or_nine(
    client, owner, provider, organisations, catalogue
):
    shelter = organisations["shelter"]
    for hours in range(3):
        _send(_case(owner), shelter, "shelter", due_in=timedelta(hours=hours + 1), sent_by=owner)
    client.force_login(provider)
    client.get("/referrals/")  # the session and the acting membership, once
    with CaptureQueriesContext(connection) as three:
        client.get("/referrals/")
    for hours in range(6):
        _send(_case(owner), shelter, "shelter", due_in=timedelta(hours=hours + 5), sent_by=owner)
    with CaptureQueriesContext(connection) as nine:
        client.get("/referrals/")
    assert len(nine) == len(three)


def test_a_long_inbox_comes_in_pages_the_most_urgent_first_and_is_counted_whole(
    client, owner, provider, organisations, catalogue, monkeypatch
):
    monkeypatch.setattr("referrals.inbox.PAGE_ROWS", 2)
    shelter = organisations["shelter"]
    # Sent newest first: the oldest is the most overdue and must not fall off the first page.
    waiting = [
        _send(_case(owner), shelter, "shelter", due_in=timedelta(hours=h), sent_by=owner)
        for h in (5, 4, 3, 2, -1)
    ]
    client.force_login(provider)
    first = _section(client.get("/referrals/").content.decode(), "inbox-new")
    assert _order(first) == [waiting[4].pk, waiting[3].pk]
    assert 'text-bg-warning">5<' in first
    assert "Сторінка 1 з 3" in first
    assert "new=2" in first and "work=1" in first  # the other list keeps its page
    second = _section(client.get("/referrals/?new=2").content.decode(), "inbox-new")
    assert _order(second) == [waiting[2].pk, waiting[1].pk]
    last = _section(client.get("/referrals/?new=3").content.decode(), "inbox-new")
    assert _order(last) == [waiting[0].pk]


def test_in_work_the_latest_answered_come_first_a_page_at_a_time(
    client, owner, provider, organisations, catalogue, monkeypatch
):
    monkeypatch.setattr("referrals.inbox.PAGE_ROWS", 2)
    shelter = organisations["shelter"]
    sent = [
        _send(_case(owner), shelter, "shelter", due_in=timedelta(hours=5), sent_by=owner)
        for _ in range(3)
    ]
    for minutes, referral in zip((30, 10, 20), sent, strict=True):
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            services.referral_accept(actor=provider, referral_id=referral.pk)
    client.force_login(provider)
    work = _section(client.get("/referrals/?work=1").content.decode(), "inbox-in-work")
    assert _order(work) == [sent[0].pk, sent[2].pk]
    assert 'text-bg-success">3<' in work
    rest = _section(client.get("/referrals/?work=2&new=7").content.decode(), "inbox-in-work")
    assert _order(rest) == [sent[1].pk]


@pytest.mark.parametrize("junk", ["abc", "-1", "0", "99999", "1.5", "%D0%B4%D0%B2%D0%B0", "9" * 40])
def test_a_page_number_that_is_not_one_gives_a_page_not_an_error(
    client, owner, provider, organisations, catalogue, junk
):
    _send(
        _case(owner), organisations["shelter"], "shelter", due_in=timedelta(hours=2), sent_by=owner
    )
    client.force_login(provider)
    response = client.get(f"/referrals/?new={junk}&work={junk}")
    assert response.status_code == 200
    assert len(_order(_section(response.content.decode(), "inbox-new"))) == 1


def test_every_role_asking_the_inbox_for_a_junk_page_gets_its_own_page_or_a_refusal(
    client, personas, owner, organisations, catalogue
):
    _send(
        _case(owner), organisations["shelter"], "shelter", due_in=timedelta(hours=2), sent_by=owner
    )
    for name, user in personas.items():
        client.force_login(user)
        response = client.get("/referrals/?new=abc&work=-7&all=1")
        assert response.status_code in (200, 302, 403, 404), name
        if name != "provider":
            # Nobody but the shelter's staff sees the shelter's inbox rows.
            assert 'data-testid="inbox-row"' not in response.content.decode(), name
