"""``scanner bench``: pages per second and peak memory of full-capture crawls, against a
bare browser loading the same pages.

Each run scans a generated N-page site of the test world (the simple pages of
bench.test, or its realistic ones with vendors, cookies and 30 to 80 requests each) in a
fresh ``scanner scan`` process (once per set of consent states asked for), and loads the
same pages in a bare browser in a process of its own (:mod:`scanner.bench_baseline`),
sampling the memory of each process's whole tree (Chromium included). Within a run the
commands take turns in alternating order, so that other load on the machine hits them
alike. Figures are medians over the runs.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from scanner.bench_baseline import bare_once, bench_page_urls
from scanner.bench_measure import BenchRun, measure, median_run, run_line, say
from scanner.consent_states import BEFORE
from scanner.outputs.options import PASSPHRASE_ENV
from scanner.testworld import running_test_world

_BENCH_PASSPHRASE = "benchmark passphrase, not a secret"
_SEALED = re.compile(r"sealed in ([0-9.]+) s")
BARE = "bare"

States = tuple[str, ...]
BENCH_STATES: States = (BEFORE,)
"""What the bench measures unless told: the crawl alone, against the bare browser (a
scan's default states add visitors only on sites with a consent banner; --consent
compares sets of states)."""


def bench_once(
    start_url: str,
    spki: str,
    pages: int,
    concurrency: int,
    dwell_ms: int,
    sign: bool = False,
    consent: States = BENCH_STATES,
) -> BenchRun:
    """One scan in the given consent states; with ``sign``, the manifest is signed and
    the time spent sealing the bundle is read back."""
    with tempfile.TemporaryDirectory(prefix="scanner-bench-") as work:
        out = Path(work) / "out"
        command = [
            sys.executable, "-m", "scanner", "scan", start_url, "--out", str(out),
            "--map-host", "*=127.0.0.1", "--trust-spki", spki, "--progress", "never",
            "--max-pages", str(pages), "--concurrency", str(concurrency),
            "--dwell", str(dwell_ms), "--consent", ",".join(consent),
            "--history", str(Path(work) / "history.sqlite"),  # recorded, apart from yours
        ]  # fmt: skip
        env = {}
        if sign:
            command += ["--sign-key", str(_signing_key(Path(work)))]
            env[PASSPHRASE_ENV] = _BENCH_PASSPHRASE
        seconds, peak_rss, peak_pss, stderr = measure(command, env)
        scan = json.loads((out / "scan.json").read_text())
    sealed = _SEALED.search(stderr)
    visits = scan.get("consent_visits") or []
    return BenchRun(
        scan["summary"]["rendered"],
        seconds,
        peak_rss,
        peak_pss,
        float(sealed[1]) if sealed else None,
        scan["summary"]["rendered"] + sum(v["summary"]["rendered"] for v in visits)
        if visits
        else None,
    )


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
    consent: Sequence[States] = (BENCH_STATES,),
    baseline: bool = True,
    profile: str = "simple",
) -> list[str]:
    """Benchmark each N on the bench site's pages of a profile ('simple' or 'realistic'):
    a scan per set of consent states, and the bare browser unless ``baseline`` is off;
    return the printed lines (one per run, medians and ratios per N), each naming N and
    the profile."""
    lines = []
    for pages in page_counts:
        head = f"N={pages} {profile}"
        with running_test_world(bench_pages=pages) as world:
            url, spki = bench_page_urls(world.bench_start_url, 1, profile)[0], world.spki_sha256
            jobs: dict[str, Callable[[], BenchRun]] = {
                _label(states): partial(
                    bench_once, url, spki, pages, concurrency, dwell_ms, sign, states
                )
                for states in consent
            }
            if baseline:
                jobs[BARE] = partial(bare_once, url, spki, pages, concurrency, profile)
            results: dict[str, list[BenchRun]] = {name: [] for name in jobs}
            for index in range(runs):
                order = list(jobs) if index % 2 == 0 else list(reversed(jobs))
                for name in order:
                    result = jobs[name]()
                    results[name].append(result)
                    lines.append(say(run_line(f"{head} {name} run {index + 1}", result)))
        lines += _summary(head, runs, results, sign)
    return lines


def _label(states: States) -> str:
    return f"scan [{','.join(states)}]"


def _summary(head: str, runs: int, results: dict[str, list[BenchRun]], sign: bool) -> list[str]:
    """The medians of each command, then each scan's ratio to the bare browser and, with
    several sets of states, each set's cost against the first; ``head`` starts each line
    ('N=200 simple')."""
    rates = {
        name: statistics.median(r.pages_per_second for r in rs) for name, rs in results.items()
    }
    lines = [
        say(run_line(f"{head} {name} median of {runs}", median_run(rs), rates[name]))
        for name, rs in results.items()
    ]
    scans = [name for name in results if name != BARE]
    if BARE in rates:
        lines += [say(ratio_line(head, name, rates[name], rates[BARE], runs)) for name in scans]
    for name in scans[1:]:
        lines.append(say(_cost_line(head, name, scans[0], results)))
    if sign:
        share = statistics.median(
            r.seal_seconds / r.seconds
            for name in scans
            for r in results[name]
            if r.seal_seconds is not None
        )
        lines.append(say(f"{head}: hashing and signing took {share:.2%} of the wall time"))
    return lines


def ratio_line(head: str, name: str, scan_rate: float, bare_rate: float, runs: int) -> str:
    """'N=200 simple scan [before] / bare: 0.25 (6.50 / 26.00 pages/s, medians of 3)'."""
    ratio = scan_rate / bare_rate if bare_rate else 0.0
    return (
        f"{head} {name} / {BARE}: {ratio:.2f} "
        f"({scan_rate:.2f} / {bare_rate:.2f} pages/s, medians of {runs})"
    )


def _cost_line(head: str, name: str, first: str, results: dict[str, list[BenchRun]]) -> str:
    """What a set of states costs against the first: wall time, crawl pages/s and page
    visits/s, from the medians."""
    this, that = median_run(results[name]), median_run(results[first])
    return (
        f"{head} {name} against {first}: wall time x{this.seconds / that.seconds:.2f}, "
        f"crawl pages/s x{this.pages_per_second / that.pages_per_second:.2f}, "
        f"page visits/s x{this.visits_per_second / that.visits_per_second:.2f}"
    )
