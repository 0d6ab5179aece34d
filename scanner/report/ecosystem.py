"""The third-party ecosystem map: who the site loads, and whom those vendors bring in.

A layered left-to-right drawing: column 0 is the site, column *n* the vendors *n* hops
away (shortest path), so fourth parties sit in column 2. Colours say whether each vendor
has a data-processing agreement (DPA); a stripe says what kind of vendor it is.

Big maps stay legible: rows shrink to a minimum height, then each column shows its most
important vendors (no DPA, violations, vendors that load others) and one "+N more" box
for the rest. The report's vendor tables always list every vendor.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from scanner.report import svg


@dataclass(frozen=True)
class MapNode:
    id: str
    label: str
    category: str
    """A vendor category ("analytics", "advertising"...), "unknown", or "site"."""
    dpa_status: str
    """compliant, violations, undeclared (no DPA) or not-checked (no DPA folder given)."""
    flagged: bool = False
    """Drawn with a heavy outline, which the map's legend explains (e.g. a vendor of the
    "accept" map that is contacted after "reject" too)."""


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    """``source`` loads ``target``."""


# fill, stroke, dash, legend text; "undeclared" is hatched too, to survive grey printing.
STATUS_STYLES: dict[str, tuple[str, str, str, str]] = {
    "undeclared": ("hatch", "#8e0000", "4 2", "no DPA (undeclared)"),
    "violations": ("#ffd8a8", "#e65100", "", "DPA, violations"),
    "not-checked": ("#eceff1", "#757575", "", "DPA not checked"),
    "compliant": ("#d7f0da", "#2e7d32", "", "DPA, compliant"),
}
"""Most serious first: the order in which capped columns keep vendors visible."""

CATEGORY_COLORS: dict[str, str] = {
    "analytics": "#0072b2",
    "advertising": "#d55e00",
    "tag-manager": "#6a3d9a",
    "social": "#cc79a7",
    "session-replay": "#e69f00",
    "fingerprinting": "#b2182b",
    "cdn": "#7f7f7f",
    "consent": "#009e73",
    "unknown": "#c4c4c4",
}
SITE_FILL = "#263238"
FLAG_COLOR = "#b71c1c"
EDGE_COLOR = "#8795a8"
ROW, MIN_ROW, PAD, STRIPE, MAX_BOX = 30, 22, 4, 4, 220.0


def category_color(category: str) -> str:
    """A fixed colour per category; others get a palette colour derived from the name."""
    known = CATEGORY_COLORS.get(category)
    return known or svg.PALETTE[zlib.crc32(category.encode("utf-8", "replace")) % 10]


def _sort_key(node: MapNode) -> tuple[str, str]:
    """By label as a reader sorts ("Vendor 2" before "Vendor 10"), then id for ties."""
    label = re.sub(r"\d+", lambda m: m.group().zfill(12), svg.clean_text(node.label))
    return (label.casefold(), node.id)


def _depths(
    site: str, order: list[str], edges: list[tuple[str, str]]
) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Shortest hops from the site; vendors with no known loader count as loaded directly.

    Returns the depths and the site edges assumed for them. Among unreached vendors only
    those nobody loads are attached (a cycle attaches its first vendor), so whatever such
    a vendor loads keeps its place one column further right.
    """
    children: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        children[source].append(target)
    depth = {site: 0}
    assumed: list[tuple[str, str]] = []

    def walk(starts: Iterable[str]) -> None:
        queue = deque(starts)
        while queue:
            current = queue.popleft()
            for child in children[current]:
                if child not in depth:
                    depth[child] = depth[current] + 1
                    queue.append(child)

    walk([site])
    while unreached := [node for node in order if node not in depth]:
        loaded = {target for source, target in edges if source in unreached}
        roots = [node for node in unreached if node not in loaded] or unreached[:1]
        for root in roots:
            depth[root] = 1
            assumed.append((site, root))
        walk(roots)
    return depth, assumed


