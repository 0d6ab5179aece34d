"""A recorded request taken apart into the text values it carries, each with its place.

The walker visits every string a request carries (URL path segments, query parameters,
body fields, headers, cookies) and every string reached by decoding one of them, and
hands each to a visitor with its :class:`Place` (location, the reported field, the full
path inside the decoded structure, the name that carries it, the names of its enclosing
objects, its siblings) and the decoding chain that reached it.

Layers peeled, to a bounded depth: the body's compression (``decode``), JSON bodies and
JSON lines, form-encoded lines and multipart parts; inside a value, further percent-
decoding (``url-encoded``), JSON, URLs or query strings carried as a value, base64
(``decode.decode_base64``, compressed payloads inside included) and lz-string.

How fields and chains are reported
    * ``field`` is the parameter, form field, cookie or (lower-cased) header name; a
      dotted path inside JSON (``user.email``, ``items[0].mail``, ``d.email`` for JSON
      carried in ``d``); ``path`` for a URL path segment and ``body`` for unstructured
      body text. A URL carried as a value (``dl=https://...``, the ``Referer``) keeps the
      carrier's field; its own parameter names appear in ``path`` only
      (``dl.email``).
    * The percent-encoding that is the carrier's own syntax (query, path, form body,
      cookie, Referer) is not a step; every further level is ``url-encoded``. Parsing a
      body or value as JSON adds ``json``, a form body ``form``, a multipart body
      ``multipart``; a carried URL adds nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import unquote, unquote_plus, urlsplit

from scanner.classify import decode

MAX_DEPTH = 6
"""Decoding layers (percent, base64, lz-string, JSON, carried URL) below a carrier value."""
MAX_PARTS = 200
"""Parameters/segments of a carried URL or query string that are looked at."""
MAX_SEGMENTS = 16
"""Embedded base64 runs tried per text (tokens in JWTs, cookies and the like)."""
MAX_JSON_NESTING = 64
WORK_BUDGET = 8_000_000
"""Characters visited per request, all layers together: bounds hostile inputs."""

_B64_FULL_RE = re.compile(r"[A-Za-z0-9+/_\-]{8,}={0,2}")
_B64_SEGMENT_RE = re.compile(r"[A-Za-z0-9+/_\-]{16,}={0,2}")
_LZ_CANDIDATE_RE = re.compile(r"[A-Za-z0-9+/=\-$]{16,}")
_PERCENT_RE = re.compile(r"%[0-9A-Fa-f]{2}")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,15}://")
_QUERY_START_RE = re.compile(r"[\w.\-\[\]%]{1,64}=")
_SPACE_RE = re.compile(r"\s")
_BROWSER_HEADERS = frozenset(
    [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-encoding",
        "content-length",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "via",
    ]
)
"""Headers only the browser writes (the Fetch standard's forbidden names, and the user
agent, which Chromium does not let scripts set): no page data can be in them. Cookie
and Referer are forbidden too, but carry what the site stored or its address."""
_BOUNDARY_RE = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_PART_NAME_RE = re.compile(r'\bname="([^"]*)"')


@dataclass(slots=True)
class Place:
    """Where a text value sits in the request (never changed once made)."""

    location: str
    field: str
    """The reported field (see the module docstring)."""
    path: str
    """The full path inside the decoded structure (``batch[3].properties.$set.email``)."""
    name: str | None
    """The parameter, key or header carrying the text; None once a blob was decoded."""
    containers: tuple[str, ...] = ()
    """Names of the enclosing objects, outermost first (``("context", "library")``)."""
    siblings: Mapping[str, Any] | Sequence[tuple[str, str]] | None = None
    """The JSON object or the form/query fields the value sits among."""
    fixed: bool = False
    """Inside a carried URL: the field stays the carrier's."""

    def _outer(self) -> tuple[str, ...]:
        return (*self.containers, self.name) if self.name is not None else self.containers

    def child(self, key: str, siblings: Mapping[str, Any]) -> Place:
        field = self.field if self.fixed else (f"{self.field}.{key}" if self.field else key)
        path = f"{self.path}.{key}" if self.path else key
        return Place(self.location, field, path, key, self._outer(), siblings, self.fixed)

    def index(self, position: int) -> Place:
        field = self.field if self.fixed else f"{self.field}[{position}]"
        path = f"{self.path}[{position}]"
        return Place(self.location, field, path, self.name, self.containers, None, self.fixed)

    def carried(self, name: str | None, siblings: Sequence[tuple[str, str]] | None) -> Place:
        path = f"{self.path}.{name}" if name else self.path
        return Place(self.location, self.field, path, name, self._outer(), siblings, True)

    def ungated(self) -> Place:
        return Place(self.location, self.field, self.path, None, self._outer(), None, self.fixed)


