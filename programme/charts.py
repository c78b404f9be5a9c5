"""Server-rendered SVG charts (pure): the same picture on the statistics page and in the PDF,
no script needed."""

from __future__ import annotations

from html import escape

BLUE, LIGHT = "#0b4f8a", "#9db6cf"


def paired_bars(
    rows: list[tuple[str, float, float]],
    *,
    current_label: str,
    previous_label: str,
    width: int = 640,
    bar: int = 9,
    display=str,
) -> str:
    """Horizontal bars, this period against the same period a year earlier. `display` turns a
    value into its label (the report passes the <5 rule, so small counts never leak)."""
    label_width, gap = 170, 8
    peak = max([max(c or 0, p or 0) for _, c, p in rows] + [1])
    scale = (width - label_width - 60) / peak
    height = len(rows) * (2 * bar + gap) + 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="DejaVu Sans" '
        f'font-size="10">'
    ]
    y = 4
    for label, current, previous in rows:
        cur_w, prev_w = (current or 0) * scale, (previous or 0) * scale
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar + 3}" text-anchor="end">'
            f"{escape(str(label))}</text>"
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{cur_w:.1f}" height="{bar}" fill="{BLUE}"/>'
        )
        parts.append(
            f'<text x="{label_width + cur_w + 4:.1f}" y="{y + bar - 1}">'
            f"{escape(str(display(current)))}</text>"
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + bar}" width="{prev_w:.1f}" '
            f'height="{bar}" fill="{LIGHT}"/>'
        )
        parts.append(
            f'<text x="{label_width + prev_w + 4:.1f}" y="{y + 2 * bar - 1}" '
            f'fill="#555">{escape(str(display(previous)))}</text>'
        )
        y += 2 * bar + gap
    legend_y = height - 12
    parts.append(
        f'<rect x="{label_width}" y="{legend_y - 8}" width="10" height="8" '
        f'fill="{BLUE}"/><text x="{label_width + 14}" y="{legend_y}">'
        f"{escape(current_label)}</text>"
    )
    parts.append(
        f'<rect x="{label_width + 120}" y="{legend_y - 8}" width="10" height="8" '
        f'fill="{LIGHT}"/><text x="{label_width + 134}" y="{legend_y}">'
        f"{escape(previous_label)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
