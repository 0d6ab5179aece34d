"""``scanner bench``: pages per second and peak memory of full-capture crawls.

Each run scans a generated N-page site of the test world in a fresh ``scanner scan``
process, sampling the memory of that process's whole tree (Chromium included).
Figures are medians over the runs.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.outputs.options import PASSPHRASE_ENV
from scanner.procmem import tree_memory
from scanner.testworld import running_test_world

_SAMPLE_EVERY_S = 0.2
_BENCH_PASSPHRASE = "benchmark passphrase, not a secret"
_SEALED = re.compile(r"sealed in ([0-9.]+) s")
_REPORT_PAGES = re.compile(r"Report \((\d+) pages\)")
MIB = 1024 * 1024


@dataclass(frozen=True)
class BenchRun:
    pages: int
    seconds: float
    peak_rss_bytes: int
    peak_pss_bytes: int
    seal_seconds: float | None = None
    """Time spent hashing the bundle and signing its manifest (signed runs only)."""

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def bench_once(
    start_url: str,
    spki: str,
    pages: int,
    concurrency: int,
    dwell_ms: int,
    sign: bool = False,
) -> BenchRun:
    """One scan; with ``sign``, the manifest is signed and the time spent sealing the
    bundle is read back."""
    with tempfile.TemporaryDirectory(prefix="scanner-bench-") as work:
        out = Path(work) / "out"
        command = [
            sys.executable, "-m", "scanner", "scan", start_url, "--out", str(out),
            "--map-host", "*=127.0.0.1", "--trust-spki", spki, "--progress", "never",
            "--max-pages", str(pages), "--concurrency", str(concurrency),
            "--dwell", str(dwell_ms),
        ]  # fmt: skip
        env = {}
        if sign:
            command += ["--sign-key", str(_signing_key(Path(work)))]
            env[PASSPHRASE_ENV] = _BENCH_PASSPHRASE
        seconds, peak_rss, peak_pss, stderr = _measure(command, env)
        summary = json.loads((out / "scan.json").read_text())["summary"]
    sealed = _SEALED.search(stderr)
    return BenchRun(
        summary["rendered"], seconds, peak_rss, peak_pss, float(sealed[1]) if sealed else None
    )


def _measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int, str]:
    """Run a scanner command; its wall time, peak RSS and PSS of its process tree, stderr."""
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    peak_rss = peak_pss = 0
    while process.poll() is None:
        memory = tree_memory(process.pid)
        peak_rss, peak_pss = max(peak_rss, memory.rss_bytes), max(peak_pss, memory.pss_bytes)
        time.sleep(_SAMPLE_EVERY_S)
    seconds = time.monotonic() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"benchmark command failed ({process.returncode}): {stderr.strip()}")
    return seconds, peak_rss, peak_pss, stderr


def _signing_key(folder: Path) -> Path:
    from scanner.evidence.keys import generate_signing_key, write_key_pair

    private, _ = write_key_pair(folder / "bench", *generate_signing_key(_BENCH_PASSPHRASE.encode()))
    return private


def run_bench(
    page_counts: list[int],
    runs: int,
    concurrency: int,
    dwell_ms: int,
    sign: bool = False,
) -> list[str]:
    """Benchmark each N; return the printed lines (one per run, one median per N)."""
    lines = []
    for pages in page_counts:
        with running_test_world(bench_pages=pages) as world:
            results = []
            for index in range(runs):
                result = bench_once(
                    world.bench_start_url, world.spki_sha256, pages, concurrency, dwell_ms, sign
                )
                results.append(result)
                lines.append(_emit(f"N={pages} run {index + 1}", result))
        rate = statistics.median(r.pages_per_second for r in results)
        lines.append(
            _emit(
                f"N={pages} median of {runs}",
                _median(results),
                f"{rate:.2f} pages/s (median rate)",
            )
        )
        if sign:
            share = statistics.median(
                r.seal_seconds / r.seconds for r in results if r.seal_seconds is not None
            )
            lines.append(_say(f"N={pages}: hashing and signing took {share:.2%} of the wall time"))
    return lines


def _median(results: list[BenchRun]) -> BenchRun:
    """Each figure's median over the runs."""
    return BenchRun(
        pages=int(statistics.median(r.pages for r in results)),
        seconds=statistics.median(r.seconds for r in results),
        peak_rss_bytes=int(statistics.median(r.peak_rss_bytes for r in results)),
        peak_pss_bytes=int(statistics.median(r.peak_pss_bytes for r in results)),
    )


def _emit(label: str, run: BenchRun, rate: str | None = None) -> str:
    line = (
        f"{label}: {run.pages} pages in {run.seconds:.1f} s, "
        f"{rate or f'{run.pages_per_second:.2f} pages/s'}, "
        f"peak memory of the process tree {run.peak_rss_bytes / MIB:.0f} MiB RSS "
        f"({run.peak_pss_bytes / MIB:.0f} MiB PSS)"
    )
    return _say(line)


def _say(line: str) -> str:
    print(line, flush=True)
    return line


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
    print(line, flush=True)
    return [line]


def grown_scan(scan_file: Path, pages: int) -> dict[str, Any]:
    """A finished scan with its pages repeated to ``pages`` under distinct URLs."""
    scan = json.loads(scan_file.read_text(encoding="utf-8"))
    originals = scan["pages"]
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
            seconds, rss, pss, stderr = _measure(command)
            results.append(BenchRun(pages, seconds, rss, pss))
            report_pages = _REPORT_PAGES.search(stderr)
            lines.append(
                _say(
                    f"report of N={pages} run {index + 1}: {seconds:.1f} s, "
                    f"{report_pages[1] if report_pages else '?'} PDF pages, peak memory "
                    f"{rss / MIB:.0f} MiB RSS ({pss / MIB:.0f} MiB PSS)"
                )
            )
    median = _median(results)
    lines.append(
        _say(
            f"report of N={pages} median of {runs}: {median.seconds:.1f} s, peak memory "
            f"{median.peak_rss_bytes / MIB:.0f} MiB RSS "
            f"({median.peak_pss_bytes / MIB:.0f} MiB PSS)"
        )
    )
    return lines


def _cycle(items: list[Any]) -> Iterator[Any]:
    while items:
        yield from items
