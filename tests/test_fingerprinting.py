"""Fingerprinting: the probes' snapshots merged per page, the published criteria, the
findings and the DPA data category, from snapshots shaped as api_probes.js sends them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from scanner.capture.api_calls import MAX_CALL_ENTRIES, MAX_VALUES, ApiCallLog
from scanner.checks.fingerprinting import check as CHECK
from scanner.classify.fingerprinting import fingerprinting_scripts
from scanner.dpa.records import build_records
from scanner.report.fingerprinting import fingerprinting_rows, probe_coverage
from scanner.result.validation import page_problems
from tests.rule_fixtures import HOME, context_of, findings_of, page, request, scan

FP_JS = "https://cdn.retarget.example/fp.js"
"""A third party's script (Example Retargeting, in the demo's vendor file)."""
CHART_JS = "https://www.shop.test/chart.js"


def sample(
    width: int,
    height: int,
    *,
    type: str | None = None,
    chars: int = 0,
    colours: int = 0,
    area: tuple[int, int] | None = None,
    quality: float | None = None,
    in_document: bool = False,
) -> dict[str, Any]:
    return {
        "width": width,
        "height": height,
        "areaWidth": area[0] if area else None,
        "areaHeight": area[1] if area else None,
        "type": type,
        "quality": quality,
        "textChars": chars,
        "textColours": colours,
        "inDocument": in_document,
        "count": 1,
    }


def call(
    script: str | None,
    api: str,
    count: int = 1,
    values: list[str] = (),  # type: ignore[assignment]
    samples: list[dict[str, Any]] = (),
) -> dict[str, Any]:  # type: ignore[assignment]
    return {
        "script": script,
        "api": api,
        "count": count,
        "values": list(values),
        "valuesDropped": 0,
        "samples": list(samples),
        "samplesDropped": 0,
    }


def snapshot(
    calls: list[dict[str, Any]],
    doc: str = "d1",
    version: int = 1,
    overflow: dict[str, int] | None = None,
) -> dict[str, Any]:
    return {"doc": doc, "version": version, "calls": calls, "overflow": overflow or {}}


FINGERPRINTJS_LIKE = [
    call(
        FP_JS,
        "HTMLCanvasElement.toDataURL",
        3,
        samples=[sample(240, 60, chars=19, colours=2), sample(122, 110)],
    ),
    call(FP_JS, "WebGLRenderingContext.getParameter", 80, values=["7936", "37445", "37446"]),
    call(FP_JS, "WebGLRenderingContext.getSupportedExtensions"),
    call(FP_JS, "OfflineAudioContext.startRendering"),
    call(FP_JS, "BaseAudioContext.createOscillator", values=["offline"]),
    call(FP_JS, "BaseAudioContext.createDynamicsCompressor", values=["offline"]),
    call(FP_JS, "Navigator.hardwareConcurrency"),
    call(FP_JS, "Navigator.languages", 2),
    call(FP_JS, "Screen.width", 2),
    call(FP_JS, "Intl.DateTimeFormat.resolvedOptions", 2),
    call(FP_JS, "Navigator.plugins", 3),
]
INNOCENT = [
    # a chart read under the pointer, a badge, a JPEG export, a label measured
    call(
        CHART_JS,
        "CanvasRenderingContext2D.getImageData",
        samples=[
            sample(600, 300, type="image-data", chars=9, colours=1, area=(1, 1), in_document=True)
        ],
    ),
    call(
        CHART_JS,
        "HTMLCanvasElement.toDataURL",
        2,
        samples=[
            sample(8, 8, chars=1, colours=2),
            sample(600, 300, type="image/jpeg", quality=0.8, chars=30, colours=3, in_document=True),
        ],
    ),
    call(CHART_JS, "CanvasRenderingContext2D.measureText", values=["12px sans-serif"]),
    call(CHART_JS, "WebGLRenderingContext.getParameter", values=["3379"]),
    call(CHART_JS, "Screen.width"),
]


def page_with(*snapshots: dict[str, Any], requests: list[dict[str, Any]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    log = ApiCallLog(4096)
    for payload in snapshots:
        log.offer(payload, HOME)
    document = page(requests=list(requests))
    document["api_calls"] = asdict(log.result())
    assert page_problems(document) == []
    return document


def techniques_of(document: dict[str, Any]) -> dict[str | None, list[str]]:
    return {
        use.script_url: [technique.name for technique in met]
        for use, met in fingerprinting_scripts(document)
    }


def test_a_fingerprinting_library_meets_canvas_webgl_and_audio_and_a_chart_nothing() -> None:
    document = page_with(snapshot(FINGERPRINTJS_LIKE + INNOCENT))
    assert techniques_of(document) == {FP_JS: ["canvas", "webgl", "audio"]}


def test_findings_name_script_vendor_surfaces_and_where_data_went() -> None:
    beacon = request(
        2, "https://px.retarget.example/c?id=1", resource_type="ping", initiator=("script", FP_JS)
    )
    script = request(1, FP_JS)
    findings = findings_of(
        scan(page_with(snapshot(FINGERPRINTJS_LIKE), requests=[script, beacon])), CHECK
    )
    by_rule = {f.rule_id: f for f in findings}
    assert set(by_rule) == {"fingerprinting-canvas", "fingerprinting-webgl", "fingerprinting-audio"}
    canvas = by_rule["fingerprinting-canvas"]
    assert (canvas.subject, canvas.vendor, canvas.severity, canvas.pages) == (
        FP_JS,
        "example-retargeting",
        "high",
        [HOME],
    )
    [evidence] = canvas.evidence
    assert evidence["vendor"] == "Example Retargeting"
    assert evidence["surfaces"] == [
        "canvas",
        "webgl",
        "audio",
        "plugins",
        "hardware",
        "languages",
        "screen",
        "timezone",
    ]
    assert [read["width"] for read in evidence["reads"]] == [240]
    assert evidence["sent_to"] == [
        {"vendor": "Example Retargeting", "host": "px.retarget.example", "url": beacon["url"]}
    ]
    assert "read the GPU's unmasked renderer and vendor" in by_rule["fingerprinting-webgl"].message


@pytest.mark.parametrize(
    ("read", "flagged"),
    [
        (sample(16, 16, chars=10, colours=1), True),
        (sample(16, 16, chars=1, colours=2), True),
        (sample(15, 60, chars=30, colours=3), False),  # too small
        (sample(240, 60, chars=9, colours=1), False),  # too little text
        (sample(240, 60, chars=30, colours=3, type="image/jpeg"), False),  # lossy
        (sample(240, 60, chars=30, colours=3, type="image/webp"), False),
        (sample(240, 60, chars=30, colours=3, quality=0.92), False),  # a quality: lossy
        (sample(240, 60, chars=30, colours=3, type="image/png"), True),
        (sample(240, 60, type="image-data", chars=30, colours=3, area=(16, 16)), True),
        (sample(240, 60, type="image-data", chars=30, colours=3, area=(16, 15)), False),
        (sample(240, 60, type="image-data", chars=30, colours=3, area=(-20, -20)), True),
    ],
)
def test_the_published_canvas_criteria(read: dict[str, Any], flagged: bool) -> None:
    api = (
        "CanvasRenderingContext2D.getImageData"
        if read["type"] == "image-data"
        else ("HTMLCanvasElement.toDataURL")
    )
    document = page_with(snapshot([call(FP_JS, api, samples=[read])]))
    assert techniques_of(document) == ({FP_JS: ["canvas"]} if flagged else {})


@pytest.mark.parametrize(("fonts", "flagged"), [(49, False), (50, True)])
def test_font_probing_from_50_distinct_fonts(fonts: int, flagged: bool) -> None:
    measured = [f"12px font{n}" for n in range(30)]
    checked = [f"12px font{n}" for n in range(25, fonts)]  # 5 fonts both measured and checked
    document = page_with(
        snapshot(
            [
                call(FP_JS, "CanvasRenderingContext2D.measureText", 30, values=measured),
                call(FP_JS, "FontFaceSet.check", len(checked), values=checked),
            ]
        )
    )
    assert techniques_of(document) == ({FP_JS: ["font-probing"]} if flagged else {})


def test_webgl_by_parameters_and_extensions_without_the_unmasked_renderer() -> None:
    parameters = [str(3000 + n) for n in range(20)]
    listed = call(FP_JS, "WebGL2RenderingContext.getSupportedExtensions")
    many = call(FP_JS, "WebGL2RenderingContext.getParameter", 20, values=parameters)
    fewer = call(FP_JS, "WebGL2RenderingContext.getParameter", 19, values=parameters[:19])
    assert techniques_of(page_with(snapshot([listed, many]))) == {FP_JS: ["webgl"]}
    assert techniques_of(page_with(snapshot([listed, fewer]))) == {}
    assert techniques_of(page_with(snapshot([many]))) == {}


def test_audio_needs_offline_rendering_of_an_offline_node() -> None:
    render = call(FP_JS, "OfflineAudioContext.startRendering")
    offline = call(FP_JS, "BaseAudioContext.createOscillator", values=["offline"])
    live = call(FP_JS, "BaseAudioContext.createOscillator", values=["realtime"])
    assert techniques_of(page_with(snapshot([render, offline]))) == {FP_JS: ["audio"]}
    assert techniques_of(page_with(snapshot([render, live]))) == {}
    assert techniques_of(page_with(snapshot([offline]))) == {}


def test_many_surfaces_is_a_score_reported_from_six() -> None:
    apis = [
        "Screen.width",
        "Navigator.languages",
        "Intl.DateTimeFormat.resolvedOptions",
        "Navigator.hardwareConcurrency",
        "Navigator.plugins",
        "Navigator.getBattery",
    ]
    six = page_with(snapshot([call(FP_JS, api) for api in apis]))
    five = page_with(snapshot([call(FP_JS, api) for api in apis[:5]]))
    assert techniques_of(five) == {}
    [finding] = findings_of(scan(six), CHECK)
    assert (finding.rule_id, finding.severity) == ("fingerprinting-many-surfaces", "medium")
    assert finding.evidence[0]["score"] == 6


def test_a_first_party_inline_script_has_no_vendor() -> None:
    document = page_with(
        snapshot([call(HOME, "HTMLCanvasElement.toDataURL", samples=[sample(200, 50, chars=20)])])
    )
    [finding] = findings_of(scan(document), CHECK)
    assert (finding.subject, finding.vendor, finding.evidence[0]["vendor"]) == (HOME, None, None)


def test_the_latest_snapshot_of_each_document_is_kept_and_documents_are_merged() -> None:
    old = snapshot([call(FP_JS, "Screen.width", 1)], version=3)
    new = snapshot([call(FP_JS, "Screen.width", 5, values=[])], version=9)
    frame = snapshot([call(FP_JS, "Screen.width", 2)], doc="d2", version=1)
    log = ApiCallLog(4096)
    for payload in (new, old, frame):
        log.offer(payload, HOME)
    result = log.result()
    assert result.documents == 2
    assert [(c.script_url, c.api, c.count) for c in result.calls] == [(FP_JS, "Screen.width", 7)]


def test_what_a_page_sends_is_checked_and_bounded() -> None:
    log = ApiCallLog(40)
    for payload in (None, [], {"doc": 5}, {"doc": "x", "calls": "no"}):
        log.offer(payload, HOME)
    hostile = [
        {"script": 7, "api": "Screen.width", "count": 1},  # not a URL
        {"script": None, "api": "", "count": 1},
        {
            "script": "https://x.example/" + "a" * 100,
            "api": "A" * 500,
            "count": -4,
            "values": [f"v{n}" for n in range(200)] + [3, None],
            "samples": [{"width": "big"}, 5],
        },
    ]
    log.offer(snapshot(hostile, doc="h"), HOME)
    [kept] = log.result().calls
    assert (len(kept.script_url or ""), len(kept.api), kept.count) == (40, 80, 0)
    assert (len(kept.values), kept.values_dropped) == (MAX_VALUES, 200 - MAX_VALUES)
    assert [read.width for read in kept.canvas_reads] == [None]


def test_calls_past_the_page_cap_are_counted_by_api() -> None:
    calls = [call(f"https://x.example/{n}.js", "Screen.width", 2) for n in range(300)]
    log = ApiCallLog(4096)
    log.offer(snapshot(calls, doc="a"), HOME)
    log.offer(
        snapshot(
            [call(f"https://y.example/{n}.js", "Screen.height") for n in range(300)],
            doc="b",
            overflow={"Screen.width": 10},
        ),
        HOME,
    )
    result = log.result()
    assert len(result.calls) == MAX_CALL_ENTRIES
    assert result.unattributed == {"Screen.width": 10, "Screen.height": 100}


def test_a_fingerprinting_vendor_gets_the_device_fingerprint_category() -> None:
    script = request(1, FP_JS)
    document = page_with(snapshot(FINGERPRINTJS_LIKE), requests=[script])
    records = build_records(context_of(scan(document)))
    assert "device-fingerprint" in records["example-retargeting"]["data_categories"]
    plain = build_records(context_of(scan(page(requests=[request(1, FP_JS)]))))
    assert "device-fingerprint" not in plain["example-retargeting"]["data_categories"]


def test_the_report_lists_each_fingerprinting_script_once() -> None:
    document = page_with(snapshot(FINGERPRINTJS_LIKE + INNOCENT))
    findings = [
        {**asdict(finding), "anchor": f"finding-{n}"}
        for n, finding in enumerate(findings_of(scan(document), CHECK), start=1)
    ]
    [row] = fingerprinting_rows(findings)
    assert (row["script"], row["vendor"], row["pages"], row["sent_to"]) == (
        FP_JS,
        "Example Retargeting",
        1,
        [],
    )
    assert row["techniques"] == [
        "Audio fingerprinting",
        "Canvas fingerprinting",
        "WebGL fingerprinting",
    ]
    assert row["surfaces"][:3] == [
        "canvas image read back",
        "WebGL parameters and extensions",
        "audio rendering",
    ]


def test_coverage_counts_unwatched_pages_and_calls_past_the_caps() -> None:
    watched = page_with(snapshot([], overflow={"Screen.width": 4, "Navigator.plugins": 1}))
    unwatched = page()
    unwatched["api_calls"] = None
    seen = probe_coverage(scan(watched, unwatched, page()))  # the last: an older scan's page
    assert (seen["unwatched_pages"], seen["unattributed"], seen["unattributed_apis"]) == (
        2,
        5,
        ["Screen.width", "Navigator.plugins"],
    )
