"""Admitted URLs that produced no page, each with its real reason.

A URL the frontier admitted is either visited (a page in the journal) or lost on the way:
refused before its request was made (too long for the crawler), dropped by a spider or
downloader middleware or by the scheduler without a word, or still queued when the crawl
stopped. Without this record each of them would be "not visited" with the crawl's own
finish reason, "finished" included, and the scan would pass for complete.
"""

from __future__ import annotations

from typing import Any

URL_TOO_LONG = "url-too-long"
DROPPED_BY_SPIDER_MIDDLEWARE = "dropped by a spider middleware"
DROPPED_BY_SCHEDULER = "dropped by the scheduler"
NO_RESULT = "no result"
"""Scheduled, the crawl finished, and no page came of it: a scanner bug if ever seen."""


class Losses:
    """What became of the page requests the spider made (connect :meth:`on_scheduled`
    and :meth:`on_dropped` to Scrapy's request_scheduled and request_dropped signals)."""

    def __init__(self) -> None:
        self._reasons: dict[str, str] = {}
        self._scheduled: set[str] = set()
        self._pages: set[str] = set()

    def expect(self, url: str) -> None:
        """A page request for ``url`` is about to be handed to Scrapy."""
        self._pages.add(url)

    def lost(self, url: str, reason: str) -> None:
        """``url`` will not be visited, for ``reason`` (the first reason given stays)."""
        self._reasons.setdefault(url, reason)

    def on_scheduled(self, request: Any, spider: Any) -> None:
        if request.url in self._pages:
            self._scheduled.add(request.url)

    def on_dropped(self, request: Any, spider: Any) -> None:
        if request.url in self._pages:
            self.lost(request.url, DROPPED_BY_SCHEDULER)

    def not_visited(
        self, admitted: list[str], visited: set[str], finish_reason: str
    ) -> list[dict[str, str]]:
        """Each admitted URL with no page, and why."""
        return [
            {"url": url, "reason": self._reason(url, finish_reason)}
            for url in admitted
            if url not in visited
        ]

    def _reason(self, url: str, finish_reason: str) -> str:
        if url in self._reasons:
            return self._reasons[url]
        if finish_reason != "finished":  # stopped before it was reached
            return finish_reason
        if url in self._pages and url not in self._scheduled:
            return DROPPED_BY_SPIDER_MIDDLEWARE
        return NO_RESULT
