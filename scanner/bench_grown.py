"""``scanner bench --rules-on / --report-on``: the rules' and the report's time on a
finished scan grown to N pages by repeating its pages under new URLs."""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scanner.bench_measure import MIB, BenchRun, measure, median_run, say

_REPORT_PAGES = re.compile(r"Report \((\d+) pages\)")


def bench_rules(scan_file: Path, pages: int, runs: int) -> list[str]:
    """Time the rules (read scan.json, classify, check, write findings.json) on a scan
    grown to ``pages`` pages by repeating its pages under new URLs; medians of runs."""
    from scanner.findings.analysis import analyse_scan
    from scanner.findings.catalog import RuleCatalog
    from scanner.findings.settings import RuleSettings
    from scanner.testworld import DEMO_VENDORS

    scan = grown_scan(scan_file, pages)
    settings = RuleSettings(vendor_files=(str(DEMO_VENDORS),))
    catalog = RuleCatalog.load()
    timings = []
    with tempfile.TemporaryDirectory(prefix="scanner-bench-rules-") as out:
        (Path(out) / "scan.json").write_text(json.dumps(scan), encoding="utf-8")
        for _ in range(runs):
            started = time.perf_counter()
            analysis = analyse_scan(Path(out), settings, catalog)
            timings.append(time.perf_counter() - started)
    line = (
        f"rules on {len(scan['pages'])} pages: median {statistics.median(timings):.2f} s "
        f"over {runs} runs ({len(analysis.findings)} findings)"
    )
    return [say(line)]


def grown_scan(
    scan_file: Path, pages: int, originals: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A finished scan with its pages (or ``originals``) repeated to ``pages`` under
    distinct URLs."""
    scan = json.loads(scan_file.read_text(encoding="utf-8"))
    originals = scan["pages"] if originals is None else originals
    scan["pages"] = [
        {
            **page,
            "url": f"{page['url']}#copy-{index}",
            "final_url": page["final_url"] and f"{page['final_url']}#copy-{index}",
        }
        for index, page in zip(range(pages), _cycle(originals), strict=False)
    ]
    return scan


def bench_report(scan_file: Path, pages: int, runs: int) -> list[str]:
    """Time ``scanner report`` (rules, HAR files, HTML and PDF reports, manifest) on a scan
    grown to ``pages`` pages, in a fresh process per run, with its peak memory."""
    from scanner.dpa.examples import EXAMPLE_DPAS
    from scanner.testworld import DEMO_VENDORS

    lines = []
    results = []
    with tempfile.TemporaryDirectory(prefix="scanner-bench-report-") as out:
        (Path(out) / "scan.json").write_text(
            json.dumps(grown_scan(scan_file, pages)), encoding="utf-8"
        )
        command = [
            sys.executable, "-m", "scanner", "report", out,
            "--vendors", str(DEMO_VENDORS), "--dpa-dir", str(EXAMPLE_DPAS),
        ]  # fmt: skip
        for index in range(runs):
            seconds, rss, pss, stderr = measure(command)
            results.append(BenchRun(pages, seconds, rss, pss))
            report_pages = _REPORT_PAGES.search(stderr)
            lines.append(
                say(
                    f"report of N={pages} run {index + 1}: {seconds:.1f} s, "
                    f"{report_pages[1] if report_pages else '?'} PDF pages, peak memory "
                    f"{rss / MIB:.0f} MiB RSS ({pss / MIB:.0f} MiB PSS)"
                )
            )
    median = median_run(results)
    lines.append(
        say(
            f"report of N={pages} median of {runs}: {median.seconds:.1f} s, peak memory "
            f"{median.peak_rss_bytes / MIB:.0f} MiB RSS "
            f"({median.peak_pss_bytes / MIB:.0f} MiB PSS)"
        )
    )
    return lines


def _cycle(items: list[Any]) -> Iterator[Any]:
    while items:
        yield from items
