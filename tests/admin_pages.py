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


def inline_data(page, *, rows: bool = False) -> dict:
    """The inline formsets of an admin page as it rendered them: their management fields, and
    with `rows` each row's values as the browser would post them."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for form in inline.formset.forms if rows else ():
            for name in form.fields:
                value = form[name].value()
                if value is not None and value is not False:
                    data[f"{form.prefix}-{name}"] = "on" if value is True else value
    return data
