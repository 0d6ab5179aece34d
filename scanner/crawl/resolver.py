"""Name resolution for the crawler's own (non-browser) requests, honouring the host map.

The browser gets the same map through --host-resolver-rules, so robots.txt, sitemaps
and non-HTML files are fetched from the same addresses as the rendered pages.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

from scanner.domains import host_matches

HOST_MAP_SETTING = "SCANNER_HOST_MAP"


class HostMapResolver(CachingThreadedResolver):
    host_map: dict[str, str]

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> HostMapResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.host_map = dict(crawler.settings.getdict(HOST_MAP_SETTING))
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        for pattern, address in self.host_map.items():
            if host_matches(name, pattern):
                return defer.succeed(address)
        return super().getHostByName(name, timeout)
