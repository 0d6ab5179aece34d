"""The start host fetched the way the MDN HTTP Observatory's retriever fetches it.

The Observatory grades a host from a plain HTTP client's view, not a browser's:
``https://host/`` and ``http://host/``, each followed redirect by redirect (at most ten,
every response kept with its status and headers), the HTML of the graded page as served,
and a CORS preflight from a foreign origin to where the graded retrieval ended. A browser
shows none of that (it upgrades to HTTPS by itself, caches, and runs scripts before the
HTML can be read), so the spider sends these few requests through Scrapy's own downloader
beside the crawl: the scan's host map applies, robots.txt is obeyed, and no cookie of the
crawl is sent.

A start URL without a port is probed on the default ports, as the Observatory does; one
naming a port is probed on it for HTTPS, and over plain http only on the configured
``probe_http_port`` (which port serves http there cannot be guessed).

Beside the Observatory's retrievals, the probe fetches the site's Global Privacy Control
support resource once, ``/.well-known/gpc.json`` at the start URL's own origin (GPC
specification, section 3.3), and keeps its ``gpc`` and ``lastUpdate`` members or why it
could not be read.

Differences from the Observatory's retriever: the cookies a hop sets are not sent on the
next hop, robots.txt is not fetched for its cookies, and TLS certificates are not checked
here (the browser's verdict on the crawl's HTTPS pages is used instead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

CORS_ORIGIN = "https://cors-preflight.invalid"
"""The foreign origin of the preflight: a reserved name no site can own."""
MAX_REDIRECTS = 10
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_HTML_BYTES = 2 * 1024 * 1024
"""The graded page's HTML kept for the Subresource Integrity test; the rest is cut."""
MAX_DOWNLOAD_BYTES = 16 * 1024 * 1024
"""A larger answer is cancelled and recorded as an error (hostile sites send gigabytes)."""
MAX_ERROR_CHARS = 300
GPC_JSON_PATH = "/.well-known/gpc.json"
MAX_GPC_JSON_BYTES = 64 * 1024
"""The resource is a few dozen bytes; a larger answer is cancelled and recorded as an error."""
_MAX_LAST_UPDATE_CHARS = 100
_PRIORITY = 20  # before pages and support files: the probe is a handful of requests
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Retrieval:
    """One retrieval: the address asked for and every response on its way."""

    url: str
    hops: list[dict[str, Any]] = field(default_factory=list)
    """``{"url", "status", "headers"}`` per response, the final one last."""
    error: str | None = None
    html: str | None = None
    html_truncated: bool = False
    done: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "hops": self.hops,
            "error": self.error,
            "html": self.html,
            "html_truncated": self.html_truncated,
            "complete": self.done,
        }


@dataclass
class GpcJson:
    """The site's ``/.well-known/gpc.json``: what it claims, or why it could not be read."""

    retrieval: Retrieval
    gpc: bool | None = None
    last_update: str | None = None
    problem: str | None = None

    def read(self, response: Response) -> None:
        """Keep the final response's ``gpc`` and ``lastUpdate`` members."""
        if response.status != 200:
            self.problem = f"answered {response.status}, not 200"
            return
        try:
            claim = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            self.problem = f"not JSON: {_one_line(str(error))}"
            return
        if not isinstance(claim, dict):
            self.problem = f"not a JSON object but {type(claim).__name__}"
            return
        last_update = claim.get("lastUpdate")
        if isinstance(last_update, str):
            self.last_update = last_update[:_MAX_LAST_UPDATE_CHARS]
        gpc = claim.get("gpc")
        if isinstance(gpc, bool):
            self.gpc = gpc
        else:
            self.problem = "has no boolean gpc member"

    def as_json(self) -> dict[str, Any]:
        hops = self.retrieval.hops
        return {
            "url": hops[-1]["url"] if hops else self.retrieval.url,
            "status": hops[-1]["status"] if hops else None,
            "gpc": self.gpc,
            "last_update": self.last_update,
            "error": self.retrieval.error or self.problem,
            "complete": self.retrieval.done,
        }


