"""The crawl's decisions, logged as they are made, so that a killed crawl can go on.

The log is append-only JSON lines, flushed after every line, so a kill -9 loses at most
the line being written (a torn last line, skipped on reading and cut off before the log
is appended to again). It records *calls*, not results: every call that changes a
:class:`~scanner.crawl.frontier.Frontier` (admit, mark_seen, release, skip) with its
arguments. The frontier is deterministic, so calling the same methods with the same
arguments on a fresh frontier rebuilds its state exactly (seen set, trap counters,
admitted URLs, skips, external hosts), whatever that state holds now or later.

Beside those calls the spider logs which links it follows and how (``follow``: the
``via`` of the admissions that come next) and which robots.txt and sitemap files it
asked for and finished with, so that a resumed crawl fetches only those not done.

Ordering invariant the resume relies on: a page's links are admitted (and logged here)
before the page itself is written to the page journal, so a page found finished there
has had all its links recorded.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scanner.config import ScanSettings
from scanner.crawl.frontier import Frontier

JOURNALED_METHODS = ("admit", "mark_seen", "release", "skip")
"""The Frontier methods that change its state; a new one must be added here."""
READ_ONLY_METHODS = ("scope_reason",)
"""The Frontier's other public methods: they change nothing."""

_ADMIT = inspect.signature(Frontier.admit)
_CALL = "call"
_FOLLOW = "follow"
_SUPPORT_QUEUED = "support-queued"
_SUPPORT_DONE = "support-done"
_RUN = "run"
_INTERRUPTED = "interrupted"
ROBOTS = "robots"
SITEMAP = "sitemap"


def read_events(path: Path) -> Iterator[dict[str, Any]]:
    """The log's events in order; a torn or unreadable line is skipped."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(event, dict):
                yield event


def cut_torn_tail(path: Path) -> None:
    """Drop a last line without its newline (a write cut short by a kill), so that the
    next line appended is not glued to it."""
    if not path.exists():
        return
    with path.open("rb+") as log:
        size = log.seek(0, os.SEEK_END)
        if size == 0:
            return
        log.seek(size - 1)
        if log.read(1) == b"\n":
            return
        keep, position = 0, size
        while position > 0 and not keep:
            step = min(65536, position)
            position -= step
            log.seek(position)
            chunk = log.read(step)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = position + newline + 1
        log.truncate(keep)


class CrawlLog:
    """Appends events to the log file, one flushed JSON line each."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        cut_torn_tail(path)
        self.path = path
        self._file: IO[str] | None = path.open("a", encoding="utf-8")

    def record(self, event: str, **fields: Any) -> None:
        if self._file is None:
            return
        self._file.write(json.dumps({"e": event, **fields}, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class JournaledFrontier(Frontier):
    """A Frontier that logs every state-changing call made on it from outside.

    Calls the frontier makes on itself (admit calling skip) are not logged: replaying
    the outer call makes them again.
    """

    def __init__(self, start_url: str, settings: ScanSettings, log: CrawlLog | None) -> None:
        super().__init__(start_url, settings)
        self.log = log
        self._depth = 0

    # Arguments pass through as they are: the log holds whatever a call was given.
    def admit(self, *args: Any, **kwargs: Any) -> str | None:
        with self._logged("admit", args, kwargs):
            return super().admit(*args, **kwargs)

    def mark_seen(self, *args: Any, **kwargs: Any) -> bool:
        with self._logged("mark_seen", args, kwargs):
            return super().mark_seen(*args, **kwargs)

    def release(self, *args: Any, **kwargs: Any) -> None:
        with self._logged("release", args, kwargs):
            super().release(*args, **kwargs)

    def skip(self, *args: Any, **kwargs: Any) -> None:
        with self._logged("skip", args, kwargs):
            super().skip(*args, **kwargs)

    @contextmanager
    def _logged(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Iterator[None]:
        if self._depth == 0 and self.log is not None:
            self.log.record(_CALL, m=method, a=list(args), k=kwargs)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1


@dataclass(frozen=True)
class Admission:
    """How an admitted URL was found: what the spider needs to visit it."""

    url: str
    depth: int
    via: str
    found_on: str | None


@dataclass
class CrawlReplay:
    """What the log says about the crawl so far."""

    frontier: JournaledFrontier
    admissions: dict[str, Admission] = field(default_factory=dict)
    """Admitted URL (normalised) -> how it was found."""
    support_queued: dict[str, str] = field(default_factory=dict)
    """Support file URL -> ROBOTS or SITEMAP, for every one asked for."""
    support_done: set[str] = field(default_factory=set)
    """Support files whose response (or failure) was fully handled."""
    interrupted_at: str | None = None
    """When the last run got Ctrl-C or SIGTERM (UTC, ISO 8601); None if it was not told
    (a kill -9, a crash, a power cut)."""

    def support_outstanding(self) -> dict[str, str]:
        """Support files asked for but not finished with: to be asked for again."""
        return {u: kind for u, kind in self.support_queued.items() if u not in self.support_done}


class SpiderLog:
    """The spider's side of the log: links followed and support files asked for."""

    def __init__(self, log: CrawlLog) -> None:
        self.log = log

    def following(self, via: str) -> None:
        self.log.record(_FOLLOW, via=via)

    def support_queued(self, url: str, kind: str) -> None:
        self.log.record(_SUPPORT_QUEUED, url=url, kind=kind)

    def support_done(self, url: str) -> None:
        self.log.record(_SUPPORT_DONE, url=url)

    def run_started(self) -> None:
        self.log.record(_RUN)

    def interrupted(self, signal_name: str) -> None:
        at = datetime.now(UTC).isoformat(timespec="milliseconds")
        self.log.record(_INTERRUPTED, at=at, signal=signal_name)


def replay(path: Path, start_url: str, settings: ScanSettings) -> CrawlReplay:
    """Rebuild the crawl's state from the log at ``path`` (a missing log: a fresh one).

    The returned frontier logs nothing until given a log (``frontier.log = ...``).
    """
    frontier = JournaledFrontier(start_url, settings, log=None)
    state = CrawlReplay(frontier)
    via = "link"
    for event in read_events(path):
        kind = event.get("e")
        if kind == _CALL and event.get("m") in JOURNALED_METHODS:
            method, args, kwargs = event["m"], event.get("a", []), event.get("k", {})
            result = getattr(frontier, method)(*args, **kwargs)
            if method == "admit" and result:
                call = _ADMIT.bind(frontier, *args, **kwargs).arguments
                found_on = call["found_on"]
                how = "start" if found_on is None else via
                state.admissions[result] = Admission(result, call["depth"], how, found_on)
        elif kind == _FOLLOW:
            via = str(event.get("via", "link"))
        elif kind == _SUPPORT_QUEUED:
            state.support_queued[str(event["url"])] = str(event.get("kind", SITEMAP))
        elif kind == _SUPPORT_DONE:
            state.support_done.add(str(event["url"]))
        elif kind == _RUN:
            state.interrupted_at = None
        elif kind == _INTERRUPTED and state.interrupted_at is None:
            state.interrupted_at = str(event.get("at"))
    return state
