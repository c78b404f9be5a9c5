"""The plans as plain data, and what changed between two versions of them, in words.

Pure: no ORM. A safety plan version is one JSON document (`SafetyContent`); a case plan version
is a snapshot of its goals and actions (`plan_snapshot` in the services builds it). `*_changes`
compare two versions and return `Change`s; `describe` puts one into words with the values (the
plan's own history), `sections_changed` names only what changed (the case timeline, which more
people read: field names, never a contact's name or an action's text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SAFETY_SECTIONS: dict[str, Any] = {
    "steps": gettext_lazy("safety steps"),
    "contacts": gettext_lazy("safe contacts"),
    "situations": gettext_lazy("what to do when"),
    "places": gettext_lazy("where to go"),
    "documents": gettext_lazy("documents and things to take"),
    "discreet_title": gettext_lazy("discreet title"),
}
CASE_PLAN_FIELDS: dict[str, Any] = {
    "goal": gettext_lazy("goal"),
    "action": gettext_lazy("action"),
    "text": gettext_lazy("text"),
    "organisation": gettext_lazy("responsible organisation"),
    "person": gettext_lazy("responsible person"),
    "due": gettext_lazy("due date"),
    "status": gettext_lazy("status"),
}


@dataclass(frozen=True)
class SafetyContent:
    """One version of a safety plan. Steps keep their text as written when saved (Ukrainian),
    with the suggestion's code when they came from one."""

    steps: tuple[dict[str, str], ...] = ()  # {"code", "text"}
    contacts: tuple[dict[str, str], ...] = ()  # {"name", "phone", "relation"}
    situations: tuple[dict[str, str], ...] = ()  # {"situation", "action"}
    places: tuple[dict[str, str], ...] = ()  # {"name", "phone"}
    documents: tuple[str, ...] = ()  # codes of suggestions.DOCUMENTS
    documents_other: str = ""
    discreet_title: bool = True

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            key: list(value) if isinstance(value, tuple) else value for key, value in data.items()
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> SafetyContent:
        data = data or {}

        def rows(key: str, fields: Sequence[str]) -> tuple[dict[str, str], ...]:
            return tuple(
                {name: str(row.get(name, "")) for name in fields}
                for row in data.get(key, [])
                if isinstance(row, Mapping)
            )

        return cls(
            steps=rows("steps", ("code", "text")),
            contacts=rows("contacts", ("name", "phone", "relation")),
            situations=rows("situations", ("situation", "action")),
            places=rows("places", ("name", "phone")),
            documents=tuple(str(code) for code in data.get("documents", [])),
            documents_other=str(data.get("documents_other", "")),
            discreet_title=bool(data.get("discreet_title", True)),
        )

    def texts(self) -> list[str]:
        """Every piece of free text the plan holds (for the checks before saving)."""
        found = [row["text"] for row in self.steps]
        for rows in (self.contacts, self.situations, self.places):
            found += [value for row in rows for value in row.values()]
        return [*found, self.documents_other]


@dataclass(frozen=True)
class Change:
    section: str  # a key of SAFETY_SECTIONS, or "goal" / "action"
    kind: str  # "added" | "removed" | "changed"
    subject: str = ""  # the item in words (a contact, a goal's text) — never on the timeline
    fields: tuple[tuple[str, str, str], ...] = field(default=())  # (field, old, new)

    def as_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "kind": self.kind,
            "subject": self.subject,
            "fields": [list(f) for f in self.fields],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Change:
        return cls(
            section=str(data.get("section", "")),
            kind=str(data.get("kind", "")),
            subject=str(data.get("subject", "")),
            fields=tuple(tuple(str(v) for v in f) for f in data.get("fields", [])),  # type: ignore[misc]
        )


def _row_words(section: str, row: Mapping[str, str]) -> str:
    if section == "steps":
        return row.get("text", "")
    if section == "situations":
        return f"{row.get('situation', '')} → {row.get('action', '')}"
    return ", ".join(value for value in row.values() if value)


def _list_changes(section: str, old: Sequence[Any], new: Sequence[Any]) -> list[Change]:
    """Items added and removed, compared as whole items (order does not matter)."""

    def key(row: Any) -> Any:
        return tuple(sorted(row.items())) if isinstance(row, Mapping) else row

    old_keys, new_keys = [key(r) for r in old], [key(r) for r in new]
    changes = [
        Change(section, "removed", _row_words(section, r) if isinstance(r, Mapping) else str(r))
        for r, k in zip(old, old_keys, strict=True)
        if k not in new_keys
    ]
    changes += [
        Change(section, "added", _row_words(section, r) if isinstance(r, Mapping) else str(r))
        for r, k in zip(new, new_keys, strict=True)
        if k not in old_keys
    ]
    return changes


