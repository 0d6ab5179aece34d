"""``scanner worker``: one worker of a distributed crawl, with its own Chromium.

It joins the scan running in a Redis (the coordinator, ``scanner scan URL --redis URL``,
published its start URL and settings there), renders the pages it claims and hands back
their results, and stops when the scan is over. Everything it writes locally (browser
profile, crawl log, screenshots before they are handed in) lives in a temporary folder
removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from scanner.config import build_settings
from scanner.crawl.browser import prepare_profile
from scanner.crawl.host_limits import REDIS_SCAN_SETTING, REDIS_URL_SETTING
from scanner.crawl.redis_frontier import RedisFrontier, connect
from scanner.crawl.settings import crawl_settings
from scanner.crawl.worker_spider import WorkerSpider
from scanner.errors import UserError
from scanner.scan import find_scan_browser

JOIN_POLL_S = 0.5


@dataclass(frozen=True)
class WorkerOutcome:
    pages: int
    """Pages this worker visited and handed in."""
    finish_reason: str
    scan_state: str
    """The scan's state when the worker stopped: finished, stopped, or running (the worker
    itself was stopped)."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(
    redis_url: str,
    browser_path: str = "",
    wait_s: float = 0.0,
    concurrency: int = 0,
    log_file: Path | None = None,
) -> WorkerOutcome:
    """Serve the scan running in the Redis at ``redis_url`` until it is over.

    ``wait_s``: how long to wait for a scan to start; ``concurrency``: pages at once
    (0: the scan's setting); ``log_file``: where Scrapy's log goes (else the temporary
    folder). UserError (one line) for an unreachable Redis or no scan.
    """
    client = connect(redis_url)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            store, scan = RedisFrontier.join(client)
            break
        except UserError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(JOIN_POLL_S)
    overrides = {"browser_path": browser_path or None, "progress": "never"}
    if concurrency:
        overrides["concurrency"] = concurrency
    settings = build_settings(scan.settings, overrides, origin="the scan in Redis")
    browser = find_scan_browser(settings)
    work = Path(tempfile.mkdtemp(prefix="scanner-worker-"))
    try:
        scrapy_settings = crawl_settings(
            settings,
            browser_path=browser.executable,
            user_agent=browser.user_agent,
            profile_dir=prepare_profile(work / "browser-profile"),
            journal=work / "unused.jsonl",
            log_file=log_file or work / "crawl.log",
            out_dir=work,
        )
        scrapy_settings["ITEM_PIPELINES"] = {}  # results go to Redis, not to a journal
        scrapy_settings[REDIS_URL_SETTING] = redis_url  # the hosts' limits are shared
        scrapy_settings[REDIS_SCAN_SETTING] = store.scan_id
        scrapy_settings["LOG_FILE_APPEND"] = True
        process = CrawlerProcess(settings=scrapy_settings)
        crawler = process.create_crawler(WorkerSpider)
        process.crawl(
            crawler, start_url=scan.start_url, settings=settings, store=store, worker=worker_name()
        )
        with contextlib.suppress(KeyboardInterrupt):
            process.start()
        spider: WorkerSpider | None = crawler.spider
        return WorkerOutcome(
            spider.pages_done if spider else 0,
            str(crawler.stats.get_value("finish_reason") or "interrupted"),
            spider.scan_state if spider else store.state(),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
