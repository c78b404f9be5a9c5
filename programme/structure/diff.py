"""What changed between two versions of a programme's structure, and how to say it.

Pure: no ORM. A structure is the dict programme.structure.snapshot makes; a change is a small
dict (`kind`, `code`, and for a changed value `field`, `before`, `after`) kept with the version
and described in the reader's language when it is shown."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

FIELDS = ("title", "title_en", "deadline", "executors", "unit", "unit_en")
HEADER_FIELDS = (
    "code",
    "title",
    "title_en",
    "year_from",
    "year_to",
    "approved_by",
    "responsible",
    "illustrative",
)


def _by_code(rows: list[dict]) -> dict[str, dict]:
    return {row["code"]: row for row in rows}


def _changed(kind: str, code: str, field: str, before, after) -> dict:
    return {"kind": kind, "code": code, "field": field, "before": before, "after": after}


def _compare_fields(kind: str, code: str, before: dict, after: dict, fields) -> list[dict]:
    return [
        _changed(kind, code, field, before.get(field), after.get(field))
        for field in fields
        if before.get(field) != after.get(field)
    ]


def _compare_lines(kind: str, code: str, field: str, before: dict, after: dict) -> list[dict]:
    """Year- (or year-and-source-) keyed values: one change per key that differs."""
    return [
        _changed(kind, code, f"{field}:{key}", before.get(key), after.get(key))
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]


def _compare_indicators(measure: str, before: list[dict], after: list[dict]) -> list[dict]:
    old, new = _by_code(before), _by_code(after)
    changes: list[dict] = []
    for code in sorted(set(old) | set(new), key=_sort_key):
        if code not in old:
            changes.append({"kind": "indicator_added", "code": code, "parent": measure})
        elif code not in new:
            changes.append({"kind": "indicator_removed", "code": code, "parent": measure})
        else:
            changes += _compare_fields("indicator", code, old[code], new[code], FIELDS)
            changes += _compare_lines(
                "indicator", code, "planned", old[code]["planned"], new[code]["planned"]
            )
    return changes


def _compare_measures(before: list[dict], after: list[dict]) -> list[dict]:
    old, new = _by_code(before), _by_code(after)
    changes: list[dict] = []
    for code in sorted(set(old) | set(new), key=_sort_key):
        if code not in old:
            changes.append({"kind": "measure_added", "code": code})
        elif code not in new:
            changes.append({"kind": "measure_removed", "code": code})
        else:
            changes += _compare_fields("measure", code, old[code], new[code], FIELDS)
            changes += _compare_lines(
                "measure", code, "funding", old[code]["funding"], new[code]["funding"]
            )
            changes += _compare_indicators(code, old[code]["indicators"], new[code]["indicators"])
    return changes


def _sort_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 10**6 for part in code.split("."))


def structure_changes(before: dict | None, after: dict) -> list[dict]:
    """Every difference from `before` to `after`; a first version is one "created" change."""
    if before is None:
        return [{"kind": "created", "code": after["programme"]["code"]}]
    changes = _compare_fields(
        "programme",
        after["programme"]["code"],
        before["programme"],
        after["programme"],
        HEADER_FIELDS,
    )
    old, new = _by_code(before["tasks"]), _by_code(after["tasks"])
    for code in sorted(set(old) | set(new), key=_sort_key):
        if code not in old:
            changes.append({"kind": "task_added", "code": code})
            changes += [{"kind": "measure_added", "code": m["code"]} for m in new[code]["measures"]]
        elif code not in new:
            changes.append({"kind": "task_removed", "code": code})
        else:
            changes += _compare_fields("task", code, old[code], new[code], FIELDS)
            changes += _compare_measures(old[code]["measures"], new[code]["measures"])
    return changes


def _field_name(field: str) -> str:
    if field.startswith("funding:"):
        _prefix, year, source = field.split(":")
        source_name = (
            pgettext("funding source", "city budget")
            if source == "city_budget"
            else pgettext("funding source", "other sources")
        )
        return _("funding for %(year)s (%(source)s)") % {"year": year, "source": source_name}
    if field.startswith("planned:"):
        return _("planned value for %(year)s") % {"year": field.split(":")[1]}
    return {
        "code": _("code"),
        "title": pgettext("a field of a programme's structure", "title"),
        "title_en": _("title in English"),
        "year_from": _("from year"),
        "year_to": _("to year"),
        "approved_by": _("approving decision"),
        "responsible": _("responsible executor"),
        "illustrative": _("illustrative data"),
        "deadline": _("deadline"),
        "executors": _("executors"),
        "unit": _("unit"),
        "unit_en": _("unit in English"),
    }.get(field, field)


def _value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # an ISO date
        return f"{text[8:]}.{text[5:7]}.{text[:4]}"
    return text.replace(".", ",") if text.replace(".", "").isdigit() else text


SUBJECTS = {
    "programme": lambda code: _("Programme"),
    "task": lambda code: _("Task %(code)s") % {"code": code},
    "measure": lambda code: _("Measure %(code)s") % {"code": code},
    "indicator": lambda code: _("Indicator %(code)s") % {"code": code},
}


def describe(change: dict) -> str:
    """One change in a sentence: "Measure 1.1: funding for 2025 (city budget): 3150,0 → 3500,0"."""
    kind, code = change.get("kind", ""), change.get("code", "")
    if kind == "created":
        return _("The programme's structure recorded")
    added_removed = {
        "task_added": _("Task %(code)s added"),
        "task_removed": _("Task %(code)s removed"),
        "measure_added": _("Measure %(code)s added"),
        "measure_removed": _("Measure %(code)s removed"),
        "indicator_added": _("Indicator %(code)s added"),
        "indicator_removed": _("Indicator %(code)s removed"),
    }
    if kind in added_removed:
        return added_removed[kind] % {"code": code}
    subject = SUBJECTS.get(kind, SUBJECTS["programme"])(code)
    return _("%(subject)s: %(field)s: %(before)s → %(after)s") % {
        "subject": subject,
        "field": _field_name(change.get("field", "")),
        "before": _value(change.get("before")),
        "after": _value(change.get("after")),
    }
