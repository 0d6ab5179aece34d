"""The report's SVG pictures: well-formed, safe with hostile labels, and drawn to scale."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from markupsafe import Markup

from scanner.findings.model import SEVERITIES
from scanner.report import svg
from scanner.report.charts import SEVERITY_COLORS, horizontal_bars, severity_bar
from scanner.report.ecosystem import MapEdge, MapNode, ecosystem_map

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = "</text><script>alert(1)</script>"
ARABIC = "عربي"
CJK = "数据分析"
SITE = MapNode("site", "shop.example", "site", "not-checked")


def parse(markup: Markup) -> ET.Element:
    """The SVG as XML: fails the test when the string is not well-formed."""
    assert isinstance(markup, Markup)
    root = ET.fromstring(str(markup).encode("utf-8"))
    assert root.tag == f"{NS}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{NS}text")]


def with_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{NS}{tag}") if e.get("class") == name]


def vendor(node_id: str, label: str | None = None, status: str = "compliant") -> MapNode:
    return MapNode(node_id, label or node_id.title(), "analytics", status)


def sample_map() -> tuple[list[MapNode], list[MapEdge]]:
    """Site -> tag manager -> analytics -> ad network, an orphan, and a shared vendor."""
    nodes = [
        MapNode("gtm", "Google Tag Manager", "tag-manager", "compliant"),
        MapNode("ga", "Google Analytics", "analytics", "violations"),
        MapNode("ads", "DoubleClick", "advertising", "undeclared"),
        MapNode("sync", "Cookie Sync", "advertising", "undeclared"),
        MapNode("cn", CJK, "analytics", "not-checked"),
        MapNode("orphan", "Orphan CDN", "cdn", "compliant"),
        MapNode("evil", HOSTILE, "unknown", "undeclared"),
    ]
    edges = [
        MapEdge("site", "gtm"),
        MapEdge("site", "cn"),
        MapEdge("gtm", "ga"),
        MapEdge("gtm", "evil"),
        MapEdge("ga", "ads"),
        MapEdge("ads", "sync"),
        MapEdge("nobody", "ga"),  # unknown source: ignored
    ]
    return nodes, edges


def node_boxes(root: ET.Element) -> dict[str, tuple[int, float, float]]:
    """Label shown -> (depth, x, y) of each vendor box."""
    boxes = {}
    for group in with_class(root, "g", "sc-node"):
        rect = group.find(f"{NS}rect")
        label = "".join(group.find(f".//{NS}text").itertext())
        boxes[label] = (int(group.get("data-depth")), float(rect.get("x")), float(rect.get("y")))
    return boxes


def all_pictures() -> list[Markup]:
    nodes, edges = sample_map()
    return [
        horizontal_bars([("Google", 12), (HOSTILE, 3)], title="Requests by vendor"),
        horizontal_bars([("Google", 3_400_000)], unit="B", title="Bytes by vendor"),
        horizontal_bars([], title="Nothing"),
        severity_bar({"high": 2, "info": 1}, title="Findings by severity"),
        severity_bar({}, title="No findings"),
        ecosystem_map(SITE, nodes, edges),
        ecosystem_map(SITE, [], []),
    ]


@pytest.mark.parametrize("index", range(len(all_pictures())))
def test_every_picture_is_accessible_self_contained_xml(index: int) -> None:
    markup = all_pictures()[index]
    root = parse(markup)
    assert root.get("role") == "img"
    assert root[0].tag == f"{NS}title" and root[0].text
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {svg.num(width)} {svg.num(height)}"
    assert width > 0 and height > 0
    assert "DejaVu Sans" in root.get("font-family")
    assert "WenQuanYi Micro Hei" in root.get("font-family")
    for element in root.iter():
        assert element.tag not in (f"{NS}script", f"{NS}foreignObject", f"{NS}image")
        assert not any(name.endswith("href") for name in element.attrib)
        assert not any(name.startswith("on") for name in element.attrib)
    assert not re.search(r"https?:|file:|javascript:", str(markup).replace(str(NS[1:-1]), ""))


def test_hostile_labels_are_text_not_markup() -> None:
    nodes, edges = sample_map()
    for markup in (
        horizontal_bars([(HOSTILE, 1)], width=900, title=HOSTILE),
        ecosystem_map(SITE, nodes, edges, width=900),
    ):
        root = parse(markup)
        assert not list(root.iter(f"{NS}script"))
        assert any(text.startswith("</text><script>") for text in texts(root))
        assert "<script>" not in str(markup)
    bars = parse(horizontal_bars([(HOSTILE, 1)], width=900, title=HOSTILE))
    assert HOSTILE in texts(bars)
    assert bars.find(f"{NS}title").text == HOSTILE


def test_control_characters_become_replacement_characters() -> None:
    nasty = "a\x00b\x1bc\x7fd\x85e\ud800f\u202eg\ufffeh\tnew\nline"
    root = parse(horizontal_bars([(nasty, 1)], width=900, title=nasty))
    label = texts(root)[0]
    assert label == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg\ufffdh new line"
    assert root.find(f"{NS}title").text == label


def test_long_labels_are_truncated_with_the_full_text_as_tooltip() -> None:
    long = "Extremely Long Vendor Name " * 8
    root = parse(horizontal_bars([(long, 1)], width=400, title="t"))
    shown = texts(root)[0]
    assert shown.endswith("…") and len(shown) < len(long)
    assert svg.text_width(shown, 11) <= 400 * 0.4
    tooltips = [g.find(f"{NS}title").text for g in root.iter(f"{NS}g")]
    assert tooltips == [long.strip()]


def test_text_width_counts_wide_characters_double() -> None:
    assert svg.text_width(CJK, 10) == 2 * svg.text_width("abcd", 10)
    assert svg.truncate(CJK * 5, 50, 10) == "数据分…"
    assert svg.truncate("short", 50, 10) == "short"


def test_formats_bytes_and_numbers() -> None:
    assert [svg.format_bytes(n) for n in (0, 999, 1234, 99_950, 3_400_000, 999_500)] == [
        "0 B",
        "999 B",
        "1.2 kB",
        "100 kB",
        "3.4 MB",
        "1.0 MB",
    ]
    assert svg.format_value(1234) == "1,234"
    assert svg.format_value(2.5, "ms") == "2.5 ms"
    for unit in ("B", "bytes"):
        bars = horizontal_bars([("G", 3_400_000)], unit=unit, title="t")
        assert "3.4 MB" in texts(parse(bars))


def test_bar_lengths_are_proportional_to_values() -> None:
    rows = [("a", 100.0), ("b", 50.0), ("c", 25.0), ("d", 0.0)]
    root = parse(horizontal_bars(rows, title="t"))
    widths = [float(rect.get("width")) for rect in with_class(root, "rect", "sc-bar")]
    assert widths[0] > 100
    assert [round(w / widths[0], 3) for w in widths] == [1.0, 0.5, 0.25, 0.0]
    assert [t for t in texts(root) if t in "abcd"] == ["a", "b", "c", "d"]


def test_rows_beyond_max_rows_are_summed_into_others() -> None:
    rows = [(f"vendor {i}", float(20 - i)) for i in range(20)]
    root = parse(horizontal_bars(rows, max_rows=5, title="t"))
    bars = with_class(root, "rect", "sc-bar")
    assert len(bars) == 5
    others = sum(value for _, value in rows[4:])
    assert texts(root)[-2:] == ["16 others", f"{others:.0f}"]
    assert bars[-1].get("fill") == svg.OTHERS_COLOR
    # The sum (136) is the largest value here, so it sets the scale.
    ratio = float(bars[-1].get("width")) / float(bars[0].get("width"))
    assert ratio == pytest.approx(others / rows[0][1], rel=1e-3)


def test_colours_are_validated_and_cycled() -> None:
    root = parse(horizontal_bars([("a", 1), ("b", 2), ("c", 3)], colors=["#111", "red"], title="t"))
    assert [r.get("fill") for r in with_class(root, "rect", "sc-bar")] == ["#111", "red", "#111"]
    with pytest.raises(ValueError):
        horizontal_bars([("a", 1)], colors=["url(http://evil.example/x)"], title="t")


def test_severity_bar_order_colours_and_legend() -> None:
    counts = {"info": 9, "low": 2, "critical": 1, "high": 4}
    root = parse(severity_bar(counts, width=500, title="Findings"))
    segments = with_class(root, "rect", "sc-seg")
    order = [s.get("data-severity") for s in sorted(segments, key=lambda s: float(s.get("x")))]
    assert order == ["critical", "high", "low", "info"]  # medium is 0: no segment
    for segment in segments:
        severity = segment.get("data-severity")
        assert segment.get("fill") == SEVERITY_COLORS[severity]
        assert float(segment.get("width")) == pytest.approx(counts[severity] / 16 * 500, abs=0.01)
    assert texts(root) == ["critical 1", "high 4", "medium 0", "low 2", "info 9"]
    assert list(SEVERITY_COLORS) == list(SEVERITIES)
    assert SEVERITY_COLORS["critical"] != SEVERITY_COLORS["high"]
    with pytest.raises(ValueError):
        severity_bar({"urgent": 1}, title="t")


@pytest.mark.parametrize(
    "markup",
    [
        horizontal_bars([], title="t"),
        horizontal_bars([("a", 0), ("b", 0)], title="t"),
        horizontal_bars([("a", float("nan"))], title="t"),
        severity_bar({}, title="t"),
        severity_bar({"high": 0}, title="t"),
        ecosystem_map(SITE, [], [MapEdge("site", "x")]),
    ],
)
def test_empty_input_says_nothing_to_show(markup: Markup) -> None:
    assert texts(parse(markup)) == ["nothing to show"]


def test_ecosystem_columns_follow_shortest_distance_from_the_site() -> None:
    nodes, edges = sample_map()
    root = parse(ecosystem_map(SITE, nodes, edges, width=900))
    boxes = node_boxes(root)
    depths = {label: depth for label, (depth, _, _) in boxes.items()}
    hostile = [label for label in depths if label.startswith("</text><script>")]
    assert len(hostile) == 1 and depths.pop(hostile[0]) == 2
    assert depths == {
        "shop.example": 0,
        "Google Tag Manager": 1,
        CJK: 1,
        "Orphan CDN": 1,  # no known loader: counted as loaded directly
        "Google Analytics": 2,  # fourth party, brought in by the tag manager
        "DoubleClick": 3,
        "Cookie Sync": 4,
    }
    x_by_depth: dict[int, set[float]] = {}
    for depth, x, _ in boxes.values():
        x_by_depth.setdefault(depth, set()).add(x)
    assert all(len(xs) == 1 for xs in x_by_depth.values())
    columns = [x_by_depth[d].pop() for d in sorted(x_by_depth)]
    assert columns == sorted(columns) and len(set(columns)) == 5
    assert "7 vendors, 4 brought in by other vendors" in root.find(f"{NS}title").text


def test_a_vendor_also_loaded_directly_stays_in_column_one() -> None:
    nodes = [vendor("gtm"), vendor("ga")]
    edges = [MapEdge("site", "gtm"), MapEdge("gtm", "ga"), MapEdge("site", "ga")]
    root = parse(ecosystem_map(SITE, nodes, edges))
    assert {label: d for label, (d, _, _) in node_boxes(root).items()} == {
        "shop.example": 0,
        "Gtm": 1,
        "Ga": 1,
    }
    assert len(with_class(root, "path", "sc-edge")) == 3  # one of them within column 1


def test_each_edge_is_drawn_once_with_an_arrowhead() -> None:
    nodes, edges = sample_map()
    root = parse(ecosystem_map(SITE, nodes, edges))
    paths = with_class(root, "path", "sc-edge")
    # 6 valid edges (one names an unknown loader) and the orphan's assumed site edge.
    assert len(paths) == 7
    marker = root.find(f".//{NS}marker").get("id")
    assert all(path.get("marker-end") == f"url(#{marker})" for path in paths)
    duplicated = ecosystem_map(SITE, nodes, [*edges, *edges, MapEdge("gtm", "gtm")])
    assert len(with_class(parse(duplicated), "path", "sc-edge")) == 7


def test_children_are_ordered_by_their_parents_positions() -> None:
    nodes = [vendor("a", "Alpha"), vendor("b", "Beta"), vendor("z", "Zulu"), vendor("y", "Aaa")]
    edges = [MapEdge("site", "a"), MapEdge("site", "b"), MapEdge("a", "z"), MapEdge("b", "y")]
    boxes = node_boxes(parse(ecosystem_map(SITE, nodes, edges)))
    assert boxes["Alpha"][2] < boxes["Beta"][2]
    # Alphabetically "Aaa" comes first, but its parent is below Zulu's: no crossing.
    assert boxes["Zulu"][2] < boxes["Aaa"][2]


def test_legend_explains_both_colour_codes() -> None:
    nodes, edges = sample_map()
    root = parse(ecosystem_map(SITE, nodes, edges))
    legend = with_class(root, "g", "sc-legend")[0]
    labels = ["".join(t.itertext()) for t in legend.iter(f"{NS}text")]
    assert labels[:4] == [
        "no DPA (undeclared)",
        "DPA, violations",
        "DPA not checked",
        "DPA, compliant",
    ]
    assert labels[4:] == ["advertising", "analytics", "cdn", "tag-manager", "unknown"]
    hatch = root.find(f".//{NS}pattern").get("id")
    undeclared = [r for r in root.iter(f"{NS}rect") if r.get("fill") == f"url(#{hatch})"]
    assert len(undeclared) == 4 and all(r.get("stroke-dasharray") for r in undeclared)


def test_definition_ids_are_unique_across_maps_in_one_document() -> None:
    nodes, edges = sample_map()
    first = parse(ecosystem_map(SITE, nodes, edges))
    second = parse(ecosystem_map(SITE, nodes[:3], edges))
    ids = [e.get("id") for root in (first, second) for e in root.iter() if e.get("id")]
    assert len(ids) == 4 and len(set(ids)) == 4
    for root in (first, second):
        own = {e.get("id") for e in root.iter() if e.get("id")}
        used = {
            m
            for e in root.iter()
            for v in e.attrib.values()
            for m in re.findall(r"url\(#([^)]+)\)", v)
        }
        assert used == own


def test_big_columns_shrink_then_cap_with_more_box() -> None:
    nodes = [vendor(f"v{i:02}", f"Vendor {i}") for i in range(60)]
    nodes.append(vendor("zz", "Zz undeclared", status="undeclared"))
    root = parse(ecosystem_map(SITE, nodes, [], max_height=400))
    boxes = node_boxes(root)
    drawn = [label for label, (depth, _, _) in boxes.items() if depth == 1]
    more = with_class(root, "g", "sc-more")
    assert len(more) == 1
    hidden = int(re.fullmatch(r"\+(\d+) more", texts(more[0])[0]).group(1))
    assert len(drawn) + hidden == 61 and len(drawn) == 400 // 22 - 1
    assert "Zz undeclared" in drawn  # the most serious status is kept visible
    assert "Vendor 2" in drawn and drawn.index("Vendor 2") < drawn.index("Vendor 10")
    assert any("vendor tables list every vendor" in t for t in texts(root))
    # Every hidden vendor's edge ends at the more box, drawn once.
    assert len(with_class(root, "path", "sc-edge")) == len(drawn) + 1
    ys = sorted(y for _, _, y in boxes.values())
    assert ys[-1] < 400

    medium = parse(ecosystem_map(SITE, nodes[:18], [], max_height=400))
    assert not with_class(medium, "g", "sc-more")  # 18 rows fit once shrunk to 22 px
    assert len(node_boxes(medium)) == 19


def test_output_is_deterministic() -> None:
    nodes, edges = sample_map()
    first = ecosystem_map(SITE, nodes, edges)
    assert ecosystem_map(SITE, list(nodes), list(edges)) == first
    assert ecosystem_map(SITE, nodes[::-1], edges[::-1]) == first
    rows = [("a", 3), ("b", 1)]
    assert horizontal_bars(rows, title="t") == horizontal_bars(list(rows), title="t")


def pdf_text(tmp_path: Path, *pictures: Markup) -> str:
    """The pictures through WeasyPrint, and the PDF's text as pdftotext extracts it."""
    import weasyprint

    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is missing: run make setup"
    html = "<!doctype html><html><body>" + "".join(map(str, pictures)) + "</body></html>"
    pdf = tmp_path / "pictures.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_weasyprint_draws_the_svg_text(tmp_path: Path) -> None:
    nodes, edges = sample_map()
    nodes.append(MapNode("ar", ARABIC, "social", "compliant"))
    text = pdf_text(
        tmp_path,
        horizontal_bars(
            [("Google Analytics", 3), (CJK, 2), (ARABIC, 1), (HOSTILE, 1)], title="Requests"
        ),
        severity_bar({"high": 2}, title="Severities"),
        ecosystem_map(SITE, nodes, edges),
    )
    assert "Google Analytics" in text
    assert "DoubleClick" in text
    assert "<script>alert(1)" in text  # the hostile label, drawn as text
    assert "high 2" in text
    assert text.count(CJK) == 2
    # WeasyPrint 70 draws SVG text one character at a time, without bidi reordering or
    # Arabic shaping: the letters come out, in reverse (see the next test).
    letters = Counter(ARABIC)
    assert sum(1 for line in text.splitlines() if Counter(line) & letters == letters) >= 2
