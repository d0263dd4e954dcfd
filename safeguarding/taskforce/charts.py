"""Trend charts drawn on the server as SVG: no script, no inline style, so the Content
Security Policy stays strict. Each chart is an image with a text title and description,
and the page beside it carries the same figures as a table."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from safeguarding.taskforce.queries import Point

WIDTH = 640
HEIGHT = 260
LEFT = 56
RIGHT = 12
TOP = 16
BOTTOM = 48
BAR = "#1d70b8"  # GOV.UK blue
SUPPRESSED = "#b1b4b6"  # GOV.UK mid grey
INK = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "arial, sans-serif"


def _nice_top(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def bar_chart(chart_id: str, title: str, points: Sequence[Point]) -> SafeString:
    """A bar for each period; a short grey mark where the count is not shown."""
    shown = [p.cell.number for p in points]
    highest = max((v for v in shown if v is not None), default=0)
    top = _nice_top(highest)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(points), 1)
    bar_width = max(step * 0.7, 1.0)
    hidden = sum(1 for v in shown if v is None)
    first, last = (points[0].label, points[-1].label) if points else ("", "")
    description = (
        f"Bar chart of {title.lower()} from {first} to {last}; the highest is {highest:,}."
        + (f" {hidden} period(s) not shown, to protect small numbers." if hidden else "")
        + " The same figures are in the table that follows."
    )
    gridlines = []
    for index in range(5):
        value = top * index // 4
        y = TOP + plot_height - plot_height * index / 4
        gridlines.append(
            (LEFT, f"{y:.1f}", WIDTH - RIGHT, f"{y:.1f}", LEFT - 6, f"{y + 4:.1f}", f"{value:,}")
        )
    bars = []
    for index, point in enumerate(points):
        x = LEFT + index * step + (step - bar_width) / 2
        if point.cell.number is None:
            bars.append(
                (f"{x:.1f}", f"{TOP + plot_height - 3:.1f}", f"{bar_width:.1f}", "3", SUPPRESSED)
            )
        else:
            height = plot_height * point.cell.value / top if top else 0
            bars.append(
                (
                    f"{x:.1f}",
                    f"{TOP + plot_height - height:.1f}",
                    f"{bar_width:.1f}",
                    f"{height:.1f}",
                    BAR,
                )
            )
    every = max(1, math.ceil(len(points) / 8))
    labels = [
        (f"{LEFT + index * step + step / 2:.1f}", HEIGHT - BOTTOM + 18, point.label)
        for index, point in enumerate(points)
        if index % every == 0
    ]
    # Numbers are formatted here and text is escaped once: format_html on every bar would
    # cost more than the rest of the page.
    parts = [
        f'<svg class="app-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" aria-describedby="{escape(chart_id)}-desc" '
        'focusable="false" '
        f'font-family="{FONT}" font-size="12">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
    ]
    parts += [
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{GRID}" stroke-width="0.5">'
        f'</line><text x="{tx}" y="{ty}" text-anchor="end" fill="{INK}">{escape(text)}</text>'
        for x1, y1, x2, y2, tx, ty, text in gridlines
    ]
    parts += [
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"></rect>'
        for x, y, w, h, fill in bars
    ]
    parts += [
        f'<text x="{x}" y="{y}" text-anchor="middle" fill="{INK}">{escape(text)}</text>'
        for x, y, text in labels
    ]
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_height}" stroke="{INK}" stroke-width="1"></line></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above
