"""Bar widths as CSS classes, because the Content-Security-Policy forbids `style="width: …"`.

`{{ value|bar_width }}` (a percentage) or `{{ part|bar_width:whole }}` gives `w-0` … `w-100` in
5 % steps (static/portal/portal.css). A part above zero never shows as an empty bar.
"""

from __future__ import annotations

from django import template

register = template.Library()

STEP = 5


@register.filter
def bar_width(value, whole=100) -> str:
    try:
        part, total = float(value or 0), float(whole or 0)
    except (TypeError, ValueError):
        return "w-0"
    if part <= 0 or total <= 0:
        return "w-0"
    percent = min(100.0, part * 100.0 / total)
    return f"w-{max(STEP, round(percent / STEP) * STEP)}"
