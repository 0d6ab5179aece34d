"""URL normalisation, de-duplication keys and trap patterns."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.IGNORECASE)
# Path segments that vary without end: dates and years (calendars, archives), long hex
# strings and UUIDs (session and tracking ids). Plain numbers are left alone: they are
# usually real, finite content such as /products/123.
_VARIABLE_SEGMENT = re.compile(
    r"^((19|20)\d\d([-_/.]?\d\d){0,2}|[0-9a-f]{16,}"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
    re.IGNORECASE,
)

_DAY_OR_MONTH = re.compile(r"^\d{1,2}$")


def normalise(url: str, strip_parameters: list[str]) -> str:
    """The URL to fetch: lower-case scheme and host, no default port, no fragment,
    no tracking or session parameters, query parameters sorted.

    Raises ValueError for a URL that cannot be fetched (such as an invalid port).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _PATH_SESSION.sub("", parts.path) or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_stripped(key, strip_parameters)
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def dedup_key(url: str) -> str:
    """Two normalised URLs with the same key are the same page (trailing slash ignored)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def trap_pattern(url: str) -> str:
    """The shape of a URL: dates and ids in the path folded, query keys without values.

    Endless calendars (?month=...), session-id paths and faceted query explosions all
    produce many URLs of one shape; capping pages per shape stops them.
    """
    parts = urlsplit(url)
    segments: list[str] = []
    for segment in parts.path.split("/"):
        after_date = bool(segments) and segments[-1] == "{n}"
        variable = _VARIABLE_SEGMENT.match(segment) or (after_date and _DAY_OR_MONTH.match(segment))
        segments.append("{n}" if variable else segment)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    shape = f"{parts.netloc}{'/'.join(segments)}"
    return f"{shape}?{'&'.join(keys)}" if keys else shape


def _is_stripped(key: str, patterns: list[str]) -> bool:
    lowered = key.lower()
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in patterns)
