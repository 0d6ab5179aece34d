"""``scanner bench``: pages/s and peak memory on a generated site against a bare browser,
or the rules' and the report's time on a finished scan grown to N pages."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.config import ScanSettings
from scanner.consent_states import BEFORE, STATES, state_problem
from scanner.errors import EXIT_OK, UserError

DEFAULT_PROFILE = "simple"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = commands.add_parser(
        "bench", help="measure pages/s and peak memory on a generated N-page site"
    )
    bench.add_argument(
        "--pages", type=int, nargs="+", default=[200, 1000], help="site sizes N (200 1000)"
    )
    bench.add_argument("--runs", type=int, default=3, help="runs per N; medians reported (3)")
    bench.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="PROFILE",
        help="the generated site's pages: 'simple' (one stylesheet and one image each) or "
        "'realistic' (30 to 80 requests each: first-party files, cookies, a beacon and "
        f"third-party tags) ({DEFAULT_PROFILE})",
    )
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
        "--history-on",
        type=Path,
        metavar="SCAN_DIR",
        help="measure the audit history instead: size per audit, recording and diff time "
        "of this scan's pages repeated to N",
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
    bench.add_argument(
        "--consent",
        nargs="+",
        default=[BEFORE],  # the crawl alone, as scanner.bench.BENCH_STATES
        metavar="STATES",
        help="consent states of the scans, comma-separated from "
        f"{','.join(STATES)}; several sets are each scanned and compared, "
        "e.g. before before,reject,accept (before)",
    )
    bench.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the bare-browser runs (and the scanner/bare ratio)",
    )
    bench.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if any(n < 1 for n in args.pages) or args.runs < 1 or args.concurrency < 1:
        raise UserError("bench: --pages, --runs and --concurrency must be at least 1")
    if args.dwell < 0:
        raise UserError("bench: --dwell must not be negative")
    from scanner.testworld.sites.bench import PROFILES  # not at start-up: the world is big

    if args.profile not in PROFILES:
        raise UserError(
            f"bench: --profile {args.profile}: unknown profile (choose from {', '.join(PROFILES)})"
        )
    consent = [consent_states(text) for text in args.consent]
    if len(set(consent)) != len(consent):
        raise UserError("bench: --consent lists the same set of states twice")
    on_scan = args.rules_on or args.report_on or args.history_on
    if on_scan:
        from scanner.bench_grown import bench_report, bench_rules
        from scanner.bench_history import bench_history

        scan_file = on_scan / "scan.json"
        if not scan_file.exists():
            raise UserError(f"{scan_file} does not exist; give the folder of a finished scan")
        measure = bench_rules if args.rules_on else bench_report
        if args.history_on:
            measure = bench_history
        for pages in args.pages:
            measure(scan_file, pages, args.runs)
        return EXIT_OK
    from scanner.bench import run_bench

    run_bench(
        args.pages,
        args.runs,
        args.concurrency,
        args.dwell,
        sign=args.sign,
        consent=consent,
        baseline=args.baseline,
        profile=args.profile,
    )
    return EXIT_OK


def consent_states(text: str) -> tuple[str, ...]:
    """'before,reject' as states; UserError naming the problem of a list that cannot be
    scanned."""
    states = tuple(part.strip() for part in text.split(",") if part.strip())
    problem = state_problem(list(states))
    if problem:
        raise UserError(f"bench: --consent {text}: {problem}")
    return states
