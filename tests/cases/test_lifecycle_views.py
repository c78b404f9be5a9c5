"""The pages of a case's lead: who may and who may not, what each page shows and hides, and the
head's dashboard in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone, translation

from cases import services as case_services
from cases.lifecycle import services as lifecycle
from cases.lifecycle import transfers
from cases.lifecycle.selectors import head_panel
from cases.models import Case, CaseEvent, CaseStatus, CaseTransfer, ClosureRequest, TransferStatus
from portal.models import AuditAction, AuditEvent
from portal.roles import Role
from tests.cases.factories import person, register_case
from tests.factories import member

SURNAME = "Приховальська"


@pytest.fixture
def case(owner):
    case = register_case(owner, victim=person(SURNAME, "Ірина"))
    Case.objects.filter(pk=case.pk).update(responsible=owner)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def obolon_head(organisations):
    return member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")


# --- closure on the case page ----------------------------------------------------------------


def test_the_worker_requests_closure_on_the_case_page(client, case, owner):
    client.force_login(owner)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="closure-form"' in page
    response = client.post(
        f"/cases/{case.pk}/closure/", {"closure-reason": "moved_away", "closure-reason_text": ""}
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="closure-requested"' in page
    assert "Чекає на затвердження керівником організації." in page
    assert 'data-testid="closure-approve"' not in page  # a worker does not approve


def test_other_without_words_is_refused_at_the_field(client, case, owner):
    client.force_login(owner)
    response = client.post(f"/cases/{case.pk}/closure/", {"closure-reason": "other"})
    assert response.status_code == 400
    assert "Напишіть словами, чому випадок закривається." in response.content.decode()
    assert not ClosureRequest.objects.exists()


def test_the_head_sees_the_open_work_and_approves(client, case, owner, head):
    case_services.task_add(
        actor=owner, case_id=case.pk, title="Забрати документи", due_date=timezone.localdate()
    )
    request = lifecycle.closure_request(actor=owner, case_id=case.pk, reason="goals_reached")
    client.force_login(head)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="open-work"' in page and "Забрати документи" in page
    response = client.post(
        f"/cases/{case.pk}/closure/{request.pk}/approve/", {"answer-comment": ""}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "цілі плану роботи з випадком досягнуто" in page
    assert 'data-testid="reopen-toggle"' in page


def test_the_head_returns_with_a_comment(client, case, owner, head):
    request = lifecycle.closure_request(actor=owner, case_id=case.pk, reason="refused")
    client.force_login(head)
    refused = client.post(f"/cases/{case.pk}/closure/{request.pk}/return/", {"answer-comment": ""})
    assert refused.status_code == 400
    assert "ще треба зробити" in refused.content.decode()
    client.post(f"/cases/{case.pk}/closure/{request.pk}/return/", {"answer-comment": "Ще візит"})
    assert ClosureRequest.objects.get().status == "returned"
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED


def test_the_head_sees_why_they_cannot_approve_their_own_request(client, case, head):
    request = lifecycle.closure_request(actor=head, case_id=case.pk, reason="death")
    client.force_login(head)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="closure-approve"' not in page
    assert "іншим керівником організації або міським координатором" in page
    response = client.post(f"/cases/{case.pk}/closure/{request.pk}/approve/", {})
    assert response.status_code == 400
    assert "Ніхто не затверджує власний запит на закриття." in response.content.decode()
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED


def test_a_worker_posting_an_approval_is_forbidden(client, case, owner, colleague):
    request = lifecycle.closure_request(actor=owner, case_id=case.pk, reason="refused")
    client.force_login(colleague)
    response = client.post(f"/cases/{case.pk}/closure/{request.pk}/approve/", {})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED


def test_a_request_of_another_case_is_not_found(client, case, owner, head):
    other = register_case(owner)
    request = lifecycle.closure_request(actor=owner, case_id=other.pk, reason="refused")
    client.force_login(head)
    response = client.post(f"/cases/{case.pk}/closure/{request.pk}/approve/", {})
    assert response.status_code == 404
    assert Case.objects.get(pk=other.pk).status != CaseStatus.CLOSED


def test_opening_a_post_address_leads_back_to_the_case(client, case, owner):
    client.force_login(owner)
    response = client.get(f"/cases/{case.pk}/closure/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"


def test_the_coordinator_sees_the_case_read_only_without_the_lead_forms(client, case, coordinator):
    client.force_login(coordinator)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="closure-form"' not in page
    assert 'data-testid="transfer-form"' not in page


def test_reopening_on_the_page_needs_a_reason(client, case, owner, head):
    request = lifecycle.closure_request(actor=owner, case_id=case.pk, reason="moved_away")
    lifecycle.closure_approve(actor=head, request_id=request.pk)
    client.force_login(owner)
    assert client.post(f"/cases/{case.pk}/reopen/", {"reopen-reason": ""}).status_code == 400
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    client.post(f"/cases/{case.pk}/reopen/", {"reopen-reason": "Знову звернулася"})
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_WORK


# --- reassigning -----------------------------------------------------------------------------


def test_only_the_head_is_offered_reassigning(client, case, owner, head, colleague):
    client.force_login(owner)
    assert 'data-testid="reassign-form"' not in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.post(
        f"/cases/{case.pk}/reassign/", {"reassign-worker": colleague.pk}
    ).status_code in (400, 403)
    assert Case.objects.get(pk=case.pk).responsible == owner
    client.force_login(head)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="reassign-form"' in page
    response = client.post(f"/cases/{case.pk}/reassign/", {"reassign-worker": colleague.pk})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).responsible == colleague


# --- transfers -------------------------------------------------------------------------------


def test_the_transfer_page_shows_the_receiver_no_person_of_the_case(
    client, case, owner, organisations, obolon_head, outsider
):
    client.force_login(owner)
    response = client.post(
        f"/cases/{case.pk}/transfer/",
        {
            "transfer-to_organisation": organisations["css_obolonskyi"].pk,
            "transfer-reason": "Переїхала на Оболонь",
            "transfer-keep_read": "on",
        },
    )
    assert response.status_code == 302
    transfer = CaseTransfer.objects.get()
    client.force_login(obolon_head)
    page = client.get(f"/cases/transfers/{transfer.pk}/").content.decode()
    assert case.number in page and "Переїхала на Оболонь" in page
    assert SURNAME not in page and "Шевченко" not in page  # neither victim nor offender
    assert 'data-testid="transfer-accept-form"' in page
    assert 'data-testid="open-case"' not in page  # not theirs yet
    assert AuditEvent.objects.filter(
        user=obolon_head, action=AuditAction.VIEW, object_type="cases.casetransfer"
    ).exists()
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    response = client.post(
        f"/cases/transfers/{transfer.pk}/accept/",
        {"accept-responsible": outsider.pk, "accept-keep_read": "on"},
    )
    assert response.status_code == 302
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    client.force_login(owner)  # the sender kept read access: the case, read-only
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    assert 'data-testid="closure-form"' not in response.content.decode()


def test_the_sender_and_a_receiving_worker_see_the_transfer_but_do_not_answer(
    client, case, owner, organisations, obolon_head, outsider
):
    transfer = transfers.transfer_request(
        actor=owner,
        case_id=case.pk,
        to_organisation_id=organisations["css_obolonskyi"].pk,
        reason="Переїзд",
    )
    for user in (owner, outsider):
        client.force_login(user)
        page = client.get(f"/cases/transfers/{transfer.pk}/").content.decode()
        assert 'data-testid="transfer-accept-form"' not in page
        response = client.post(
            f"/cases/transfers/{transfer.pk}/accept/", {"accept-responsible": outsider.pk}
        )
        assert response.status_code == 403
    assert CaseTransfer.objects.get().status == TransferStatus.PENDING


def test_another_centres_head_does_not_see_the_transfer(client, case, owner, organisations):
    third_head = member(Role.HEAD, organisations["city_centre"], "city-head")
    transfer = transfers.transfer_request(
        actor=owner,
        case_id=case.pk,
        to_organisation_id=organisations["city_centre"].pk,
        reason="Складний випадок",
    )
    outsider_head = member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")
    client.force_login(outsider_head)
    assert client.get(f"/cases/transfers/{transfer.pk}/").status_code == 404
    assert client.get("/cases/transfers/987654/").status_code == 404
    client.force_login(third_head)
    assert client.get(f"/cases/transfers/{transfer.pk}/").status_code == 200


def test_declining_on_the_page_needs_a_reason(client, case, owner, organisations, obolon_head):
    transfer = transfers.transfer_request(
        actor=owner,
        case_id=case.pk,
        to_organisation_id=organisations["css_obolonskyi"].pk,
        reason="Переїзд",
    )
    client.force_login(obolon_head)
    refused = client.post(
        f"/cases/transfers/{transfer.pk}/decline/", {"decline-decline_reason": ""}
    )
    assert refused.status_code == 400
    client.post(f"/cases/transfers/{transfer.pk}/decline/", {"decline-decline_reason": "Не наш"})
    assert CaseTransfer.objects.get().status == TransferStatus.DECLINED


def test_a_second_transfer_request_on_the_page_is_refused(
    client, case, owner, colleague, organisations, obolon_head
):
    transfers.transfer_request(
        actor=owner,
        case_id=case.pk,
        to_organisation_id=organisations["css_obolonskyi"].pk,
        reason="Переїзд",
    )
    client.force_login(colleague)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="transfer-form"' not in page and 'data-testid="transfer-waiting"' in page
    response = client.post(
        f"/cases/{case.pk}/transfer/",
        {
            "transfer-to_organisation": organisations["css_obolonskyi"].pk,
            "transfer-reason": "Ще раз",
        },
    )
    assert response.status_code == 400
    assert CaseTransfer.objects.count() == 1


def test_the_sender_withdraws_on_the_page(client, case, owner, organisations, obolon_head):
    transfer = transfers.transfer_request(
        actor=owner,
        case_id=case.pk,
        to_organisation_id=organisations["css_obolonskyi"].pk,
        reason="Переїзд",
    )
    client.force_login(owner)
    assert client.post(f"/cases/transfers/{transfer.pk}/withdraw/").status_code == 302
    assert CaseTransfer.objects.get().status == TransferStatus.WITHDRAWN
    again = client.post(f"/cases/transfers/{transfer.pk}/withdraw/", follow=True)
    assert "вже відповіли або його відкликано" in again.content.decode()


# --- the head's dashboard --------------------------------------------------------------------


def test_the_heads_dashboard_shows_the_workload_quiet_cases_and_what_waits(
    client, owner, colleague, head, organisations, obolon_head
):
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        quiet = register_case(owner)
    busy = register_case(owner, risk_answers={"threats_to_kill": True})
    Case.objects.filter(pk__in=[quiet.pk, busy.pk]).update(responsible=owner)
    Case.objects.filter(pk=busy.pk).update(risk_level="high")
    lifecycle.closure_request(actor=owner, case_id=busy.pk, reason="moved_away")
    incoming_case = register_case(member(Role.SOCIAL_WORKER, organisations["css_obolonskyi"], "o"))
    incoming = transfers.transfer_request(
        actor=incoming_case.created_by,
        case_id=incoming_case.pk,
        to_organisation_id=organisations["css_darnytskyi"].pk,
        reason="Переїхала до Дарниці",
    )
    client.force_login(head)
    page = client.get("/").content.decode()
    assert 'data-testid="head-panel"' in page
    assert quiet.number in page  # no activity for 40 days
    assert f"/cases/transfers/{incoming.pk}/" in page
    assert f"/cases/{busy.pk}/#overview" in page  # pending closure
    assert SURNAME not in page
    client.force_login(owner)
    assert 'data-testid="head-panel"' not in client.get("/").content.decode()


def test_the_caseload_counts_open_high_risk_cases_and_overdue_tasks(owner, colleague, head, rf):
    first = register_case(owner)
    second = register_case(owner)
    Case.objects.filter(pk__in=[first.pk, second.pk]).update(responsible=owner)
    Case.objects.filter(pk=second.pk).update(risk_level="high")
    case_services.task_add(
        actor=owner, case_id=first.pk, title="Дзвінок", due_date=timezone.localdate()
    )
    from cases.models import Task

    Task.objects.update(due_date=timezone.localdate() - timedelta(days=1))
    request = rf.get("/")
    request.user = head
    rows = {w.username: w for w in head_panel(request)["workers"]}
    assert (rows["owner"].open_cases, rows["owner"].high_risk, rows["owner"].overdue_tasks) == (
        2,
        1,
        1,
    )
    assert (rows["colleague"].open_cases, rows["colleague"].overdue_tasks) == (0, 0)
    assert "head" in rows  # the head also takes cases


def test_the_heads_panel_takes_the_same_queries_for_one_worker_or_ten(
    head, owner, organisations, rf, django_assert_num_queries
):
    def panel():
        cache.clear()  # the possible duplicates' pairs are found once a minute
        request = rf.get("/")
        request.user = head
        head._acting_membership = None
        return head_panel(request)

    register_case(owner, victim=person("Коваленко", "Ірина"))
    register_case(owner, victim=person("Коваленко", "Ірина"))
    # 1 acting membership, 2 the caseload per worker (one query with three counts), 3 the quiet
    # cases, 4 the pending closures, 5 the pending transfers, 6-9 the possible duplicates (the
    # newest people, their similar records, which of them the head may merge, those shown).
    with django_assert_num_queries(9):
        panel()
    for index in range(10):
        worker = member(Role.SOCIAL_WORKER, organisations["css_darnytskyi"], f"w{index}")
        case = register_case(worker)
        Case.objects.filter(pk=case.pk).update(responsible=worker)
        lifecycle.closure_request(actor=worker, case_id=case.pk, reason="moved_away")
    with django_assert_num_queries(9):
        context = panel()
    assert len(context["workers"]) == 12  # owner, head and the ten
    assert len(context["closures"]) == 8


def test_the_coordinator_sees_closures_that_wait_for_a_coordinator(client, case, head, coordinator):
    lifecycle.closure_request(actor=head, case_id=case.pk, reason="death")
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert 'data-testid="coordinator-closures"' in page and case.number in page


def test_the_timeline_tells_the_whole_story(case, owner, head):
    request = lifecycle.closure_request(actor=owner, case_id=case.pk, reason="contact_lost")
    lifecycle.closure_approve(actor=head, request_id=request.pk)
    lifecycle.case_reopen(actor=owner, case_id=case.pk, reason="Знайшлася")
    kinds = list(
        CaseEvent.objects.filter(case=case, kind__startswith="case.").values_list("kind", flat=True)
    )
    assert {"case.closure_requested", "case.closed", "case.reopened"} <= set(kinds)


def test_the_timeline_says_a_closure_in_words_without_its_reason_code(client, case, owner, head):
    request = lifecycle.closure_request(actor=owner, case_id=case.pk, reason="contact_lost")
    with translation.override("uk"):
        lifecycle.closure_approve(actor=head, request_id=request.pk)
    client.force_login(owner)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"Випадок закрито; затвердження: {head}; причина: " in page
    assert "зв&#x27;язок із постраждалою особою втрачено" in page
    assert "contact_lost" not in page