class SiteProbe:
    """The Observatory's retrieval of one host, as Scrapy requests and their results."""

    def __init__(self, start_url: str, timeout_s: float, http_port: int = 0) -> None:
        parts = urlsplit(start_url)
        self.host = (parts.hostname or "").lower()
        authority = f"[{self.host}]" if ":" in self.host else self.host
        self.timeout_s = timeout_s
        port = parts.port
        self.https = Retrieval(f"https://{authority}{f':{port}' if port else ''}/")
        self.http: Retrieval | None = None
        if port is None or http_port:
            self.http = Retrieval(f"http://{authority}{f':{http_port}' if port else ''}/")
        self.preflight: Retrieval | None = None
        origin = f"{parts.scheme}://{authority}{f':{port}' if port else ''}"
        self.gpc_json = GpcJson(Retrieval(origin + GPC_JSON_PATH))

    def requests(self) -> list[scrapy.Request]:
        """The first request of each retrieval (the preflight follows the HTTPS one), then
        the GPC resource's."""
        retrievals = [self.https] if self.http is None else [self.https, self.http]
        requests = [self._request(retrieval, retrieval.url) for retrieval in retrievals]
        gpc = self.gpc_json.retrieval
        return [*requests, self._request(gpc, gpc.url, maxsize=MAX_GPC_JSON_BYTES)]

    def result(self) -> dict[str, Any]:
        """What the probe saw, for scan.json's ``site_probe``."""
        return {
            "host": self.host,
            "cors_origin": CORS_ORIGIN,
            "https": self.https.as_json(),
            "http": self.http.as_json() if self.http else None,
            "preflight": self.preflight.as_json() if self.preflight else None,
            "gpc_json": self.gpc_json.as_json(),
        }

    # -- requests --------------------------------------------------------------------

    def _request(
        self,
        retrieval: Retrieval,
        url: str,
        maxsize: int = MAX_DOWNLOAD_BYTES,
        **kwargs: Any,
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self._on_response,
            errback=self._on_error,
            cb_kwargs={"retrieval": retrieval},
            meta={
                "dont_redirect": True,
                "handle_httpstatus_all": True,
                "dont_merge_cookies": True,
                "dont_retry": True,
                "download_timeout": self.timeout_s,
                "download_maxsize": maxsize,
            },
            dont_filter=True,
            priority=_PRIORITY,
            **kwargs,
        )

    # -- callbacks -------------------------------------------------------------------

    def _on_response(self, response: Response, retrieval: Retrieval) -> list[scrapy.Request]:
        retrieval.hops.append(
            {"url": response.url, "status": response.status, "headers": _header_pairs(response)}
        )
        location = response.headers.get(b"Location")
        is_redirect = response.status in REDIRECT_STATUSES and location
        if retrieval is not self.preflight and is_redirect and len(retrieval.hops) <= MAX_REDIRECTS:
            target = urljoin(response.url, location.decode("latin-1").strip())
            if urlsplit(target).scheme in ("http", "https"):
                return [self._request(retrieval, target, **self._limits(retrieval))]
        retrieval.done = True
        if retrieval is self.gpc_json.retrieval:
            self.gpc_json.read(response)
        elif retrieval is not self.preflight:
            self._keep_html(retrieval, response)
        if retrieval is self.https:
            return [self._preflight(response.url)]
        return []

    def _limits(self, retrieval: Retrieval) -> dict[str, int]:
        return {"maxsize": MAX_GPC_JSON_BYTES} if retrieval is self.gpc_json.retrieval else {}

    def _on_error(self, failure: Failure) -> list[scrapy.Request]:
        retrieval: Retrieval = failure.request.cb_kwargs["retrieval"]  # type: ignore[attr-defined]
        first_line = _one_line(str(failure.value)) or type(failure.value).__name__
        retrieval.error = f"{type(failure.value).__name__}: {first_line}"[:MAX_ERROR_CHARS]
        retrieval.done = True
        if retrieval is self.https and retrieval.hops:  # failed on a later hop
            return [self._preflight(retrieval.hops[-1]["url"])]
        return []

    def _preflight(self, url: str) -> scrapy.Request:
        self.preflight = Retrieval(url)
        return self._request(
            self.preflight,
            url,
            method="OPTIONS",
            headers={"Origin": CORS_ORIGIN, "Access-Control-Request-Method": "GET"},
        )

    @staticmethod
    def _keep_html(retrieval: Retrieval, response: Response) -> None:
        media_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if not media_type.split(";")[0].strip().lower().startswith(_HTML_TYPES):
            return
        body = response.body
        retrieval.html_truncated = len(body) > MAX_HTML_BYTES
        retrieval.html = body[:MAX_HTML_BYTES].decode("utf-8", "replace")


def _header_pairs(response: Response) -> list[list[str]]:
    """Header lines as sent, decoded as Latin-1 like the Observatory's Node.js client."""
    return [
        [name.decode("latin-1"), value.decode("latin-1")]
        for name, values in response.headers.items()
        for value in values
    ]


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0][:MAX_ERROR_CHARS] if lines else ""
