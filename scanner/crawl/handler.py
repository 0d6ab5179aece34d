"""One browser for both http and https.

Scrapy builds one download handler per URL scheme, so the stock scrapy-playwright
handler would start two browsers with two cookie jars, and a cookie set over http
would be invisible on https pages. This subclass hands the same instance to both
schemes and closes it once.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

_INSTANCE_ATTRIBUTE = "_scanner_shared_playwright_handler"


class SharedBrowserHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, one instance per crawler."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedBrowserHandler:
        handler = getattr(crawler, _INSTANCE_ATTRIBUTE, None)
        if handler is None:
            handler = cls(crawler)
            setattr(crawler, _INSTANCE_ATTRIBUTE, handler)
        return handler

    async def close(self) -> Any:
        if getattr(self, "_closed_once", False):
            return None
        self._closed_once = True
        return await super().close()
