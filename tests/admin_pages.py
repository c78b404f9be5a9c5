"""The admin's change pages as a browser submits them: with the state of the record the page
was opened with (portal.admin_locking)."""

from __future__ import annotations

import re

STATE = re.compile(r'name="_opened_state" value="([0-9a-f]+)"')


def opened(client, url: str, data: dict) -> dict:
    """`data` as the change page at `url`, opened now by the client's user, would post it."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    [state] = STATE.findall(page.content.decode())
    return {**data, "_opened_state": state}
