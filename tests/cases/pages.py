"""How tests read the case page as the browser shows it."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def case_tab(client, case, key: str):
    """A tab that another app adds to the case page (plans, team, orders, referrals), as the
    page's script reads it when the user opens it: an htmx GET of `cases:section`."""
    return client.get(f"/cases/{case.pk}/tabs/{key}/", headers={"HX-Request": "true"})


def case_page_and_tabs(client, case) -> str:
    """The case page with every tab it offers opened, as one text: what the user can reach
    from the page. A tab the user may not open adds nothing."""
    html = client.get(f"/cases/{case.pk}/").content.decode()
    for key in ("plans", "team", "referrals", "orders"):
        if f'id="section-{key}"' in html:
            html += case_tab(client, case, key).content.decode()
    return html


def query_count(client, url: str) -> int:
    """The queries one GET of `url` runs; the page must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)
