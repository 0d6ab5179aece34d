"""End to end: the real FingerprintJS is recognised, ordinary canvas use is not, and the
probes cannot be told from the browser's own functions.

One cheap scan (--dwell 0) of www.fpshop.test: FingerprintJS 5.2.0 from npm, unmodified,
in a page and in a cross-site payment frame; a page of innocent canvas and WebGL use; a
page running the usual instrumentation checks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from scanner.classify.fingerprinting import surface_of
from scanner.testworld import running_test_world
from scanner.testworld.hosts import FPJS_CDN, FPSHOP, PAY_WIDGET
from scanner.testworld.sites.fpshop import FPJS_PATH
from scanner.testworld.sites.npm_files import npm_installed
from tests.e2e_helpers import CliRun, pages_by_place, run_scanner

pytestmark = pytest.mark.browser

TECHNIQUES = {"fingerprinting-canvas", "fingerprinting-webgl", "fingerprinting-audio"}
"""What FingerprintJS meets (its fonts are probed by layout, which is not a call)."""
LIBRARY_SURFACES = {"canvas", "webgl", "audio", "hardware", "languages", "screen", "timezone"}


@pytest.fixture(scope="module")
def fp_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliRun, str]:
    assert npm_installed(), "run scripts/setup.sh (it runs npm ci)"
    out = tmp_path_factory.mktemp("fpshop") / "out"
    with running_test_world() as world:
        run = run_scanner(
            "scan", world.url(FPSHOP, "/"), "--map-host", "*=127.0.0.1",
            "--trust-spki", world.spki_sha256, "--screenshots", "0", "--dwell", "0",
            "--no-history", out_dir=out,
        )  # fmt: skip
        library = world.url(FPJS_CDN, FPJS_PATH)
    assert run.returncode in (0, 1), run.stderr[-3000:]
    return run, library


def _findings(out: Path) -> list[dict[str, Any]]:
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]


def _fingerprinting_by_page(findings: list[dict[str, Any]]) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for finding in findings:
        if finding["area"] == "fingerprinting":
            for page in finding["pages"]:
                path = re.sub(r"^https://[^/]+", "", page)
                found.setdefault(path, set()).add((finding["rule_id"], finding["subject"]))
    return found


def test_fingerprintjs_is_recognised_on_exactly_its_pages(fp_scan: tuple[CliRun, str]) -> None:
    run, library = fp_scan
    expected = {(rule, library) for rule in TECHNIQUES}
    assert _fingerprinting_by_page(_findings(run.out_dir)) == {
        "/signin": expected,
        "/checkout": expected,
    }


def test_the_findings_name_vendor_and_surfaces(fp_scan: tuple[CliRun, str]) -> None:
    run, library = fp_scan
    canvas = next(f for f in _findings(run.out_dir) if f["rule_id"] == "fingerprinting-canvas")
    assert (canvas["vendor"], canvas["severity"]) == ("fingerprint", "high")
    for evidence in canvas["evidence"]:
        assert evidence["vendor"] == "Fingerprint" and evidence["script_url"] == library
        assert set(evidence["surfaces"]) >= LIBRARY_SURFACES
        assert any(read["width"] == 240 and read["height"] == 60 for read in evidence["reads"])


def test_calls_are_recorded_per_script_in_every_frame(fp_scan: tuple[CliRun, str]) -> None:
    run, library = fp_scan
    pages = pages_by_place(run.scan)
    signin = pages["www.fpshop.test/signin"]["api_calls"]
    by_api = {c["api"]: c for c in signin["calls"] if c["script_url"] == library}
    assert {"37445", "37446"} <= set(by_api["WebGLRenderingContext.getParameter"]["values"])
    assert by_api["HTMLCanvasElement.toDataURL"]["count"] >= 3
    assert signin["unattributed"] == {}
    framed = pages["www.fpshop.test/checkout"]["api_calls"]["calls"]
    in_frame = [c for c in framed if c["script_url"] == library]
    assert in_frame and all(all(PAY_WIDGET in url for url in c["frame_urls"]) for c in in_frame)
    every_api = {c["api"] for page in run.scan["pages"] for c in page["api_calls"]["calls"]}
    assert [api for api in every_api if surface_of(api) is None] == []


def test_the_library_still_computes_its_result(fp_scan: tuple[CliRun, str]) -> None:
    run, _ = fp_scan
    title = pages_by_place(run.scan)["www.fpshop.test/signin"]["title"]
    assert re.fullmatch(r"device [0-9a-f]{32} \d{2}", title), title


def test_ordinary_canvas_and_webgl_use_is_not_fingerprinting(fp_scan: tuple[CliRun, str]) -> None:
    run, _ = fp_scan
    charts = pages_by_place(run.scan)["www.fpshop.test/charts"]
    assert charts["title"].startswith("Charts ")  # its scripts ran to the end
    apis = {c["api"] for c in charts["api_calls"]["calls"]}
    assert apis >= {
        "CanvasRenderingContext2D.getImageData",
        "HTMLCanvasElement.toDataURL",
        "CanvasRenderingContext2D.measureText",
        "WebGLRenderingContext.getParameter",
    }
    assert "/charts" not in _fingerprinting_by_page(_findings(run.out_dir))


def test_the_probes_look_native(fp_scan: tuple[CliRun, str]) -> None:
    run, _ = fp_scan
    title = pages_by_place(run.scan)["www.fpshop.test/native-check"]["title"]
    assert title == "looks native: 28 functions"
