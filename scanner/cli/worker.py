"""``scanner worker --redis URL``: render pages for the distributed scan running there."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from scanner.errors import EXIT_INCOMPLETE, EXIT_OK, ConfigError

MAX_WAIT_S = 86_400


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = commands.add_parser(
        "worker",
        help="visit pages for the distributed scan in a Redis (scanner scan URL --redis URL)",
    )
    worker.add_argument("--redis", required=True, metavar="URL", help="the scan's Redis")
    worker.add_argument("--browser", default="", metavar="PATH", help="the Chromium to drive")
    worker.add_argument(
        "--concurrency", type=int, default=0, metavar="N", help="pages at once (the scan's setting)"
    )
    worker.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="S",
        help="wait up to S seconds for a scan to start (0: there must be one)",
    )
    worker.add_argument("--log", type=Path, metavar="FILE", help="write the crawl log here")
    worker.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from scanner.cli.outcome import say
    from scanner.crawl.redis_frontier import FINISHED
    from scanner.worker import run_worker

    if not (math.isfinite(args.wait) and 0 <= args.wait <= MAX_WAIT_S):
        raise ConfigError(f"--wait must be between 0 and {MAX_WAIT_S} seconds")
    if args.concurrency < 0:
        raise ConfigError("--concurrency must be at least 1 (0: the scan's setting)")
    outcome = run_worker(args.redis, args.browser, args.wait, args.concurrency, args.log)
    say(f"worker: {outcome.pages} pages visited; the scan is {outcome.scan_state}")
    return EXIT_OK if outcome.scan_state == FINISHED else EXIT_INCOMPLETE
