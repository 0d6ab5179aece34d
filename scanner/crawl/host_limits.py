"""A site's own limits, respected at any scale: a request rate and a concurrency cap per
host, and the back-off a site asks for with 429 (or 503) and ``Retry-After``.

The limits count the crawl's own requests (page navigations, files, robots.txt and
sitemaps), per host name; the requests a rendered page makes by itself (its styles,
images, scripts) are the page's, as in any visitor's browser, and are not held back.

Rate: ``max_rate`` requests per second per host, spaced evenly (no bursts): each request
reserves the host's next free slot, one interval after the previous one, and waits for
it. Concurrency: at most ``max_host_concurrency`` requests of a host in flight. Back-off:
a 429, or a 503 with ``Retry-After``, pushes the host's next free slot to the time the
site asked for (seconds or an HTTP date; without one, :data:`DEFAULT_BACKOFF_S`), at most
:data:`MAX_BACKOFF_S` ahead: a hostile ``Retry-After`` cannot stall the scan for a day.
The page that was answered 429 is recorded as it was answered.

A single-process scan keeps the limits in memory; workers of a distributed crawl share
them in the scan's Redis (server time, so machines' clocks never matter), and a
concurrency slot held by a worker that died frees itself after the download timeout.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import secrets
import time
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from scrapy.http import Request, Response

MAX_RATE_SETTING = "SCANNER_MAX_RATE"
MAX_HOST_CONCURRENCY_SETTING = "SCANNER_MAX_HOST_CONCURRENCY"
REDIS_URL_SETTING = "SCANNER_REDIS_URL"
REDIS_SCAN_SETTING = "SCANNER_REDIS_SCAN"
"""The distributed scan whose limits are shared (set by the coordinator and workers)."""
DEFAULT_BACKOFF_S = 5.0
MAX_BACKOFF_S = 120.0
BACKOFF_STATUSES = frozenset({429, 503})
POLL_S = 0.05
"""How often a request waiting for a concurrency slot looks again."""
_SLOT_META = "scanner_host_slot"


class Limiter(Protocol):
    """Where the limits are kept: this process, or a Redis shared by workers."""

    def next_slot(self, host: str, interval_s: float) -> float:
        """Reserve the host's next request slot; seconds to wait for it."""

    def take(self, host: str, cap: int, token: str, hold_s: float) -> bool:
        """One of the host's ``cap`` concurrency slots, if one is free."""

    def give_back(self, host: str, token: str) -> None: ...

    def back_off(self, host: str, seconds: float) -> None:
        """No request to the host until ``seconds`` from now."""


class LocalLimiter:
    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._held: dict[str, set[str]] = {}

    def next_slot(self, host: str, interval_s: float) -> float:
        now = time.monotonic()
        start = max(now, self._next.get(host, 0.0))
        self._next[host] = start + interval_s
        return start - now

    def take(self, host: str, cap: int, token: str, hold_s: float) -> bool:
        held = self._held.setdefault(host, set())
        if len(held) >= cap:
            return False
        held.add(token)
        return True

    def give_back(self, host: str, token: str) -> None:
        self._held.get(host, set()).discard(token)

    def back_off(self, host: str, seconds: float) -> None:
        self._next[host] = max(self._next.get(host, 0.0), time.monotonic() + seconds)


_NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "
_NEXT_SLOT = (
    _NOW
    + """
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local after = start + tonumber(ARGV[1])
redis.call('SET', KEYS[1], after, 'PX', after - now + 600000)
return start - now
"""
)
_BACK_OFF = (
    _NOW
    + """
local free_at = math.max(now + tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], free_at, 'PX', free_at - now + 600000)
return free_at - now
"""
)
_TAKE = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 60000)
return 1
"""
)


class RedisLimiter:
    """The limits of one distributed scan, in its Redis."""

    def __init__(self, client: Any, scan_id: str) -> None:
        self.client = client
        self.prefix = f"scanner:{scan_id}:host:"
        self._next_slot = client.register_script(_NEXT_SLOT)
        self._back_off = client.register_script(_BACK_OFF)
        self._take = client.register_script(_TAKE)

    def next_slot(self, host: str, interval_s: float) -> float:
        wait_ms = self._next_slot(keys=[self.prefix + "rate:" + host], args=[_ms(interval_s)])
        return int(wait_ms) / 1000

    def take(self, host: str, cap: int, token: str, hold_s: float) -> bool:
        key = self.prefix + "busy:" + host
        return bool(self._take(keys=[key], args=[cap, token, _ms(hold_s)]))

    def give_back(self, host: str, token: str) -> None:
        self.client.zrem(self.prefix + "busy:" + host, token)

    def back_off(self, host: str, seconds: float) -> None:
        self._back_off(keys=[self.prefix + "rate:" + host], args=[_ms(seconds)])


def retry_after_s(value: str | None, now: datetime | None = None) -> float:
    """The wait a ``Retry-After`` header asks for (delta-seconds or an HTTP date),
    bounded to 0..MAX_BACKOFF_S; DEFAULT_BACKOFF_S when absent or unreadable."""
    if not value:
        return DEFAULT_BACKOFF_S
    text = value.strip()
    if text.isdigit():
        return min(float(text[:12]), MAX_BACKOFF_S)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return DEFAULT_BACKOFF_S
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delta, 0.0), MAX_BACKOFF_S) if math.isfinite(delta) else DEFAULT_BACKOFF_S


class HostLimitsMiddleware:
    """The downloader middleware that applies the limits (enabled by the settings)."""

    def __init__(self, limiter: Limiter, max_rate: float, cap: int, hold_s: float) -> None:
        self.limiter = limiter
        self.interval_s = 1 / max_rate if max_rate > 0 else 0.0
        self.cap = cap
        self.hold_s = hold_s

    @classmethod
    def from_crawler(cls, crawler: Any) -> HostLimitsMiddleware:
        settings = crawler.settings
        limiter: Limiter = LocalLimiter()
        if settings.get(REDIS_URL_SETTING):
            from scanner.crawl.redis_frontier import connect

            limiter = RedisLimiter(
                connect(settings[REDIS_URL_SETTING]), settings[REDIS_SCAN_SETTING]
            )
        return cls(
            limiter,
            settings.getfloat(MAX_RATE_SETTING),
            settings.getint(MAX_HOST_CONCURRENCY_SETTING),
            settings.getfloat("DOWNLOAD_TIMEOUT") + 60,
        )

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        if self.cap > 0:
            token = secrets.token_hex(8)
            while not self.limiter.take(host, self.cap, token, self.hold_s):
                await asyncio.sleep(POLL_S)
            request.meta[_SLOT_META] = (host, token)
        wait_s = self.limiter.next_slot(host, self.interval_s)  # a back-off too
        if wait_s > 0:
            await asyncio.sleep(wait_s)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        retry_after = response.headers.get("Retry-After")
        if response.status == 429 or (response.status in BACKOFF_STATUSES and retry_after):
            header = retry_after.decode("latin-1") if retry_after else None
            self.limiter.back_off(urlsplit(request.url).hostname or "", retry_after_s(header))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        slot = request.meta.pop(_SLOT_META, None)
        if slot is not None:
            self.limiter.give_back(*slot)


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))
