"""Personal data in what the browser sent: which data, in which field, in which encoding.

Input is one recorded request (URL, request headers, body text, content type). Output is
a list of :class:`PersonalData`, each naming a category, the value, the carrying field,
its location in the request and the encoding it travelled in.

What is detected
    * ``email``: e-mail addresses anywhere (a practical RFC 5322 subset: ASCII dot-atom
      local part, DNS domain with an alphabetic top-level label). ``user@localhost``,
      ``logo@2x.png`` and ``lib@1.2.3`` are not addresses and are not reported.
    * ``phone``: ``+`` and 8-15 digits with common separators, only in fields whose name
      suggests a phone (``phone``, ``tel``, ``mobile``, ``ph`` ...), or anywhere when the
      digits equal a known value. Free-floating digit runs (timestamps, ids) never count.
    * ``name``: alphabetic values of fields named ``name``, ``firstname``, ``fn``,
      ``lastname``, ``ln``, ``surname``, ``fullname`` and the like.
    * ``postal-code``: values of fields named ``zip``, ``postcode``, ``postal_code``, ``zp``.
    * ``ip-address``: IPv4/IPv6 literals in fields named ``ip``, ``uip``, ``client_ip`` ...
    * ``user-id``: values of fields named ``uid``, ``user_id``, ``userid``, ``customer_id``,
      ``external_id`` (online identifiers in GDPR terms).
    * md5/sha1/sha256 hex digests, but only of *known* values (markers the crawl typed or
      saw): a bare 32/40/64-hex string looks exactly like a random id.

Where it looks: URL path segments, query parameters (repeated too), form-encoded,
multipart, JSON and line-based bodies (JSON sent as ``text/plain`` as ``sendBeacon``
does), the ``Referer`` header (its path and query), the ``Cookie`` header (per cookie)
and every other request header. Values are decoded recursively up to a small depth:
repeated percent-decoding, base64 (standard or URL-safe, padded or not) that decodes to
printable UTF-8, JSON inside a value and URLs or query strings inside a value.

How fields and encodings are reported
    * ``field`` is the parameter, form field, cookie or (lower-cased) header name; a
      dotted path inside JSON (``user.email``, ``items[0].mail``, ``d.email`` for JSON
      carried in ``d``); ``path`` for a URL path segment and ``body`` for unstructured
      body text. A URL carried as a value (``dl=https://...``, the ``Referer``) is
      reported under the field that carries it, never under its own parameter names.
    * The percent-encoding that is the carrier's own syntax (query, path, form body,
      cookie, Referer) is free: it counts as ``plain``. Every further level of
      percent-decoding makes the finding ``url-encoded`` (``%2540`` in a query parameter).
    * When several layers were peeled, the strongest one is reported:
      hash > ``base64`` > ``url-encoded`` > ``plain``.

What is NOT detected (state this in reports)
    * Names in free text, street addresses, cities, dates of birth, gender: only the
      field-name rules above find names and postal codes, and a field called ``name``
      may hold an event name rather than a person's, and ``ln`` a language (reported all
      the same: the field-name rules are deliberately literal).
    * Fingerprinting data (canvas/WebGL/audio hashes, screen, fonts, user agent) and
      pseudonymous client/device/advertising ids outside the ``user-id`` field names
      (e.g. the Google Analytics ``cid``).
    * Hashes of values that are not known, other or salted hashes (sha512, HMAC),
      encrypted or compressed payloads, binary bodies, non-ASCII (internationalised)
      e-mail addresses, and data beyond the decoding depth or work budget.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import unquote, unquote_plus, urlsplit

CATEGORIES = ("email", "phone", "name", "postal-code", "ip-address", "user-id")
LOCATIONS = ("url-path", "query", "body", "header", "cookie", "referer")
ENCODINGS = ("plain", "url-encoded", "base64", "md5", "sha1", "sha256")

_HASHES = ("md5", "sha1", "sha256")
_RANK = {"plain": 0, "url-encoded": 1, "base64": 2, "md5": 3, "sha1": 3, "sha256": 3}

_MAX_DEPTH = 6
"""Decoding layers (percent, base64, JSON, carried URL) peeled below a carrier value."""
_MAX_PARTS = 200
"""Parameters/segments of a carried URL or query string that are looked at."""
_MAX_SEGMENTS = 16
"""Embedded base64 runs tried per text (tokens in JWTs, cookies and the like)."""
_MAX_JSON_NESTING = 64
_WORK_BUDGET = 8_000_000
"""Characters scanned per request, all layers together: bounds hostile inputs."""


@dataclass(frozen=True, slots=True)
class PersonalData:
    """One piece of personal data found in a request."""

    category: str
    value: str
    field: str
    location: str
    encoding: str


# --- value patterns --------------------------------------------------------------------

# Linear-time by construction: the look-behind lets a match start only at the beginning
# of a run of local-part characters (not after "%", so "%3Djane@x.com" is left to the
# percent-decoding layer), every repetition is separated by a mandatory "." and
# label lengths are bounded, so no start position is retried over a long run.
_LOCAL = r"[A-Za-z0-9_+\-]+(?:\.[A-Za-z0-9_+\-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_EMAIL_RE = re.compile(
    rf"(?<![A-Za-z0-9_+\-.%]){_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}(?![A-Za-z0-9\-])"
)
# Asset names such as logo@2x.png and file extensions are not top-level domains.
_RETINA_RE = re.compile(r"@\d+(?:\.\d+)?x\.", re.IGNORECASE)
_FILE_SUFFIXES = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "avif",
        "ico",
        "bmp",
        "js",
        "mjs",
        "css",
        "map",
        "json",
        "html",
        "htm",
        "php",
        "xml",
        "txt",
    ]
)

_PHONE_VALUE_RE = re.compile(r"\+\d(?:[ .\-/()]{0,2}\d){7,14}")
_NAME_VALUE_RE = re.compile(r"[^\W\d_]+(?:[ '\u2019.\-]{1,2}[^\W\d_]+)*\.?")
_POSTAL_VALUE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 \-]{1,8}[A-Za-z0-9]")
_USER_ID_RE = re.compile(r"[\w.:@+|=/\-]{1,128}")
_PLACEHOLDERS = frozenset(
    [
        "null",
        "undefined",
        "none",
        "nan",
        "true",
        "false",
        "0",
        "-1",
        "anonymous",
        "guest",
        "unknown",
        "(not set)",
    ]
)

_HEX_RE = re.compile(
    r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])"
)
_B64_FULL_RE = re.compile(r"[A-Za-z0-9+/_\-]{8,}={0,2}")
_B64_SEGMENT_RE = re.compile(r"[A-Za-z0-9+/_\-]{16,}={0,2}")
_PERCENT_RE = re.compile(r"%[0-9A-Fa-f]{2}")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,15}://")
_QUERY_START_RE = re.compile(r"[\w.\-\[\]%]{1,64}=")
_SPACE_RE = re.compile(r"\s")
_PHONE_SEPARATORS = r"[\s().\-/]{0,2}"


# --- field names -----------------------------------------------------------------------

_GATE_EXACT = {
    **dict.fromkeys(
        ("phone", "tel", "ph", "mobile", "telefon", "msisdn", "cell", "cellphone"), "phone"
    ),
    **dict.fromkeys(
        (
            "name",
            "firstname",
            "fn",
            "lastname",
            "ln",
            "surname",
            "fullname",
            "fname",
            "lname",
            "givenname",
            "familyname",
        ),
        "name",
    ),
    **dict.fromkeys(("zip", "zipcode", "postcode", "postalcode", "zp", "plz"), "postal-code"),
    **dict.fromkeys(
        ("ip", "uip", "clientip", "userip", "remoteip", "ipaddress", "ipaddr", "xrealip"),
        "ip-address",
    ),
    **dict.fromkeys(("xclientip", "xforwardedfor", "forwardedfor"), "ip-address"),
    **dict.fromkeys(("uid", "userid", "customerid", "externalid"), "user-id"),
}
# Long keywords are unambiguous as a suffix (ajs_user_id, billing_first_name); short ones
# are not (the "ip" in "zip", the "name" in "hostname"), so they must match exactly.
_GATE_SUFFIXES = (
    ("userid", "user-id"),
    ("customerid", "user-id"),
    ("externalid", "user-id"),
    ("firstname", "name"),
    ("lastname", "name"),
    ("fullname", "name"),
    ("surname", "name"),
    ("postcode", "postal-code"),
    ("postalcode", "postal-code"),
    ("zipcode", "postal-code"),
    ("clientip", "ip-address"),
    ("ipaddress", "ip-address"),
)
_GATE_PREFIXES = ("billing", "shipping", "delivery", "customer", "contact")
_NAME_PART_RE = re.compile(r"[^\[\].]+")


@lru_cache(maxsize=4096)
def _gate_category(name: str) -> str | None:
    """The category a field name announces, if any.

    Case and ``_``/``-`` are ignored and only the last part of a structured name counts
    (``ud[ph]`` -> ``ph``, ``user.first_name`` -> ``firstname``).
    """
    parts = _NAME_PART_RE.findall(name)
    if not parts:
        return None
    norm = re.sub(r"[\s_\-]", "", parts[-1].lower())
    if norm in _GATE_EXACT:
        return _GATE_EXACT[norm]
    for prefix in _GATE_PREFIXES:
        if norm.startswith(prefix) and norm[len(prefix) :] in _GATE_EXACT:
            return _GATE_EXACT[norm[len(prefix) :]]
    for suffix, category in _GATE_SUFFIXES:
        if norm.endswith(suffix):
            return category
    if "phone" in norm or "mobile" in norm:
        return "phone"
    return None


# --- value checks ----------------------------------------------------------------------


def _plausible_email(candidate: str) -> bool:
    local, _, domain = candidate.rpartition("@")
    if len(local) > 64 or len(domain) > 253 or _RETINA_RE.search(candidate):
        return False
    return domain.rsplit(".", 1)[-1].lower() not in _FILE_SUFFIXES


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def _gated_values(category: str, text: str) -> list[str]:
    """Values a field of ``category`` carries, after the category's shape check."""
    value = text.strip()
    if not value or len(value) > 256:
        return []
    if category == "phone":
        if value[:4].lower() == "tel:":
            value = value[4:].strip()
        return [value] if _PHONE_VALUE_RE.fullmatch(value) else []
    if category == "ip-address":
        return [token for token in re.split(r"[,\s]+", value) if token and _is_ip(token)]
    if value.lower() in _PLACEHOLDERS:
        return []
    if category == "name":
        return [value] if _NAME_VALUE_RE.fullmatch(value) else []
    if category == "postal-code":
        ok = _POSTAL_VALUE_RE.fullmatch(value) and any(ch.isdigit() for ch in value)
        return [value] if ok else []
    if category == "user-id":
        return [value] if _USER_ID_RE.fullmatch(value) else []
    return []


