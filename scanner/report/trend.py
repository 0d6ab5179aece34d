"""The trend over the last audits of a site: findings by severity as stacked columns, one
per audit (oldest left), with the vendors and cookies each audit counted under it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from scanner.findings.model import SEVERITIES
from scanner.report import svg
from scanner.report.charts import FONT_SIZE, SEVERITY_COLORS

PLOT_HEIGHT = 120
LABEL_LINES = 3
LINE_HEIGHT = 14
COLUMN_GAP = 10


def trend_chart(points: Sequence[Any], *, width: int = 480, title: str) -> Markup:
    """``points`` have ``label``, ``by_severity``, ``vendors`` and ``cookies`` (see
    scanner.history.recorder.TrendPoint); the last is the audit of this report."""
    if not points:
        return svg.empty_svg(title, width)
    totals = [sum(int(svg.finite(p.by_severity.get(s, 0))) for s in SEVERITIES) for p in points]
    highest = max(totals) or 1
    column = (width - COLUMN_GAP * (len(points) - 1)) / len(points)
    top = FONT_SIZE + 4  # room for the total above the tallest column
    height = top + PLOT_HEIGHT + LABEL_LINES * LINE_HEIGHT + 4
    parts = [svg.svg_open(width, height, title, FONT_SIZE)]
    for index, (point, total) in enumerate(zip(points, totals, strict=True)):
        x = index * (column + COLUMN_GAP)
        y = top + PLOT_HEIGHT
        for severity in reversed(SEVERITIES):  # least serious at the bottom
            count = int(svg.finite(point.by_severity.get(severity, 0)))
            if not count:
                continue
            bar = count / highest * PLOT_HEIGHT
            y -= bar
            parts.append(
                f'<rect data-severity="{severity}" x="{svg.num(x)}" y="{svg.num(y)}" '
                f'width="{svg.num(column)}" height="{svg.num(bar)}" '
                f'fill="{SEVERITY_COLORS[severity]}"/>'
            )
        middle = x + column / 2
        parts.append(svg.text_element(middle, y - 3, f"{total:,}", text_anchor="middle"))
        labels = (
            svg.label(point.label, column, FONT_SIZE),
            svg.label(f"{point.vendors:,} vendors", column, FONT_SIZE),
            svg.label(f"{point.cookies:,} cookies", column, FONT_SIZE),
        )
        for line, text in enumerate(labels, start=1):
            baseline = top + PLOT_HEIGHT + line * LINE_HEIGHT
            weight = {"font_weight": "bold"} if index == len(points) - 1 and line == 1 else {}
            parts.append(svg.text_element(middle, baseline, text, text_anchor="middle", **weight))
    parts.append("</svg>")
    return Markup("".join(parts))
