"""Turns cookie writes seen during one page view into cookie records.

Each write (a Set-Cookie header line or a document.cookie assignment) is one record:
who set it, what it asked for, and what came of it. Attribution per write, not by
diffing the jar, keeps pages rendered at the same time apart.

Outcomes
    * ``stored``: the browser's jar kept it (the last word on it in this page view).
    * ``refused``: the browser would not store it; the reason is DevTools' for header
      cookies, inferred from the cookie rules for script writes (DevTools does not report
      those).
    * ``removed-by-script`` / ``removed-by-server``: stored, then deleted again by a
      later write of the same cookie (name, domain, path) in the same page view.
    * ``not-in-jar``: nothing refused it, but the jar, read once the page was left and
      shared by the pages in flight, did not hold it.
    * ``deleted``: a write whose only purpose is deletion (an expiry in the past).

A *probe* is what libraries do to find the widest domain a cookie may be set for: they
write a cookie at several domains, the browser refuses some, the one it keeps is
deleted at once. Writes their own writer removed again, and refused writes followed by
an accepted write of the same name from the same writer, are marked ``probe``: they are part of
looking for a place to store a cookie, not cookies the site keeps.

Header writes come first, in request order, then script writes in the order the page's
scripts made them; the order between the two groups is not known.

A header line is read from its bytes as the browser's jar reads it (UTF-8, see
scanner.capture.header_bytes), so names and values match the jar and DevTools' refusals;
the record's ``raw`` keeps every byte (as ``\\xNN`` where it is not UTF-8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scanner.capture.cookies import CookieRequest, inferred_refusal_reasons, parse_cookie_line
from scanner.capture.header_bytes import as_devtools_text, escaped, wire_bytes, without_surrogates
from scanner.capture.model import CookieRecord

CookieKey = tuple[str, str, str]


@dataclass(frozen=True)
class CookieWrite:
    raw: str
    """A Set-Cookie line as DevTools gives it (one character per byte, see
    scanner.capture.header_bytes), or the string a script assigned to document.cookie."""
    url: str
    """The URL the cookie is set for: the response URL, or the document URL (script)."""
    source: str
    set_by_url: str | None
    set_by_request: int | None
    frame_url: str | None
    browser_blocked: list[dict[str, Any]] | None
    """DevTools' blockedCookies for the response, None where DevTools could not see it."""


@dataclass(frozen=True)
class _Line:
    """A write's line as DevTools shows it, as the record keeps it, and how to parse it."""

    text: str
    kept: str
    wire: str
    """What is split into name, value and attributes: for a header, its bytes (one
    character each), each piece then decoded as the browser does."""
    decode: Callable[[str], str]

    @classmethod
    def of(cls, write: CookieWrite) -> _Line:
        data = wire_bytes(write.raw) if write.source == "header" else None
        if data is None:  # a script's string, or a header already decoded
            text = without_surrogates(write.raw)
            return cls(text, text, text, str)
        return cls(as_devtools_text(data), escaped(data), data.decode("latin-1"), _decoded_piece)


def _decoded_piece(piece: str) -> str:
    return as_devtools_text(piece.encode("latin-1"))


@dataclass(frozen=True)
class _Parsed:
    write: CookieWrite
    line: _Line
    cookie: CookieRequest
    reasons: list[str]
    reason_source: str | None

    @property
    def key(self) -> CookieKey:
        return (self.cookie.name, self.cookie.domain, self.cookie.path)

    @property
    def accepted(self) -> bool:
        return not self.reasons

    @property
    def writer(self) -> tuple[str, str | None, str | None]:
        return (self.write.source, self.write.set_by_url, self.write.frame_url)


@dataclass(frozen=True)
class _Outcome:
    outcome: str
    probe: bool
    stored_as: dict[str, Any] | None
    reasons: list[str]
    reason_source: str | None


def attribute_cookies(
    writes: list[CookieWrite], jar: list[dict[str, Any]] | None, now: float, max_chars: int
) -> list[CookieRecord]:
    """One record per write that names a cookie."""
    jar_index = {_jar_key(c): c for c in jar or []}
    parsed = []
    for write in writes:
        line = _Line.of(write)
        cookie = parse_cookie_line(line.wire, write.url, now, line.decode)
        if cookie is not None:
            parsed.append(_Parsed(write, line, cookie, *_refusal(write, line.text, cookie)))
    outcomes = _Timeline(parsed, jar_index if jar is not None else None).outcomes()
    return [_record(p, o, now, max_chars) for p, o in zip(parsed, outcomes, strict=True)]


