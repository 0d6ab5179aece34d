"""The shared frontier of a distributed crawl, kept in Redis: the pages waiting to be
visited, a lease on each page being visited, and the results waiting to be merged.

One coordinator decides which URLs become pages (the ordinary
:class:`~scanner.crawl.frontier.Frontier`, journaled as in a single-process scan) and
pushes each admitted page here as a *task*; workers claim tasks, render them and push
each page's result back; the coordinator merges results into the scan's page journal.

Nothing is lost when a worker dies, and nothing is recorded twice:

- a claim gives the worker a lease that runs out ``lease_ms`` later (Redis's own clock,
  so machines' clocks never matter); a live worker renews its leases every second, and
  :meth:`RedisFrontier.reap` puts a page whose lease ran out back at the head of the
  queue (a page that outlived :data:`MAX_ATTEMPTS` leases is given up, and the
  coordinator records it as not visited, with that reason);
- a result is accepted only once per page (the ``done`` set, checked and written in the
  same server-side script): the first worker to finish a page records it, and a worker
  whose lease ran out but finished after all is told its result was not needed.

Each step that touches several keys is one Lua script, so it is atomic on the server.

Keys, under ``scanner:<scan id>:``: ``queue`` (list of page keys; claims pop its tail),
``tasks`` (hash: key -> task JSON), ``deadlines`` (sorted set: key -> lease end, ms),
``owners`` (hash: key -> worker), ``attempts`` (hash: key -> leases given), ``done``
(set), ``results`` (list of result JSON). ``scanner:scan`` describes the scan being run.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import redis

from scanner.errors import UserError

SCAN_KEY = "scanner:scan"
RUNNING = "running"
FINISHED = "finished"
STOPPED = "stopped"
MAX_ATTEMPTS = 3
"""Leases a page may outlive (its worker died or hung each time) before it is given up:
a page that kills every browser that opens it must not stop the crawl."""
STALE_COORDINATOR_MS = 30_000
"""A scan whose coordinator has not been heard from for this long is not running."""
CONNECT_TIMEOUT_S = 5.0

_NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "

_CLAIM = (
    _NOW
    + """
local out = {}
while #out < tonumber(ARGV[3]) do
  local key = redis.call('RPOP', KEYS[1])
  if not key then break end
  if redis.call('SISMEMBER', KEYS[6], key) == 0 then
    redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), key)
    redis.call('HSET', KEYS[4], key, ARGV[1])
    redis.call('HINCRBY', KEYS[5], key, 1)
    table.insert(out, redis.call('HGET', KEYS[2], key))
  end
end
return out
"""
)
"""KEYS queue tasks deadlines owners attempts done; ARGV worker lease_ms count."""

_COMPLETE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[3], ARGV[1]) == false then
  redis.call('LREM', KEYS[4], 0, ARGV[1])
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('RPUSH', KEYS[5], ARGV[2])
return 1
"""
"""KEYS done deadlines owners queue results; ARGV key result. A page without an owner
went back to the queue after its lease ran out: it is taken out again."""

_RENEW = (
    _NOW
    + """
local renewed = 0
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then
    redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[i])
    renewed = renewed + 1
  end
end
return renewed
"""
)
"""KEYS deadlines owners; ARGV worker lease_ms key..."""

