"""URL normalisation and de-duplication keys.

The normalised URL is the one fetched, so it keeps the link's own bytes: query
parameters are kept as written (percent-encoded bytes that are not UTF-8, ``+``, ``/``
in values), only reordered and filtered.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import safe_url_string

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.IGNORECASE)


def normalise(url: str, strip_parameters: list[str]) -> str:
    """The URL to fetch: lower-case scheme and host, no default port, no fragment,
    no tracking or session parameters, query parameters sorted. Characters a URL cannot
    hold are escaped as the crawler's requests escape them (UTF-8, IDNA host), so the
    URL admitted is the URL requested.

    Raises ValueError for a URL that cannot be fetched (such as an invalid port).
    """
    parts = urlsplit(safe_url_string(url.strip()))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _PATH_SESSION.sub("", parts.path) or "/"
    return urlunsplit((scheme, netloc, path, _query(parts.query, strip_parameters), ""))


def _query(query: str, strip_parameters: list[str]) -> str:
    """The query's ``key=value`` pairs as written, sorted, without stripped keys."""
    pairs = [token.partition("=")[::2] for token in query.split("&") if token]
    kept = sorted((key, value) for key, value in pairs if not _is_stripped(key, strip_parameters))
    return "&".join(f"{key}={value}" for key, value in kept)


def dedup_key(url: str) -> str:
    """Two normalised URLs with the same key are the same page (trailing slash ignored)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _is_stripped(key: str, patterns: list[str]) -> bool:
    lowered = unquote_plus(key).lower()
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in patterns)
