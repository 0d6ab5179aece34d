"""The distributed crawl's shared frontier on a real redis-server: claims, leases that run
out, results accepted once per page, and the scan's description for workers."""

from __future__ import annotations

import time

import pytest

from scanner.crawl.redis_frontier import (
    FINISHED,
    MAX_ATTEMPTS,
    RUNNING,
    STOPPED,
    PageTask,
    RedisFrontier,
    connect,
)
from scanner.errors import UserError

LEASE_MS = 200
SITE = "https://site.test/"


def _tasks(count: int) -> list[PageTask]:
    return [PageTask(f"{SITE}p/{i}", 1, "link", SITE) for i in range(count)]


def _frontier(url: str, lease_ms: int = LEASE_MS) -> RedisFrontier:
    return RedisFrontier.publish(connect(url), "https://site.test/", {"max_pages": 5}, lease_ms)


def test_pages_are_claimed_first_in_first_out_and_each_result_is_accepted_once(
    redis_url: str,
) -> None:
    frontier = _frontier(redis_url)
    frontier.push(_tasks(3))
    first = frontier.claim("w1", 2)
    second = frontier.claim("w2", 5)
    assert [t.url for t in first] == ["https://site.test/p/0", "https://site.test/p/1"]
    assert [t.url for t in second] == ["https://site.test/p/2"]
    assert second[0] == _tasks(3)[2]  # depth, via and found_on travel with the page
    assert frontier.counts() == {"queued": 0, "leased": 3, "done": 0}
    assert frontier.complete(first[0].key, {"page": {"n": 1}})
    assert not frontier.complete(first[0].key, {"page": {"n": 2}})  # a second result
    assert frontier.take_results(10) == [{"key": first[0].key, "page": {"n": 1}}]
    assert frontier.take_results(10) == []


def test_a_dead_workers_pages_go_back_to_the_queue_when_the_lease_runs_out(
    redis_url: str,
) -> None:
    frontier = _frontier(redis_url)
    frontier.push(_tasks(2))
    dead = frontier.claim("dead", 1)
    alive = frontier.claim("alive", 1)
    assert frontier.reap().requeued == 0  # leases still running
    for _ in range(4):
        time.sleep(LEASE_MS / 1000 / 2)
        assert frontier.renew("alive", [alive[0].key]) == 1
    reaped = frontier.reap()
    assert (reaped.requeued, reaped.given_up) == (1, [])  # the dead worker's page only
    again = frontier.claim("other", 5)
    assert again == dead  # claimed next, before any page queued later
    assert frontier.renew("dead", [dead[0].key]) == 0  # the lease is the other's now


def test_a_late_result_is_kept_once_and_the_page_leaves_the_queue(redis_url: str) -> None:
    frontier = _frontier(redis_url)
    frontier.push(_tasks(1))
    slow = frontier.claim("slow", 1)[0]
    time.sleep(LEASE_MS / 1000 * 1.5)
    assert frontier.reap().requeued == 1
    assert frontier.complete(slow.key, {"page": {}})  # finished after all: accepted
    assert frontier.claim("other", 1) == []  # not visited again
    assert frontier.counts() == {"queued": 0, "leased": 0, "done": 1}


def test_a_page_whose_browser_went_away_is_visited_again(redis_url: str) -> None:
    frontier = _frontier(redis_url)
    frontier.push(_tasks(2))
    task = frontier.claim("broken", 1)[0]
    assert frontier.complete(task.key, {"page": {"outcome": "failed"}})
    frontier.retry(task)
    assert frontier.claim("healthy", 1) == [task]  # next in line, before the queued page
    assert frontier.complete(task.key, {"page": {"outcome": "rendered"}})


def test_a_page_that_outlives_every_lease_is_given_up(redis_url: str) -> None:
    frontier = _frontier(redis_url)
    frontier.push(_tasks(1))
    for attempt in range(MAX_ATTEMPTS):
        assert len(frontier.claim(f"w{attempt}", 1)) == 1
        time.sleep(LEASE_MS / 1000 * 1.5)
        reaped = frontier.reap()
    assert reaped.given_up == ["https://site.test/p/0"]
    assert frontier.claim("w", 1) == []
    assert not frontier.complete("https://site.test/p/0", {"page": {}})


def test_a_worker_joins_the_running_scan_and_sees_it_end(redis_url: str) -> None:
    frontier = _frontier(redis_url)
    joined, scan = RedisFrontier.join(connect(redis_url))
    assert (scan.start_url, scan.settings, scan.lease_ms) == (SITE, {"max_pages": 5}, LEASE_MS)
    assert joined.scan_id == frontier.scan_id and joined.state() == RUNNING
    frontier.end(FINISHED)
    assert joined.state() == FINISHED
    with pytest.raises(UserError, match="is finished: nothing to do"):
        RedisFrontier.join(connect(redis_url))
    replaced = _frontier(redis_url)  # a finished scan's keys make way for a new one
    assert joined.state() == STOPPED and replaced.counts()["done"] == 0


def test_one_running_scan_per_redis_and_a_worker_needs_one(redis_url: str) -> None:
    with pytest.raises(UserError, match=r"^no scan in this Redis: start one with scanner scan"):
        RedisFrontier.join(connect(redis_url))
    _frontier(redis_url)
    with pytest.raises(UserError, match=r"already serves a running scan of https://site.test/"):
        _frontier(redis_url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://localhost:6379", "is not a Redis URL"),
        ("unix:///nonexistent/redis.sock", r"^cannot reach Redis at unix:///nonexistent/"),
    ],
)
def test_a_bad_or_unreachable_redis_is_one_line(url: str, message: str) -> None:
    with pytest.raises(UserError, match=message) as caught:
        connect(url)
    assert "\n" not in str(caught.value)
