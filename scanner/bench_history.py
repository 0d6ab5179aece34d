"""``scanner bench --history-on``: the audit history's size per audit and the time to
record an audit and to diff two, on a finished scan grown to N pages."""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from scanner.bench_grown import grown_scan
from scanner.bench_measure import MIB, measure, say

LATER = "9999-12-31T00:00:00+00:00"
"""The later audit's scan time (after any real one, so latest/previous order them)."""


def bench_history(scan_file: Path, pages: int, runs: int) -> list[str]:
    """Record the grown scan's audit ``runs + 1`` times into a fresh SQLite history (the
    later ones without one vendor and one cookie, so the diff has work), then diff the
    first two: in this process, and as ``scanner diff`` in a fresh process."""
    from scanner.history.diff import diff_audits
    from scanner.history.store import History

    snapshot = _snapshot(scan_file, pages)
    later = _without_one_vendor_and_cookie(replace(snapshot, scan_started_at=LATER))
    with tempfile.TemporaryDirectory(prefix="scanner-bench-history-") as work:
        path = Path(work) / "history.sqlite"
        history = History(path)
        sizes, recording = [], []
        for index in range(runs + 1):
            before = path.stat().st_size
            started = time.perf_counter()
            history.record(snapshot if index == 0 else later)
            recording.append(time.perf_counter() - started)
            sizes.append(path.stat().st_size - before)
        diffing = []
        for _ in range(runs):
            started = time.perf_counter()
            diff = diff_audits(history.load(1), history.load(2))
            diffing.append(time.perf_counter() - started)
        history.close()
        command = [sys.executable, "-m", "scanner", "diff", "1", "2", "--history", str(path)]
        cli = statistics.median(measure(command)[0] for _ in range(runs))
    changes = sum(len(state.changes) for state in diff.states)
    line = (
        f"history of N={pages} ({len(snapshot.states)} consent states): "
        f"{statistics.median(sizes) / MIB:.2f} MiB per audit, recording "
        f"{statistics.median(recording):.2f} s, diff of two audits "
        f"{statistics.median(diffing):.3f} s ({changes} changes; scanner diff command "
        f"{cli:.2f} s with start-up), medians of {runs}"
    )
    return [say(line)]


def _snapshot(scan_file: Path, pages: int) -> Any:
    from scanner.dpa.examples import EXAMPLE_DPAS
    from scanner.findings.analysis import analyse_scan
    from scanner.findings.catalog import RuleCatalog
    from scanner.findings.settings import RuleSettings
    from scanner.history.snapshot import snapshot_of_analysis
    from scanner.testworld import DEMO_VENDORS

    scan = grown_scan(scan_file, pages)
    for visit in scan.get("consent_visits") or []:
        visit["pages"] = grown_scan(scan_file, pages, visit["pages"])["pages"]
    settings = RuleSettings(vendor_files=(str(DEMO_VENDORS),), dpa_dir=str(EXAMPLE_DPAS))
    with tempfile.TemporaryDirectory(prefix="scanner-bench-history-scan-") as out:
        (Path(out) / "scan.json").write_text(json.dumps(scan), encoding="utf-8")
        analysis = analyse_scan(Path(out), settings, RuleCatalog.load())
        return snapshot_of_analysis(analysis.context, analysis.document["findings"], out)


def _without_one_vendor_and_cookie(snapshot: Any) -> Any:
    states = {}
    for name, state in snapshot.states.items():
        vendors = dict(list(state.vendors.items())[1:])
        cookies = dict(list(state.cookies.items())[1:])
        states[name] = replace(state, vendors=vendors, cookies=cookies)
    return replace(snapshot, states=states)
