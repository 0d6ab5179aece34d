"""The coordinator of a distributed crawl: the one place where the crawl's decisions are
made, while workers render the pages.

It is the resumable site spider, journaled as in a single-process scan (so that the
frontier log and the page journal it leaves are what ``scanner scan --resume`` reads),
with one change of route: a page it admits is pushed to the shared frontier in Redis
instead of being downloaded here, and each result a worker hands back is merged as the
spider would have handled the page itself: a redirect's target is marked seen, the links
are admitted (and pushed), then the page is written to the page journal (links first,
the order a resume relies on). robots.txt, sitemaps and the site probe are fetched here,
over plain HTTP, once. The crawl ends when every admitted page has a result.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from scanner.capture.screenshots import SCREENSHOT_FOLDER
from scanner.consent_states import BEFORE
from scanner.crawl.redis_frontier import MAX_ATTEMPTS, PageTask, RedisFrontier
from scanner.crawl.redis_loop import GuardedLoop
from scanner.crawl.resumable_spider import ResumableSpider
from scanner.crawl.settings import JOURNAL_SETTING, OUTPUT_DIR_SETTING
from scanner.result.resume import failed_with_its_browser

POLL_S = 0.1
RESULTS_PER_POLL = 200
HOUSEKEEPING_EVERY_S = 1.0
GIVEN_UP = f"its worker stopped answering {MAX_ATTEMPTS} times while visiting it"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MergedPage:
    """What the progress display and Scrapy's stats see of a merged page."""

    outcome: str


@dataclass
class Tally:
    """What the workers did, for scan.json's ``distributed`` entry."""

    pages_by_worker: Counter[str] = field(default_factory=Counter)
    visited_again: int = 0
    given_up: int = 0


class CoordinatorSpider(ResumableSpider):
    name = "site-coordinator"

    def __init__(self, *args: Any, store: RedisFrontier, tally: Tally, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        self.tally = tally
        self._outstanding: set[str] = set()
        """Keys of pages pushed and not merged yet."""
        self._to_push: list[PageTask] = []
        self._retries: Counter[str] = Counter()
        """Pages visited again because their worker's browser went away under them."""
        self._journal: IO[str] | None = None
        self._out_dir: Path | None = None
        self._shots = self.resume.screenshots_taken if self.resume else 0
        self._next_housekeeping = 0.0
        self._loop: GuardedLoop | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> CoordinatorSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, CoordinatorSpider)
        journal = Path(crawler.settings[JOURNAL_SETTING])
        spider._journal = journal.open("a", encoding="utf-8")  # closed in closed()
        spider._out_dir = Path(crawler.settings[OUTPUT_DIR_SETTING])
        crawler.signals.connect(spider._keep_open, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        self._loop = GuardedLoop(self.crawler, self._poll, POLL_S)
        self._loop.start(now=False)
        async for request in super().start():  # support files; pages went to Redis
            yield request

    def closed(self, reason: str) -> None:
        if self._loop is not None:
            self._loop.stop()
        if self._journal is not None:
            self._journal.close()
        super().closed(reason)

    # -- pages go to the shared frontier ----------------------------------------------

    def _visit(
        self, url: str, depth: int, via: str, found_on: str | None, state: str = BEFORE
    ) -> scrapy.Request:
        """Noted for the workers; the request the spider builds is dropped."""
        request = super()._visit(url, depth, via, found_on, state)
        self._to_push.append(PageTask(url, depth, via, found_on))
        return request

    def _requests(
        self, urls: list[str], depth: int, via: str, found_on: str | None
    ) -> list[scrapy.Request]:
        """Admitted pages are visited by the workers: none is downloaded here."""
        for request in super()._requests(urls, depth, via, found_on):
            self.losses.on_scheduled(request, self)
        self._push_queued()
        return []

    def _push_queued(self) -> None:
        tasks, self._to_push = self._to_push, []
        self._outstanding.update(task.key for task in tasks)
        self.store.push(tasks)

    def _keep_open(self, spider: Any) -> None:
        if self._outstanding:
            raise DontCloseSpider

    @property
    def outstanding(self) -> int:
        return len(self._outstanding)

    # -- results come back ------------------------------------------------------------

    def _poll(self) -> None:
        now = time.monotonic()
        if now >= self._next_housekeeping:
            self._next_housekeeping = now + HOUSEKEEPING_EVERY_S
            self.store.heartbeat()
            reaped = self.store.reap()
            self.tally.visited_again += reaped.requeued
            for key in reaped.given_up:
                self._give_up(key)
        for result in self.store.take_results(RESULTS_PER_POLL):
            self._merge(result)
        if not self._outstanding and self.crawler.engine.spider_is_idle():
            self._loop.finish()  # now, not at the engine's next idle check (5 s)

    def _give_up(self, key: str) -> None:
        if key in self._outstanding:
            self._outstanding.discard(key)
            self.losses.lost(key, GIVEN_UP)
            self.tally.given_up += 1

    def _merge(self, result: dict[str, Any]) -> None:
        key = result.get("key")
        if not isinstance(key, str) or key not in self._outstanding:
            return  # not one of ours, or merged already: never twice
        self._outstanding.discard(key)
        try:
            self._merge_result(key, result)
        except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as error:
            logger.warning("unreadable result for %s: %r", key, error)
            self.losses.lost(key, f"its worker's result was unreadable ({type(error).__name__})")

    def _merge_result(self, key: str, result: dict[str, Any]) -> None:
        """What the spider would have done with the page (its checks first, then its
        changes, so that a malformed result changes nothing)."""
        if "released" in result:
            released = result["released"]
            reason, found_on = str(released["reason"]), released.get("found_on")
            self.frontier.release(key, reason, found_on if isinstance(found_on, str) else None)
            return
        page = result.get("page")
        if not isinstance(page, dict):
            self.losses.lost(key, str(result.get("lost") or "no result"))
            return
        depth, url = int(page["depth"]), str(page["url"])
        if failed_with_its_browser(page) and self._retries[key] < MAX_ATTEMPTS - 1:
            self._retries[key] += 1  # another worker's browser may be fine
            self._outstanding.add(key)
            self.store.retry(PageTask(key, depth, str(page["found_via"]), page.get("found_on")))
            return
        links = [str(link) for link in result.get("links") or []]
        encoded = result.get("screenshot")
        image = base64.b64decode(encoded, validate=True) if isinstance(encoded, str) else None
        line = json.dumps({**page, "screenshot": None}, ensure_ascii=False)
        if page.get("redirects") and isinstance(page.get("final_url"), str):
            self.frontier.mark_seen(page["final_url"])
        if links:
            self._follow(links, depth + 1, "link", url)
        shot = self._keep_shot(image)
        if shot is not None:
            line = json.dumps({**page, "screenshot": shot}, ensure_ascii=False)
        assert self._journal is not None
        self._journal.write(line + "\n")  # after the links: the order a resume relies on
        self._journal.flush()
        self.tally.pages_by_worker[str(result.get("worker"))] += 1
        self.crawler.signals.send_catch_log(
            signals.item_scraped, item=MergedPage(str(page.get("outcome"))), spider=self
        )

    def _keep_shot(self, image: bytes | None) -> str | None:
        """A worker's screenshot, numbered in the scan's order, under the scan's cap."""
        if not image or self._out_dir is None or self._shots >= self.scan_settings.screenshots:
            return None
        self._shots += 1
        relative = SCREENSHOT_FOLDER / f"{self._shots:04d}.jpg"
        target = self._out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(image)
        partial.replace(target)
        return relative.as_posix()