def _box(x: float, y: float, w: float, h: float, status: str, ids: str) -> str:
    """A vendor's box (or its legend swatch) in the style of its DPA status."""
    fill, stroke, dash, _ = STATUS_STYLES[status]
    paint = f"url(#{ids}-hatch)" if fill == "hatch" else fill
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<rect x="{svg.num(x)}" y="{svg.num(y)}" width="{svg.num(w)}" height="{svg.num(h)}" '
        f'rx="3" fill="{paint}" stroke="{stroke}" stroke-width="1.2"{dashes}/>'
    )


def _flag_outline(x: float, y: float, w: float, h: float) -> str:
    return (
        f'<rect class="sc-flag" x="{svg.num(x - 2)}" y="{svg.num(y - 2)}" '
        f'width="{svg.num(w + 4)}" height="{svg.num(h + 4)}" rx="4" fill="none" '
        f'stroke="{FLAG_COLOR}" stroke-width="2.4"/>'
    )


def _stripe(x: float, y: float, h: float, category: str) -> str:
    return (
        f'<rect x="{svg.num(x)}" y="{svg.num(y)}" width="{STRIPE}" height="{svg.num(h)}" '
        f'fill="{category_color(category)}"/>'
    )


@dataclass
class _Layout:
    """Which vendors are drawn where: ``slot_of`` maps every node, hidden ones to their
    column's "+N more" box."""

    shown: list[list[str]]
    hidden: list[int]
    slot_of: dict[str, tuple[int, int]]
    row: float
    width: int
    box_h: float = 0.0
    box_w: float = 0.0
    gap: float = 0.0
    font: float = 11.0
    body: float = 0.0

    def fit(self) -> None:
        """Box sizes from the columns' contents: equal columns and gaps across the width."""
        columns = len(self.shown)
        self.body = max(len(s) + bool(h) for s, h in zip(self.shown, self.hidden, strict=True))
        self.body *= self.row
        self.box_h = self.row - 6
        self.font = round(min(11.0, self.box_h * 0.55), 1)
        usable = self.width - 2 * PAD
        gap = min(40.0, max(16.0, usable / columns * 0.22))
        self.box_w = min(MAX_BOX, (usable - gap * (columns - 1)) / columns)
        self.gap = (usable - self.box_w * columns) / (columns - 1) if columns > 1 else gap

    def box_at(self, slot: tuple[int, int]) -> tuple[float, float]:
        """Top left corner of a box; each column is centred vertically."""
        col, index = slot
        count = len(self.shown[col]) + bool(self.hidden[col])
        top = PAD + (self.body - count * self.row) / 2 + index * self.row
        return PAD + col * (self.box_w + self.gap), top + (self.row - self.box_h) / 2


