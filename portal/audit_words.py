"""An audit event's detail as the audit log and its export show it: the kinds of detail written
by code in the reader's words. No ORM here; an app's words may read a name by a code.

The stored detail stays as it was written (the log is append-only, its rows chained); only the
way it is read changes. Most events of a working day are reads of a page of records
(`audit.audit_read`: "list: 12,13,14") and refusals of a page that does not exist for the
reader ("404 GET /cases/12/"); those are put in words here. The other details are the apps'
own ("status in_work" on a case, "outcome upheld" on an appeal): each app registers how its
details read (`register_words`, from its AppConfig.ready() through its audit_labels module), so
that the reader sees "Статус: У роботі", never a code. A detail no pattern knows (a case number,
a reason typed by a user, a file's name) is shown as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

Words = Promise | Callable[[re.Match[str]], str]
# (the whole detail matches, the object types it applies to (none: any), its words, the labels
# of its coded groups, its groups that are ISO dates)
_WORDS: list[tuple[re.Pattern[str], frozenset[str], Words, tuple, tuple[str, ...]]] = []

# The length of an event's detail (AuditEvent.detail).
DETAIL_LENGTH = 500
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
# Names an app's words looked up by a code, while names_remembered() lasts.
_NAMES: ContextVar[dict[tuple[str, str], str] | None] = ContextVar("audit_names", default=None)


def register_words(
    pattern: str,
    words: Words,
    *,
    object_types: Iterable[str] = (),
    labels: dict[str, Iterable[tuple[str, object]]] | None = None,
    dates: Iterable[str] = (),
) -> None:
    """How a detail that fully matches `pattern` reads: words with the match's groups in their
    places, or a function of the match for anything more. A group named in `labels` is shown
    by its label among those choices, one named in `dates` as dd.mm.yyyy. `object_types`
    limits it to details of those objects ("status …" is a case's status on a case and a
    meeting's on a meeting)."""
    entry = (
        re.compile(pattern),
        frozenset(object_types),
        words,
        tuple((name, tuple(choices)) for name, choices in (labels or {}).items()),
        tuple(dates),
    )
    if entry not in _WORDS:
        _WORDS.append(entry)


def _say(words: Words, match: re.Match[str], labels, dates) -> str:
    if not isinstance(words, Promise):
        return words(match)
    values = match.groupdict()
    if not values:
        return str(words)
    for name, choices in labels:
        values[name] = label_of(choices, values[name])
    for name in dates:
        values[name] = iso_date(values[name])
    return str(words) % values


def label_of(choices: Iterable[tuple[str, object]], code: str) -> str:
    """A code's label among `choices`; a code no longer among them is shown as written."""
    return str(dict(choices).get(code, code))


def iso_date(text: str) -> str:
    """An ISO date written in a detail, as the reader reads dates (dd.mm.yyyy)."""
    try:
        return f"{date.fromisoformat(text):%d.%m.%Y}"
    except ValueError:
        return text


@contextmanager
def names_remembered() -> Iterator[None]:
    """Within the block, a name looked up for a detail (name_of) is looked up once: a page of
    the log, or an export of thousands of rows, asks the database once per code it names. An
    inner block keeps the outer block's names."""
    if _NAMES.get() is not None:
        yield
        return
    token = _NAMES.set({})
    try:
        yield
    finally:
        _NAMES.reset(token)


def name_of(kind: str, code: str, look_up: Callable[[str], str]) -> str:
    """`look_up(code)`, remembered under (kind, code) while names_remembered() lasts."""
    names = _NAMES.get()
    if names is None:
        return look_up(code)
    if (kind, code) not in names:
        names[kind, code] = look_up(code)
    return names[kind, code]


def read_ids(detail: str) -> list[str]:
    """The ids of the records a page showed (audit.audit_read's "list: 12,13,14"), each one
    whole; none for any other detail. A detail written before audit_read split long reads was
    cut at the column's length, maybe inside its last id: that one is left out."""
    read = _READ.fullmatch(detail)
    if not (read and read["what"] in READS):
        return []
    ids = read["ids"].split(",")
    return ids[:-1] if len(detail) >= DETAIL_LENGTH else ids


def detail_in_words(
    detail: str, object_type: str = "", names: dict[tuple[str, str], str] | None = None
) -> str:
    """`names`: records' names by (object type, id) (audit_labels.list_labels_for), for a read
    of several records; an id without one is shown as written."""
    read = _READ.fullmatch(detail)
    if read and read["what"] in READS:
        ids = read["ids"].split(",")
        shown = [(names or {}).get((object_type, i), i) for i in ids]
        return ngettext(
            "%(page)s: %(n)d record shown (%(ids)s)",
            "%(page)s: %(n)d records shown (%(ids)s)",
            len(ids),
        ) % {"page": READS[read["what"]], "n": len(ids), "ids": ", ".join(shown)}
    not_found = _NOT_FOUND.fullmatch(detail)
    if not_found:
        return _("Not found for this user: %(method)s %(path)s") % {
            "method": not_found["method"],
            "path": not_found["path"],
        }
    # The words of this kind of object first, then those of any object.
    for specific in (True, False):
        for pattern, object_types, words, labels, dates in _WORDS:
            if bool(object_types) != specific or (specific and object_type not in object_types):
                continue
            match = pattern.fullmatch(detail)
            if match:
                return _say(words, match, labels, dates)
    return detail


# The portal's own details: sign-in, the second factor, the admin.
register_words(r"two-factor enrolment started", _("Two-factor enrolment started"))
register_words(r"two-factor device confirmed", _("Two-factor device confirmed"))
register_words(r"wrong two-factor code", _("Wrong two-factor code"))
register_words(r"wrong password", _("Wrong password"))
register_words(r"unknown user name", _("No such user name"))
register_words(
    r"sign-in refused: account locked for this address",
    _("Sign-in refused: the account is locked for this address"),
)
register_words(
    r"sign-in refused: too many failed sign-ins from this address",
    _("Sign-in refused: too many failed sign-ins from this address"),
)
register_words(
    r"too many failed sign-ins: account locked for this address",
    _("Too many failed sign-ins: the account is locked for this address"),
)
_LOOKED_FOR = re.compile(r"; (?P<what>case|person|user) (?P<value>[^;]*)")


def _audit_log_read(match: re.Match[str]) -> str:
    looked_for = {
        "case": _("case %(value)s"),
        "person": _("person № %(value)s"),
        "user": _("user %(value)s"),
    }
    said = _("Audit log, page %(page)s: %(n)s events shown") % {
        "page": match["page"],
        "n": match["n"],
    }
    for part in _LOOKED_FOR.finditer(match["filters"]):
        said += "; " + looked_for[part["what"]] % {"value": part["value"]}
    return said


register_words(
    r"audit log read: page (?P<page>\d+), (?P<n>\d+) events"
    r"(?P<filters>(?:; (?:case|person|user) [^;]*)*)",
    _audit_log_read,
)
register_words(
    r"audit log read in the admin: page (?P<page>\d+), (?P<n>\d+) events"
    r"(?:; search (?P<q>[\s\S]*))?",
    lambda m: (
        _("Audit log in the administration, page %(page)s: %(n)s events shown")
        % {"page": m["page"], "n": m["n"]}
        + ("; " + _("searched for «%(text)s»") % {"text": m["q"]} if m["q"] else "")
    ),
)
register_words(r"audit event read", _("Audit log event opened"))
register_words(
    r"user (?P<user>\S+) (?P<change>changed|created|deleted) in the admin",
    lambda m: (
        {
            "changed": _("User %(user)s changed in the administration"),
            "created": _("User %(user)s created in the administration"),
            "deleted": _("User %(user)s deleted in the administration"),
        }[m["change"]]
        % {"user": m["user"]}
    ),
)
