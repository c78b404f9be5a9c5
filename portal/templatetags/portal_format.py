"""Values as a reader says them: durations in words ("1 год 20 хв"), never "0:00:10.912745";
figures as a report writes them (portal.numbers): "11 848", a change "+1,5 %"."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from portal.bilingual import reads_english
from portal.numbers import format_number, format_pct

register = template.Library()


@register.filter
def duration_words(value: timedelta | None) -> str:
    """Days, hours and minutes, the two largest that are not zero; under a minute is "< 1 хв";
    None (nothing to measure) is "—"."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return _("< 1 min")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        _("%(n)d d") % {"n": days} if days else "",
        _("%(n)d h") % {"n": hours} if hours else "",
        _("%(n)d min") % {"n": minutes} if minutes else "",
    ]
    return "\u00a0".join([part for part in parts if part][:2])


@register.filter
def num(value, decimals=0):
    """A figure in the reader's typography: "11 848" and "12,5", or "11,848" and "12.5"."""
    return format_number(value, int(decimals), english=reads_english())


@register.filter
def pct(value):
    """A change against a year earlier, signed: "+1,5 %", "-4,1 %"; "—" without a base."""
    return format_pct(value, english=reads_english())
