"""Bar charts for the report, as inline SVG computed here (no JavaScript, no renderer).

Requests and bytes by vendor and findings by area are horizontal bars: vendor names are
long and read best horizontally. Severities are one stacked bar, in fixed colours that
the templates' badges share through ``SEVERITY_COLORS``.
"""

from __future__ import annotations

from markupsafe import Markup

from scanner.findings.model import SEVERITIES
from scanner.report import svg

SEVERITY_COLORS: dict[str, str] = {
    "critical": "#7f0000",
    "high": "#c62828",
    "medium": "#ef6c00",
    "low": "#b59a00",
    "info": "#5c7a99",
}
"""One colour per severity, in ``SEVERITIES`` order, for charts and badges alike."""

FONT_SIZE = 11
ROW_HEIGHT = 20
BAR_HEIGHT = 12
PAD = 4
GAP = 6


def _baseline(top: float, height: float) -> float:
    """The baseline that centres one line of text in a band (no dominant-baseline: see
    WeasyPrint, which only approximates it)."""
    return top + height / 2 + FONT_SIZE * 0.35


def _fold_others(rows: list[tuple[str, float]], max_rows: int) -> list[tuple[str, float, bool]]:
    """At most ``max_rows`` rows: the tail is summed into one "N others" row."""
    if max_rows < 2:
        raise ValueError("max_rows must be at least 2")
    values = [(name, svg.finite(value), False) for name, value in rows]
    if len(values) <= max_rows:
        return values
    kept, rest = values[: max_rows - 1], values[max_rows - 1 :]
    return [*kept, (f"{len(rest)} others", sum(value for _, value, _ in rest), True)]


def horizontal_bars(
    rows: list[tuple[str, float]],
    *,
    unit: str = "",
    colors: list[str] | None = None,
    width: int = 480,
    max_rows: int = 15,
    title: str,
) -> Markup:
    """Label, bar and value per row, in the order given (callers sort, e.g. busiest first).

    Bars are proportional to the largest value. ``unit="B"`` (or ``"bytes"``) formats
    values as bytes (1.2 kB); another unit is appended to the number. ``colors`` are used
    per row, cycled; the "others" row is grey. Negative and non-finite values count as
    zero. With more rows than ``max_rows``, the first ``max_rows - 1`` are kept and the
    rest summed into one "N others" row, so a chart never grows past ``max_rows`` rows.
    """
    shown = _fold_others(rows, max_rows)
    largest = max((value for _, value, _ in shown), default=0.0)
    if largest <= 0:
        return svg.empty_svg(title, width)
    palette = [svg.color(c) for c in colors or [svg.PALETTE[0]]]
    values = [svg.format_value(value, unit) for _, value, _ in shown]
    value_width = max(svg.text_width(v, FONT_SIZE) for v in values) + GAP
    names = [svg.clean_text(name) or "(unnamed)" for name, _, _ in shown]
    label_width = max(svg.text_width(name, FONT_SIZE) for name in names) + GAP
    label_width = max(min(label_width, width * 0.4, width - value_width - 60), 24)
    bar_max = max(width - label_width - value_width - PAD, 1)
    height = 2 * PAD + len(shown) * ROW_HEIGHT

    parts = [svg.svg_open(width, height, title, FONT_SIZE)]
    for index, ((_, value, others), name, text) in enumerate(
        zip(shown, names, values, strict=True)
    ):
        top = PAD + index * ROW_HEIGHT
        baseline = _baseline(top, ROW_HEIGHT)
        shown_name = svg.truncate(name, label_width - GAP, FONT_SIZE)
        parts.append(svg.labelled(name, shown_name, svg.text_element(0, baseline, shown_name)))
        bar = value / largest * bar_max
        fill = svg.OTHERS_COLOR if others else palette[index % len(palette)]
        parts.append(
            f'<rect class="sc-bar" x="{svg.num(label_width)}" '
            f'y="{svg.num(top + (ROW_HEIGHT - BAR_HEIGHT) / 2)}" width="{svg.num(bar)}" '
            f'height="{BAR_HEIGHT}" fill="{fill}"/>'
        )
        parts.append(svg.text_element(label_width + bar + PAD, baseline, text))
    parts.append("</svg>")
    return Markup("".join(parts))


def severity_bar(counts: dict[str, int], *, width: int = 480, title: str) -> Markup:
    """One bar split by severity, most serious first, and a legend with every count.

    Unknown severities are an error rather than left out: a compliance report must not
    under-count silently.
    """
    unknown = sorted(set(counts) - set(SEVERITIES))
    if unknown:
        raise ValueError(f"unknown severities: {unknown}")
    values = {s: int(svg.finite(counts.get(s, 0))) for s in SEVERITIES}
    total = sum(values.values())
    if total <= 0:
        return svg.empty_svg(title, width)

    legend: list[str] = []
    x, line = 0.0, 0
    for severity in SEVERITIES:
        text = f"{severity} {values[severity]:,}"
        item_width = 14 + svg.text_width(text, FONT_SIZE) + 14
        if x and x + item_width > width:
            x, line = 0.0, line + 1
        top = 30 + line * ROW_HEIGHT
        legend.append(
            f'<rect x="{svg.num(x)}" y="{svg.num(top + 4)}" width="10" height="10" '
            f'fill="{SEVERITY_COLORS[severity]}"/>'
            + svg.text_element(x + 14, _baseline(top, 18), text)
        )
        x += item_width
    height = 30 + (line + 1) * ROW_HEIGHT

    parts = [svg.svg_open(width, height, title, FONT_SIZE)]
    x = 0.0
    for severity in SEVERITIES:
        if not values[severity]:
            continue
        segment = values[severity] / total * width
        parts.append(
            f'<rect class="sc-seg" data-severity="{severity}" x="{svg.num(x)}" y="0" '
            f'width="{svg.num(segment)}" height="22" fill="{SEVERITY_COLORS[severity]}"/>'
        )
        x += segment
    parts.extend(legend)
    parts.append("</svg>")
    return Markup("".join(parts))
