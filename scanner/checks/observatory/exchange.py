"""What the Observatory retrieves for a host, as plain data.

The Observatory fetches ``https://host/`` and ``http://host/`` (following and recording
redirects), sends a CORS preflight to the final address, and keeps the cookies its client
stored. :class:`Site` holds the same facts, however they were obtained (a crawl, a probe, a
test case). A field left ``None`` means "not observed": the tests that need it are not run.

Headers are read the way the Observatory's HTTP client (Node.js) presents them: names are
case-insensitive, a repeated header becomes one value joined with ", " (so
``X-Frame-Options: DENY`` sent twice reads "DENY, DENY" and is invalid), Set-Cookie stays a
list, and for the few headers Node.js allows only once (Content-Type among them) the first
one is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

# Node.js (lib/_http_incoming.js) drops repeats of these and keeps the first value.
_SINGLE_VALUE = frozenset(
    {
        "age",
        "authorization",
        "content-length",
        "content-type",
        "etag",
        "expires",
        "from",
        "host",
        "if-modified-since",
        "if-unmodified-since",
        "last-modified",
        "location",
        "max-forwards",
        "proxy-authorization",
        "referer",
        "retry-after",
        "server",
        "user-agent",
    }
)
SET_COOKIE = "set-cookie"


class Headers:
    """Response headers as sent (``[name, value]`` pairs, any case, possibly repeated).

    A newline inside a value separates repeated headers: Playwright's ``response.headers``
    (the capture's fallback) joins repeated headers that way.
    """

    def __init__(self, pairs: Iterable[Sequence[str]] = ()) -> None:
        self._lines: dict[str, list[str]] = {}
        for name, value in pairs:
            lines = self._lines.setdefault(name.strip().lower(), [])
            lines += [line.rstrip("\r") for line in value.split("\n")]

    def values(self, name: str) -> list[str]:
        """The values the Observatory reads for ``name`` (``getHttpHeaders``)."""
        lines = self._lines.get(name.lower(), [])
        if not lines or name.lower() == SET_COOKIE:
            return list(lines)
        if name.lower() in _SINGLE_VALUE:
            return lines[:1]
        return [", ".join(lines)]

    def first(self, name: str) -> str | None:
        """The first of those values (``getFirstHttpHeader``)."""
        values = self.values(name)
        return values[0] if values else None

    def pairs(self) -> list[list[str]]:
        """Every header line as ``[lower-case name, value]``."""
        return [[name, line] for name, lines in self._lines.items() for line in lines]


@dataclass(frozen=True)
class Response:
    """The final response of one retrieval (after its redirects were followed)."""

    url: str
    status: int
    headers: Headers
    verified: bool = True
    """False when the TLS certificate chain could not be verified on the way."""


@dataclass(frozen=True)
class Hop:
    """One step of a redirect chain: a URL requested and the status it answered with."""

    url: str
    status: int


@dataclass(frozen=True)
class CorsResponse:
    """The answer to a CORS preflight (``OPTIONS`` with an ``Origin`` header)."""

    headers: Headers
    origin: str | None
    """The Origin the preflight sent."""


@dataclass(frozen=True)
class JarCookie:
    """A cookie the retrieval's cookie jar kept, with the attributes the tests read."""

    name: str
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None
    """'strict', 'lax' or 'none'; None when absent or not one of those."""


@dataclass(frozen=True)
class ScriptElement:
    """A ``<script>`` element of the page's HTML as served (before any script ran)."""

    src: str | None
    """The src attribute as written; None when absent (an inline script)."""
    integrity: str | None = None
    crossorigin: str | None = None


@dataclass(frozen=True)
class Site:
    """Everything the tests read about one host."""

    hostname: str
    https: Response | None
    """Final response of ``https://host/``; None when HTTPS could not be reached."""
    http: Response | None = None
    """Final response of ``http://host/``; None when plain HTTP could not be reached."""
    http_redirects: tuple[Hop, ...] | None = None
    """The route from ``http://host/`` to its final response, that response included;
    None when ``http://host/`` was not requested (the redirection test is then not run)."""
    cors: CorsResponse | None = None
    cors_observed: bool = False
    """Whether a preflight was sent at all (``cors`` None and this True: no answer)."""
    cookies: tuple[JarCookie, ...] | None = None
    """The cookie jar after the retrieval; None when unknown."""
    scripts: tuple[ScriptElement, ...] | None = None
    """The page's script elements; None when the page's HTML is unknown."""
    meta_csp: tuple[str, ...] = ()
    """Content of each ``<meta http-equiv="Content-Security-Policy">``."""
    meta_referrer: str | None = None
    """Content of the last ``<meta name="referrer">``."""

    @property
    def auto(self) -> Response | None:
        """The response the header tests read: HTTPS when it answered, else HTTP."""
        return self.https if self.https is not None else self.http

    @property
    def session_scheme(self) -> str:
        """The scheme of the address the graded response was first requested at."""
        return "https" if self.https is not None else "http"


def hostname_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