# --- decoding helpers ------------------------------------------------------------------


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


def _b64_decode(text: str) -> str | None:
    """Printable UTF-8 text a base64 string (standard or URL-safe) decodes to, else None."""
    data = text.strip().replace(" ", "+").rstrip("=")
    if len(data) < 6 or len(data) % 4 == 1:
        return None
    urlsafe = "-" in data or "_" in data
    if urlsafe and ("+" in data or "/" in data):
        return None
    try:
        raw = base64.b64decode(
            data + "=" * (-len(data) % 4), altchars=b"-_" if urlsafe else None, validate=True
        )
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if not decoded.strip() or not decoded.replace("\n", "").replace("\t", "").isprintable():
        return None
    return decoded


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


def _bump(encoding: str, layer: str) -> str:
    return layer if _RANK[layer] > _RANK[encoding] else encoding


# --- known values ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Known:
    category: str | None
    """None when the value's shape does not tell: the carrying field's name must."""
    value: str


def _infer_category(value: str) -> str | None:
    if _EMAIL_RE.fullmatch(value):
        return "email"
    if _PHONE_VALUE_RE.fullmatch(value):
        return "phone"
    if _is_ip(value):
        return "ip-address"
    if _NAME_VALUE_RE.fullmatch(value):
        return "name"
    if _POSTAL_VALUE_RE.fullmatch(value) and any(ch.isdigit() for ch in value):
        return "postal-code"
    return None


