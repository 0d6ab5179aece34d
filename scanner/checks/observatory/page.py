"""A :class:`Site` from one page of a scan result (``scan.json``).

The crawl renders pages in a browser; it does not repeat the Observatory's retrieval, so
some inputs are missing and the tests that need them are not run (see the report's
``not_run``):

- redirection runs only for a page requested at an ``http://`` address (its redirect chain
  is the route);
- cross-origin-resource-sharing needs a CORS preflight, which the crawl never sends;
- subresource-integrity needs the page's HTML as served (``document_html``), which the
  capture does not keep today.

Cookies are those the page's own document responses (its redirect chain included) set with
Set-Cookie, as in the Observatory's cookie jar; meta policies come from the capture.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .exchange import Headers, Hop, JarCookie, Response, Site
from .html import read_html


def site_from_page(page: dict[str, Any]) -> Site:
    final_url = page.get("final_url") or page["url"]
    try:
        parts = urlsplit(final_url)
        first_scheme = urlsplit(page["url"]).scheme.lower()
    except ValueError:
        parts, first_scheme = urlsplit(""), ""
    final = Response(
        url=final_url,
        status=page.get("status") or 0,
        headers=Headers(page.get("response_headers") or []),
    )
    https = final if parts.scheme.lower() == "https" else None
    redirects = page.get("redirects") or []
    route = None
    if first_scheme == "http":
        hops = [Hop(hop["url"], hop.get("status") or 0) for hop in redirects]
        route = (*hops, Hop(final_url, final.status))
    html = page.get("document_html")
    facts = read_html(html) if isinstance(html, str) else None
    meta_csp = tuple(
        policy["value"]
        for policy in page.get("csp_policies") or []
        if policy.get("source") == "meta" and policy.get("disposition") == "enforce"
    )
    return Site(
        hostname=(parts.hostname or "").lower(),
        https=https,
        http=final if https is None or route is not None else None,
        http_redirects=route,
        cookies=_document_cookies(page, {final_url, *(hop["url"] for hop in redirects)}),
        scripts=tuple(facts.scripts) if facts is not None else None,
        meta_csp=meta_csp,
        meta_referrer=page.get("meta_referrer") or None,
    )


def _document_cookies(page: dict[str, Any], document_urls: set[str]) -> tuple[JarCookie, ...]:
    jar: dict[tuple[str, str, str], JarCookie] = {}
    for cookie in page.get("cookies") or []:
        if cookie.get("source") != "header" or cookie.get("set_by_url") not in document_urls:
            continue
        if cookie.get("deletion") or cookie.get("probe"):
            continue
        same_site = (cookie.get("same_site") or "").lower() or None
        key = (cookie["name"], cookie.get("domain") or "", cookie.get("path") or "/")
        jar[key] = JarCookie(
            name=cookie["name"],
            secure=bool(cookie.get("secure")),
            http_only=bool(cookie.get("http_only")),
            same_site=same_site if same_site in ("strict", "lax", "none") else None,
        )
    return tuple(jar.values())
