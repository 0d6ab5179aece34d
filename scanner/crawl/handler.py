"""One browser for both http and https, and pages reused between navigations.

Scrapy builds one download handler per URL scheme, so the stock scrapy-playwright
handler would start two browsers with two cookie jars, and a cookie set over http
would be invisible on https pages. This subclass hands the same instance to both
schemes and closes it once.

It also keeps pages open between navigations (see scanner.crawl.page_pool): a page
goes back to the pool as soon as its download (render and capture) is over, so the
pages alive never outnumber the downloads in flight and scrapy-playwright's page
limit (PLAYWRIGHT_MAX_PAGES_PER_CONTEXT) is never waited on by an idle page. Requests
must set ``playwright_include_page`` so that scrapy-playwright does not close them.

A page's navigation ends as soon as its document fails (scanner.crawl.fail_fast), and
each request is stamped with the moment its download really starts (after any wait for
a page slot), so that durations never include time spent queued.
"""

from __future__ import annotations

import time
from typing import Any

from playwright.async_api import Page
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from scanner.crawl.fail_fast import unless_the_document_fails
from scanner.crawl.page_pool import PagePool

_INSTANCE_ATTRIBUTE = "_scanner_shared_playwright_handler"
RECORDER_META = "scanner_recorder"
"""Request meta key of the page's recorder, which the page's leaving completes."""
DOWNLOAD_STARTED_META = "scanner_download_started"
"""Request meta key: time.monotonic() when the download started, queue time excluded."""
DOWNLOAD_FAILED_META = "scanner_download_failed"
"""Request meta key: time.monotonic() when the page's download failed (leaving the page
afterwards is not part of the failure's duration)."""


class SharedBrowserHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, one instance per crawler."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedBrowserHandler:
        handler = getattr(crawler, _INSTANCE_ATTRIBUTE, None)
        if handler is None:
            handler = cls(crawler)
            setattr(crawler, _INSTANCE_ATTRIBUTE, handler)
        return handler

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.page_pool = PagePool()

    async def _create_page(self, request: Request, spider: Any) -> Page:
        wrapper = self.context_wrappers.get(request.meta.get("playwright_context", "default"))
        page = self.page_pool.take(wrapper.context) if wrapper is not None else None
        return page if page is not None else await super()._create_page(request, spider)

    async def download_request(self, request: Request) -> Response:
        request.meta[DOWNLOAD_STARTED_META] = time.monotonic()
        return await super().download_request(request)

    async def _download_request_with_page(
        self, request: Request, page: Page, spider: Any
    ) -> Response:
        request.meta[DOWNLOAD_STARTED_META] = time.monotonic()  # the page slot is ours
        recorder = request.meta.get(RECORDER_META)
        try:
            download = super()._download_request_with_page(request, page, spider)
            if recorder is None:
                return await download
            return await unless_the_document_fails(download, recorder)
        except BaseException:
            request.meta[DOWNLOAD_FAILED_META] = time.monotonic()  # before the page is left
            raise
        finally:
            request.meta.pop("playwright_page", None)
            await self.page_pool.give_back(page, request.meta.get(RECORDER_META))

    async def close(self) -> Any:
        if getattr(self, "_closed_once", False):
            return None
        self._closed_once = True
        return await super().close()
