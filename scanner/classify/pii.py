"""Personal data in what the browser sent: which data, in which field, how it was packed.

Input is one recorded request (URL, request headers, body as text or bytes, content
type), or one stored value (a cookie, a web-storage item). Every URL, body and value is
first decoded (``scanner.classify.decode``: compression by header or magic bytes,
base64, lz-string; ``scanner.classify.walk``: JSON, forms, multipart, URL-encoding, URLs
inside values), then searched. Output is a list of :class:`PersonalData`, each naming a
category, the value (normalised) and the exact text matched, the carrying field, the
full path inside the decoded structure, the location in the request, and the decoding
chain (``gzip > json``) with the strongest encoding of that chain.

What is detected
    * ``email``: e-mail addresses anywhere (a practical RFC 5322 subset: ASCII dot-atom
      local part, DNS domain with an alphabetic top-level label). ``user@localhost``,
      ``logo@2x.png`` and ``lib@1.2.3`` are not addresses and are not reported.
    * ``phone``: ``+`` and 8-15 digits with common separators, only in fields whose name
      suggests a phone (``phone``, ``tel``, ``mobile``, ``ph`` ...), or anywhere when the
      digits equal a known value. Free-floating digit runs (timestamps, ids) never count.
    * ``name``: a plausible person's name (letters, one to four words, initials allowed;
      no digits, dots, slashes, file or version shapes, no placeholder) in a field that
      names a person's name: ``first_name``, ``fn``, ``last_name``, ``ln`` (unless the
      value is a language code), ``surname``, ``full_name``, ``given_name``,
      ``family_name`` and the like. A bare ``name`` (or ``$name``) counts only inside
      a person (an enclosing object called user, customer, person, profile, contact,
      traits, ``$set``, people, identity, billing, shipping, account, owner, buyer,
      recipient ...) or next to a field holding an e-mail address or a phone number,
      and only in capitalised words (``checkout`` is an event's name); never inside a
      library, SDK, app, product, item, event, page, campaign, plugin, integration,
      screen, experiment, flag, category, brand, collection or variant.
    * ``postal-code``: values of fields named ``zip``, ``postcode``, ``postal_code``, ``zp``.
    * ``ip-address``: IPv4/IPv6 literals in fields named ``ip``, ``uip``, ``client_ip`` ...
    * ``user-id``: values of fields named ``uid``, ``user_id``, ``userid``, ``customer_id``,
      ``external_id`` (online identifiers in GDPR terms).
    * md5/sha1/sha256 hex digests, but only of *known* values (markers the crawl typed or
      saw): a bare 32/40/64-hex string looks exactly like a random id.

Where it looks: URL path segments, query parameters (repeated too), form-encoded,
multipart, JSON and line-based bodies (JSON sent as ``text/plain`` as ``sendBeacon``
does), compressed and binary bodies (text runs of an unknown binary format), the
``Referer`` header (its path and query), the ``Cookie`` header (per cookie) and every
other request header. See ``walk`` for how fields and chains are named.

Encoding (the single word older consumers rank on), derived from the chain
    hash (``md5``/``sha1``/``sha256``) > ``compressed`` (gzip, deflate, br, zstd,
    lz-string) > ``base64`` > ``url-encoded`` > ``plain``. Parsing JSON, a form or a
    multipart body is structure, not encoding: it stays ``plain``.

What is NOT detected (state this in reports)
    * Names in free text or in fields without a person's-name rule, street addresses,
      cities, dates of birth, gender.
    * Fingerprinting data (canvas/WebGL/audio hashes, screen, fonts, user agent) and
      pseudonymous client/device/advertising ids outside the ``user-id`` field names
      (e.g. the Google Analytics ``cid``).
    * Hashes of values that are not known, other or salted hashes (sha512, HMAC),
      encrypted payloads, binary formats beyond their plain text runs, non-ASCII
      (internationalised) e-mail addresses, and data beyond the decoding depth, the
      decompression limit or the work budget (counted as problems, see ``decode``).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from scanner.classify.decode import COMPRESSIONS, LZ_STEPS, Problem
from scanner.classify.walk import Place, RequestWalker
from scanner.domains import is_top_level_domain

CATEGORIES = ("email", "phone", "name", "postal-code", "ip-address", "user-id")
LOCATIONS = ("url-path", "query", "body", "header", "cookie", "referer", "storage")
ENCODINGS = ("plain", "url-encoded", "base64", "compressed", "md5", "sha1", "sha256")

_HASHES = ("md5", "sha1", "sha256")
_COMPRESSED_STEPS = frozenset((*COMPRESSIONS, *LZ_STEPS))
_STEP_WORDS = {"json": "JSON", "form": "form", "multipart": "multipart"}
_INDEX_RE = re.compile(r"\[\d+\]")


@dataclass(frozen=True, slots=True)
class PersonalData:
    """One piece of personal data found in a request or a stored value."""

    category: str
    value: str
    """Normalised (e-mail lower-cased, phone digits); for a hash, the known value."""
    field: str
    location: str
    encoding: str
    chain: tuple[str, ...] = ()
    """Decoding steps, outermost first (``("gzip", "json")``); a hash match ends with it."""
    raw: str = ""
    """The exact text matched, as it was in the decoded value."""
    path: str = ""
    """The full path inside the decoded structure (``batch[3].properties.$set.email``)."""

    @property
    def decoding(self) -> str:
        """The chain for people: ``gzip > JSON``; ``plain`` when nothing was peeled."""
        return chain_words(self.chain)


def chain_words(chain: Sequence[str]) -> str:
    return " > ".join(_STEP_WORDS.get(step, step) for step in chain) or "plain"


def encoding_of(chain: Sequence[str]) -> str:
    """The strongest encoding in a chain (see the module docstring)."""
    steps = set(chain)
    for algorithm in _HASHES:
        if algorithm in steps:
            return algorithm
    if steps & _COMPRESSED_STEPS:
        return "compressed"
    if "base64" in steps:
        return "base64"
    return "url-encoded" if "url-encoded" in steps else "plain"


def generic_field(field: str) -> str:
    """The field with list positions dropped (``batch[3].email`` -> ``batch[].email``):
    the same field of every event in a batch."""
    return _INDEX_RE.sub("[]", field)


@dataclass(frozen=True, slots=True)
class RequestFindings:
    """What one request carried, and what the scanner could not decode in it."""

    found: tuple[PersonalData, ...]
    problems: tuple[Problem, ...]


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
"""The shape of a known value that is a name (a marker the crawl typed)."""
_NAME_WORD = r"(?:[^\W\d_]\.|[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*)"
_PERSON_NAME_RE = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD}){{0,3}}")
"""One to four words of letters (inner apostrophes and hyphens, initials "J."): no digits,
dots inside a word, slashes or underscores (file names, versions, identifiers)."""
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?|[A-Z]{2}")
_NAME_PLACEHOLDERS = frozenset(
    [
        "name",
        "first",
        "last",
        "firstname",
        "lastname",
        "first name",
        "last name",
        "full name",
        "your name",
        "n a",
        "na",
        "test",
        "user",
        "visitor",
        "customer",
        "default",
        "empty",
        "string",
        "value",
        "placeholder",
    ]
)
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
_PHONE_SEPARATORS = r"[\s().\-/]{0,2}"


# --- field names -----------------------------------------------------------------------

_BARE_NAME = "name?"
"""A field called just ``name``: a person's only in a person's context."""
_PERSON_CONTAINERS = (
    "user",
    "customer",
    "person",
    "profile",
    "contact",
    "traits",
    "$set",
    "$setonce",
    "people",
    "identity",
    "billing",
    "shipping",
    "account",
    "owner",
    "buyer",
    "recipient",
    "member",
    "visitor",
    "subscriber",
)
"""Container names (or their start, ``user_properties``) that hold a person."""
_THING_CONTAINERS = frozenset(
    [
        "library",
        "lib",
        "sdk",
        "app",
        "application",
        "product",
        "item",
        "event",
        "page",
        "campaign",
        "plugin",
        "integration",
        "screen",
        "experiment",
        "flag",
        "featureflag",
        "category",
        "brand",
        "collection",
        "variant",
        "device",
        "os",
        "browser",
        "network",
        "company",
        "organization",
        "organisation",
        "group",
        "store",
        "shop",
        "list",
        "promotion",
        "creative",
        "form",
        "button",
        "element",
        "file",
        "font",
        "cookie",
        "consent",
        "vendor",
        "purpose",
        "metric",
        "goal",
        "test",
        "step",
        "level",
        "timezone",
        "locale",
        "language",
    ]
)
"""Container names (singular, normalised) whose ``name`` is a thing's, never a person's."""

_GATE_EXACT = {
    **dict.fromkeys(
        ("phone", "tel", "ph", "mobile", "telefon", "msisdn", "cell", "cellphone"), "phone"
    ),
    **dict.fromkeys(
        (
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
            "middlename",
        ),
        "name",
    ),
    **dict.fromkeys(("name", "$name"), _BARE_NAME),
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
    ("givenname", "name"),
    ("familyname", "name"),
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
            category = _GATE_EXACT[norm[len(prefix) :]]
            return "name" if category == _BARE_NAME else category  # billing_name
    for suffix, category in _GATE_SUFFIXES:
        if norm.endswith(suffix):
            return category
    if "phone" in norm or "mobile" in norm:
        return "phone"
    return None


# --- value checks ----------------------------------------------------------------------


_GLUED_TAIL_RE = re.compile(r"(.*\.[a-z]{2,})[A-Z]{1,3}")
_MAX_GLUED_BYTES = 3


def _unglued(address: str, in_binary: bool) -> str:
    """An address without a glued tail: in a binary format the next field's tag or
    length byte may be a printable character right after the string. A capital after a
    lower-case domain is such a byte anywhere (``...@shop.exampleS``); where the address
    ends at a control byte, so are up to three letters that turn a top-level domain into
    one that does not exist (``...@shop.examplez``, ``z`` being the next message's tag)."""
    match = _GLUED_TAIL_RE.fullmatch(address)
    if match:
        return match.group(1)
    if not in_binary:
        return address
    tld = address.rsplit(".", 1)[-1]
    if is_top_level_domain(tld):
        return address
    for cut in range(1, min(_MAX_GLUED_BYTES, len(tld) - 2) + 1):
        if is_top_level_domain(tld[:-cut]):
            return address[:-cut]
    return address


def _ends_at_binary(text: str, end: int, chain: tuple[str, ...]) -> bool:
    """Whether a match ending at ``end`` is followed by a byte of a binary format: a
    control character, or the end of a text run cut out of a binary body."""
    if end == len(text):
        return "binary-strings" in chain
    following = text[end]
    return not following.isprintable() and following not in "\t\r\n"


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
        return [value] if plausible_person_name(value) else []
    if category == _BARE_NAME:
        return [value] if plausible_person_name(value) and _capitalised(value) else []
    if category == "postal-code":
        ok = _POSTAL_VALUE_RE.fullmatch(value) and any(ch.isdigit() for ch in value)
        return [value] if ok else []
    if category == "user-id":
        return [value] if _USER_ID_RE.fullmatch(value) else []
    return []


def plausible_person_name(value: str) -> bool:
    """A value that can be a person's name: see ``_PERSON_NAME_RE``, not a placeholder."""
    if len(value) > 64 or not _PERSON_NAME_RE.fullmatch(value):
        return False
    return re.sub(r"[\W_]+", " ", value.lower()).strip() not in _NAME_PLACEHOLDERS


_PARTICLES = frozenset(["van", "von", "de", "der", "den", "da", "di", "du", "del", "la", "le"])


def _capitalised(value: str) -> bool:
    """Every word starts with a capital (name particles aside): a bare ``name`` holding
    ``checkout`` or ``page_view`` is an event's or a page's, not a person's."""
    words = value.split(" ")
    return words[0][:1].isupper() and all(w[:1].isupper() or w in _PARTICLES for w in words)


def _container_kind(name: str) -> str | None:
    """``person``, ``thing`` or None for an enclosing object's name."""
    norm = re.sub(r"[\s_\-]", "", name.lower())
    if norm.startswith(_PERSON_CONTAINERS):
        return "person"
    singular = norm[:-1] if norm.endswith("s") and len(norm) > 3 else norm
    return "thing" if singular.lstrip("$") in _THING_CONTAINERS else None


def _siblings(container: Mapping[str, Any] | Sequence[tuple[str, str]]) -> Iterable[Any]:
    items = container.items() if isinstance(container, Mapping) else container
    for position, item in enumerate(items):
        if position >= 64:
            return
        yield item


def _sibling_contact(place: Place) -> bool:
    """A field next to this one holds an e-mail address or a phone number."""
    if place.siblings is None:
        return False
    for key, value in _siblings(place.siblings):
        if key == place.name or not isinstance(value, str):
            continue
        category = _gate_category(str(key))
        if category == "phone" and _PHONE_VALUE_RE.fullmatch(value.strip()):
            return True
        if ("@" in value or "%40" in value) and _EMAIL_RE.search(value.replace("%40", "@")):
            return True
    return False


def _name_gate(place: Place) -> str | None:
    """``name`` when a bare ``name`` field is a person's in this place, else None."""
    for container in reversed(place.containers):
        kind = _container_kind(container)
        if kind == "thing":
            return None
        if kind == "person":
            return _BARE_NAME
        break  # only the nearest named object speaks for the value
    return _BARE_NAME if _sibling_contact(place) else None


def _place_gate(text: str, place: Place) -> str | None:
    """The category the place's field name announces for this value, if any."""
    if place.name is None:
        return None
    gate = _gate_category(place.name)
    if gate == _BARE_NAME:
        return _name_gate(place)
    if gate == "name" and _LANGUAGE_RE.fullmatch(text.strip()) and _is_ln(place.name):
        return None  # "ln" is a language far more often than a last name
    return gate


def _is_ln(name: str) -> bool:
    parts = _NAME_PART_RE.findall(name)
    return bool(parts) and parts[-1].lower() == "ln"


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
    """Finds personal data in recorded requests and stored values.

    ``known_values`` are marker values the crawl typed into forms or saw on pages; their
    md5/sha1/sha256 digests (of the normalised forms) are precomputed so hashed copies can
    be recognised, and known phone numbers are found in any field.
    """

    def __init__(self, known_values: Iterable[str] = ()) -> None:
        self._hashes: dict[str, tuple[_Known, str]] = {}
        self._records: dict[int, tuple[Mapping[str, Any], RequestFindings]] = {}
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
        *,
        body_bytes: bytes | None = None,
        truncated: bool = False,
    ) -> list[PersonalData]:
        """Personal data in one request, de-duplicated, in a stable order.

        ``body`` is the body as text; ``body_bytes`` a body that is not UTF-8 text (raw
        gzip, say). Order: URL path, query, body, then headers in the order sent.
        """
        return list(self._scan(url, headers, body, body_bytes, content_type, truncated).found)

    def find_in_record(self, request: Mapping[str, Any]) -> RequestFindings:
        """Personal data and decoding problems of a request as scan.json records it
        (``url``, ``headers``, ``body`` with ``text`` or ``base64`` and ``truncated``).

        Answers are kept per record for the finder's lifetime: the rules, the data-flow
        records and the report's coverage ask about the same requests.
        """
        kept = self._records.get(id(request))
        if kept is not None and kept[0] is request:
            return kept[1]
        body = request.get("body") or {}
        encoded = body.get("base64")
        headers = request.get("headers") or []
        content_type = next(
            (value for name, value in headers if name.lower() == "content-type"), None
        )
        result = self._scan(
            request["url"],
            headers,
            body.get("text"),
            base64.b64decode(encoded) if encoded else None,
            content_type,
            bool(body.get("truncated")),
        )
        self._records[id(request)] = (request, result)
        return result

    def find_in_value(
        self, value: str, name: str | None = None, location: str = "storage"
    ) -> list[PersonalData]:
        """Personal data in one stored value (a cookie's, a web-storage item's): the value
        is decoded like any request value (percent-encoding, base64, JSON, lz-string in
        its UTF-16 form too) and ``name`` gates the field-name rules (a cookie ``email``).

        ``location`` is what findings report (``cookie`` or ``storage``); ``field`` and
        ``path`` start at ``name``.
        """
        scan = _Scan(self)
        scan.walker.value(value, name=name, location=location)
        return list(scan.found)

    def _scan(
        self,
        url: str,
        headers: Sequence[Sequence[str]],
        body: str | None,
        body_bytes: bytes | None,
        content_type: str | None,
        truncated: bool,
    ) -> RequestFindings:
        scan = _Scan(self)
        walker = scan.walker
        walker.url(url, path_location="url-path", query_location="query")
        if body or body_bytes:
            walker.body(
                text=body or None,
                data=body_bytes,
                content_type=content_type,
                headers=headers,
                truncated=truncated,
            )
        for header in headers:
            if len(header) == 2:
                walker.header(header[0], header[1])
        return RequestFindings(tuple(scan.found), tuple(dict.fromkeys(walker.problems)))