def _layout(
    site: str,
    vendors: dict[str, MapNode],
    depth: dict[str, int],
    links: list[tuple[str, str]],
    width: int,
    max_height: int,
) -> _Layout:
    """Columns by depth, ordered by the barycenter of their parents to reduce crossings.

    Rows shrink down to MIN_ROW; a column that still does not fit keeps its most
    important vendors (worst DPA status, then those loading most others) and one
    "+N more" slot.
    """
    columns: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for node_id in [site, *sorted(vendors, key=lambda n: _sort_key(vendors[n]))]:
        columns[depth[node_id]].append(node_id)
    tallest = max(len(column) for column in columns)
    if tallest * MIN_ROW <= max_height:
        row, slots = min(ROW, max_height / tallest), tallest
    else:
        row, slots = MIN_ROW, max(int(max_height // MIN_ROW), 2)

    parents: dict[str, list[str]] = defaultdict(list)
    loads: dict[str, int] = defaultdict(int)
    for source, target in links:
        loads[source] += 1
        if depth[source] == depth[target] - 1:
            parents[target].append(source)
    statuses = list(STATUS_STYLES)

    def importance(node_id: str) -> tuple[bool, int, int, str, str]:
        vendor = vendors[node_id]
        status = statuses.index(vendor.dpa_status)
        return (not vendor.flagged, status, -loads[node_id], *_sort_key(vendor))

    layout = _Layout([[site]], [0], {site: (0, 0)}, row, width)
    position = {site: 0.5}
    for col, column in enumerate(columns[1:], start=1):
        bary = {n: sum(position[p] for p in parents[n]) / len(parents[n]) for n in column}
        ranked = sorted(column, key=lambda n: (bary[n], *_sort_key(vendors[n])))
        if len(column) > slots:
            keep = set(sorted(column, key=importance)[: slots - 1])
            ranked = [node_id for node_id in ranked if node_id in keep]
        count = len(ranked) + (len(ranked) < len(column))
        for index, node_id in enumerate(ranked):
            layout.slot_of[node_id] = (col, index)
        for node_id in column:
            layout.slot_of.setdefault(node_id, (col, len(ranked)))
            position[node_id] = (layout.slot_of[node_id][1] + 0.5) / count
        layout.shown.append(ranked)
        layout.hidden.append(len(column) - len(ranked))
    layout.fit()
    return layout


def _edges(layout: _Layout, links: list[tuple[str, str]], ids: str) -> list[str]:
    """One curve per pair of boxes; links into or out of a "+N more" box drawn once."""
    pairs = {(layout.slot_of[s], layout.slot_of[t]) for s, t in links}
    parts = []
    for a, b in sorted(pair for pair in pairs if pair[0] != pair[1]):
        (ax, ay), (bx, by) = layout.box_at(a), layout.box_at(b)
        ay, by = ay + layout.box_h / 2, by + layout.box_h / 2
        if b[0] > a[0]:  # forward: right side to left side
            x1, x2 = ax + layout.box_w, bx
        elif b[0] < a[0]:  # backward: a vendor loading one further left
            x1, x2 = ax, bx + layout.box_w
        else:  # same column: an arc on the right
            x1 = x2 = ax + layout.box_w
        bend = x1 + min(layout.gap * 0.8, 30) if x1 == x2 else (x1 + x2) / 2
        parts.append(
            f'<path class="sc-edge" d="M{svg.num(x1)},{svg.num(ay)} C{svg.num(bend)},'
            f'{svg.num(ay)} {svg.num(bend)},{svg.num(by)} {svg.num(x2)},{svg.num(by)}" '
            f'fill="none" stroke="{EDGE_COLOR}" stroke-width="1.1" '
            f'marker-end="url(#{ids}-arrow)"/>'
        )
    return parts


def _nodes(layout: _Layout, site: MapNode, vendors: dict[str, MapNode], ids: str) -> list[str]:
    """Boxes with their labels, truncated to the box (full label as a tooltip)."""
    room = layout.box_w - STRIPE - 10
    baseline = (layout.box_h + layout.font * 0.7) / 2
    parts = []
    for col, column in enumerate(layout.shown):
        for node_id in column:
            x, y = layout.box_at(layout.slot_of[node_id])
            node = vendors.get(node_id, site)
            full = svg.clean_text(node.label) or "(unnamed)"
            text = svg.truncate(full, room, layout.font)
            parts.append(f'<g class="sc-node" data-depth="{col}">')
            if node is site:
                parts.append(
                    f'<rect x="{svg.num(x)}" y="{svg.num(y)}" width="{svg.num(layout.box_w)}" '
                    f'height="{svg.num(layout.box_h)}" rx="3" fill="{SITE_FILL}"/>'
                )
                label = svg.text_element(x + 6, y + baseline, text, fill="#ffffff")
            else:
                parts.append(_box(x, y, layout.box_w, layout.box_h, node.dpa_status, ids))
                if node.flagged:
                    parts.append(_flag_outline(x, y, layout.box_w, layout.box_h))
                parts.append(_stripe(x + 1.5, y + 1.5, layout.box_h - 3, node.category))
                label = svg.text_element(x + STRIPE + 6, y + baseline, text)
            parts.append(svg.labelled(full, text, label) + "</g>")
        if layout.hidden[col]:
            x, y = layout.box_at((col, len(column)))
            more = f"+{layout.hidden[col]} more"
            parts.append(
                f'<g class="sc-more"><rect x="{svg.num(x)}" y="{svg.num(y)}" '
                f'width="{svg.num(layout.box_w)}" height="{svg.num(layout.box_h)}" rx="3" '
                f'fill="#ffffff" stroke="{svg.MUTED_COLOR}" stroke-dasharray="2 2"/>'
                + svg.text_element(x + 6, y + baseline, more, fill=svg.MUTED_COLOR)
                + "</g>"
            )
    return parts


def _legend(
    layout: _Layout, categories: list[str], ids: str, flag: str | None
) -> tuple[list[str], float]:
    """Both colour codes (and the outline's meaning, when a node has it), wrapped to the
    width; returns the parts and the bottom edge."""
    items: list[tuple[str, str]] = [
        (_box(0, 0, 12, 10, status, ids), style[3]) for status, style in STATUS_STYLES.items()
    ]
    if flag:
        swatch = _box(2, 1, 9, 8, "not-checked", ids) + _flag_outline(2, 1, 9, 8)
        items.append((swatch, flag))
    items += [(_stripe(4, 0, 10, c), svg.label(c, 160, 10, "unknown")) for c in categories]
    parts, x, y = ['<g class="sc-legend">'], 0.0, PAD + layout.body + 12
    for swatch, text in items:
        item_width = 16 + svg.text_width(text, 10) + 14
        if x and x + item_width > layout.width:
            x, y = 0.0, y + 16
        parts.append(
            f'<g transform="translate({svg.num(x)},{svg.num(y)})">{swatch}'
            + svg.text_element(16, 9, text, font_size="10")
            + "</g>"
        )
        x += item_width
    parts.append("</g>")
    if any(layout.hidden):
        note = "“+N more”: vendors not drawn here; the vendor tables list every vendor."
        y += 16
        parts.append(svg.text_element(0, y + 9, note, font_size="10", fill=svg.MUTED_COLOR))
    return parts, y + 16


def ecosystem_map(
    site: MapNode,
    nodes: list[MapNode],
    edges: list[MapEdge],
    *,
    width: int = 680,
    max_height: int = 760,
    title: str | None = None,
    flag_legend: str = "",
) -> Markup:
    """The map as inline SVG; the same input always gives the same string.

    ``title`` replaces "Third-party ecosystem of SITE"; ``flag_legend`` says in the legend
    what the outline of flagged nodes means.

    ``max_height`` bounds the drawing above the legend (760 leaves room for the legend on
    an A4 page). Edges naming unknown nodes are ignored. Marker and pattern ids derive
    from the input, so several maps can share one HTML document (identical maps share
    identical definitions, which is harmless).
    """
    title = title or f"Third-party ecosystem of {svg.clean_text(site.label) or 'the site'}"
    vendors: dict[str, MapNode] = {}
    for node in nodes:
        if node.dpa_status not in STATUS_STYLES:
            raise ValueError(f"unknown DPA status: {node.dpa_status!r}")
        if node.id != site.id:
            vendors.setdefault(node.id, node)
    if not vendors:
        return svg.empty_svg(f"{title}: no third parties", width)
    links = sorted(
        {
            (edge.source, edge.target)
            for edge in edges
            if (edge.source in vendors or edge.source == site.id)
            and edge.target in vendors
            and edge.source != edge.target
        }
    )
    order = sorted(vendors, key=lambda n: _sort_key(vendors[n]))
    depth, assumed = _depths(site.id, order, links)
    links = sorted({*links, *assumed})
    brought_in = sum(1 for d in depth.values() if d >= 2)
    title += f": {len(vendors)} vendors, {brought_in} brought in by other vendors"

    layout = _layout(site.id, vendors, depth, links, width, max_height)
    canonical = (site, sorted(vendors.items()), links, width, max_height)
    digest = hashlib.sha256(repr(canonical).encode("utf-8", "replace"))
    ids = "eco-" + digest.hexdigest()[:12]
    defs = (
        f'<defs><marker id="{ids}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{EDGE_COLOR}"/></marker><pattern id="{ids}-hatch" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" '
        f'height="6" fill="#fde2e2"/><rect width="2" height="6" fill="#f2a0a0"/></pattern>'
        "</defs>"
    )
    categories = sorted({vendor.category for vendor in vendors.values()})
    flagged = any(vendor.flagged for vendor in vendors.values())
    legend, bottom = _legend(layout, categories, ids, flag_legend if flagged else None)
    return Markup(
        svg.svg_open(width, bottom + PAD, title, layout.font)
        + defs
        + "".join(_edges(layout, links, ids))
        + "".join(_nodes(layout, site, vendors, ids))
        + "".join(legend)
        + "</svg>"
    )
