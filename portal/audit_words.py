"""An audit event's detail as the audit log and its export show it: the kinds of detail written
by code in the reader's words. Pure: no ORM.

The stored detail stays as it was written (the log is append-only, its rows chained); only the
way it is read changes. Most events of a working day are reads of a page of records
(`audit.audit_read`: "list: 12,13,14") and refusals of a page that does not exist for the
reader ("404 GET /cases/12/"); those are put in words here. Any other detail is shown as it
was written: a case number, a reason, a version.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# What page read the records (the `what` of audit_read).
READS = {
    "list": _("List"),
    "search": _("Search"),
    "inbox": _("Inbox"),
    "dashboard": _("Dashboard"),
    "calendar": _("Calendar of expiring orders"),
    "lookup": _("Lookup of known people at intake"),
}
_READ = re.compile(r"(?P<what>[a-z_]+): (?P<ids>\d+(?:,\d+)*)")
_NOT_FOUND = re.compile(r"404 (?P<method>[A-Z]+) (?P<path>\S+)")


def detail_in_words(detail: str) -> str:
    read = _READ.fullmatch(detail)
    if read and read["what"] in READS:
        ids = read["ids"].split(",")
        return ngettext(
            "%(page)s: %(n)d record shown (%(ids)s)",
            "%(page)s: %(n)d records shown (%(ids)s)",
            len(ids),
        ) % {"page": READS[read["what"]], "n": len(ids), "ids": ", ".join(ids)}
    not_found = _NOT_FOUND.fullmatch(detail)
    if not_found:
        return _("Not found for this user: %(method)s %(path)s") % {
            "method": not_found["method"],
            "path": not_found["path"],
        }
    return detail