_REAP = (
    _NOW
    + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
local given_up = {}
local requeued = 0
for _, key in ipairs(expired) do
  redis.call('ZREM', KEYS[1], key)
  redis.call('HDEL', KEYS[2], key)
  if redis.call('SISMEMBER', KEYS[4], key) == 0 then
    if tonumber(redis.call('HGET', KEYS[5], key) or '0') >= tonumber(ARGV[1]) then
      redis.call('SADD', KEYS[4], key)
      table.insert(given_up, key)
    else
      redis.call('RPUSH', KEYS[3], key)
      requeued = requeued + 1
    end
  end
end
return {requeued, given_up}
"""
)
"""KEYS deadlines owners queue done attempts; ARGV max_attempts."""


@dataclass(frozen=True)
class PageTask:
    """A page to visit, with how the crawl found it: all a worker needs."""

    key: str
    """The admitted (normalised) URL: the frontier admits each page once."""
    depth: int
    via: str
    found_on: str | None

    @property
    def url(self) -> str:
        return self.key

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> PageTask:
        data = json.loads(text)
        return cls(str(data["key"]), int(data["depth"]), str(data["via"]), data["found_on"])


@dataclass(frozen=True)
class ScanDescription:
    """The scan the workers serve, as the coordinator published it."""

    scan_id: str
    start_url: str
    settings: dict[str, Any]
    lease_ms: int
    state: str
    heartbeat_age_ms: int
    """How long ago the coordinator last said it was alive."""


@dataclass(frozen=True)
class Reaped:
    requeued: int
    given_up: list[str]


def connect(url: str) -> redis.Redis:
    """A client of the Redis at ``url`` that has answered a PING; UserError (one line)
    for a URL that is not a Redis URL or a server that cannot be reached."""
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=30
        )
        client.ping()
    except ValueError as error:
        raise UserError(
            f"--redis {url!r} is not a Redis URL ({error}); write it as "
            "redis://HOST:PORT/DB or unix:///path/to/redis.sock"
        ) from None
    except redis.RedisError as error:
        raise UserError(f"cannot reach Redis at {url}: {_one_line(error)}") from None
    return client


class RedisFrontier:
    """The queue, leases and results of one scan (``scan_id``) in Redis."""

    def __init__(self, client: redis.Redis, scan_id: str, lease_ms: int) -> None:
        self.client = client
        self.scan_id = scan_id
        self.lease_ms = lease_ms
        prefix = f"scanner:{scan_id}:"
        self.keys = {
            name: prefix + name
            for name in ("queue", "tasks", "deadlines", "owners", "attempts", "done", "results")
        }
        self._claim = client.register_script(_CLAIM)
        self._complete = client.register_script(_COMPLETE)
        self._renew = client.register_script(_RENEW)
        self._reap = client.register_script(_REAP)

    # -- the scan ------------------------------------------------------------------

    @classmethod
    def publish(
        cls,
        client: redis.Redis,
        start_url: str,
        settings: dict[str, Any],
        lease_ms: int,
        scan_id: str | None = None,
    ) -> RedisFrontier:
        """Start a new scan in this Redis (removing what a finished or abandoned one
        left); UserError when another coordinator is running a scan there."""
        current = ensure_free(client)
        if current is not None:
            cls(client, current.scan_id, current.lease_ms).remove()
        frontier = cls(client, scan_id or new_scan_id(), lease_ms)
        client.hset(
            SCAN_KEY,
            mapping={
                "id": frontier.scan_id,
                "start_url": start_url,
                "settings": json.dumps(settings, ensure_ascii=False),
                "lease_ms": lease_ms,
                "state": RUNNING,
            },
        )
        frontier.heartbeat()
        return frontier

    @classmethod
    def join(cls, client: redis.Redis) -> tuple[RedisFrontier, ScanDescription]:
        """The running scan a worker serves; UserError when there is none."""
        scan = read_scan(client)
        if scan is None:
            raise UserError(
                "no scan in this Redis: start one with scanner scan URL --redis URL "
                "(or give the worker --wait SECONDS to wait for it)"
            )
        if scan.state != RUNNING or scan.heartbeat_age_ms >= STALE_COORDINATOR_MS:
            state = scan.state if scan.state != RUNNING else "abandoned by its coordinator"
            raise UserError(f"the scan of {scan.start_url} in this Redis is {state}: nothing to do")
        return cls(client, scan.scan_id, scan.lease_ms), scan

    def heartbeat(self) -> None:
        """The coordinator is alive (stamped with the server's clock)."""
        seconds, micros = self.client.time()
        self.client.hset(SCAN_KEY, "heartbeat", seconds * 1000 + micros // 1000)

    def end(self, state: str) -> None:
        """The scan is over (FINISHED or STOPPED): its workers stop."""
        if read_scan(self.client) is not None and self._is_current():
            self.client.hset(SCAN_KEY, "state", state)

    def state(self) -> str:
        """The scan's state as a worker sees it: STOPPED once another scan replaced it
        or its coordinator went silent."""
        scan = read_scan(self.client)
        if scan is None or scan.scan_id != self.scan_id:
            return STOPPED
        if scan.state == RUNNING and scan.heartbeat_age_ms >= STALE_COORDINATOR_MS:
            return STOPPED
        return scan.state

    def remove(self) -> None:
        """Delete this scan's queue, leases and results, and its hosts' limits."""
        self.client.delete(*self.keys.values())
        hosts = list(self.client.scan_iter(match=f"scanner:{self.scan_id}:host:*", count=500))
        if hosts:
            self.client.delete(*hosts)

    def _is_current(self) -> bool:
        scan_id = self.client.hget(SCAN_KEY, "id")
        return scan_id is not None and scan_id.decode() == self.scan_id

    # -- the coordinator's side ----------------------------------------------------

    def push(self, tasks: Iterable[PageTask]) -> int:
        """Queue pages to visit, in order (the queue is first in, first out)."""
        pipe = self.client.pipeline(transaction=True)
        count = 0
        for task in tasks:
            pipe.hset(self.keys["tasks"], task.key, task.to_json())
            pipe.lpush(self.keys["queue"], task.key)
            count += 1
        if count:
            pipe.execute()
        return count

    def retry(self, task: PageTask) -> None:
        """Visit a page again although a result was accepted for it (its worker's
        browser went away under it): next in line."""
        pipe = self.client.pipeline(transaction=True)
        pipe.srem(self.keys["done"], task.key)
        pipe.hset(self.keys["tasks"], task.key, task.to_json())
        pipe.rpush(self.keys["queue"], task.key)
        pipe.execute()

    def take_results(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` results, oldest first, removed from Redis."""
        raw = self.client.lpop(self.keys["results"], limit) or []
        return [json.loads(item) for item in raw]

    def reap(self) -> Reaped:
        """Put pages whose lease ran out back in the queue (see the module's doc)."""
        k = self.keys
        requeued, given_up = self._reap(
            keys=[k["deadlines"], k["owners"], k["queue"], k["done"], k["attempts"]],
            args=[MAX_ATTEMPTS],
        )
        return Reaped(int(requeued), [key.decode() for key in given_up])

    def counts(self) -> dict[str, int]:
        """Pages queued, leased and finished, for progress lines and tests."""
        k = self.keys
        pipe = self.client.pipeline(transaction=False)
        pipe.llen(k["queue"]).zcard(k["deadlines"]).scard(k["done"])
        queued, leased, done = pipe.execute()
        return {"queued": queued, "leased": leased, "done": done}

    # -- a worker's side -----------------------------------------------------------

    def claim(self, worker: str, count: int) -> list[PageTask]:
        """Lease up to ``count`` pages to ``worker``."""
        k = self.keys
        raw = self._claim(
            keys=[k["queue"], k["tasks"], k["deadlines"], k["owners"], k["attempts"], k["done"]],
            args=[worker, self.lease_ms, count],
        )
        return [PageTask.from_json(item) for item in raw]

    def renew(self, worker: str, keys: Iterable[str]) -> int:
        """Extend ``worker``'s leases on ``keys`` (those it still holds)."""
        keys = list(keys)
        if not keys:
            return 0
        k = self.keys
        return int(
            self._renew(keys=[k["deadlines"], k["owners"]], args=[worker, self.lease_ms, *keys])
        )

    def complete(self, key: str, result: dict[str, Any]) -> bool:
        """Hand in a page's result; False when another worker's result for it was
        accepted first (this one is dropped)."""
        k = self.keys
        accepted = self._complete(
            keys=[k["done"], k["deadlines"], k["owners"], k["queue"], k["results"]],
            args=[key, json.dumps({"key": key, **result}, ensure_ascii=False)],
        )
        return bool(accepted)


def new_scan_id() -> str:
    return secrets.token_hex(8)


def ensure_free(client: redis.Redis) -> ScanDescription | None:
    """The scan this Redis last served, if it is over (or abandoned); UserError when its
    coordinator is still running it."""
    current = read_scan(client)
    alive = current is not None and current.heartbeat_age_ms < STALE_COORDINATOR_MS
    if current is not None and current.state == RUNNING and alive:
        raise UserError(
            f"this Redis already serves a running scan of {current.start_url} "
            f"(scan {current.scan_id}); wait for it, or give another database "
            "(redis://HOST:PORT/1)"
        )
    return current


def read_scan(client: redis.Redis) -> ScanDescription | None:
    """The scan described in this Redis, or None."""
    fields = {k.decode(): v.decode() for k, v in client.hgetall(SCAN_KEY).items()}
    if "id" not in fields:
        return None
    seconds, micros = client.time()
    now = seconds * 1000 + micros // 1000
    try:
        return ScanDescription(
            scan_id=fields["id"],
            start_url=fields["start_url"],
            settings=json.loads(fields["settings"]),
            lease_ms=int(fields["lease_ms"]),
            state=fields["state"],
            heartbeat_age_ms=now - int(fields.get("heartbeat", "0")),
        )
    except (KeyError, ValueError) as error:
        raise UserError(f"the scan description in this Redis is unreadable ({error})") from None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
