"""``python -m scanner.testworld``: serve the test world until SIGTERM or SIGINT.

Prints exactly one JSON line on stdout (ports, SPKI hash, start URLs), then stays quiet
on stdout; ``--verbose`` logs every request on stderr.
"""

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from .server import TestWorldServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m scanner.testworld",
        description="Serve a fake shop and its third parties on 127.0.0.1 for tests and demos.",
    )
    parser.add_argument("--http-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--https-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--bench-pages", type=int, default=0, help="serve bench.test with this many pages"
    )
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    parser.add_argument(
        "--request-log",
        type=Path,
        default=None,
        metavar="PATH",
        help="append every request received (body included) to PATH as JSON lines",
    )
    args = parser.parse_args(argv)
    if args.bench_pages < 0:
        parser.error("--bench-pages must be >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    world = TestWorldServer(
        http_port=args.http_port,
        https_port=args.https_port,
        bench_pages=args.bench_pages,
        verbose=args.verbose,
        request_log=args.request_log,
    )
    world.start()
    try:
        sys.stdout.write(json.dumps(world.info()) + "\n")
        sys.stdout.flush()
        while not stop.wait(timeout=1.0):
            pass
    finally:
        world.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
