"""The polling loop of a distributed crawl's coordinator and workers, on the reactor.

A step that fails must not stop the loop without a word: the crawl would wait for ever
for results that no one collects. A Redis that stops answering is waited for up to
:data:`REDIS_GIVE_UP_S` (a restart, a network blip), then the spider is closed with the
reason ``redis-unreachable``; any other error is logged and closes it as ``scanner-error``.
Either way the scan ends as an interrupted one, which a resume continues.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

REDIS_GIVE_UP_S = 60.0
REDIS_UNREACHABLE = "redis-unreachable"
SCANNER_ERROR = "scanner-error"
logger = logging.getLogger(__name__)


class GuardedLoop:
    def __init__(self, crawler: Any, step: Callable[[], None], interval_s: float) -> None:
        self.crawler = crawler
        self.step = step
        self.interval_s = interval_s
        self._failing_since: float | None = None
        self._loop: LoopingCall | None = None
        """Made in start(): a LoopingCall installs the default reactor if none is yet."""

    def start(self, now: bool = True) -> None:
        self._loop = LoopingCall(self._guarded)
        self._loop.start(self.interval_s, now=now)

    def stop(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()

    def finish(self) -> None:
        """The crawl is over: close the spider as finished."""
        self._close("finished")

    def _guarded(self) -> None:
        try:
            self.step()
        except redis.RedisError as error:
            now = time.monotonic()
            self._failing_since = self._failing_since or now
            logger.warning("Redis did not answer: %s", error)
            if now - self._failing_since >= REDIS_GIVE_UP_S:
                self._close(REDIS_UNREACHABLE)
            return
        except Exception:
            logger.exception("the distributed crawl's loop failed")
            self._close(SCANNER_ERROR)
            return
        self._failing_since = None

    def _close(self, reason: str) -> None:
        self.stop()
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
