"""The site spider with its decisions logged, able to go on from where a killed one was.

A fresh crawl behaves exactly as :class:`~scanner.crawl.spider.SiteSpider` and logs its
frontier and support-file decisions (see :mod:`scanner.crawl.frontier_journal`). A
resumed crawl starts from the replayed frontier: it visits the pages admitted but not
finished (in flight when the crawl was killed, or failed because it was interrupted),
asks only for the robots.txt and sitemaps not done, and numbers its screenshots after
the ones already kept.
"""

from __future__ import annotations

import functools
import signal
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.http import Response
from twisted.python.failure import Failure

from scanner.capture.screenshots import Screenshots
from scanner.config import ScanSettings
from scanner.crawl.frontier_journal import (
    ROBOTS,
    SITEMAP,
    Admission,
    CrawlLog,
    CrawlReplay,
    JournaledFrontier,
    SpiderLog,
)
from scanner.crawl.settings import OUTPUT_DIR_SETTING
from scanner.crawl.spider import SiteSpider


@dataclass(frozen=True)
class CrawlResume:
    """Where a resumed crawl starts from."""

    replay: CrawlReplay
    pending: list[Admission] = field(default_factory=list)
    """Admitted pages to visit (again): not in the page journal as finished."""
    screenshots_taken: int = 0
    """The highest screenshot number a kept page refers to."""


class ResumableSpider(SiteSpider):
    def __init__(
        self,
        start_url: str,
        settings: ScanSettings,
        crawl_log: Path,
        resume: CrawlResume | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(start_url, settings, **kwargs)
        self.crawl_log = CrawlLog(crawl_log)
        self._spider_log = SpiderLog(self.crawl_log)
        self.resume = resume
        if resume is None:
            self.frontier = JournaledFrontier(start_url, settings, self.crawl_log)
        else:
            self.frontier = resume.replay.frontier
            self.frontier.log = self.crawl_log
            queued = resume.replay.support_queued
            self._sitemaps_seen.update(url for url, kind in queued.items() if kind == SITEMAP)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ResumableSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, ResumableSpider)
        if spider.screenshots is not None and spider.resume is not None:
            spider.screenshots = ContinuedScreenshots(
                Path(crawler.settings.get(OUTPUT_DIR_SETTING)),
                spider.screenshots.limit,
                spider.resume.screenshots_taken,
            )
        return spider

    async def start(self) -> AsyncIterator[Any]:
        self._spider_log.run_started()
        self._watch_interruptions()
        resume = self.resume
        done = resume.replay.support_done if resume else set()
        outstanding = resume.replay.support_outstanding() if resume else {}
        for page in resume.pending if resume else []:
            for request in self._requests([page.url], page.depth, page.via, page.found_on):
                yield request
        asked: set[str] = set()
        async for request in super().start():  # the start page only if never admitted
            if request is not None and request.url not in done:
                asked.add(request.url)
                yield request
        for url, kind in outstanding.items():
            if url not in asked:
                callback = self.parse_robots if kind == ROBOTS else self.parse_sitemap
                yield self._fetch_support_file(url, callback)

    def closed(self, reason: str) -> None:
        self.crawl_log.close()

    def _watch_interruptions(self) -> None:
        """Log when Ctrl-C or SIGTERM comes, before Scrapy's own handler (installed by
        now) starts the shutdown: pages failing from then on are visited again."""
        for number in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(number)
            if callable(previous):
                signal.signal(number, functools.partial(self._interrupted, previous))

    def _interrupted(self, previous: Callable[[int, Any], Any], number: int, frame: Any) -> None:
        self._spider_log.interrupted(signal.Signals(number).name)
        previous(number, frame)

    # -- logging what the spider decides ---------------------------------------------

    def _follow(self, urls: list[str], depth: int, via: str, found_on: str) -> list[Any]:
        self._spider_log.following(via)
        return super()._follow(urls, depth, via, found_on)

    def _fetch_support_file(self, url: str, callback: Any) -> Any:
        self._spider_log.support_queued(url, ROBOTS if callback == self.parse_robots else SITEMAP)
        return super()._fetch_support_file(url, callback)

    def parse_robots(self, response: Response) -> list[Any]:
        requests = super().parse_robots(response)
        self._spider_log.support_done(_asked_for(response.meta, response.url))
        return requests

    def parse_sitemap(self, response: Response) -> list[Any]:
        requests = super().parse_sitemap(response)
        self._spider_log.support_done(_asked_for(response.meta, response.url))
        return requests

    def on_support_file_error(self, failure: Failure) -> None:
        super().on_support_file_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        self._spider_log.support_done(_asked_for(request.meta, request.url))


class ContinuedScreenshots(Screenshots):
    """Screenshots numbered on from the ones a resumed scan keeps, under the same cap."""

    def __init__(self, out_dir: Path, limit: int, taken: int) -> None:
        super().__init__(out_dir, limit)
        self._taken = self._reserved = taken


def _asked_for(meta: dict[str, Any], url: str) -> str:
    """The URL first asked for, before any redirect."""
    redirects = meta.get("redirect_urls") or [url]
    return str(redirects[0])
