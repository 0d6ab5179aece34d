"""``scanner bench``: the bare-browser baseline loads the bench world's pages of each
profile, a tiny bench prints every run, the medians and the scanner/bare ratio, and
--consent is checked first."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scanner.bench import ratio_line, run_bench
from scanner.bench_baseline import bare_once
from scanner.testworld import running_test_world
from scanner.testworld.sites.bench_realistic import plan
from tests.e2e_helpers import run_scanner, stderr_lines

PAGES = 5
MEMORY = r"peak memory of the process tree \d+ MiB RSS \(\d+ MiB PSS\)"


def test_the_bare_browser_loads_every_bench_page_through_the_world(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with running_test_world(bench_pages=PAGES, request_log=log) as world:
        run = bare_once(world.bench_start_url, world.spki_sha256, PAGES, concurrency=2)
    served = [json.loads(line) for line in log.read_text().splitlines()]
    pages = {entry["target"] for entry in served if entry["host"].startswith("bench.test")}
    # each page with its stylesheet and image, over https on the fake host: the host
    # mapping and the world's certificate authority work as in a scan
    assert pages >= {f"/{kind}/{i}{ext}" for i in range(PAGES) for kind, ext in _ASSETS}
    assert {entry["scheme"] for entry in served} == {"https"}
    assert run.pages == PAGES
    assert run.pages_per_second > 0
    assert run.peak_pss_bytes > 0


_ASSETS = (("p", ""), ("s", ".css"), ("i", ".png"))


def test_the_bare_browser_loads_every_realistic_page_with_its_files_and_vendors(
    tmp_path: Path,
) -> None:
    log = tmp_path / "requests.jsonl"
    with running_test_world(bench_pages=PAGES, request_log=log) as world:
        start = world.bench_start_url.replace("/p/0", "/r/0")
        run = bare_once(start, world.spki_sha256, PAGES, concurrency=2, profile="realistic")
    served = [json.loads(line) for line in log.read_text().splitlines()]
    first_party = {e["target"] for e in served if e["host"] == "bench.test"}
    files = {f"/r/{i}/{kind}{k}.{ext}" for i in range(PAGES) for kind, ext, k in _files(i)}
    assert first_party >= {f"/r/{i}" for i in range(PAGES)} | files
    assert not any(target.startswith("/p/") for target in first_party)
    # the page's own beacon, and every vendor of the tag chains (the fourth party too)
    assert any(e["method"] == "POST" and e["target"] == "/r/beacon" for e in served)
    assert {e["host"] for e in served} >= {
        "tags.tagmgr.example",
        "cdn.retarget.example",
        "px.retarget.example",
        "sync.fourthparty.example",
        "cdn.analytics.example",
        "collect.analytics.example",
        "ads.adnet.example",
        "widgets.social.example",
        "cdn.social.example",
    }
    assert run.pages == PAGES


def _files(i: int) -> list[tuple[str, str, int]]:
    files = plan(i)
    counts = (
        ("s", "css", files.stylesheets),
        ("j", "js", files.scripts),
        ("i", "png", files.images),
    )
    return [(kind, ext, k) for kind, ext, count in counts for k in range(count)]


@pytest.mark.parametrize("profile", ["simple", "realistic"])
def test_a_tiny_bench_prints_each_run_the_medians_and_the_ratio(
    profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = run_bench([3], runs=1, concurrency=2, dwell_ms=0, profile=profile)
    assert capsys.readouterr().out.splitlines() == lines
    # every page of the profile scanned and loaded: the scan starts from its page 0
    run = r"3 pages in [0-9.]+ s, [0-9.]+ pages/s, " + MEMORY
    ratio = r"[0-9.]+ \([0-9.]+ / [0-9.]+ pages/s, medians of 1\)"
    expected = [
        rf"N=3 {profile} scan \[before\] run 1: {run}",
        rf"N=3 {profile} bare run 1: {run}",
        rf"N=3 {profile} scan \[before\] median of 1: {run}",
        rf"N=3 {profile} bare median of 1: {run}",
        rf"N=3 {profile} scan \[before\] / bare: {ratio}",
    ]
    assert len(lines) == len(expected)
    for line, pattern in zip(lines, expected, strict=True):
        assert re.fullmatch(pattern, line), line
    ratio, scan_rate, bare_rate = (
        float(x) for x in re.findall(r"(\d+\.\d+)", lines[-1].split(": ", 1)[1])
    )
    assert scan_rate > 0 and bare_rate > 0
    assert ratio == pytest.approx(scan_rate / bare_rate, abs=0.02)


def test_the_ratio_line_gives_scanner_over_bare() -> None:
    line = ratio_line("N=1000 realistic", "scan [before,reject]", 6.5, 26.0, 3)
    assert line == (
        "N=1000 realistic scan [before,reject] / bare: 0.25 (6.50 / 26.00 pages/s, medians of 3)"
    )


@pytest.mark.parametrize(
    ("consent", "message"),
    [
        (
            ["before,nope"],
            "bench: --consent before,nope: unknown state 'nope' "
            "(choose from before, reject, accept, gpc)",
        ),
        (
            ["reject,accept"],
            "bench: --consent reject,accept: must include 'before', the crawl that finds "
            "the pages the other states visit",
        ),
        (["before", "before"], "bench: --consent lists the same set of states twice"),
    ],
)
def test_bad_consent_states_are_one_line_before_anything_runs(
    consent: list[str], message: str
) -> None:
    run = run_scanner("bench", "--pages", "1", "--runs", "1", "--consent", *consent)
    assert (run.returncode, stderr_lines(run), run.stdout) == (2, [f"error: {message}"], "")
