"""``scanner bench``: pages/s and peak memory on a generated site, or the rules' and the
report's time on a finished scan grown to N pages."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.config import ScanSettings
from scanner.errors import EXIT_OK, UserError


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = commands.add_parser(
        "bench", help="measure pages/s and peak memory on a generated N-page site"
    )
    bench.add_argument(
        "--pages", type=int, nargs="+", default=[200, 1000], help="site sizes N (200 1000)"
    )
    bench.add_argument("--runs", type=int, default=3, help="runs per N; medians reported (3)")
    bench.add_argument(
        "--rules-on",
        type=Path,
        metavar="SCAN_DIR",
        help="time the rules instead: on this scan's pages repeated to N pages",
    )
    bench.add_argument(
        "--report-on",
        type=Path,
        metavar="SCAN_DIR",
        help="time scanner report (PDF included) on this scan's pages repeated to N",
    )
    bench.add_argument(
        "--sign",
        action="store_true",
        help="sign each scan's manifest and report the share of time spent sealing",
    )
    bench.add_argument(
        "--concurrency",
        type=int,
        default=ScanSettings.concurrency,
        help=f"pages rendered at once ({ScanSettings.concurrency})",
    )
    bench.add_argument(
        "--dwell",
        type=int,
        default=ScanSettings.min_dwell_ms,
        metavar="MS",
        help=f"the visitor's dwell on each page, in ms ({ScanSettings.min_dwell_ms})",
    )
    bench.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from scanner.bench import run_bench

    if any(n < 1 for n in args.pages) or args.runs < 1 or args.concurrency < 1:
        raise UserError("bench: --pages, --runs and --concurrency must be at least 1")
    if args.dwell < 0:
        raise UserError("bench: --dwell must not be negative")
    on_scan = args.rules_on or args.report_on
    if on_scan:
        from scanner.bench import bench_report, bench_rules

        scan_file = on_scan / "scan.json"
        if not scan_file.exists():
            raise UserError(f"{scan_file} does not exist; give the folder of a finished scan")
        for pages in args.pages:
            (bench_rules if args.rules_on else bench_report)(scan_file, pages, args.runs)
        return EXIT_OK
    run_bench(args.pages, args.runs, args.concurrency, args.dwell, sign=args.sign)
    return EXIT_OK