class _Scan:
    """The findings of one request or value, fed by its walker."""

    def __init__(self, finder: PersonalDataFinder) -> None:
        self.finder = finder
        self.found: dict[PersonalData, None] = {}
        self.walker = RequestWalker(self.detect)

    def add(
        self, category: str, value: str, raw: str, place: Place, chain: tuple[str, ...]
    ) -> None:
        item = PersonalData(
            category, value, place.field, place.location, encoding_of(chain), chain, raw,
            place.path,
        )  # fmt: skip
        self.found.setdefault(item, None)

    def detect(self, text: str, place: Place, chain: tuple[str, ...], number: bool) -> None:
        """Report what this exact text holds, with the chain it was reached by."""
        if "@" in text:
            for match in _EMAIL_RE.finditer(text):
                address = _unglued(match.group(), _ends_at_binary(text, match.end(), chain))
                if _plausible_email(address):
                    self.add("email", address.lower(), address, place, chain)
        gate = _place_gate(text, place)
        if gate is not None:
            category = "name" if gate == _BARE_NAME else gate
            for value in _gated_values(gate, text):
                self.add(category, value, value, place, chain)
        phone_re = self.finder._phone_re
        if phone_re is not None:
            for match in phone_re.finditer(text):
                self.add("phone", match.group().strip(), match.group(), place, chain)
        if self.finder._hashes and len(text) >= 32:
            for match in _HEX_RE.finditer(text):
                hit = self.finder._hashes.get(match.group().lower())
                if hit is not None:
                    known, algorithm = hit
                    category = known.category or ("name" if gate == _BARE_NAME else gate)
                    if category is not None:
                        self.add(category, known.value, match.group(), place, (*chain, algorithm))