def _normal_forms(value: str, category: str | None) -> tuple[str, list[str]]:
    """The value to report and the forms trackers hash (Meta/Google normalisation)."""
    if category == "email":
        return value.lower(), [value.lower(), value]
    if category == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        return "+" + digits, ["+" + digits, digits]
    lowered = value.lower()
    return value, [value, lowered, lowered.replace(" ", "")]


def _known_phone_pattern(digits: str) -> str:
    return r"(?<![\d+])(?:\+|00)?" + _PHONE_SEPARATORS.join(digits) + r"(?!\d)"


# --- the finder ------------------------------------------------------------------------


class PersonalDataFinder:
    """Finds personal data in recorded requests.

    ``known_values`` are marker values the crawl typed into forms or saw on pages; their
    md5/sha1/sha256 digests (of the normalised forms) are precomputed so hashed copies can
    be recognised, and known phone numbers are found in any field.
    """

    def __init__(self, known_values: Iterable[str] = ()) -> None:
        self._hashes: dict[str, tuple[_Known, str]] = {}
        phone_patterns: list[str] = []
        for raw in known_values:
            value = raw.strip()
            if not value:
                continue
            category = _infer_category(value)
            reported, forms = _normal_forms(value, category)
            known = _Known(category, reported)
            if category == "phone":
                phone_patterns.append(_known_phone_pattern(reported[1:]))
            for form in forms:
                for algorithm in _HASHES:
                    digest = hashlib.new(algorithm, form.encode("utf-8")).hexdigest()
                    self._hashes.setdefault(digest, (known, algorithm))
        self._phone_re = re.compile("|".join(phone_patterns)) if phone_patterns else None

    def find_in_request(
        self,
        url: str,
        headers: Sequence[Sequence[str]],
        body: str | None,
        content_type: str | None,
    ) -> list[PersonalData]:
        """Personal data in one request, de-duplicated, in a stable order.

        Order: URL path, query, body, then headers in the order they were sent.
        """
        scan = _RequestScan(self)
        scan.url(url, path_location="url-path", query_location="query")
        if body:
            scan.body(body, content_type)
        for header in headers:
            if len(header) == 2:
                scan.header(header[0], header[1])
        return list(scan.found)


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where a value sits: what will be reported as location and field."""

    location: str
    field: str
    gate: str | None
    """The category the carrying name announces (``ph`` -> phone)."""
    fixed: bool = False
    """Inside a carried URL: the field stays the carrier's, JSON paths are not added."""

    def child(self, key: str) -> _Slot:
        if self.fixed:
            return _Slot(self.location, self.field, _gate_category(key), fixed=True)
        field = f"{self.field}.{key}" if self.field else key
        return _Slot(self.location, field, _gate_category(key))

    def index(self, position: int) -> _Slot:
        field = self.field if self.fixed else f"{self.field}[{position}]"
        return _Slot(self.location, field, self.gate, self.fixed)

    def carried(self, name: str | None) -> _Slot:
        gate = _gate_category(name) if name is not None else None
        return _Slot(self.location, self.field, gate, fixed=True)

    def ungated(self) -> _Slot:
        return _Slot(self.location, self.field, None, self.fixed)


