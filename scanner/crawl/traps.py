"""The crawler-trap guard: which found URLs are a trap's endless output, not pages.

A trap is recognised by its shape and its growth, never by a single number:

- **Shape.** Each URL is reduced to a shape: host, path with dates and long ids folded,
  query keys without their values. Dates are recognised by calendar shape only:
  ``2023-11-05``, ``2023_11``, ``2023.11.05`` (valid month and day), a year segment
  followed by a valid month segment (``/2023/11/`` and ``/2023/11/05/``), and compact
  ``20231105`` / ``202311`` only right after a calendar word (``/events/20231105``;
  :data:`DATE_WORDS`). A bare year (``/p/1999``) or a number that merely starts with 19
  or 20 (``/order/20231105``, ``/product/201512``) is content, not a date. At most
  ``max_per_pattern`` pages of one shape are admitted.
- **Growth.** A link whose number-folded shape equals that of the page it was found on,
  or extends it by one number segment (``/n/1`` linking ``/n/2``; ``/tree/1`` linking
  ``/tree/1/2``), is grown out of that page: one generation more than that page. A chain
  of more than ``max_growth_chain`` generations (each page generating the next) is a
  trap. Counting generations, not URLs, leaves wide sites alone: a listing linking
  hundreds of products, or product pages linking related products, grow wide and
  shallow (a binary tree of 100,000 pages is 17 generations deep), a generator grows
  one generation per page.
- **Pathological paths.** More than ``max_numeric_run`` number segments in a row, or one
  segment repeated more than ``max_segment_repeats`` times (``/a/b/a/b/a/b/a/b``,
  the output of a broken relative link), is a trap at once.

URLs a sitemap lists are never trapped (the site's owner says they are pages) and do
not use up any shape's budget.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

DATE_WORDS = frozenset(
    (
        "agenda",
        "archive",
        "archives",
        "cal",
        "calendar",
        "date",
        "dates",
        "day",
        "days",
        "diary",
        "event",
        "events",
        "schedule",
    )
)
"""Path segments after which a compact date (20231105, 202311) is read as a date."""

DATE = "{date}"
ID = "{id}"
NUMBER = "{#}"

_YEAR = re.compile(r"^(19|20)\d\d$")
_MONTH_OR_DAY = re.compile(r"^\d{1,2}$")
_SEPARATED_DATE = re.compile(r"^((?:19|20)\d\d)([-_.])(\d{1,2})(?:\2(\d{1,2}))?$")
_COMPACT_DATE = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)?$")
_LONG_ID = re.compile(
    r"^([0-9a-f]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TrapLimits:
    max_per_pattern: int = 20
    max_growth_chain: int = 20
    max_numeric_run: int = 5
    max_segment_repeats: int = 3

    @classmethod
    def from_settings(cls, settings: Any) -> TrapLimits:
        """The limits of a scan's settings (``max_per_pattern`` and the ``trap_*``)."""
        return cls(
            max_per_pattern=settings.max_per_pattern,
            max_growth_chain=settings.trap_max_growth_chain,
            max_numeric_run=settings.trap_max_numeric_run,
            max_segment_repeats=settings.trap_max_segment_repeats,
        )


def is_valid_date(year: int, month: int, day: int = 1) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _separated_date(segment: str) -> bool:
    match = _SEPARATED_DATE.match(segment)
    if match is None:
        return False
    year, _, month, day = match.groups()
    return is_valid_date(int(year), int(month), int(day or 1))


def _compact_date(segment: str, previous: str | None) -> bool:
    match = _COMPACT_DATE.match(segment)
    if match is None or (previous or "").lower() not in DATE_WORDS:
        return False
    year, month, day = match.groups()
    return is_valid_date(int(year), int(month), int(day or 1))


def fold_path(segments: list[str]) -> list[str]:
    """The path's segments with dates and long ids replaced by placeholders."""
    folded = list(segments)
    index = 0
    while index < len(segments):
        span = _date_span(segments, index)
        if span:
            folded[index : index + span] = [DATE] * span
            index += span
            continue
        if _LONG_ID.match(segments[index]):
            folded[index] = ID
        index += 1
    return folded


