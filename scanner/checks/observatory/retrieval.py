"""A :class:`Site` from what an Observatory-style retrieval collected.

This is the form the Observatory's own retriever gathers (and the parity tests use): the
final HTTPS and HTTP responses, the route from ``http://host/``, the CORS preflight's
answer, every Set-Cookie line the session saw with the URL that sent it, and the body of
the graded response. Meta policies are read from that body only when the response says it
is HTML, as the Observatory does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .cookies import jar_from_set_cookie
from .exchange import CorsResponse, Headers, Hop, Response, Site
from .html import is_html, read_html


@dataclass(frozen=True)
class CookieWrite:
    url: str
    lines: tuple[str, ...]


def site_from_retrieval(
    hostname: str,
    https: Response | None,
    http: Response | None = None,
    *,
    http_redirects: Sequence[Hop] | None = None,
    cors: CorsResponse | None = None,
    cors_observed: bool = False,
    cookie_writes: Sequence[CookieWrite] | None = None,
    html: str | None = None,
) -> Site:
    auto = https if https is not None else http
    facts = read_html(html) if html is not None else None
    with_meta = facts is not None and auto is not None and bool(html)
    with_meta = with_meta and is_html(auto.headers.first("content-type"))
    jar = (
        jar_from_set_cookie((write.url, write.lines) for write in cookie_writes)
        if cookie_writes is not None
        else None
    )
    return Site(
        hostname=hostname.lower(),
        https=https,
        http=http,
        http_redirects=tuple(http_redirects) if http_redirects is not None else None,
        cors=cors,
        cors_observed=cors_observed or cors is not None,
        cookies=jar,
        scripts=tuple(facts.scripts) if facts is not None else None,
        meta_csp=tuple(facts.meta_csp) if with_meta and facts else (),
        meta_referrer=facts.meta_referrer if with_meta and facts else None,
    )


def response(url: str, headers: Sequence[Sequence[str]], status: int = 200) -> Response:
    """A verified response (a convenience for callers holding plain header pairs)."""
    return Response(url=url, status=status, headers=Headers(headers))
