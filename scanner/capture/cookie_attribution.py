"""Turns cookie writes seen during one page view into cookie records.

Each write (a Set-Cookie header line or a document.cookie assignment) is one record:
who set it, what it asked for, and whether the browser's jar kept it. Attribution per
write, not by diffing the jar, keeps pages rendered at the same time apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.capture.cookies import CookieRequest, inferred_refusal_reasons, parse_cookie_line
from scanner.capture.model import CookieRecord


@dataclass(frozen=True)
class CookieWrite:
    raw: str
    url: str
    """The URL the cookie is set for: the response URL, or the document URL (script)."""
    source: str
    set_by_url: str | None
    set_by_request: int | None
    frame_url: str | None
    browser_blocked: list[dict[str, Any]] | None
    """DevTools' blockedCookies for the response, None where DevTools could not see it."""


def attribute_cookies(
    writes: list[CookieWrite], jar: list[dict[str, Any]] | None, now: float, max_chars: int
) -> list[CookieRecord]:
    """One record per write that names a cookie."""
    jar_index = {(c["name"], c["domain"], c["path"]): c for c in jar or []}
    records = []
    for write in writes:
        cookie = parse_cookie_line(write.raw, write.url, now)
        if cookie is None:
            continue
        reasons, reason_source = _refusal(write, cookie)
        # a refused write is not stored, even if the shared jar holds an older cookie
        stored_as = None if reasons else jar_index.get((cookie.name, cookie.domain, cookie.path))
        stored = stored_as is not None if jar is not None else not reasons
        records.append(
            _record(write, cookie, stored_as, stored, reasons, reason_source, now, max_chars)
        )
    return records


def _refusal(write: CookieWrite, cookie: CookieRequest) -> tuple[list[str], str | None]:
    if write.browser_blocked is not None:
        for blocked in write.browser_blocked:
            if blocked.get("cookieLine") == write.raw:
                return list(blocked.get("blockedReasons", [])), "browser"
        return [], None
    inferred = inferred_refusal_reasons(cookie, write.url)
    return inferred, "inferred" if inferred else None


def _record(
    write: CookieWrite,
    cookie: CookieRequest,
    stored_as: dict[str, Any] | None,
    stored: bool,
    reasons: list[str],
    reason_source: str | None,
    now: float,
    max_chars: int,
) -> CookieRecord:
    # Flags are what the site asked for (a missing SameSite stays None); the expiry is
    # what the browser stored, since Chromium caps lifetimes at 400 days.
    if stored_as is not None:
        stored_expiry = stored_as.get("expires", -1)
        session = stored_expiry is None or stored_expiry < 0
        expires = None if session else float(stored_expiry)
    else:
        session = cookie.lifetime_s is None
        expires = None if not stored or session else now + (cookie.lifetime_s or 0)
    return CookieRecord(
        name=cookie.name[:max_chars],
        value=cookie.value[:max_chars],
        domain=cookie.domain,
        host_only=cookie.host_only,
        path=cookie.path,
        source=write.source,
        set_by_url=write.set_by_url,
        set_by_request=write.set_by_request,
        frame_url=write.frame_url,
        raw=write.raw[:max_chars],
        secure=cookie.secure,
        http_only=cookie.http_only,
        same_site=cookie.same_site,
        partitioned=cookie.partitioned,
        session=session,
        expires=expires,
        requested_lifetime_s=cookie.lifetime_s,
        stored=stored,
        deletion=cookie.deletion,
        refused_reasons=reasons,
        refusal_source=reason_source,
    )
