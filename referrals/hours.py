"""A provider's opening hours as people write them, one window a line ("Пн 09:00–18:00"), and
as the routing engine reads them ([weekday 0–6, "HH:MM", "HH:MM"], Monday 0).

The stored list is read for every provider whenever a plan is made (referrals.adapters): one
malformed window would break routing for every case, so nothing else is ever stored
(`validate_opening_hours` on the model field, `OpeningHoursField` in the admin)."""

from __future__ import annotations

import re
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _

_LINE = re.compile(
    r"(?P<day>\w+)\.?\s+(?P<opens>\d{1,2}:\d{2})\s*[-–—]\s*(?P<closes>\d{1,2}:\d{2})"
)


def _day_names() -> dict[str, int]:
    """Every weekday's abbreviation in Ukrainian and in English, lower case: either is read."""
    names = {}
    for language in ("uk", "en"):
        with translation.override(language):
            names.update({str(name).lower(): day for day, name in WEEKDAYS_ABBR.items()})
    return names


def _time(text: str) -> time | None:
    try:
        return time.fromisoformat(text.zfill(5))
    except ValueError:
        return None


def validate_opening_hours(value) -> None:
    """A list of [weekday 0–6, "HH:MM", "HH:MM"] windows, each opening before it closes."""
    message = _("Opening hours must be windows of a weekday, an opening and a closing time.")
    if not isinstance(value, list):
        raise ValidationError(message, code="hours")
    for window in value:
        if not (isinstance(window, list | tuple) and len(window) == 3):
            raise ValidationError(message, code="hours")
        weekday, opens, closes = window
        if not (isinstance(weekday, int) and 0 <= weekday <= 6):
            raise ValidationError(message, code="hours")
        if not (isinstance(opens, str) and isinstance(closes, str)):
            raise ValidationError(message, code="hours")
        start, end = _time(opens), _time(closes)
        if start is None or end is None or start >= end:
            raise ValidationError(message, code="hours")


def format_hours(value) -> str:
    try:
        validate_opening_hours(value)
    except ValidationError:
        return ""
    return "\n".join(
        f"{WEEKDAYS_ABBR[weekday]} {opens}–{closes}" for weekday, opens, closes in value
    )


def parse_hours(text: str) -> list[list]:
    names = _day_names()
    windows = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _LINE.fullmatch(line)
        if match is not None:
            day = names.get(match["day"].lower())
            # "до 24:00" is how people write "to the end of the day".
            closes = "23:59" if match["closes"] == "24:00" else match["closes"]
            start, end = _time(match["opens"]), _time(closes)
        if match is None or day is None or start is None or end is None:
            raise ValidationError(
                _("Line %(n)d: write a day and the hours, e.g. «Пн 09:00–18:00»."),
                code="hours",
                params={"n": number},
            )
        if start >= end:
            raise ValidationError(
                _("Line %(n)d: the closing time must come after the opening time."),
                code="hours",
                params={"n": number},
            )
        windows.append([day, f"{start:%H:%M}", f"{end:%H:%M}"])
    return sorted(windows)


class OpeningHoursField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 7, "cols": 24})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault(
            "help_text",
            _(
                "One window a line: a day and the hours, e.g. «Пн 09:00–18:00». A day with two "
                "windows takes two lines; a day not listed is closed."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_hours(value) if isinstance(value, list) else value

    def to_python(self, value):
        return parse_hours(super().to_python(value) or "")