class _RequestScan:
    """The findings and the remaining work budget of one request."""

    def __init__(self, finder: PersonalDataFinder) -> None:
        self.finder = finder
        self.found: dict[PersonalData, None] = {}
        self.budget = _WORK_BUDGET

    def add(self, category: str, value: str, slot: _Slot, encoding: str) -> None:
        self.found.setdefault(
            PersonalData(category, value, slot.field, slot.location, encoding), None
        )

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
                slot = _Slot(path_location, field or "path", None, fixed)
                self.text(unquote(segment), slot, "plain", 0)
        for name, raw in _pairs(parts.query):
            slot = _Slot(query_location, field or name, _gate_category(name), fixed)
            self.text(_form_decode(raw), slot, "plain", 0)

    def body(self, body: str, content_type: str | None) -> None:
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type.startswith("multipart/"):
            for name, value in _multipart_fields(body, content_type or ""):
                self.text(value, _Slot("body", name, _gate_category(name)), "plain", 0)
            return
        structure = _json_structure(body)
        if structure is not None:
            self.json(structure, _Slot("body", "", None), "plain", 0, 0)
            return
        for line in body.splitlines():
            self.body_line(line)

    def body_line(self, line: str) -> None:
        """One line of a non-JSON body: JSON lines, form/batched hits, else plain text."""
        if not line.strip():
            return
        structure = _json_structure(line)
        if structure is not None:
            self.json(structure, _Slot("body", "", None), "plain", 0, 0)
        elif _QUERY_START_RE.match(line) and not _SPACE_RE.search(line.strip()):
            for name, raw in _pairs(line.strip()):
                self.text(_form_decode(raw), _Slot("body", name, _gate_category(name)), "plain", 0)
        else:
            self.text(line, _Slot("body", "body", None), "plain", 0)

    def header(self, name: str, value: str) -> None:
        lowered = name.lower()
        if lowered.startswith(":"):
            return  # HTTP/2 pseudo-headers repeat the URL
        if lowered == "cookie":
            for cookie, raw in _cookies(value):
                self.text(unquote(raw), _Slot("cookie", cookie, _gate_category(cookie)), "plain", 0)
        elif lowered == "referer":
            self.url(value, path_location="referer", query_location="referer", field="referer")
        else:
            self.text(value, _Slot("header", lowered, _gate_category(lowered)), "plain", 0)

    # layers

    def text(self, text: str, slot: _Slot, encoding: str, depth: int) -> None:
        """A string value: a structure to take apart, or a leaf to check and decode."""
        if self.budget <= 0:
            return
        self.budget -= len(text) + 1
        if depth < _MAX_DEPTH and self.structure(text, slot, encoding, depth):
            return
        self.detect(text, slot, encoding)
        if depth >= _MAX_DEPTH:
            return
        if "%" in text and _PERCENT_RE.search(text):
            decoded = unquote(text)
            if decoded != text:
                self.text(decoded, slot, _bump(encoding, "url-encoded"), depth + 1)
        self.base64(text, slot, encoding, depth)

    def structure(self, text: str, slot: _Slot, encoding: str, depth: int) -> bool:
        """JSON or a URL/query string inside a value; True when it was taken apart."""
        parsed = _json_structure(text)
        if parsed is not None:
            self.json(parsed, slot, encoding, depth + 1, 0)
            return True
        carried = _url_like(text)
        if carried is None:
            return False
        segments, pairs = carried
        for segment in segments[:_MAX_PARTS]:
            self.decoded(segment, unquote(segment), slot.carried(None), encoding, depth)
        for name, raw in pairs[:_MAX_PARTS]:
            self.decoded(raw, _form_decode(raw), slot.carried(name), encoding, depth)
        return True

    def decoded(self, raw: str, value: str, slot: _Slot, encoding: str, depth: int) -> None:
        """A part of a carried URL: any percent-decoding here is beyond the carrier's."""
        layer = encoding if value == raw else _bump(encoding, "url-encoded")
        self.text(value, slot, layer, depth + 1)

    def base64(self, text: str, slot: _Slot, encoding: str, depth: int) -> None:
        """Base64 as the whole value or as embedded runs (JWT parts, tokens).

        The carrying field's name no longer describes a decoded blob, so its gate is
        dropped; JSON keys or parameter names inside the blob supply their own.
        """
        stripped = text.strip()
        if len(stripped) < 8:
            return
        layer = _bump(encoding, "base64")
        if _B64_FULL_RE.fullmatch(stripped):
            candidates = [stripped]
        else:
            candidates = [m.group() for m in islice(_B64_SEGMENT_RE.finditer(text), _MAX_SEGMENTS)]
        for candidate in candidates:
            decoded = _b64_decode(candidate)
            if decoded is not None:
                self.text(decoded, slot.ungated(), layer, depth + 1)

    def json(self, value: Any, slot: _Slot, encoding: str, depth: int, nesting: int) -> None:
        if nesting > _MAX_JSON_NESTING:
            return
        if isinstance(value, dict):
            for key, item in value.items():
                self.json(item, slot.child(str(key)), encoding, depth, nesting + 1)
        elif isinstance(value, list):
            for position, item in enumerate(value):
                self.json(item, slot.index(position), encoding, depth, nesting + 1)
        elif isinstance(value, str):
            self.text(value, slot, encoding, depth)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            # Numbers carry ids and postal codes in named fields; never decoded further.
            self.detect(str(value), slot, encoding)

    def detect(self, text: str, slot: _Slot, encoding: str) -> None:
        """Report what this exact text holds, at the encoding it was reached in."""
        if "@" in text:
            for match in _EMAIL_RE.finditer(text):
                if _plausible_email(match.group()):
                    self.add("email", match.group().lower(), slot, encoding)
        if slot.gate is not None:
            for value in _gated_values(slot.gate, text):
                self.add(slot.gate, value, slot, encoding)
        phone_re = self.finder._phone_re
        if phone_re is not None:
            for match in phone_re.finditer(text):
                self.add("phone", match.group().strip(), slot, encoding)
        if self.finder._hashes and len(text) >= 32:
            for match in _HEX_RE.finditer(text):
                hit = self.finder._hashes.get(match.group().lower())
                if hit is not None:
                    known, algorithm = hit
                    category = known.category or slot.gate
                    if category is not None:
                        self.add(category, known.value, slot, algorithm)


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
    match = re.search(r'boundary="?([^";]+)"?', content_type, re.IGNORECASE)
    if match is None:
        return []
    fields = []
    for chunk in body.split("--" + match.group(1))[1:]:
        if chunk.startswith("--"):
            break
        head, sep, value = chunk.partition("\r\n\r\n")
        if not sep:
            head, sep, value = chunk.partition("\n\n")
        name = re.search(r'\bname="([^"]*)"', head)
        if sep and name is not None:
            fields.append((name.group(1), value.removesuffix("\n").removesuffix("\r")))
    return fields
