"""Server-rendered SVG charts (pure): the same picture on the statistics page and in the PDF,
no script needed."""

from __future__ import annotations

import hashlib
from html import escape

from django.utils.translation import gettext as _

from portal.disclosure import LESS_THAN_FIVE, is_hidden, scale_peak

BLUE, LIGHT = "#0b4f8a", "#9db6cf"
# A suppressed value is drawn as this stub whatever it hides, hatched so that nobody reads it
# as a small bar: its length carries no information (portal.disclosure).
STUB = 6
# The width of a legend's character at 10 px, generously: digits and dots of a period.
LEGEND_CHAR = 6.5
HATCH = (
    '<defs><pattern id="{id}" width="3" height="3" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="1.5" height="3" fill="#777"/></pattern></defs>'
)


def paired_bars(
    rows: list[tuple[str, float, float]],
    *,
    current_label: str,
    previous_label: str,
    width: int = 640,
    bar: int = 9,
    display=str,
    title: str = "",
    label_min: int = 170,
) -> str:
    """Horizontal bars, this period against the same period a year earlier. Values are the
    published ones: a hidden value ("<5", "x") is the same hatched stub in every chart, and the
    scale comes from the shown values only. `display` turns a value into its label. A narrow
    picture (a phone's) gives its labels only the room they need: `label_min` 0.

    The picture is an image with a text alternative (its <title> and aria-label) that says
    every bar in words, so a screen reader hears what a sighted reader sees."""
    # Room for the longest label (DejaVu Sans at 10 px is about 6 px a character), within
    # half of the picture: a long Ukrainian label is not cut at the left edge.
    longest = max((len(str(label)) for label, _c, _p in rows), default=0)
    label_width, gap = int(min(max(label_min, longest * 6 + 12), width * 0.5)), 8
    # One page or PDF holds several charts: each names its hatch pattern after its own content,
    # so that no id is defined twice (the same content gives the same id: reproducible output).
    pattern = (
        "suppressed-"
        + hashlib.sha1(
            repr((title, current_label, rows, width)).encode(), usedforsecurity=False
        ).hexdigest()[:10]
    )
    peak = scale_peak([v for _, c, p in rows for v in (c, p)])
    scale = (width - label_width - 60) / peak

    def rect(x: int, y: int, value, fill: str) -> tuple[str, float]:
        if is_hidden(value):
            return (
                f'<rect x="{x}" y="{y}" width="{STUB}" height="{bar}" '
                f'fill="url(#{pattern})" stroke="#777" stroke-width="0.5" '
                f'data-suppressed="true"/>',
                STUB,
            )
        length = (value or 0) * scale
        return (
            f'<rect x="{x}" y="{y}" width="{length:.1f}" height="{bar}" fill="{fill}"/>',
            length,
        )

    # The legend: the second period beside the first, or under it if the picture is too narrow.
    first_end = label_width + 14 + len(current_label) * LEGEND_CHAR + 16
    second_fits = first_end + 14 + len(previous_label) * LEGEND_CHAR <= width
    second_x, second_line = (first_end, 0) if second_fits else (label_width, 14)
    height = len(rows) * (2 * bar + gap) + 34 + second_line
    alternative = escape(
        describe(
            rows,
            current_label=current_label,
            previous_label=previous_label,
            title=title,
            display=display,
        )
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{alternative}" '
        f'font-family="DejaVu Sans" font-size="10">',
        f"<title>{alternative}</title>",
        HATCH.format(id=pattern),
    ]
    y = 4
    for label, current, previous in rows:
        cur_rect, cur_w = rect(label_width, y, current, BLUE)
        prev_rect, prev_w = rect(label_width, y + bar, previous, LIGHT)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar + 3}" text-anchor="end">'
            f"{escape(str(label))}</text>"
        )
        parts.append(cur_rect)
        parts.append(
            f'<text x="{label_width + cur_w + 4:.1f}" y="{y + bar - 1}">'
            f"{escape(str(display(current)))}</text>"
        )
        parts.append(prev_rect)
        parts.append(
            f'<text x="{label_width + prev_w + 4:.1f}" y="{y + 2 * bar - 1}" '
            f'fill="#555">{escape(str(display(previous)))}</text>'
        )
        y += 2 * bar + gap
    legend_y = height - 12 - second_line
    parts.append(
        f'<rect x="{label_width}" y="{legend_y - 8}" width="10" height="8" '
        f'fill="{BLUE}"/><text x="{label_width + 14}" y="{legend_y}">'
        f"{escape(current_label)}</text>"
    )
    legend_y += second_line
    parts.append(
        f'<rect x="{second_x:.0f}" y="{legend_y - 8}" width="10" height="8" '
        f'fill="{LIGHT}"/><text x="{second_x + 14:.0f}" y="{legend_y}">'
        f"{escape(previous_label)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def spoken(value, display=str) -> str:
    """A value as said in words: a suppressed cell is "fewer than 5" or "withheld", never its
    marker."""
    if is_hidden(value):
        return _("fewer than 5") if value == LESS_THAN_FIVE else _("withheld")
    return str(display(value))


def describe(
    rows: list[tuple[str, float, float]],
    *,
    current_label: str,
    previous_label: str,
    title: str = "",
    display=str,
) -> str:
    """The text alternative of a paired bar chart: what it compares, then each row."""
    head = _("%(current)s against %(previous)s") % {
        "current": current_label,
        "previous": previous_label,
    }
    if title:
        head = f"{title}: {head}"
    if not rows:
        return f"{head}. {_('No data.')}"
    items = "; ".join(
        f"{label}: {spoken(current, display)} ({spoken(previous, display)})"
        for label, current, previous in rows
    )
    return f"{head}. {items}."
