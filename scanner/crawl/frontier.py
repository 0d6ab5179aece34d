"""Which discovered URLs become pages to visit, and why the others do not."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from scanner.config import ScanSettings
from scanner.crawl.traps import TrapGuard, TrapLimits
from scanner.crawl.urls import dedup_key, normalise
from scanner.domains import host_matches, registrable_domain

MAX_RECORDED_SKIPS = 5000


@dataclass(frozen=True)
class SkippedUrl:
    url: str
    reason: str
    """robots, max-depth, max-pages, trap, excluded, out-of-scope."""
    found_on: str | None


class Frontier:
    """Scope, normalisation, de-duplication and the crawl's limits, in one place."""

    def __init__(self, start_url: str, settings: ScanSettings) -> None:
        self.settings = settings
        self.site = registrable_domain(urlsplit(start_url).hostname or "")
        self.start_url = normalise(start_url, settings.strip_parameters)
        self._seen: set[str] = set()
        self.traps = TrapGuard(TrapLimits.from_settings(settings))
        self._trapped: set[str] = set()
        """Keys of URLs skipped as traps: a sitemap listing one later still admits it."""
        self.admitted_urls: list[str] = []
        self.skipped: list[SkippedUrl] = []
        self.skip_counts: Counter[str] = Counter()
        self.external_hosts: Counter[str] = Counter()

    def scope_reason(self, url: str) -> str | None:
        """Why a URL is outside the audit's scope, or None if it is inside."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "not-http"
        host = parts.hostname
        s = self.settings
        if any(host_matches(host, pattern) for pattern in s.exclude_hosts):
            return "excluded"
        in_site = registrable_domain(host) == self.site
        if not in_site and not any(host_matches(host, pattern) for pattern in s.include_hosts):
            return "out-of-scope"
        path = parts.path or "/"
        if any(path.startswith(prefix) for prefix in s.exclude_paths):
            return "excluded"
        if s.include_paths and not any(path.startswith(prefix) for prefix in s.include_paths):
            return "excluded"
        return None

    def admit(self, url: str, depth: int, found_on: str | None, listed: bool = False) -> str | None:
        """The normalised URL if it should be visited now; else None (and why is recorded).

        ``listed``: a sitemap lists the URL. The trap guard never refuses such a URL, and
        one refused as a trap before (found by a link) is admitted after all.
        """
        try:
            url = normalise(url, self.settings.strip_parameters)
        except ValueError:  # e.g. a port that is not a number: nothing to fetch
            return None
        reason = self.scope_reason(url)
        if reason == "not-http":
            return None
        if reason == "out-of-scope":
            self.external_hosts[urlsplit(url).hostname or ""] += 1
            return None
        key = dedup_key(url)
        if key in self._seen and not (listed and key in self._trapped):
            return None
        if key in self._seen:
            self._unskip_trap(key)
        self._seen.add(key)
        if reason is None:
            reason = self._limit_reason(url, depth, found_on, listed)
        if reason is not None:
            self.skip(url, reason, found_on)
            if reason == "trap":
                self._trapped.add(key)
            return None
        self.admitted_urls.append(url)
        if not listed:
            self.traps.count(url, found_on)
        return url

    def _unskip_trap(self, key: str) -> None:
        self._trapped.discard(key)
        self.skip_counts["trap"] -= 1
        if not self.skip_counts["trap"]:
            del self.skip_counts["trap"]
        self.skipped = [
            s for s in self.skipped if not (s.reason == "trap" and dedup_key(s.url) == key)
        ]

    def mark_seen(self, url: str) -> bool:
        """Record a URL reached another way (a redirect target); True if it was new."""
        key = dedup_key(normalise(url, self.settings.strip_parameters))
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    @property
    def admitted(self) -> int:
        return len(self.admitted_urls)

    def release(self, url: str, reason: str, found_on: str | None) -> None:
        """An admitted URL turned out not to be visitable (robots.txt said no)."""
        if url in self.admitted_urls:
            self.admitted_urls.remove(url)
        self.skip(url, reason, found_on)

    def skip(self, url: str, reason: str, found_on: str | None) -> None:
        self.skip_counts[reason] += 1
        if len(self.skipped) < MAX_RECORDED_SKIPS:
            self.skipped.append(SkippedUrl(url=url, reason=reason, found_on=found_on))

    def _limit_reason(self, url: str, depth: int, found_on: str | None, listed: bool) -> str | None:
        """Depth, page count and (for URLs not listed by a sitemap) the trap guard."""
        if depth > self.settings.max_depth:
            return "max-depth"
        if self.admitted >= self.settings.max_pages:
            return "max-pages"
        if not listed and self.traps.is_trap(url, found_on):
            return "trap"
        return None
