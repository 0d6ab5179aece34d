"""The options of a distributed scan (``scanner scan --redis``), and the distribution
they ask for, checked before the crawl."""

from __future__ import annotations

import argparse
from typing import Any

from scanner.config import ScanSettings
from scanner.errors import ConfigError

REDIS_OPTIONS = ("redis", "workers", "lease")
"""Parsed options that are not ScanSettings."""
DEFAULT_WORKERS = 2
DEFAULT_LEASE_S = 60.0


def redis_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("distributed crawl (one Redis shared by workers)")
    group.add_argument(
        "--redis",
        metavar="URL",
        help="share the crawl's frontier in this Redis (redis://HOST:PORT/DB or "
        "unix:///path.sock): workers render the pages, this process writes the audit",
    )
    group.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=f"with --redis: local workers to start ({DEFAULT_WORKERS}; 0 when they run "
        "elsewhere, each started with scanner worker --redis URL)",
    )
    group.add_argument(
        "--lease",
        type=float,
        metavar="S",
        help="with --redis: seconds after which the pages of a worker that stopped "
        f"answering are visited again ({DEFAULT_LEASE_S:.0f})",
    )


def distribution(args: argparse.Namespace, settings: ScanSettings, browser_path: str) -> Any:
    """The distribution ``--redis`` asks for (checked: the options, the Redis), or None."""
    if getattr(args, "redis", None) is None:  # scanner demo has no --redis
        if getattr(args, "workers", None) is not None or getattr(args, "lease", None) is not None:
            raise ConfigError("--workers and --lease go with --redis URL")
        return None
    from scanner.distributed import RedisDistribution, check_distribution

    workers = DEFAULT_WORKERS if args.workers is None else args.workers
    lease_s = DEFAULT_LEASE_S if args.lease is None else args.lease
    check_distribution(args.redis, workers, lease_s, settings)
    return RedisDistribution(args.redis, workers, lease_s, browser_path)
