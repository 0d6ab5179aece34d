"""A site's own limits: requests per second and in flight per host, kept in this process
or shared in a real Redis by several workers, and the back-off 429 and Retry-After ask for."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from scrapy.http import Request, Response

from scanner.crawl.host_limits import (
    DEFAULT_BACKOFF_S,
    MAX_BACKOFF_S,
    HostLimitsMiddleware,
    Limiter,
    LocalLimiter,
    RedisLimiter,
    retry_after_s,
)
from scanner.crawl.redis_frontier import connect

NOW = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        ("Wed, 02 Dec 2026 12:00:30 GMT", 30.0),
        ("Wed, 02 Dec 2026 11:00:00 GMT", 0.0),  # in the past: go on
        ("99999999999999999999", MAX_BACKOFF_S),  # a hostile wait is bounded
        ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_BACKOFF_S),
        (None, DEFAULT_BACKOFF_S),
        ("soon", DEFAULT_BACKOFF_S),
        ("-5", DEFAULT_BACKOFF_S),
    ],
)
def test_retry_after_is_read_and_bounded(header: str | None, seconds: float) -> None:
    assert retry_after_s(header, NOW) == pytest.approx(seconds)


def _redis_limiters(url: str) -> tuple[Limiter, Limiter]:
    """Two workers' limiters of the same scan, each with its own connection."""
    return RedisLimiter(connect(url), "scan1"), RedisLimiter(connect(url), "scan1")


def _local_limiters(url: str) -> tuple[Limiter, Limiter]:
    limiter = LocalLimiter()
    return limiter, limiter


@pytest.mark.parametrize("make", [_local_limiters, _redis_limiters], ids=["local", "redis"])
def test_requests_to_a_host_are_spaced_and_capped_across_workers(
    make: object, redis_url: str
) -> None:
    first, second = make(redis_url)  # type: ignore[operator]
    waits = [limiter.next_slot("a.test", 0.5) for limiter in (first, second, first, second)]
    assert waits[0] == pytest.approx(0, abs=0.05)
    assert [round(w - waits[0], 1) for w in waits] == [0.0, 0.5, 1.0, 1.5]
    assert first.next_slot("b.test", 0.5) == pytest.approx(0, abs=0.05)  # per host
    assert first.take("a.test", 2, "t1", 60) and second.take("a.test", 2, "t2", 60)
    assert not second.take("a.test", 2, "t3", 60)
    first.give_back("a.test", "t1")
    assert second.take("a.test", 2, "t3", 60)
    first.back_off("c.test", 2.0)
    assert second.next_slot("c.test", 0.0) == pytest.approx(2.0, abs=0.1)


def test_a_dead_workers_concurrency_slot_frees_itself(redis_url: str) -> None:
    dead, alive = _redis_limiters(redis_url)
    assert dead.take("a.test", 1, "dead", hold_s=0.3)
    assert not alive.take("a.test", 1, "alive", hold_s=0.3)
    time.sleep(0.4)
    assert alive.take("a.test", 1, "alive", hold_s=0.3)


def test_the_middleware_waits_for_the_host_and_honours_429() -> None:
    limits = HostLimitsMiddleware(LocalLimiter(), max_rate=10, cap=1, hold_s=60)
    pages = [Request(f"https://a.test/p/{index}") for index in range(3)]

    async def fetch_all() -> float:
        started = time.monotonic()
        for request in pages:
            await limits.process_request(request)
            limits.process_response(request, Response(request.url, status=200, request=request))
        return time.monotonic() - started

    elapsed = asyncio.run(fetch_all())
    assert elapsed == pytest.approx(0.2, abs=0.08)  # 3 requests at 10 a second
    busy = Request("https://a.test/busy")
    asyncio.run(limits.process_request(busy))
    answer = Response(busy.url, status=429, headers={"Retry-After": "1"}, request=busy)
    limits.process_response(busy, answer)
    started = time.monotonic()
    asyncio.run(limits.process_request(Request("https://a.test/next")))
    assert time.monotonic() - started == pytest.approx(1.0, abs=0.15)
