"""End to end on real tracker libraries: the audit tells what they really received.

The real shop (www.realshop.test) runs the unmodified browser builds of PostHog, Mixpanel,
Amplitude, Segment and OpenReplay from npm; the world logs every request it receives. The
oracle (tests/realworld_oracle.py) decodes that log itself and says where the planted
e-mail address left. The scanner's findings must cover every such (vendor, page) pair,
with no false personal-data finding, at --concurrency 1 and at the default, and scan.json
must hold (nearly) every request the server received. The control site must come out
clean.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from scanner.testworld import running_test_world
from scanner.testworld.hosts import CONTROL, REALSHOP, REALSHOP_APEX
from scanner.testworld.sites.npm_files import npm_installed
from scanner.testworld.sites.realshop import PLANTED_EMAIL, PLANTED_VALUES
from tests.e2e_helpers import CliRun, run_scanner
from tests.realworld_oracle import OracleResult, analyse, registrable_domain

pytestmark = pytest.mark.browser


def test_the_real_libraries_are_installed() -> None:
    """No silent skip: without them every test below would prove nothing."""
    assert npm_installed() and shutil.which("node"), "run scripts/setup.sh (it runs npm ci)"


MIN_COVERAGE = 0.99
PERSONAL_DATA_RULE = "personal-data-to-third-party"
CLEAN_AREAS = ("cookies", "third-parties")  # the control site must have no finding there
CRAWL_TIMEOUT_S = 900


@dataclass(frozen=True)
class RealShopScan:
    run: CliRun
    oracle: OracleResult

    @property
    def findings(self) -> list[dict[str, Any]]:
        document = json.loads((self.run.out_dir / "findings.json").read_text(encoding="utf-8"))
        return document["findings"]


def _scan(world_url: str, out: Path, spki: str, *extra: str) -> CliRun:
    return run_scanner(
        "scan",
        world_url,
        "--map-host",
        "*=127.0.0.1",
        "--trust-spki",
        spki,
        "--screenshots",
        "0",
        *extra,
        out_dir=out,
        timeout=CRAWL_TIMEOUT_S,
    )


def _scan_real_shop(tmp: Path, *extra: str) -> RealShopScan:
    log = tmp / "requests.jsonl"
    with running_test_world(request_log=log) as world:
        run = _scan(world.url(REALSHOP, "/"), tmp / "out", world.spki_sha256, *extra)
    assert run.returncode in (0, 1), f"exit {run.returncode}: {run.stderr[-3000:]}"
    oracle = analyse(log, run.scan, PLANTED_EMAIL, first_party=REALSHOP_APEX)
    return RealShopScan(run, oracle)


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RealShopScan]:
    """The real shop scanned at --concurrency 1 and at the default, each with its own world."""
    return {
        "concurrency 1": _scan_real_shop(tmp_path_factory.mktemp("c1"), "--concurrency", "1"),
        "default": _scan_real_shop(tmp_path_factory.mktemp("default")),
    }


def _place(url: str | None) -> str | None:
    """A page URL without scheme and port, as pairs are compared across runs."""
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def email_pairs_found(findings: list[dict[str, Any]]) -> set[tuple[str, str | None]]:
    """(vendor registrable domain, page) for every e-mail personal-data finding."""
    pairs = set()
    for finding in findings:
        if finding["rule_id"] != PERSONAL_DATA_RULE:
            continue
        evidence = [e for e in finding["evidence"] if e.get("category") == "email"]
        domains = {registrable_domain(urlsplit(e["url"]).hostname or "") for e in evidence}
        pages = {_place(page) for page in finding["pages"]} if evidence else set()
        pairs |= {(domain, page) for domain in domains for page in pages}
    return pairs


def _normalised(value: str) -> str:
    value = value.strip().lower()
    return re.sub(r"[^0-9+]", "", value) if re.fullmatch(r"[0-9 +().-]+", value) else value


PLANTED = {_normalised(value) for value in PLANTED_VALUES}


def _expected_pairs(oracle: OracleResult) -> set[tuple[str, str | None]]:
    return {(domain, _place(page)) for domain, page in oracle.email_pairs}


@pytest.mark.parametrize("which", ["concurrency 1", "default"])
def test_every_email_leak_is_found(scans: dict[str, RealShopScan], which: str) -> None:
    scan = scans[which]
    expected = _expected_pairs(scan.oracle)
    assert expected, "the oracle saw the e-mail leave nowhere: the real shop is broken"
    assert None not in {page for _, page in expected}, (
        "the e-mail left in requests that are in no page of scan.json: "
        + ", ".join(
            scan.oracle.requests[n].url
            for n in scan.oracle.email_requests
            if scan.oracle.pages[n] is None
        )
    )
    missed = expected - email_pairs_found(scan.findings)
    assert not missed, (
        f"{len(missed)} of {len(expected)} (vendor, page) pairs missed: {sorted(missed)}"
    )


@pytest.mark.parametrize("which", ["concurrency 1", "default"])
def test_no_false_personal_data(scans: dict[str, RealShopScan], which: str) -> None:
    wrong = []
    for finding in scans[which].findings:
        if not finding["rule_id"].startswith("personal-data"):
            continue
        for evidence in finding["evidence"]:
            value = evidence.get("value")
            if not isinstance(value, str) or _normalised(value) not in PLANTED:
                wrong.append((finding["subject"], value))
    assert not wrong, f"personal-data findings whose value was not planted: {wrong[:10]}"


@pytest.mark.parametrize("which", ["concurrency 1", "default"])
def test_scan_json_holds_the_requests_the_server_received(
    scans: dict[str, RealShopScan], which: str
) -> None:
    oracle = scans[which].oracle
    assert len(oracle.page_requests) > 50
    missing = [f"{r.method} {r.url}" for r in oracle.missing]
    assert oracle.coverage >= MIN_COVERAGE, (
        f"{oracle.coverage:.1%} of {len(oracle.page_requests)} in scan.json; missing: "
        f"{missing[:15]}"
    )


def test_same_leaks_found_at_both_concurrencies(scans: dict[str, RealShopScan]) -> None:
    """What the libraries send depends on the order of the visits (identity and queued
    events persist in the shared cookie jar and localStorage, and a page can flush another
    page's queue), so the two runs' oracles differ at the edges. Every pair the libraries
    sent in both runs must be found in both, and each vendor sent it from the pages that plant
    the address themselves in at least one run."""
    expected = [_expected_pairs(scan.oracle) for scan in scans.values()]
    in_both, in_either = expected[0] & expected[1], expected[0] | expected[1]
    for page in ("account", "newsletter/confirm"):
        # Which page a batched event leaves from depends on the visit order (flush timers,
        # queues kept in storage): each vendor must have sent it from the page in a run.
        vendors = {
            domain for domain, place in in_either if (place or "").startswith(f"{REALSHOP}/{page}")
        }
        assert {"posthog.com", "mixpanel.com", "amplitude.com", "segment.io"} <= vendors, page
    for which, scan in scans.items():
        missed = in_both - email_pairs_found(scan.findings)
        assert not missed, f"{which}: {sorted(missed)}"


def test_every_library_reached_its_collection_host(scans: dict[str, RealShopScan]) -> None:
    """Guards the world itself: each library loaded and sent, as a real one would."""
    for scan in scans.values():
        posted = {registrable_domain(r.host) for r in scan.oracle.requests if r.method == "POST"}
        wanted = {"posthog.com", "mixpanel.com", "amplitude.com", "segment.io", "openreplay.com"}
        assert wanted <= posted, f"no POST to {sorted(wanted - posted)}"


def test_control_site_has_no_third_party_cookie_or_personal_data(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with running_test_world(request_log=log) as world:
        run = _scan(world.url(CONTROL, "/"), tmp_path / "out", world.spki_sha256)
    assert run.returncode in (0, 1), run.stderr[-3000:]
    assert len(run.scan["pages"]) == 3
    findings = json.loads((run.out_dir / "findings.json").read_text(encoding="utf-8"))["findings"]
    unwanted = [
        (f["rule_id"], f["subject"])
        for f in findings
        if f["area"] in CLEAN_AREAS or "personal-data" in f["rule_id"]
    ]
    assert not unwanted
    hosts = {urlsplit(r["url"]).hostname for p in run.scan["pages"] for r in p["requests"]}
    assert hosts == {CONTROL}
