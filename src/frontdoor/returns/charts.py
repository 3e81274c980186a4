"""Bar charts drawn on the server as inline SVG: readable with JavaScript off (R46).

Each chart is an image with a name (`role="img"`, its `<title>`) and a description listing every
value, and the page puts the same numbers in a table beside it: the table, not the picture, is
what a screen reader user or a spreadsheet reads. Colours and sizes are presentation attributes,
not inline styles, so the Content Security Policy needs no exception. Every label is escaped
here, so the markup is safe to mark safe.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from frontdoor.returns.dashboards import Bar

WIDTH = 640
BAR_COLOUR = "#1d70b8"  # GOV.UK blue: 3:1 and more against white (WCAG 1.4.11)
TEXT_COLOUR = "#0b0c0c"
FONT_SIZE = 16
# Horizontal bars: the label on its own line above each bar, so long outcome labels fit.
ROW_HEIGHT = 48
BAR_HEIGHT = 18
VALUE_SPACE = 64  # room for the number at the end of the longest bar
# Columns over time.
COLUMN_AREA_HEIGHT = 180
AXIS_SPACE = 44


def _describe(bars: Sequence[Bar]) -> str:
    return "; ".join(f"{bar.label}: {bar.count}" for bar in bars) or "No data."


def _open_svg(chart_id: str, title: str, bars: Sequence[Bar], height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-size="{FONT_SIZE}" '
        f'fill="{TEXT_COLOUR}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(bars))}</desc>',
    ]


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars, one per category, each labelled and with its number at its end."""
    longest = max((bar.count for bar in bars), default=0)
    scale = (WIDTH - VALUE_SPACE) / longest if longest else 0
    height = max(ROW_HEIGHT * len(bars), ROW_HEIGHT)
    parts = _open_svg(chart_id, title, bars, height)
    for n, bar in enumerate(bars):
        top = n * ROW_HEIGHT
        length = bar.count * scale
        parts.append(f'<text x="0" y="{top + FONT_SIZE}">{escape(bar.label)}</text>')
        if length:
            parts.append(
                f'<rect x="0" y="{top + 22}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{BAR_COLOUR}"></rect>'
            )
        parts.append(
            f'<text x="{length + 6:.1f}" y="{top + 22 + BAR_HEIGHT - 3}">{bar.count}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def column_chart(*, chart_id: str, title: str, bars: Sequence[Bar]) -> SafeString:
    """Columns over time (days or weeks), with about six dates along the bottom."""
    tallest = max((bar.count for bar in bars), default=0)
    count = max(len(bars), 1)
    slot = WIDTH / count
    scale = (COLUMN_AREA_HEIGHT - FONT_SIZE - 4) / tallest if tallest else 0
    label_every = max(1, round(count / 6))
    parts = _open_svg(chart_id, title, bars, COLUMN_AREA_HEIGHT + AXIS_SPACE)
    parts.append(
        f'<line x1="0" y1="{COLUMN_AREA_HEIGHT}" x2="{WIDTH}" y2="{COLUMN_AREA_HEIGHT}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"></line>'
    )
    parts.append(f'<text x="0" y="{FONT_SIZE}">Most in one: {tallest}</text>')
    for n, bar in enumerate(bars):
        height = bar.count * scale
        left = n * slot
        if height:
            parts.append(
                f'<rect x="{left + slot * 0.1:.1f}" y="{COLUMN_AREA_HEIGHT - height:.1f}" '
                f'width="{slot * 0.8:.1f}" height="{height:.1f}" fill="{BAR_COLOUR}"></rect>'
            )
        if n % label_every == 0:
            # "Mon 3 Nov" without the year: the table beside the chart gives it in full.
            short = " ".join(bar.label.split(" ")[:3])
            parts.append(
                f'<text x="{left:.1f}" y="{COLUMN_AREA_HEIGHT + 24}" font-size="14">'
                f"{escape(short)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