Visitor = Callable[[str, Place, tuple[str, ...], bool], None]
"""Called with each text value, its place, its decoding chain, and whether it was a JSON
number (checked as it is, never decoded)."""


class RequestWalker:
    """Visits the values of one request; keeps its budgets and its decoding problems."""

    def __init__(self, visit: Visitor) -> None:
        self._visit = visit
        self.budget = WORK_BUDGET
        self.decode_budget = decode.Budget()
        self.problems: list[decode.Problem] = []

    # carriers

    def url(
        self, url: str, *, path_location: str, query_location: str, field: str | None = None
    ) -> None:
        """A URL whose own percent-encoding is free (the request URL, the Referer)."""
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return
        fixed = field is not None
        for segment in parts.path.split("/"):
            if segment:
                slot = Place(path_location, field or "path", field or "path", None, fixed=fixed)
                self.text(unquote(segment), slot, (), 0)
        pairs = _pairs(parts.query)
        for name, raw in pairs:
            path = f"{field}.{name}" if field else name
            slot = Place(query_location, field or name, path, name, (), pairs, fixed)
            self.text(_form_decode(raw), slot, (), 0)

    def body(
        self,
        *,
        text: str | None,
        data: bytes | None,
        content_type: str | None,
        headers: Sequence[Sequence[str]] = (),
        truncated: bool = False,
    ) -> None:
        """A request body, kept by the capture as text or (not UTF-8) as bytes."""
        encodings = decode.content_encodings(headers)
        if text is not None and not encodings:
            body, chain = text, ()  # the common case: no copy, no decoding attempt
            if truncated:
                self.problems.append(decode.Problem("partial", decode.CUT_BY_CAPTURE))
        else:
            raw = text.encode("utf-8", "surrogatepass") if text is not None else data or b""
            result = decode.decode_body(
                raw,
                encodings=encodings,
                truncated=truncated,
                was_text=text is not None,
                budget=self.decode_budget,
            )
            self.problems += result.problems
            chain = result.chain
            for run in result.text_runs:
                slot = Place("body", "body", "body", None)
                self.text(run, slot, (*chain, "binary-strings"), 0)
            if result.text is None:
                return
            body = result.text
        self._body_text(body, content_type, chain)

    def _body_text(self, body: str, content_type: str | None, chain: tuple[str, ...]) -> None:
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type.startswith("multipart/"):
            fields = _multipart_fields(body, content_type or "")
            for name, value in fields:
                slot = Place("body", name, name, name, (), fields)
                self.text(value, slot, (*chain, "multipart"), 0)
            return
        structure = _json_structure(body)
        if structure is not None:
            self.json(structure, Place("body", "", "", None), (*chain, "json"), 0, 0)
            return
        for line in body.splitlines():
            self._body_line(line, chain)

    def _body_line(self, line: str, chain: tuple[str, ...]) -> None:
        """One line of a non-JSON body: JSON lines, form/batched hits, else plain text."""
        if not line.strip():
            return
        structure = _json_structure(line)
        if structure is not None:
            self.json(structure, Place("body", "", "", None), (*chain, "json"), 0, 0)
        elif _QUERY_START_RE.match(line) and not _SPACE_RE.search(line.strip()):
            pairs = _pairs(line.strip())
            for name, raw in pairs:
                slot = Place("body", name, name, name, (), pairs)
                self.text(_form_decode(raw), slot, (*chain, "form"), 0)
        else:
            self.text(line, Place("body", "body", "body", None), chain, 0)

    def header(self, name: str, value: str) -> None:
        lowered = name.lower()
        if lowered.startswith((":", "sec-", "proxy-")) or lowered in _BROWSER_HEADERS:
            return  # pseudo-headers repeat the URL; scripts cannot set the others
        if lowered == "cookie":
            for cookie, raw in _cookies(value):
                self.text(unquote(raw), Place("cookie", cookie, cookie, cookie), (), 0)
        elif lowered == "referer":
            self.url(value, path_location="referer", query_location="referer", field="referer")
        else:
            self.text(value, Place("header", lowered, lowered, lowered), (), 0)

    def value(self, text: str, *, name: str | None, location: str) -> None:
        """A stored value (a cookie, a web-storage item) under ``name``."""
        label = name or location
        self.text(text, Place(location, label, label, name), (), 0)

    # layers

    def text(self, text: str, slot: Place, chain: tuple[str, ...], depth: int) -> None:
        """A string value: a structure to take apart, or a leaf to check and decode."""
        if self.budget <= 0:
            return
        self.budget -= len(text) + 1
        if depth < MAX_DEPTH and self._structure(text, slot, chain, depth):
            return
        self._visit(text, slot, chain, False)
        if depth >= MAX_DEPTH:
            return
        if "%" in text and _PERCENT_RE.search(text):
            decoded = unquote(text)
            if decoded != text:
                self.text(decoded, slot, (*chain, "url-encoded"), depth + 1)
        self._packed(text, slot, chain, depth)

    def _structure(self, text: str, slot: Place, chain: tuple[str, ...], depth: int) -> bool:
        """JSON or a URL/query string inside a value; True when it was taken apart."""
        parsed = _json_structure(text)
        if parsed is not None:
            self.json(parsed, slot, (*chain, "json"), depth + 1, 0)
            return True
        carried = _url_like(text)
        if carried is None:
            return False
        segments, pairs = carried
        for segment in segments[:MAX_PARTS]:
            self._carried(segment, unquote(segment), slot.carried(None, None), chain, depth)
        for name, raw in pairs[:MAX_PARTS]:
            self._carried(raw, _form_decode(raw), slot.carried(name, pairs), chain, depth)
        return True

    def _carried(
        self, raw: str, value: str, slot: Place, chain: tuple[str, ...], depth: int
    ) -> None:
        """A part of a carried URL: any percent-decoding here is beyond the carrier's."""
        steps = chain if value == raw else (*chain, "url-encoded")
        self.text(value, slot, steps, depth + 1)

    def _packed(self, text: str, slot: Place, chain: tuple[str, ...], depth: int) -> None:
        """base64 (the whole value or embedded runs: JWT parts, tokens), else lz-string.

        The carrying field's name no longer describes a decoded blob, so it is dropped;
        JSON keys or parameter names inside the blob supply their own.
        """
        stripped = text.strip()
        if len(stripped) < 8:
            return
        if _B64_FULL_RE.fullmatch(stripped):
            candidates = [stripped]
        else:
            found = _B64_SEGMENT_RE.finditer(text)
            candidates = [match.group() for match in islice(found, MAX_SEGMENTS)]
        problems: list[decode.Problem] = []
        decoded_any = False
        for candidate in candidates:
            decoded = decode.decode_base64(candidate, self.decode_budget, problems)
            if decoded is not None:
                decoded_any = True
                self.text(decoded.text, slot.ungated(), (*chain, *decoded.chain), depth + 1)
        if not decoded_any and _lz_candidate(stripped):
            lz = decode.decode_lz_string(stripped, self.decode_budget, self.problems)
            if lz is not None:
                self.text(lz.text, slot.ungated(), (*chain, *lz.chain), depth + 1)
                return  # the base64 reading was the wrong guess
        self.problems += problems

    def json(
        self, value: Any, slot: Place, chain: tuple[str, ...], depth: int, nesting: int
    ) -> None:
        if nesting > MAX_JSON_NESTING:
            return
        if isinstance(value, dict):
            for key, item in value.items():
                self.json(item, slot.child(str(key), value), chain, depth, nesting + 1)
        elif isinstance(value, list):
            for position, item in enumerate(value):
                self.json(item, slot.index(position), chain, depth, nesting + 1)
        elif isinstance(value, str):
            self.text(value, slot, chain, depth)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            # Numbers carry ids and postal codes in named fields; never decoded further.
            self._visit(str(value), slot, chain, True)


