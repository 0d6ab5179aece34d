"""A worker of a distributed crawl: renders the pages it claims from the shared frontier
and hands each one's result back, for the coordinator to merge.

It is the site spider with its two ends changed: its pages come from Redis instead of
its own frontier (it admits nothing), and what a page yields (the page, the links it
would follow, or that robots.txt refused it) goes back to Redis as one result instead of
into a local journal. The capture is the same code as a single-process scan's.

The feed runs every :data:`POLL_S` seconds on the reactor: it claims as many pages as
the worker has free page slots, so a worker never holds a lease on a page it has not
started, and every second it renews its leases and reads the scan's state. A page whose
download never ends is no longer renewed after :attr:`WorkerSpider.max_hold_s`, so its
lease runs out and another worker gets it.
"""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from scanner.config import ScanSettings
from scanner.crawl.frontier import Frontier
from scanner.crawl.losses import Losses
from scanner.crawl.redis_frontier import RUNNING, PageTask, RedisFrontier
from scanner.crawl.redis_loop import GuardedLoop
from scanner.crawl.settings import OUTPUT_DIR_SETTING
from scanner.crawl.spider import SiteSpider
from scanner.result.model import PageResult

POLL_S = 0.1
RENEW_EVERY_S = 1.0
TASK_META = "scanner_task"
"""Request meta key: the key of the page's task in the shared frontier."""


class _ReportingFrontier(Frontier):
    """The worker's frontier admits nothing; what it is told is passed on."""

    def __init__(self, start_url: str, settings: ScanSettings) -> None:
        super().__init__(start_url, settings)
        self.released: dict[str, tuple[str, str | None]] = {}

    def release(self, url: str, reason: str, found_on: str | None) -> None:
        self.released[url] = (reason, found_on)


class _ReportingLosses(Losses):
    def __init__(self) -> None:
        super().__init__()
        self.reasons: dict[str, str] = {}

    def lost(self, url: str, reason: str) -> None:
        super().lost(url, reason)
        self.reasons.setdefault(url, reason)


class WorkerSpider(SiteSpider):
    name = "site-worker"

    def __init__(
        self, start_url: str, settings: ScanSettings, store: RedisFrontier, worker: str, **kw: Any
    ) -> None:
        super().__init__(start_url, settings, **kw)
        self.store = store
        self.worker = worker
        self.frontier = _ReportingFrontier(start_url, settings)
        self.losses = _ReportingLosses()
        self.max_hold_s = 0.0
        """How long a lease is renewed at most: the download timeout, and a minute more."""
        self.pages_done = 0
        """Pages whose result was accepted (not those another worker finished first)."""
        self.scan_state = RUNNING
        self._held: dict[str, float] = {}
        """Keys of the pages being visited -> when they were claimed."""
        self._found_links: dict[str, list[str]] = {}
        self._out_dir: Path | None = None
        self._next_renewal = 0.0
        self._feed: GuardedLoop | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WorkerSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, WorkerSpider)
        spider.max_hold_s = crawler.settings.getfloat("DOWNLOAD_TIMEOUT") + 60
        spider._out_dir = Path(crawler.settings.get(OUTPUT_DIR_SETTING))
        crawler.signals.connect(spider._keep_open, signal=signals.spider_idle)
        crawler.signals.connect(spider._stop_feed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """Nothing of its own: pages come from the shared frontier (the feed)."""
        self._feed = GuardedLoop(self.crawler, self._feed_once, POLL_S)
        self._feed.start(now=True)
        return
        yield

    # -- the feed --------------------------------------------------------------------

    def _feed_once(self) -> None:
        now = time.monotonic()
        if now >= self._next_renewal:
            self._next_renewal = now + RENEW_EVERY_S
            for key in [k for k, since in self._held.items() if now - since >= self.max_hold_s]:
                del self._held[key]  # hung: its lease runs out, another worker gets it
            self.store.renew(self.worker, self._held)
            self.scan_state = self.store.state()
        if self.scan_state != RUNNING:
            if not self._held and self.crawler.engine.spider_is_idle():
                self._feed.finish()  # now, not at the engine's next idle check (5 s)
            return
        free = self.scan_settings.concurrency - len(self._held)
        if free <= 0:
            return
        for task in self.store.claim(self.worker, free):
            self._held[task.key] = now
            self.crawler.engine.crawl(self._task_request(task))

    def _task_request(self, task: PageTask) -> Any:
        request = self._visit(task.url, task.depth, task.via, task.found_on)
        request.meta[TASK_META] = task.key
        return request

    def _keep_open(self, spider: Any) -> None:
        if self.scan_state == RUNNING or self._held:
            raise DontCloseSpider

    def _stop_feed(self, spider: Any) -> None:
        if self._feed is not None:
            self._feed.stop()

    # -- results ---------------------------------------------------------------------

    def _follow(self, urls: list[str], depth: int, via: str, found_on: str) -> list[Any]:
        """The links a page would follow go back with its result (the coordinator
        admits them)."""
        self._found_links[found_on] = urls
        return []

    async def parse_page(self, response: Response) -> None:  # type: ignore[override]
        await self._report(response.meta, super().parse_page(response))

    async def parse_file(self, response: Response) -> None:  # type: ignore[override]
        await self._report(response.meta, super().parse_file(response))

    async def on_error(self, failure: Failure) -> None:  # type: ignore[override]
        request = failure.request  # type: ignore[attr-defined]
        await self._report(request.meta, super().on_error(failure))

    async def _report(self, meta: dict[str, Any], outputs: AsyncIterator[Any]) -> None:
        pages = [item async for item in outputs if isinstance(item, PageResult)]
        key = meta[TASK_META]
        result: dict[str, Any] = {"worker": self.worker}
        if pages:
            page = pages[0]
            result["page"] = page.to_json()
            result["links"] = self._found_links.pop(page.url, [])
            if page.screenshot and self._out_dir is not None:
                result["screenshot"] = self._take_shot(page.screenshot)
        elif key in self.frontier.released:
            reason, found_on = self.frontier.released.pop(key)
            result["released"] = {"reason": reason, "found_on": found_on}
        else:
            result["lost"] = self.losses.reasons.get(key, "no result")
        if self.store.complete(key, result):
            self.pages_done += 1
        self._held.pop(key, None)

    def _take_shot(self, relative: str) -> str | None:
        """The screenshot's JPEG, base64, removed from the worker's folder (the
        coordinator numbers and keeps the shots of the whole scan)."""
        assert self._out_dir is not None
        path = self._out_dir / relative
        try:
            data = path.read_bytes()
            path.unlink()
        except OSError:
            return None
        return base64.b64encode(data).decode("ascii")
