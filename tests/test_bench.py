"""``scanner bench``: the bare-browser baseline loads the bench world's pages, a tiny bench
prints every run, the medians and the scanner/bare ratio, and --consent is checked first."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scanner.bench import ratio_line, run_bench
from scanner.bench_baseline import bare_once
from scanner.testworld import running_test_world
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


def test_a_tiny_bench_prints_each_run_the_medians_and_the_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = run_bench([3], runs=1, concurrency=2, dwell_ms=0)
    assert capsys.readouterr().out.splitlines() == lines
    run = r"3 pages in [0-9.]+ s, [0-9.]+ pages/s, " + MEMORY
    expected = [
        rf"N=3 scan \[before\] run 1: {run}",
        rf"N=3 bare run 1: {run}",
        rf"N=3 scan \[before\] median of 1: {run}",
        rf"N=3 bare median of 1: {run}",
        r"N=3 scan \[before\] / bare: [0-9.]+ \([0-9.]+ / [0-9.]+ pages/s, medians of 1\)",
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
    line = ratio_line(1000, "scan [before,reject]", 6.5, 26.0, 3)
    assert line == "N=1000 scan [before,reject] / bare: 0.25 (6.50 / 26.00 pages/s, medians of 3)"


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