def _lz_candidate(text: str) -> bool:
    """Worth an lz-string attempt: its base64 and URI forms of a JSON payload (what SDKs
    pack) start with "N" (a literal "{" or "["); its UTF-16 forms are mostly non-ASCII."""
    if text.isascii():
        return text[0] == "N" and _LZ_CANDIDATE_RE.fullmatch(text) is not None
    return True


# --- parsing helpers -------------------------------------------------------------------------


def _form_decode(raw: str) -> str:
    """Percent/plus-decode a query or form value.

    A leading ``+`` before a digit is kept: it is an unescaped international phone
    prefix far more often than an encoded leading space.
    """
    if raw[:1] == "+" and raw[1:2].isdigit():
        return "+" + unquote_plus(raw[1:])
    return unquote_plus(raw)


def _pairs(query: str) -> list[tuple[str, str]]:
    """``name=value`` pairs of a query string: decoded name, raw value, in order."""
    pairs = []
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            if "%" in name or "+" in name:
                name = unquote_plus(name)
            pairs.append((name, value))
    return pairs


def _json_structure(text: str) -> dict[str, Any] | list[Any] | None:
    stripped = text.strip()
    if stripped[:1] not in ("{", "[") or stripped[-1:] not in ("}", "]"):
        return None
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict | list) else None


