"""The Scrapy spider: walks the whole site and yields one PageResult per visited URL.

It knows how to find pages (links, sitemaps, redirects) and how to ask for a rendered,
captured page; it knows nothing of rules or reports.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from scrapy_playwright.page import PageMethod
from twisted.python.failure import Failure

from scanner.capture.failures import failure_reason
from scanner.capture.model import PageError, RedirectHop
from scanner.capture.recorder import CaptureLimits, PageRecorder, is_html
from scanner.capture.screenshots import Screenshots
from scanner.config import ScanSettings
from scanner.consent_states import BEFORE, PAGE_STATE
from scanner.crawl.fail_fast import DocumentFailed
from scanner.crawl.frontier import Frontier
from scanner.crawl.handler import DOWNLOAD_FAILED_META, DOWNLOAD_STARTED_META, RECORDER_META
from scanner.crawl.losses import URL_TOO_LONG, Losses
from scanner.crawl.settings import OUTPUT_DIR_SETTING
from scanner.crawl.site_probe import SiteProbe
from scanner.crawl.state_visits import StateVisit, StateVisits
from scanner.result.model import PageResult

NON_HTML_EXTENSIONS = frozenset(
    (
        "pdf",
        "zip",
        "gz",
        "tgz",
        "rar",
        "7z",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "avif",
        "ico",
        "bmp",
        "tif",
        "tiff",
        "mp3",
        "mp4",
        "m4a",
        "wav",
        "ogg",
        "webm",
        "mov",
        "avi",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "csv",
        "txt",
        "json",
        "xml",
        "rss",
        "atom",
        "css",
        "js",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "eot",
        "exe",
        "dmg",
        "apk",
        "iso",
    )
)
_NET_ERROR = re.compile(r"net::ERR_[A-Z0-9_]+")
_ROBOTS_REFUSAL = "Forbidden by robots.txt"
_TOO_MANY_REDIRECTS = "max redirections reached"
"""Scrapy's IgnoreRequest messages: RobotsTxtMiddleware's, RedirectMiddleware's."""
_DEPTH = "scanner_depth"
_FOUND = "scanner_found"
_STARTED = "scanner_started"
STATE_META = "scanner_consent_state"
"""Request meta key of a page visit in a consent state other than "before"."""


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, start_url: str, settings: ScanSettings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scan_settings = settings
        self.frontier = Frontier(start_url, settings)
        self.limits = CaptureLimits(
            max_body_bytes=settings.max_body_bytes,
            max_value_chars=settings.max_value_chars,
            min_dwell_ms=settings.min_dwell_ms,
            settle_quiet_ms=settings.settle_quiet_ms,
            settle_max_ms=settings.settle_max_ms,
        )
        self.state_visits = StateVisits([state for state in settings.consent if state != BEFORE])
        self._links = LinkExtractor(tags=("a", "area"), attrs=("href",), deny_extensions=())
        self._sitemaps_seen: set[str] = set()
        self.site_probe = SiteProbe(start_url, settings.timeout, settings.probe_http_port)
        self.losses = Losses()
        self.max_url_length = 0
        """Scrapy's URLLENGTH_LIMIT (0: none), applied here so that a URL too long for
        the crawler is reported as such instead of being dropped without a word."""
        self.screenshots: Screenshots | None = None
        """Set from the crawler's settings: None when screenshots are off or no output
        folder was given."""

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        out_dir = crawler.settings.get(OUTPUT_DIR_SETTING)
        limit = spider.scan_settings.screenshots
        if out_dir and limit > 0:
            spider.screenshots = Screenshots(Path(out_dir), limit)
        spider.max_url_length = crawler.settings.getint("URLLENGTH_LIMIT")
        crawler.signals.connect(spider.losses.on_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.losses.on_dropped, signal=signals.request_dropped)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        start = self.frontier.admit(self.frontier.start_url, 0, None)
        if start:
            for request in self._requests([start], depth=0, via="start", found_on=None):
                yield request
        for request in self.site_probe.requests():
            yield request
        if self.scan_settings.use_sitemap:
            origin = _origin(self.frontier.start_url)
            yield self._fetch_support_file(f"{origin}/robots.txt", self.parse_robots)
            yield self._fetch_sitemap(f"{origin}/sitemap.xml")

    # -- requests --------------------------------------------------------------------

    def _visit(
        self, url: str, depth: int, via: str, found_on: str | None, state: str = BEFORE
    ) -> scrapy.Request:
        meta: dict[str, Any] = {
            _DEPTH: depth,
            _FOUND: (via, found_on),
            _STARTED: time.monotonic(),
            "download_maxsize": 50 * 1024 * 1024,
        }
        if _extension(url) in NON_HTML_EXTENSIONS:
            return scrapy.Request(
                url, callback=self.parse_file, errback=self.on_error, meta=meta, dont_filter=True
            )
        if state != BEFORE:
            meta.update({STATE_META: state, "playwright_context": state})
        limits = dataclasses.replace(self.limits, consent_state=state)
        recorder = PageRecorder(limits, self.screenshots if state == BEFORE else None)
        meta.update(
            playwright=True,
            playwright_include_page=True,  # the handler's page pool keeps the page
            playwright_page_init_callback=recorder.attach,
            playwright_page_methods=[PageMethod(recorder.complete)],
            **{RECORDER_META: recorder},
        )
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.on_error, meta=meta, dont_filter=True
        )

    def _fetch_support_file(self, url: str, callback: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_support_file_error,
            meta={"dont_obey_robotstxt": True},
            dont_filter=True,
            priority=10,
        )

    def _fetch_sitemap(self, url: str) -> scrapy.Request | None:
        if url in self._sitemaps_seen:
            return None
        self._sitemaps_seen.add(url)
        return self._fetch_support_file(url, self.parse_sitemap)

    def _follow(self, urls: list[str], depth: int, via: str, found_on: str) -> list[Any]:
        listed = via == "sitemap"
        admitted = [self.frontier.admit(url, depth, found_on, listed) for url in urls]
        return self._requests([url for url in admitted if url], depth, via, found_on)

    def _requests(
        self, urls: list[str], depth: int, via: str, found_on: str | None
    ) -> list[scrapy.Request]:
        """The page requests for admitted URLs; a URL too long for the crawler is
        recorded as lost instead."""
        requests = []
        for url in urls:
            if self.max_url_length and len(url) > self.max_url_length:
                self.losses.lost(url, URL_TOO_LONG)
                continue
            self.losses.expect(url)
            requests.append(self._visit(url, depth, via, found_on))
        return requests

    def _state_requests(self, visits: list[StateVisit]) -> list[scrapy.Request]:
        """The page requests of other consent states' visitors."""
        return [
            self._visit(visit.url, visit.depth, visit.via, visit.found_on, visit.state)
            for visit in visits
        ]

    def not_visited(self, visited: set[str], finish_reason: str) -> list[dict[str, str]]:
        """The admitted URLs with no page, each with its reason."""
        return self.losses.not_visited(self.frontier.admitted_urls, visited, finish_reason)

    # -- callbacks -------------------------------------------------------------------

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        page = await self._rendered_page(response)
        state = response.meta.get(STATE_META)
        if state is not None:  # another state's visit: nothing to follow
            yield page
            for request in self._state_requests(self.state_visits.first_page_over(state)):
                yield request
            return
        requests = []
        if page.outcome == "rendered" and self.frontier.scope_reason(response.url) is None:
            links = [link.url for link in self._links.extract_links(response)]
            requests = self._follow(links, page.depth + 1, "link", page.url)
        yield page  # after its links are admitted: a resumed crawl relies on that order
        for request in requests:
            yield request
        if page.outcome == "rendered":
            banner = bool((page.capture.consent or {}).get("banner_shown"))
            visits = self.state_visits.page_found(
                page.url, page.depth, page.found_via, page.found_on, banner
            )
            for request in self._state_requests(visits):
                yield request

    async def _rendered_page(self, response: Response) -> PageResult:
        recorder: PageRecorder = response.meta[RECORDER_META]
        capture = await recorder.finish()  # finished as the page was left, as a rule
        page = self._page_result(response, outcome="rendered")
        page.capture = capture
        page.duration_ms = recorder.elapsed_ms()
        document = recorder.main_document()
        if document is not None and document.response is not None:
            page.status = document.response.status
            page.response_headers = document.response.headers
            page.content_type = document.response.mime_type
            page.size_bytes = document.response_body_bytes
            page.redirects = _redirect_chain(capture.requests, document.id)
        page.final_url = response.url
        if page.redirects:  # the target may be a page not yet known: it is visited now
            self.frontier.mark_seen(response.url)
        if not is_html(page.content_type):
            page.outcome = "not-html"
        elif page.status is not None and page.status >= 400:
            page.outcome = "failed"
            page.error = PageError(kind="http-status", message=f"HTTP {page.status}")
        page.tls = response.meta.get("playwright_security_details") or None
        page.screenshot = recorder.screenshot
        return page

    async def parse_file(self, response: Response) -> AsyncIterator[Any]:
        page = self._page_result(response, outcome="not-html")
        page.final_url = response.url
        page.status = response.status
        page.content_type = _decoded(response.headers.get("Content-Type"))
        page.size_bytes = len(response.body)
        page.response_headers = [
            [_decoded(name) or "", _decoded(value) or ""]
            for name, values in response.headers.items()
            for value in values
        ]
        page.redirects = _scrapy_redirects(response.meta, response.url)
        latency = response.meta.get("download_latency")
        if latency is not None:
            page.duration_ms = round(latency * 1000, 1)
        if response.status >= 400:
            page.outcome = "failed"
            page.error = PageError(kind="http-status", message=f"HTTP {response.status}")
        yield page

    async def on_error(self, failure: Failure) -> AsyncIterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        page = self._page_result(request, outcome="failed")
        state = request.meta.get(STATE_META)
        if failure.check(IgnoreRequest) and state is None:
            message = str(failure.value)
            if message.startswith(_ROBOTS_REFUSAL):
                self.frontier.release(page.url, "robots", page.found_on)
                return
            if message != _TOO_MANY_REDIRECTS:  # a redirect loop is a page that failed
                self.losses.lost(page.url, f"dropped by a downloader middleware: {message}")
                return
        page.error = describe_failure(failure.value)
        page.redirects = _scrapy_redirects(request.meta, request.url)
        recorder: PageRecorder | None = request.meta.get(RECORDER_META)
        if recorder is not None:
            page.capture = await recorder.finish()
            page.capture.capture_errors.append("the page did not finish loading: partial capture")
            page.screenshot = recorder.screenshot  # taken before the failure, if at all
            document = recorder.main_document()
            if document is not None:
                page.redirects = _redirect_chain(page.capture.requests, document.id)
        yield page
        if state is not None:
            for state_request in self._state_requests(self.state_visits.first_page_over(state)):
                yield state_request

    def parse_robots(self, response: Response) -> list[Any]:
        sitemaps = sitemap_urls_from_robots(response.text, base_url=response.url)
        return [request for url in sitemaps if (request := self._fetch_sitemap(url))]

    def parse_sitemap(self, response: Response) -> list[Any]:
        try:
            sitemap = Sitemap(response.body)
        except Exception:
            self.logger.warning("unreadable sitemap %s", response.url)
            return []
        locations = [entry["loc"] for entry in sitemap if entry.get("loc")]
        if sitemap.type == "sitemapindex":
            return [request for url in locations if (request := self._fetch_sitemap(url))]
        return self._follow(locations, 1, "sitemap", response.url)

    def on_support_file_error(self, failure: Failure) -> None:
        self.logger.info("no %s: %s", failure.request.url, failure.value)  # type: ignore[attr-defined]

    # -- helpers ---------------------------------------------------------------------

    def _page_result(self, response_or_request: Any, outcome: str) -> PageResult:
        meta = response_or_request.meta
        request_url = getattr(response_or_request, "request", response_or_request).url
        admitted_url = meta.get("redirect_urls", [request_url])[0]  # Scrapy's redirects
        via, found_on = meta[_FOUND]
        started = meta.get(DOWNLOAD_STARTED_META, meta[_STARTED])
        ended = meta.get(DOWNLOAD_FAILED_META) or time.monotonic()
        return PageResult(
            url=admitted_url,
            outcome=outcome,
            depth=meta[_DEPTH],
            found_via=via,
            found_on=found_on,
            visited_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            duration_ms=round((ended - started) * 1000, 1),
            consent_state=PAGE_STATE[meta.get(STATE_META, BEFORE)],
        )


