"""Every link a page offers opens: no persona is shown a link that answers 404, 500 or the
sign-in page.

Generated, not remembered: each persona starts from the dashboard, opens every page it links
to, and then a few links of each kind that those pages offer (three case pages, three measure
pages…). The world is the access matrix's (another district's case with everything on it, a
programme, a report), with what made dead links before: an order of the officer's own unit on
a case the officer does not see, and measures run by another organisation, which a coordinator
sees in the programme without running them.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from portal.roles import Role
from tests.cases.factories import person, register_case
from tests.factories import member
from tests.orders.factories import urgent
from tests.security.test_access_matrix import world  # noqa: F401 (a fixture)

HREF = re.compile(r'href="(/[^"#]*)"')
# Not pages of the portal: static files, Django's admin (its own site), the language switch.
SKIPPED = ("/static/", "/admin/", "/i18n/", "/account/logout")
PER_KIND = 3
MOST = 150


def _kind(path: str) -> str:
    """Links of one kind differ only in their ids: /cases/12/ and /cases/13/ are one kind."""
    return re.sub(r"\d+", "N", path.split("?", 1)[0])


def _links(html: str) -> list[str]:
    return [
        link.replace("&amp;", "&") for link in HREF.findall(html) if not link.startswith(SKIPPED)
    ]


def _dead_links(client) -> tuple[list[str], int]:
    """The links reachable in two steps from the dashboard that do not open, and how many
    were opened."""
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    dead: list[str] = []
    start = client.get("/")
    assert start.status_code == 200
    frontier = [(link, "/") for link in _links(start.content.decode())]
    for depth in (1, 2):
        following = []
        for link, found_on in frontier:
            if link in seen or kinds[_kind(link)] >= PER_KIND or len(seen) >= MOST:
                continue
            seen.add(link)
            kinds[_kind(link)] += 1
            response = client.get(link)
            location = response.get("Location", "")
            if response.status_code >= 400 or "/account/" in location:
                dead.append(f"{link} ({response.status_code}, linked from {found_on})")
            elif depth == 1 and response.status_code == 200 and "html" in response["Content-Type"]:
                following += [(target, link) for target in _links(response.content.decode())]
        frontier = following
    return dead, len(seen)


@pytest.fixture
def linked_world(world, organisations, owner, police):  # noqa: F811 (the imported fixture)
    # Another officer of the same unit issued an order on a case shared with them alone: the
    # unit's officers see the order, not the case.
    partner = member(Role.POLICE_OFFICER, organisations["police_darnytskyi"], "police-partner")
    case = register_case(owner, victim=person("Захищена", "Олена"))
    urgent(partner, case, number="ТЗП-77")
    return world


@pytest.mark.parametrize(
    "persona",
    [
        "owner",
        "head",
        "provider",
        "police",
        "coordinator",
        "secretariat",
        "executor",
        "admin",
    ],
)
def test_every_link_a_persona_is_shown_opens(client, personas, linked_world, persona):
    client.force_login(personas[persona])
    dead, opened = _dead_links(client)
    assert opened > 3, "the crawl opened nothing: the dashboard offers no links"
    assert dead == []
