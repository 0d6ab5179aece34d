"""What ``scanner bench`` measures of one command: wall time and the peak memory of its
whole process tree (Chromium included), and how the runs' figures are printed."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass

from scanner.procmem import tree_memory

_SAMPLE_EVERY_S = 0.2
MIB = 1024 * 1024


@dataclass(frozen=True)
class BenchRun:
    pages: int
    """The crawl's pages (for the bare browser: the pages it loaded)."""
    seconds: float
    peak_rss_bytes: int
    peak_pss_bytes: int
    seal_seconds: float | None = None
    """Time spent hashing the bundle and signing its manifest (signed runs only)."""
    visits: int | None = None
    """Page visits of every consent state, the crawl's included; None when the crawl was
    the only one."""

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def visits_per_second(self) -> float:
        return (self.visits or self.pages) / self.seconds if self.seconds else 0.0


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int, str]:
    """Run a command; its wall time, peak RSS and PSS of its process tree, stderr."""
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


def median_run(results: list[BenchRun]) -> BenchRun:
    """Each figure's median over the runs."""
    visits = [r.visits for r in results if r.visits is not None]
    return BenchRun(
        pages=int(statistics.median(r.pages for r in results)),
        seconds=statistics.median(r.seconds for r in results),
        peak_rss_bytes=int(statistics.median(r.peak_rss_bytes for r in results)),
        peak_pss_bytes=int(statistics.median(r.peak_pss_bytes for r in results)),
        visits=int(statistics.median(visits)) if visits else None,
    )


def run_line(label: str, run: BenchRun, rate: float | None = None) -> str:
    """'LABEL: 200 pages in 30.1 s, 6.64 pages/s, peak memory ...'; ``rate`` replaces
    the run's own pages/s (a median line gives the median of the rates)."""
    pages_per_second = run.pages_per_second if rate is None else rate
    visits = ""
    if run.visits is not None:
        visits = f" ({run.visits} page visits, {run.visits / run.seconds:.2f} visits/s)"
    return (
        f"{label}: {run.pages} pages in {run.seconds:.1f} s, {pages_per_second:.2f} pages/s"
        f"{visits}, peak memory of the process tree {run.peak_rss_bytes / MIB:.0f} MiB RSS "
        f"({run.peak_pss_bytes / MIB:.0f} MiB PSS)"
    )


def say(line: str) -> str:
    print(line, flush=True)
    return line