def describe_failure(error: BaseException) -> PageError:
    """A page-level error in the scan result's vocabulary."""
    if isinstance(error, DocumentFailed):
        return PageError(kind=failure_reason(str(error)), message=str(error))
    if isinstance(error, IgnoreRequest):  # only a redirect loop reaches here
        return PageError(kind="other", message=f"too many redirects ({error})")
    if isinstance(error, PlaywrightTimeoutError):
        return PageError(kind="timeout", message=_first_line(str(error)))
    if isinstance(error, PlaywrightError):
        message = _first_line(error.message)
        if "crash" in message.lower():
            return PageError(kind="renderer-crash", message=message)
        network_error = _NET_ERROR.search(message)
        kind = failure_reason(network_error.group(0)) if network_error else "other"
        return PageError(kind=kind, message=message)
    name = type(error).__name__
    if "DNS" in name:
        return PageError(kind="dns", message=_first_line(str(error)))
    if "Timeout" in name:
        return PageError(kind="timeout", message=_first_line(str(error)))
    if "SSL" in name or "TLS" in name:
        return PageError(kind="tls", message=_first_line(str(error)))
    if "Connection" in name:
        return PageError(kind="connection", message=_first_line(str(error)))
    return PageError(kind="other", message=f"{name}: {_first_line(str(error))}")


def _redirect_chain(requests: list[Any], final_id: int) -> list[RedirectHop]:
    by_id = {request.id: request for request in requests}
    chain: list[RedirectHop] = []
    current = by_id.get(final_id)
    while current is not None and current.redirected_from is not None:
        previous = by_id.get(current.redirected_from)
        if previous is None:
            break
        status = previous.response.status if previous.response else 0
        chain.append(RedirectHop(url=previous.url, status=status, location=current.url))
        current = previous
    return list(reversed(chain))


def _scrapy_redirects(meta: dict[str, Any], final_url: str) -> list[RedirectHop]:
    """The redirects Scrapy followed (files fetched without the browser), in order."""
    urls = meta.get("redirect_urls", [])
    statuses = meta.get("redirect_reasons", [])
    hops = []
    for index, (url, status) in enumerate(zip(urls, statuses, strict=False)):
        location = urls[index + 1] if index + 1 < len(urls) else final_url
        hops.append(
            RedirectHop(url=url, status=status if isinstance(status, int) else 0, location=location)
        )
    return hops


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _decoded(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None


def _extension(url: str) -> str:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