def _url_like(text: str) -> tuple[list[str], list[tuple[str, str]]] | None:
    """Raw path segments and query pairs of a URL or query string carried as a value."""
    if "=" not in text and "/" not in text:
        return None  # the common case, cheaply: a plain leaf value
    stripped = text.strip()
    if _SCHEME_RE.match(stripped) or (stripped.startswith("/") and "?" in stripped):
        try:
            parts = urlsplit(stripped)
        except ValueError:
            return None
        pairs = _pairs(parts.query)
        if "=" in parts.fragment:
            pairs += _pairs(parts.fragment.lstrip("!/?"))
        return [seg for seg in parts.path.split("/") if seg], pairs
    if _SPACE_RE.search(stripped) or not _QUERY_START_RE.match(stripped):
        return None
    # A "=" only at the end is base64 padding, not a parameter.
    if "=" not in stripped.rstrip("="):
        return None
    return [], _pairs(stripped)


def _cookies(header: str) -> list[tuple[str, str]]:
    cookies = []
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            cookies.append((name, value))
    return cookies


def _multipart_fields(body: str, content_type: str) -> list[tuple[str, str]]:
    """(name, value) of the parts of a multipart/form-data body."""
    match = _BOUNDARY_RE.search(content_type)
    if match is None:
        return []
    fields = []
    for chunk in body.split("--" + match.group(1))[1:]:
        if chunk.startswith("--"):
            break
        head, sep, value = chunk.partition("\r\n\r\n")
        if not sep:
            head, sep, value = chunk.partition("\n\n")
        name = _PART_NAME_RE.search(head)
        if sep and name is not None:
            fields.append((name.group(1), value.removesuffix("\n").removesuffix("\r")))
    return fields
