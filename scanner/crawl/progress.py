"""A one-line progress display on a terminal; silent in CI or when output is piped."""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from scanner.crawl.settings import PROGRESS_SETTING


def progress_wanted(mode: str, stream: TextIO) -> bool:
    if mode == "always":
        return True
    if mode == "never":
        return False
    return stream.isatty() and not os.environ.get("CI")


class ProgressDisplay:
    def __init__(self, crawler: Crawler, stream: TextIO) -> None:
        self.crawler = crawler
        self.stream = stream
        self.done = 0
        self.failed = 0
        self._started = time.monotonic()
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressDisplay:
        display = cls(crawler, sys.stderr)
        if progress_wanted(crawler.settings.get(PROGRESS_SETTING, "auto"), sys.stderr):
            # signal receivers are held weakly: connect bound methods of a kept object
            crawler.signals.connect(display.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(display.item_scraped, signal=signals.item_scraped)
            crawler.signals.connect(display.spider_closed, signal=signals.spider_closed)
            crawler.progress_display = display  # type: ignore[attr-defined]
        return display

    def spider_opened(self, spider: Any) -> None:
        self._started = time.monotonic()
        self._loop = task.LoopingCall(self.render)
        self._loop.start(0.5)

    def item_scraped(self, item: Any, spider: Any) -> None:
        self.done += 1
        if getattr(item, "outcome", None) == "failed":
            self.failed += 1

    def spider_closed(self, spider: Any) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.render()
        self.stream.write("\n")
        self.stream.flush()

    def render(self) -> None:
        frontier = getattr(self.crawler.spider, "frontier", None)
        admitted = frontier.admitted if frontier is not None else self.done
        elapsed = max(time.monotonic() - self._started, 0.001)
        line = (
            f"  {self.done} pages done, {self.failed} failed, "
            f"{max(admitted - self.done, 0)} queued, {self.done / elapsed:.1f} pages/s"
        )
        self.stream.write("\r" + line.ljust(70))
        self.stream.flush()