def safety_changes(old: SafetyContent | None, new: SafetyContent) -> list[Change]:
    """What changed from `old` to `new`, section by section (the first version: everything
    that is filled in counts as added)."""
    old = old or SafetyContent(discreet_title=new.discreet_title)
    changes: list[Change] = []
    for section in ("steps", "contacts", "situations", "places"):
        changes += _list_changes(section, getattr(old, section), getattr(new, section))
    changes += _list_changes("documents", old.documents, new.documents)
    if old.documents_other != new.documents_other:
        changes.append(
            Change(
                "documents", "changed", "", (("other", old.documents_other, new.documents_other),)
            )
        )
    if old.discreet_title != new.discreet_title:
        changes.append(
            Change(
                "discreet_title",
                "changed",
                "",
                (("discreet_title", str(old.discreet_title), str(new.discreet_title)),),
            )
        )
    return changes


def case_plan_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[Change]:
    """Goals and actions added, removed or changed between two snapshots, matched by id.

    A snapshot is {"goals": [{"id", "text", "actions": [{"id", "text", "organisation",
    "person", "due", "status"}]}]} with display values (names, dd.mm.yyyy, status labels)."""
    old_goals = {g["id"]: g for g in (old or {}).get("goals", [])}
    new_goals = {g["id"]: g for g in new.get("goals", [])}
    old_actions = {a["id"]: a for g in old_goals.values() for a in g.get("actions", [])}
    new_actions = {a["id"]: a for g in new_goals.values() for a in g.get("actions", [])}
    changes: list[Change] = []
    for goal_id, goal in new_goals.items():
        before = old_goals.get(goal_id)
        if before is None:
            changes.append(Change("goal", "added", goal["text"]))
        elif before["text"] != goal["text"]:
            changes.append(
                Change("goal", "changed", goal["text"], (("text", before["text"], goal["text"]),))
            )
    changes += [
        Change("goal", "removed", g["text"]) for gid, g in old_goals.items() if gid not in new_goals
    ]
    for action_id, action in new_actions.items():
        before = old_actions.get(action_id)
        if before is None:
            changes.append(Change("action", "added", action["text"]))
            continue
        fields = tuple(
            (name, str(before.get(name, "")), str(action.get(name, "")))
            for name in ("text", "organisation", "person", "due", "status")
            if before.get(name, "") != action.get(name, "")
        )
        if fields:
            changes.append(Change("action", "changed", action["text"], fields))
    changes += [
        Change("action", "removed", a["text"])
        for aid, a in old_actions.items()
        if aid not in new_actions
    ]
    return changes


def _label(name: str) -> str:
    label = SAFETY_SECTIONS.get(name) or CASE_PLAN_FIELDS.get(name)
    return str(label) if label is not None else name


def _value(name: str, value: str, values: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    if values and name in values and value in values[name]:
        return str(values[name][value])
    if name == "discreet_title":
        return _("yes") if value == "True" else _("no")
    if name == "documents":
        from cases.plans.suggestions import DOCUMENT_LABELS

        return str(DOCUMENT_LABELS.get(value, value))
    return value or "—"


def describe(change: Change, values: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """One change in words, with the values: for the plan's own history. `values` turns stored
    codes into labels (e.g. {"status": {"done": "виконано"}})."""
    section = _label(change.section)
    subject = (
        _value(change.section, change.subject) if change.section == "documents" else change.subject
    )
    if change.kind == "added":
        return _("%(section)s added: %(subject)s") % {"section": section, "subject": subject}
    if change.kind == "removed":
        return _("%(section)s removed: %(subject)s") % {"section": section, "subject": subject}
    if len(change.fields) == 1 and change.fields[0][0] == change.section:
        _name, old, new = change.fields[0]
        details = f"{_value(_name, old, values)} → {_value(_name, new, values)}"
        return _("%(section)s changed: %(details)s") % {"section": section, "details": details}
    details = "; ".join(
        f"{_label(name) if name != 'other' else _('other')}: "
        f"{_value(name, old, values)} → {_value(name, new, values)}"
        for name, old, new in change.fields
    )
    if subject:
        return _("%(section)s «%(subject)s» changed: %(details)s") % {
            "section": section,
            "subject": subject,
            "details": details,
        }
    return _("%(section)s changed: %(details)s") % {"section": section, "details": details}


def sections_changed(changes: Iterable[Change]) -> list[str]:
    """Only the names of what changed — for the case timeline, which shows no personal values.

    "safe contacts", "action: due date, status", "goal" … in the order they first appear."""
    names: list[str] = []
    for change in changes:
        if change.section == "action" and change.kind == "changed":
            name = "{}: {}".format(_label("action"), ", ".join(_label(f[0]) for f in change.fields))
        else:
            name = _label(change.section)
        if name not in names:
            names.append(name)
    return names
