"""Throughput of the distributed crawl: ``scanner scan --redis --workers W`` on the bench
world's N simple pages, for each W asked for, each run a fresh command against a fresh
throwaway redis-server, and a check that every page is in scan.json exactly once.

Prints per run: pages, crawl time (scan.json's started_at to finished_at: the crawl
only) and the whole command's wall time (reports and evidence included), peak memory of
the process tree (coordinator, workers, drivers and every Chromium); then the median
crawl rate per W. Runs take turns between the W values, alternating their order.

    .venv/bin/python scripts/bench_distributed.py --pages 2000 --workers 1 2 --runs 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner.bench_measure import MIB, measure
from scanner.testworld import running_test_world
from tests import redis_server


def one_run(world: object, pages: int, workers: int, concurrency: int, dwell: int) -> dict:
    server = redis_server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="scanner-bench-redis-") as work:
            out = Path(work) / "out"
            command = [
                sys.executable, "-m", "scanner", "scan", world.bench_start_url,  # type: ignore[attr-defined]
                "--redis", server.url, "--workers", str(workers), "--consent", "before",
                "--max-pages", str(pages), "--concurrency", str(concurrency),
                "--dwell", str(dwell), "--progress", "never", "--no-history",
                "--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256,  # type: ignore[attr-defined]
                "--out", str(out),
            ]  # fmt: skip
            seconds, rss, pss, stderr = measure(command)
            scan = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    finally:
        redis_server.stop(server.base_dir)
    recorded = Counter(page["url"] for page in scan["pages"])
    crawl_s = (
        datetime.fromisoformat(scan["finished_at"]) - datetime.fromisoformat(scan["started_at"])
    ).total_seconds()
    return {
        "workers": workers,
        "pages": len(recorded),
        "each_once": set(recorded.values()) == {1} and len(recorded) == pages,
        "rendered": scan["summary"]["rendered"],
        "crawl_s": crawl_s,
        "command_s": seconds,
        "peak_rss_mib": rss / MIB,
        "peak_pss_mib": pss / MIB,
        "by_worker": scan["distributed"]["workers"],
        "last_line": stderr.strip().splitlines()[-1:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=6, help="pages at once per worker")
    parser.add_argument("--dwell", type=int, default=0, help="ms on each page (0)")
    args = parser.parse_args()
    rates: dict[int, list[float]] = {w: [] for w in args.workers}
    with running_test_world(bench_pages=args.pages) as world:
        for index in range(args.runs):
            order = args.workers if index % 2 == 0 else list(reversed(args.workers))
            for workers in order:
                run = one_run(world, args.pages, workers, args.concurrency, args.dwell)
                rate = run["rendered"] / run["crawl_s"]
                rates[workers].append(rate)
                print(
                    f"N={args.pages} workers={workers} run {index + 1}: {run['rendered']} pages "
                    f"rendered, each once: {run['each_once']}, crawl {run['crawl_s']:.0f} s "
                    f"({rate:.2f} pages/s), command {run['command_s']:.0f} s, peak "
                    f"{run['peak_pss_mib']:.0f} MiB PSS ({run['peak_rss_mib']:.0f} MiB RSS), "
                    f"pages by worker {sorted(run['by_worker'].values())} {run['last_line']}",
                    flush=True,
                )
    for workers, values in rates.items():
        print(
            f"N={args.pages} workers={workers}: median crawl rate of {len(values)} "
            f"{statistics.median(values):.2f} pages/s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
