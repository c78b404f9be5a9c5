"""No input gives a 500, and a refusal writes nothing — proven against every form a role can
reach, found by crawling the portal as that role (so a new page is fuzzed the day it appears).

For each role we start at the dashboard, follow the portal's own links, collect every <form>
on the pages we reach (its action, method and field names), and let hypothesis fill the fields
with junk: NUL bytes, 100,000-character strings, non-numeric and huge ids, NaN and 1e30, dates in
year 1 and 40000, a deeply nested JSON. Every answer must be below 500; an answer of 400 or more
must leave the case, order, referral, holiday, policy and programme tables as they were.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.models import OrganisationKind
from programme.models import Measure, Programme, ProgrammeTask, ReportRun
from referrals import services as referral_services
from tests.cases.factories import person, register_case
from tests.factories import OrganisationFactory
from tests.orders.factories import urgent
from tests.referrals.factories import catalogue_for_darnytskyi, staff

JUNK_VALUES = [
    "",
    "\x00",
    "abc\x00def",
    "x" * 100_000,
    "-1",
    "0",
    "abc",
    "99999999999999999999999",
    "1e30",
    "NaN",
    "Infinity",
    "-0.0",
    "01.01.0001",
    "01.01.0001 10:00",
    "31.12.40000",
    "0001-01-01",
    "40000-01-01",
    "29.02.2023",
    "[" * 100_000,
    '{"a":' * 5_000 + "1" + "}" * 5_000,
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x","y")',
    "' OR 1=1 --",
    "../../etc/passwd",
    "😀" * 300,
]
junk = st.one_of(st.sampled_from(JUNK_VALUES), st.text(max_size=40))

SKIP_LINKS = ("/account/logout", "/static/", "/i18n/", "/admin/", "/healthz", "export", "download")
WATCHED_TABLES = [
    "cases_case",
    "cases_person",
    "cases_participant",
    "cases_note",
    "cases_task",
    "cases_incident",
    "cases_safetyplan",
    "cases_caseplan",
    "cases_caseplangoal",
    "cases_caseplanaction",
    "orders_restrainingorder",
    "orders_breach",
    "orders_orderextension",
    "orders_preventiverecord",
    "orders_offenderprogramme",
    "referrals_referral",
    "referrals_holiday",
    "referrals_routingpolicy",
    "programme_progress",
    "programme_reportrun",
]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": set(),
            }
            self.forms.append(self._form)
        elif tag in {"input", "select", "textarea"} and self._form is not None:
            name = attrs.get("name")
            kind = (attrs.get("type") or "").lower()
            if name and name != "csrfmiddlewaretoken" and kind != "file":
                self._form["fields"].add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _crawl(client: Client, *, limit: int = 45) -> dict[tuple[str, str], set[str]]:
    """Every form reachable from the dashboard: (method, action path) → field names."""
    seen: set[str] = set()
    queue = ["/"]
    forms: dict[tuple[str, str], set[str]] = {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Page()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = urlsplit(urljoin(path, href))
            if target.netloc or not target.path.startswith("/"):
                continue
            if any(part in target.path for part in SKIP_LINKS):
                continue
            # One page per kind of URL is enough: collapse ids so we do not walk every case.
            if re.sub(r"\d+", "N", target.path) in {re.sub(r"\d+", "N", s) for s in seen}:
                continue
            queue.append(target.path)
        for form in parser.forms:
            action = urlsplit(urljoin(path, form["action"] or path)).path
            if any(part in action for part in ("/account/logout", "/i18n/")):
                continue
            forms.setdefault((form["method"], action), set()).update(form["fields"])
    return forms


def _counts() -> tuple[int, ...]:
    # Table names are this module's own constants, never input.
    sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in WATCHED_TABLES)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


@pytest.fixture
def city(organisations, owner, police, coordinator, secretariat, executor, admin_user):
    """A small city every role has something in: a case with an order and referrals, a
    programme measure of the executor's organisation and a finished report run."""
    catalogue_for_darnytskyi(organisations)
    case = register_case(
        owner,
        needs=["shelter", "legal"],
        consent_to_share=True,
        risk_answers={"threats_to_kill": True},
        victim=person(phone="0671234567"),
    )
    urgent(police, case)
    record = referral_services.referral_plan_for_case(actor=owner, case_id=case.pk)
    referral_services.referral_apply_plan(actor=owner, plan_id=record.pk)
    programme = Programme.objects.create(code="p", title="Програма", year_from=2024, year_to=2026)
    measure = Measure.objects.create(
        task=ProgrammeTask.objects.create(programme=programme, code="1", title="Завдання"),
        code="1.1",
        title="Захід",
    )
    measure.executors.set([organisations["city_centre"]])
    ReportRun.objects.create(
        kind="9months",
        year=2024,
        period_start=timezone.localdate().replace(year=2024, month=1, day=1),
        period_end=timezone.localdate().replace(year=2024, month=9, day=30),
        status="done",
    )
    OrganisationFactory(code="court-1", kind=OrganisationKind.COURT)
    return case


def _attack(client, persona, method, action, names, failures) -> None:
    @settings(
        max_examples=6,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(values=st.fixed_dictionaries(dict.fromkeys(names, junk)))
    def attack(values):
        before = _counts()
        if method == "post":
            response = client.post(action, values)
        else:
            response = client.get(action, {k: v[:2000] for k, v in values.items()})
        if response.status_code >= 500:
            failures.append(f"{persona} {method.upper()} {action} {values!r:.300}")
        elif response.status_code >= 400 and _counts() != before:
            failures.append(f"{persona} {method.upper()} {action}: refused but wrote")

    attack()


ROLES = ["owner", "police", "provider", "coordinator", "secretariat", "executor", "admin"]


@pytest.mark.parametrize("persona", ROLES)
def test_no_junk_in_any_form_gives_a_500_or_writes_on_refusal(personas, city, persona):
    user = personas[persona]
    if persona == "provider":
        user = staff(city.referrals.filter(service="shelter").first().provider, "fuzz-provider")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    forms = _crawl(client)
    print(persona, sorted(forms))  # shown with -s: what was attacked
    assert forms, f"{persona}: the crawl found no form at all"
    failures: list[str] = []

    for (method, action), fields in sorted(forms.items()):
        _attack(client, persona, method, action, sorted(fields) or ["q"], failures)
    assert not failures, "\n".join(failures[:20])


def test_a_nul_byte_anywhere_is_refused_before_any_view_runs(client, owner, coordinator):
    """Found by the fuzz above: a user name with a NUL byte reached PostgreSQL and gave 500."""
    case = register_case(owner)
    client.force_login(coordinator)
    before = _counts()
    response = client.post(f"/cases/{case.pk}/access/", {"username": "\x00"})
    assert response.status_code == 400
    assert "Запит не можна обробити" in response.content.decode()
    assert client.get("/cases/", {"q": "Шев\x00ченко"}).status_code == 400
    assert _counts() == before
