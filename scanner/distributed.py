"""``scanner scan URL --redis URL --workers N``: this process coordinates, workers render.

The coordinator publishes the scan (start URL and settings) in Redis, starts N local
``scanner worker`` processes (N may be 0 when workers run on other machines), runs the
coordinating crawl (:mod:`scanner.crawl.coordinator_spider`), and when every page has a
result tells the workers the scan is over and waits for them. What it leaves is what a
single-process scan leaves, so scan.json and every output are made the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import redis
from scrapy.settings.default_settings import DOWNLOAD_HANDLERS_BASE

from scanner.config import ScanSettings
from scanner.consent_states import BEFORE
from scanner.crawl.coordinator_spider import CoordinatorSpider, Tally
from scanner.crawl.host_limits import REDIS_SCAN_SETTING, REDIS_URL_SETTING
from scanner.crawl.redis_frontier import (
    FINISHED,
    STOPPED,
    RedisFrontier,
    connect,
    ensure_free,
    new_scan_id,
)
from scanner.errors import ConfigError
from scanner.result.resume import RunRecord

WORKER_EXIT_WAIT_S = 60.0
"""How long the workers have to stop once the scan is over (a page in flight when the
coordinator was stopped finishes first)."""
MAX_LOCAL_WORKERS = 64
MIN_LEASE_S = 3.0
"""Workers renew their leases every second: a shorter lease would run out under a live one."""


def check_distribution(
    redis_url: str, workers: int, lease_s: float, settings: ScanSettings
) -> None:
    """Everything about ``--redis`` that can be wrong, said before the crawl in one line:
    the options, the Redis (reachable, not serving another running scan)."""
    if not 0 <= workers <= MAX_LOCAL_WORKERS:
        raise ConfigError(f"--workers must be between 0 and {MAX_LOCAL_WORKERS}")
    if not MIN_LEASE_S <= lease_s <= 86_400:  # also refuses nan
        raise ConfigError(f"--lease must be between {MIN_LEASE_S:.0f} and 86400 seconds")
    if settings.consent != [BEFORE]:
        raise ConfigError(
            "--redis supports only --consent before for now (each other state's visitor "
            "keeps its choice in one browser of its own); scan those states without --redis"
        )
    ensure_free(connect(redis_url))


class RedisDistribution:
    """The coordinator's side of a distributed scan (see scanner.scan.Distribution)."""

    spider_class = CoordinatorSpider

    def __init__(self, redis_url: str, workers: int, lease_s: float, browser_path: str) -> None:
        self.redis_url = redis_url
        self.workers = workers
        self.lease_ms = round(lease_s * 1000)
        self.browser_path = browser_path
        self.scan_id = new_scan_id()
        self.store: RedisFrontier | None = None
        self.tally = Tally()
        self._processes: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []

    def scrapy_settings(self) -> dict[str, Any]:
        """The coordinator fetches only robots.txt, sitemaps and the site probe: plain
        HTTP, no browser; under the hosts' limits the workers share."""
        return {
            "DOWNLOAD_HANDLERS": dict(DOWNLOAD_HANDLERS_BASE),
            "PLAYWRIGHT_CONTEXTS": {},
            REDIS_URL_SETTING: self.redis_url,
            REDIS_SCAN_SETTING: self.scan_id,
        }

    def begin(self, record: RunRecord) -> dict[str, Any]:
        client = connect(self.redis_url)
        settings = dataclasses.asdict(record.settings)
        self.store = RedisFrontier.publish(
            client, record.start_url, settings, self.lease_ms, self.scan_id
        )
        for index in range(self.workers):
            self._start_worker(record.state_dir / f"worker-{index + 1}.log")
        return {"store": self.store, "tally": self.tally}

    def _start_worker(self, log: Path) -> None:
        command = [sys.executable, "-m", "scanner", "worker", "--redis", self.redis_url]
        command += ["--browser", self.browser_path, "--log", str(log)]
        output = log.with_suffix(".out").open("ab")
        self._logs.append(output)
        self._processes.append(
            subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output)
        )

    def summary(self) -> dict[str, Any]:
        """scan.json's ``distributed`` entry."""
        return {
            "workers": dict(sorted(self.tally.pages_by_worker.items())),
            "lease_s": self.lease_ms / 1000,
            "pages_visited_again": self.tally.visited_again,
            "pages_given_up": self.tally.given_up,
        }

    def end(self, finish_reason: str) -> None:
        """Tell the workers the scan is over, wait for the local ones, and remove the
        scan's queue and results (its description stays, saying it is over)."""
        if self.store is not None:
            # unreachable: the workers stop by themselves once the coordinator is silent
            with contextlib.suppress(redis.RedisError):
                self.store.end(FINISHED if finish_reason == "finished" else STOPPED)
        for process in self._processes:
            try:
                process.wait(WORKER_EXIT_WAIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self._logs:
            log.close()
        if self.store is not None and finish_reason == "finished":
            with contextlib.suppress(redis.RedisError):
                self.store.remove()