def _date_span(segments: list[str], index: int) -> int:
    """How many segments from ``index`` spell a date: 1 for ``2023-11-05`` (or a compact
    date after a calendar word), 2 or 3 for ``/2023/11[/05]``, 0 for anything else (a
    year alone is not a date)."""
    segment = segments[index]
    previous = segments[index - 1] if index else None
    if _separated_date(segment) or _compact_date(segment, previous):
        return 1
    parts = segments[index : index + 3]
    if len(parts) < 2 or not _YEAR.match(parts[0]) or not _MONTH_OR_DAY.match(parts[1]):
        return 0
    year, month = int(parts[0]), int(parts[1])
    if not is_valid_date(year, month):
        return 0
    day = parts[2] if len(parts) == 3 else ""
    return 3 if _MONTH_OR_DAY.match(day) and is_valid_date(year, month, int(day)) else 2


def _query_keys(query: str) -> list[str]:
    keys = {token.partition("=")[0] for token in query.split("&") if token}
    return sorted(keys)


def url_shape(url: str) -> str:
    """The shape a calendar, a session-id path or a faceted search repeats without end:
    host, path with dates and long ids folded, query keys without values."""
    parts = urlsplit(url)
    shape = parts.netloc + "/".join(fold_path(parts.path.split("/")))
    keys = _query_keys(parts.query)
    return f"{shape}?{'&'.join(keys)}" if keys else shape


@dataclass(frozen=True)
class _NumberShape:
    """A URL's shape with every number folded too: what a generated sequence keeps."""

    host: str
    segments: tuple[str, ...]
    keys: tuple[str, ...]

    @classmethod
    def of(cls, url: str) -> _NumberShape:
        parts = urlsplit(url)
        segments = [s for s in fold_path(parts.path.split("/")) if s]
        folded = tuple(NUMBER if s.isdigit() or s == DATE else s for s in segments)
        return cls(parts.netloc, folded, tuple(_query_keys(parts.query)))

    def grows_out_of(self, parent: _NumberShape) -> bool:
        """Whether a URL of this shape, found on a page of ``parent``'s shape, is that
        page's next step: the same shape, or one more number segment."""
        if (self.host, self.keys) != (parent.host, parent.keys) or NUMBER not in self.segments:
            return False
        if self.segments == parent.segments:
            return True
        return bool(parent.segments) and self.segments == (*parent.segments, NUMBER)


def pathological(url: str, limits: TrapLimits) -> bool:
    """Whether the path alone shows a trap: too many numbers in a row, or a segment
    repeated too often."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    run = longest = 0
    for segment in segments:
        run = run + 1 if segment.isdigit() else 0
        longest = max(longest, run)
    if longest > limits.max_numeric_run:
        return True
    repeats = Counter(segments)
    return bool(repeats) and max(repeats.values()) > limits.max_segment_repeats


class TrapGuard:
    """Counts admitted URLs per shape and the generations of each grown chain, and says
    which found URL would be a trap's output."""

    def __init__(self, limits: TrapLimits) -> None:
        self.limits = limits
        self._per_shape: Counter[str] = Counter()
        self._generation: dict[str, int] = {}
        """Admitted URL -> how many pages in a row, ending with it, grew each out of the
        one before (0: it did not grow out of the page it was found on)."""

    def is_trap(self, url: str, found_on: str | None) -> bool:
        if pathological(url, self.limits):
            return True
        if self._per_shape[url_shape(url)] >= self.limits.max_per_pattern:
            return True
        return self._generation_of(url, found_on) > self.limits.max_growth_chain

    def count(self, url: str, found_on: str | None) -> None:
        """An admitted URL found on ``found_on`` (a page URL, or None)."""
        self._per_shape[url_shape(url)] += 1
        generation = self._generation_of(url, found_on)
        if generation:
            self._generation[url] = generation

    def _generation_of(self, url: str, found_on: str | None) -> int:
        if not found_on:
            return 0
        if not _NumberShape.of(url).grows_out_of(_NumberShape.of(found_on)):
            return 0
        return self._generation.get(found_on, 0) + 1