def _jar_key(cookie: dict[str, Any]) -> CookieKey:
    """A jar cookie's key; DevTools may report a surrogate code point from bytes that are
    not UTF-8, which the records hold as U+FFFD."""
    return (
        without_surrogates(cookie["name"]),
        cookie["domain"],
        without_surrogates(cookie["path"]),
    )


def _refusal(write: CookieWrite, line: str, cookie: CookieRequest) -> tuple[list[str], str | None]:
    if write.browser_blocked is not None:
        for blocked in write.browser_blocked:
            if without_surrogates(blocked.get("cookieLine", "")) == line:
                return list(blocked.get("blockedReasons", [])), "browser"
        return [], None
    inferred = inferred_refusal_reasons(cookie, write.url)
    return inferred, "inferred" if inferred else None


class _Timeline:
    """The page view's writes in order, indexed once (a page may write thousands)."""

    def __init__(self, parsed: list[_Parsed], jar: dict[CookieKey, dict[str, Any]] | None) -> None:
        self.parsed = parsed
        self.jar = jar
        self.next_accepted: list[int | None] = [None] * len(parsed)
        """Per write, the next write of the same cookie that the browser accepted."""
        self.last_accepted: dict[tuple[str, tuple[str, str | None, str | None]], int] = {}
        self.deleters: dict[tuple[CookieKey, str], _Parsed] = {}
        """An accepted deletion of a cookie, per source."""
        seen: dict[CookieKey, int] = {}
        for index in range(len(parsed) - 1, -1, -1):
            p = parsed[index]
            self.next_accepted[index] = seen.get(p.key)
            if not p.accepted:
                continue
            seen[p.key] = index
            if p.cookie.deletion:
                self.deleters[(p.key, p.write.source)] = p
            else:
                self.last_accepted.setdefault((p.cookie.name, p.writer), index)

    def outcomes(self) -> list[_Outcome]:
        """What came of each write; a write overwritten later shares the fate of the
        write that replaced it, so the list is built from the end."""
        results: dict[int, _Outcome] = {}
        for index in range(len(self.parsed) - 1, -1, -1):
            results[index] = self._outcome(index, results)
        return [results[index] for index in range(len(self.parsed))]

    def _outcome(self, index: int, later: dict[int, _Outcome]) -> _Outcome:
        this = self.parsed[index]
        if this.cookie.deletion:
            return _Outcome("deleted", False, None, this.reasons, this.reason_source)
        if not this.accepted:
            # the same writer later got the same name accepted: it was looking for a domain
            probe = self.last_accepted.get((this.cookie.name, this.writer), -1) > index
            return _Outcome("refused", probe, None, this.reasons, this.reason_source)
        following_index = self.next_accepted[index]
        if following_index is not None:
            following = self.parsed[following_index]
            if following.cookie.deletion:
                return _removed_by(following, this)
            return later[following_index]  # overwritten: the same cookie, a new value
        stored_as = self.jar.get(this.key) if self.jar is not None else None
        if self.jar is None or stored_as is not None:
            return _Outcome("stored", False, stored_as, [], None)
        # not in the jar: deleted by a write of the other source (order not known)?
        other_source = "header" if this.write.source == "script" else "script"
        deleter = self.deleters.get((this.key, other_source))
        if deleter is None:
            # The jar is shared by the pages in flight and read once the page is left:
            # another page may have removed or replaced it. Not a refusal.
            return _Outcome("not-in-jar", False, None, [], None)
        return _removed_by(deleter, this)


def _removed_by(deletion: _Parsed, write: _Parsed) -> _Outcome:
    """Stored, then deleted. Only a writer that deletes its own cookie at once is
    probing; a cookie another script deletes (a consent tool, say) was set all the same."""
    if deletion.write.source == "script":
        return _Outcome("removed-by-script", deletion.writer == write.writer, None, [], None)
    return _Outcome("removed-by-server", False, None, [], None)


def _record(parsed: _Parsed, outcome: _Outcome, now: float, max_chars: int) -> CookieRecord:
    # Flags are what the site asked for (a missing SameSite stays None); the expiry is
    # what the browser stored, since Chromium caps lifetimes at 400 days.
    write, cookie = parsed.write, parsed.cookie
    stored = outcome.outcome == "stored"
    if outcome.stored_as is not None:
        stored_expiry = outcome.stored_as.get("expires", -1)
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
        raw=parsed.line.kept[:max_chars],
        secure=cookie.secure,
        http_only=cookie.http_only,
        same_site=cookie.same_site,
        partitioned=cookie.partitioned,
        session=session,
        expires=expires,
        requested_lifetime_s=cookie.lifetime_s,
        stored=stored,
        deletion=cookie.deletion,
        outcome=outcome.outcome,
        probe=outcome.probe,
        refused_reasons=outcome.reasons,
        refusal_source=outcome.reason_source,
    )
