"""The case page's tabs that other apps add (plan, team, referrals, orders) are read when the
user opens them, each through the user's scope and with its own read in the audit. The page
itself names the tabs the user may open and reads none of their content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import AuditAction, AuditEvent
from tests.cases.factories import register_case
from tests.cases.pages import case_tab, query_count
from tests.cases.plans.factories import safety_plan
from tests.orders.factories import urgent

pytestmark = pytest.mark.django_db


def _reads(case) -> list[str]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(case.pk))
        .order_by("pk")
        .values_list("detail", flat=True)
    )


def test_the_case_page_names_its_tabs_and_reads_their_content_only_when_one_is_opened(
    client, owner, police
):
    case = register_case(owner)
    urgent(police, case, number="ТЗП-4711")
    client.force_login(owner)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for key in ("plans", "team", "referrals", "orders"):
        assert f'id="section-{key}"' in page
        assert f'data-lazy-tab="/cases/{case.pk}/tabs/{key}/"' in page
    assert 'data-testid="offender-measures"' not in page
    tab = case_tab(client, case, "orders")
    assert tab.status_code == 200 and 'data-testid="offender-measures"' in tab.content.decode()
    assert "ТЗП-4711" in tab.content.decode()
    assert tab["X-Portal-Fragment"] == "case-section"
    assert tab["Cache-Control"] == "private, no-store"
    assert "<html" not in tab.content.decode()  # a fragment for the pane, not a page


def test_opening_a_tab_is_audited_as_a_read_of_the_case_named_by_the_tab(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    client.get(f"/cases/{case.pk}/")
    case_tab(client, case, "orders")
    case_tab(client, case, "referrals")
    assert _reads(case) == [case.number, f"{case.number}: Приписи", f"{case.number}: Направлення"]


def test_a_tabs_address_opened_without_the_page_leads_to_the_page_on_that_tab(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    answer = client.get(f"/cases/{case.pk}/tabs/plans/")
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{case.pk}/#section-plans"
    assert _reads(case) == []  # the page it leads to writes its own read


@pytest.mark.parametrize("key", ["nothing", "overview", "PLANS", "orders-1"])
def test_a_tab_that_does_not_exist_answers_404_and_writes_no_read(client, owner, key):
    case = register_case(owner)
    client.force_login(owner)
    assert case_tab(client, case, key).status_code == 404
    assert _reads(case) == []


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_a_tab_the_user_may_not_open_answers_like_one_that_does_not_exist(client, owner, police):
    case = register_case(police)  # police opened it; the district's centre works it
    safety_plan(owner, case)
    client.force_login(police)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="section-orders"' in page
    assert 'id="section-plans"' not in page and 'id="section-team"' not in page
    hidden = case_tab(client, case, "plans")
    unknown = case_tab(client, case, "nothing")
    assert hidden.status_code == unknown.status_code == 404
    assert _main(hidden) == _main(unknown)
    assert case_tab(client, case, "team").status_code == 404
    assert _reads(case) == [case.number]  # the page's own read only


def test_another_districts_worker_cannot_open_a_tab_of_the_case(client, owner, outsider, police):
    case = register_case(owner)
    urgent(police, case, number="ТЗП-4712")
    client.force_login(outsider)
    denied_before = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).count()
    for key in ("orders", "referrals", "plans", "team"):
        answer = case_tab(client, case, key)
        assert answer.status_code == 404 and "ТЗП-4712" not in answer.content.decode()
    assert _reads(case) == []
    denied = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).count()
    assert denied - denied_before == 4


def test_a_tab_is_only_read(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    assert client.post(f"/cases/{case.pk}/tabs/orders/").status_code == 405


def test_the_case_page_runs_the_same_queries_however_many_orders_the_case_has(
    client, owner, police
):
    case = register_case(owner)
    client.force_login(owner)
    client.get(f"/cases/{case.pk}/")  # the session's first request settles its own writes
    none = query_count(client, f"/cases/{case.pk}/")
    for n in range(1, 4):  # three orders one after another, none overlapping
        urgent(police, case, number=f"ТЗП-{n}", issued_at=timezone.now() - timedelta(days=10 * n))
    assert query_count(client, f"/cases/{case.pk}/") == none
