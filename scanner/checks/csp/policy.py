"""Content-Security-Policy Level 3: parsing policies and matching URLs against source lists.

Follows the W3C CSP Level 3 algorithms ("parse a serialized CSP list", the fetch-directive
fallback lists and "does url match expression in origin"). Deliberate choices:

- Nothing here raises on a malformed policy. Problems a browser would only warn about in its
  console become :class:`ParseNote` entries on the policy, and the policy keeps what a browser
  keeps: a duplicate directive is dropped (the first one wins), a directive holding non-ASCII
  text is dropped entirely (the spec skips it), and a source expression that fits none of the
  grammar's forms is dropped from the directive's values.
- A policy whose directives were all dropped is still returned when it carries notes, so the
  problem reaches the report (the spec would silently discard it).
- Keywords are lower-cased (``'SELF'`` -> ``'self'``, ``'NONCE-Ab'`` -> ``'nonce-Ab'``);
  nonce and hash values keep their case, because browsers compare them byte for byte. Scheme
  and host of host-sources are lower-cased too (they are case-insensitive); paths are kept.
- A ``<meta>`` policy is one serialized policy: commas do not separate policies there.
- IP addresses only match the literal ``127.0.0.1``, as the spec's note says.
- ``http://host:80`` also matches ``https://host`` (port 443), the upgrade the spec's
  "changes from Level 2" describe and browsers implement.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

SOURCES = ("header", "meta")
DISPOSITIONS = ("enforce", "report")

ASCII_WHITESPACE = "\t\n\f\r "
_WHITESPACE_RUN = re.compile(r"[\t\n\f\r ]+")

KEYWORDS = frozenset(
    {
        "'self'",
        "'none'",
        "'unsafe-inline'",
        "'unsafe-eval'",
        "'strict-dynamic'",
        "'unsafe-hashes'",
        "'report-sample'",
        "'unsafe-allow-redirects'",
        "'wasm-unsafe-eval'",
        # Chromium's keyword for inline <script type="speculationrules">.
        "'inline-speculation-rules'",
    }
)
HASH_ALGORITHMS = ("sha256", "sha384", "sha512")

FETCH_DIRECTIVES = frozenset(
    {
        "default-src",
        "child-src",
        "connect-src",
        "font-src",
        "frame-src",
        "fenced-frame-src",
        "img-src",
        "manifest-src",
        "media-src",
        "object-src",
        "script-src",
        "script-src-elem",
        "script-src-attr",
        "style-src",
        "style-src-elem",
        "style-src-attr",
        "worker-src",
    }
)
SOURCE_LIST_DIRECTIVES = FETCH_DIRECTIVES | {
    "base-uri",
    "form-action",
    "frame-ancestors",
    "navigate-to",
    "prefetch-src",
}
DEPRECATED_DIRECTIVES = frozenset(
    {
        "block-all-mixed-content",
        "plugin-types",
        "prefetch-src",
        "referrer",
        "reflected-xss",
        "disown-opener",
        "navigate-to",
        "require-sri-for",
    }
)
KNOWN_DIRECTIVES = (
    SOURCE_LIST_DIRECTIVES
    | DEPRECATED_DIRECTIVES
    | {
        "sandbox",
        "report-uri",
        "report-to",
        "upgrade-insecure-requests",
        "require-trusted-types-for",
        "trusted-types",
        "webrtc",
    }
)
META_IGNORED_DIRECTIVES = ("frame-ancestors", "report-uri", "report-to", "sandbox")
"""Directives browsers ignore in a ``<meta>`` policy. CSP3 names the last three plus
``report-uri``; ``report-to`` is listed too because its endpoint only exists through a
response header, so a meta-only policy cannot report anywhere."""

# CSP3 "directive fallback list": the first directive present in the policy applies.
_FALLBACKS: dict[str, tuple[str, ...]] = {
    "script-src-elem": ("script-src-elem", "script-src", "default-src"),
    "script-src-attr": ("script-src-attr", "script-src", "default-src"),
    "script-src": ("script-src", "default-src"),
    "style-src-elem": ("style-src-elem", "style-src", "default-src"),
    "style-src-attr": ("style-src-attr", "style-src", "default-src"),
    "style-src": ("style-src", "default-src"),
    "worker-src": ("worker-src", "child-src", "script-src", "default-src"),
    "frame-src": ("frame-src", "child-src", "default-src"),
    "fenced-frame-src": ("fenced-frame-src", "frame-src", "child-src", "default-src"),
    "child-src": ("child-src", "default-src"),
    "img-src": ("img-src", "default-src"),
    "font-src": ("font-src", "default-src"),
    "connect-src": ("connect-src", "default-src"),
    "media-src": ("media-src", "default-src"),
    "object-src": ("object-src", "default-src"),
    "manifest-src": ("manifest-src", "default-src"),
}

_DIRECTIVE_NAME = re.compile(r"[a-z0-9-]+")
_SCHEME = r"[a-z][a-z0-9+.\-]*"
_SCHEME_SOURCE = re.compile(rf"({_SCHEME}):", re.IGNORECASE)
_HOST_SOURCE = re.compile(
    rf"(?:(?P<scheme>{_SCHEME})://)?"
    r"(?P<host>\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)"
    r"(?::(?P<port>\*|[0-9]+))?"
    r"(?P<path>/(?:[a-z0-9\-._~!$&'()*+=:@/]|%[0-9a-f]{2})*)?",
    re.IGNORECASE,
)
_BASE64_VALUE = r"[A-Za-z0-9+/_-]+={0,2}"
_NONCE_SOURCE = re.compile(rf"'nonce-({_BASE64_VALUE})'", re.IGNORECASE)
_HASH_SOURCE = re.compile(rf"'(sha256|sha384|sha512)-({_BASE64_VALUE})'", re.IGNORECASE)
_UNQUOTED_KEYWORDS = frozenset(keyword.strip("'") for keyword in KEYWORDS)
_UNQUOTED_PREFIXES = ("nonce-", *(f"{algorithm}-" for algorithm in HASH_ALGORITHMS))
_QUOTED_VALUES: dict[str, frozenset[str]] = {
    "require-trusted-types-for": frozenset({"'script'"}),
    "trusted-types": frozenset({"'allow-duplicates'", "'none'"}),
    "webrtc": frozenset({"'allow'", "'block'"}),
}
"""Quoted values that directives outside the source lists accept."""

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
_SPECIAL_SCHEMES = frozenset({*_DEFAULT_PORTS, "file"})

# Parse note kinds (ParseNote.kind).
NOTE_DUPLICATE_DIRECTIVE = "duplicate-directive"
NOTE_NON_ASCII = "non-ascii"
NOTE_INVALID_DIRECTIVE_NAME = "invalid-directive-name"
NOTE_UNKNOWN_DIRECTIVE = "unknown-directive"
NOTE_INVALID_SOURCE = "invalid-source"
NOTE_NONE_WITH_OTHER_SOURCES = "none-with-other-sources"
NOTE_UNQUOTED_KEYWORD = "unquoted-keyword"
NOTE_MISSING_SEMICOLON = "missing-semicolon"
NOTE_META_IGNORED_DIRECTIVE = "meta-ignored-directive"
NOTE_META_REPORT_ONLY = "meta-report-only-ignored"


class ParseNote(str):
    """A problem found while parsing: reads as a plain sentence, and carries its kind.

    It is a ``str`` so that ``Policy.notes`` stays a tuple of strings for display, while the
    evaluator can still tell the kinds apart and name the directive and value concerned.
    """

    kind: str
    directive: str | None
    value: str | None

    def __new__(
        cls, kind: str, message: str, directive: str | None = None, value: str | None = None
    ) -> ParseNote:
        note = super().__new__(cls, message)
        note.kind = kind
        note.directive = directive
        note.value = value
        return note

    def __getnewargs__(self) -> tuple[str, str, str | None, str | None]:  # type: ignore[override]
        return (self.kind, str(self), self.directive, self.value)


@dataclass(frozen=True)
class Policy:
    """One Content-Security-Policy as a browser would apply it.

    ``directives`` maps each lower-case directive name to its values, in the order written;
    treat it as read-only. ``raw`` is the serialized policy this object was parsed from.
    """

    source: str
    disposition: str
    directives: dict[str, tuple[str, ...]] = field(hash=False)
    notes: tuple[str, ...] = ()
    raw: str = ""
    written: dict[str, tuple[str, ...]] | None = field(default=None, hash=False, compare=False)
    """Each kept directive's values as written (invalid ones included, duplicates once):
    what checks that judge the writing rather than the effect look at. ``None`` for a
    policy built by hand: then :meth:`values_as_written` gives ``directives``."""

    def values_as_written(self) -> dict[str, tuple[str, ...]]:
        return self.written if self.written is not None else self.directives

    @property
    def enforced(self) -> bool:
        return self.disposition == "enforce"

    def effective(self, directive: str) -> tuple[str, tuple[str, ...]] | None:
        """The directive that governs ``directive`` here, following CSP3's fallback list.

        Returns the name of the directive actually present and its values, or ``None`` when
        neither the directive nor any of its fallbacks is in the policy. Directives without
        a fallback (base-uri, form-action, frame-ancestors, sandbox, report-uri, report-to,
        upgrade-insecure-requests and any unknown name) only ever answer for themselves.
        """
        name = directive.lower()
        for candidate in _FALLBACKS.get(name, (name,)):
            if candidate in self.directives:
                return candidate, self.directives[candidate]
        return None


@dataclass(frozen=True)
class HostSource:
    """The parts of a host-source expression such as ``https://*.example.com:8443/js/``."""

    scheme: str | None
    host: str
    port: str | None
    path: str


def parse_policy_list(header_value: str, source: str, disposition: str) -> list[Policy]:
    """Parse a Content-Security-Policy header value (or a ``<meta>`` content attribute).

    A header value may carry several policies separated by commas; each one is returned.
    ``source`` is ``"header"`` or ``"meta"``; ``disposition`` is ``"enforce"`` or
    ``"report"`` (the Content-Security-Policy-Report-Only header). A ``<meta>`` element holds
    a single policy, may not use some directives, and cannot be report-only: a report-only
    meta policy comes back with no directives and a note saying browsers ignore it.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    if disposition not in DISPOSITIONS:
        raise ValueError(f"disposition must be one of {DISPOSITIONS}, not {disposition!r}")
    if source == "meta":
        policy = _parse_meta(header_value, disposition)
        return [policy] if policy is not None else []
    policies = []
    for token in header_value.split(","):
        policy = _parse_serialized(token.strip(ASCII_WHITESPACE), source, disposition)
        if policy.directives or policy.notes:
            policies.append(policy)
    return policies


def _parse_meta(content: str, disposition: str) -> Policy | None:
    serialized = content.strip(ASCII_WHITESPACE)
    if not serialized:
        return None
    if disposition == "report":
        note = ParseNote(
            NOTE_META_REPORT_ONLY,
            "A report-only policy in a <meta> element is ignored by browsers.",
        )
        return Policy("meta", disposition, {}, (note,), serialized)
    policy = _parse_serialized(serialized, "meta", disposition)
    directives = dict(policy.directives)
    written = dict(policy.values_as_written())
    notes = list(policy.notes)
    for name in META_IGNORED_DIRECTIVES:
        written.pop(name, None)
        if directives.pop(name, None) is not None:
            notes.append(
                ParseNote(
                    NOTE_META_IGNORED_DIRECTIVE,
                    f"The {name} directive is ignored when the policy is set in a <meta> element.",
                    directive=name,
                )
            )
    return Policy("meta", disposition, directives, tuple(notes), serialized, written)


def _parse_serialized(serialized: str, source: str, disposition: str) -> Policy:
    """CSP3 "parse a serialized CSP", keeping notes where a browser would warn."""
    directives: dict[str, tuple[str, ...]] = {}
    written: dict[str, tuple[str, ...]] = {}
    notes: list[ParseNote] = []
    for raw_token in serialized.split(";"):
        token = raw_token.strip(ASCII_WHITESPACE)
        if not token:
            continue
        if not token.isascii():
            notes.append(_non_ascii_note(token))
            continue
        name, *values = _WHITESPACE_RUN.split(token)
        name = name.lower()
        if name in directives:
            notes.append(
                ParseNote(
                    NOTE_DUPLICATE_DIRECTIVE,
                    f"The {name} directive appears more than once; browsers use the first "
                    "and ignore the rest.",
                    directive=name,
                )
            )
            continue
        notes.extend(_name_notes(name))
        written[name] = tuple(dict.fromkeys(values))
        for value in written[name]:
            notes.extend(_suspicious_value_notes(name, value))
        if name in SOURCE_LIST_DIRECTIVES:
            kept, value_notes = _parse_source_list(name, values)
            directives[name] = kept
            notes.extend(value_notes)
        else:
            directives[name] = tuple(values)
            if name in KNOWN_DIRECTIVES:  # an unknown directive is reported as a whole
                notes.extend(_keyword_notes(name, written[name]))
    return Policy(source, disposition, directives, tuple(notes), serialized, written)


def _non_ascii_note(token: str) -> ParseNote:
    name = _WHITESPACE_RUN.split(token, maxsplit=1)[0]
    odd = [word for word in _WHITESPACE_RUN.split(token) if not word.isascii()]
    directive = name.lower() if name.isascii() else None
    return ParseNote(
        NOTE_NON_ASCII,
        f'The directive "{name}" contains non-ASCII characters, so browsers ignore all of it.',
        directive=directive,
        value=odd[0] if odd else None,
    )


def _name_notes(name: str) -> list[ParseNote]:
    if not _DIRECTIVE_NAME.fullmatch(name):
        return [
            ParseNote(
                NOTE_INVALID_DIRECTIVE_NAME,
                f'"{name}" is not a valid directive name, so browsers ignore it.',
                directive=name,
            )
        ]
    if name not in KNOWN_DIRECTIVES:
        return [
            ParseNote(
                NOTE_UNKNOWN_DIRECTIVE,
                f'"{name}" is not a Content-Security-Policy directive (a typo?), so browsers '
                "ignore it.",
                directive=name,
            )
        ]
    return []


def _parse_source_list(
    directive: str, tokens: list[str]
) -> tuple[tuple[str, ...], list[ParseNote]]:
    kept: list[str] = []
    notes: list[ParseNote] = []
    for token in tokens:
        expression = normalise_source(token)
        if expression is None:
            notes.append(
                ParseNote(
                    NOTE_INVALID_SOURCE,
                    f'"{token}" in {directive} is not a valid source expression, so browsers '
                    "ignore it.",
                    directive=directive,
                    value=token,
                )
            )
            continue
        kept.append(expression)
    if "'none'" in kept and len(kept) > 1:
        notes.append(
            ParseNote(
                NOTE_NONE_WITH_OTHER_SOURCES,
                f"{directive} combines 'none' with other sources, so browsers ignore the 'none'.",
                directive=directive,
                value="'none'",
            )
        )
    return tuple(kept), notes


def _suspicious_value_notes(directive: str, token: str) -> list[ParseNote]:
    """Values that are almost certainly a mistake in writing the policy: a keyword, nonce or
    hash without its quotes, or a directive name (a semicolon left out before it)."""
    lowered = token.lower()
    if lowered in _UNQUOTED_KEYWORDS or lowered.startswith(_UNQUOTED_PREFIXES):
        return [
            ParseNote(
                NOTE_UNQUOTED_KEYWORD,
                f'"{token}" in {directive} lacks its single quotes, so browsers do not read '
                "it as a keyword.",
                directive=directive,
                value=token,
            )
        ]
    if lowered in KNOWN_DIRECTIVES:
        return [
            ParseNote(
                NOTE_MISSING_SEMICOLON,
                f'"{token}" appears inside {directive}; a semicolon is probably missing before '
                "it, so browsers read it as a value of the wrong directive.",
                directive=directive,
                value=token,
            )
        ]
    return []


def _keyword_notes(directive: str, values: Sequence[str]) -> list[ParseNote]:
    """Quoted values of a directive that is not a source list and takes no such keyword."""
    allowed = _QUOTED_VALUES.get(directive)
    notes = []
    for value in values:
        if not value.startswith("'"):
            continue
        lowered = value.lower()
        valid = (
            lowered in allowed
            if allowed is not None
            else (lowered in KEYWORDS or is_nonce_or_hash(value))
        )
        if not valid:
            notes.append(
                ParseNote(
                    NOTE_INVALID_SOURCE,
                    f'"{value}" is not a keyword the {directive} directive knows, so browsers '
                    "ignore it.",
                    directive=directive,
                    value=value,
                )
            )
    return notes


def normalise_source(token: str) -> str | None:
    """A source expression in canonical form, or ``None`` when it fits no CSP3 form.

    Keywords are lower-cased, nonce and hash values keep their case, scheme-sources and the
    scheme and host of host-sources are lower-cased (paths keep their case).
    """
    if not token.isascii():
        return None
    lowered = token.lower()
    if lowered in KEYWORDS or lowered == "*":
        return lowered
    if nonce := _NONCE_SOURCE.fullmatch(token):
        return f"'nonce-{nonce.group(1)}'"
    if digest := _HASH_SOURCE.fullmatch(token):
        return f"'{digest.group(1).lower()}-{digest.group(2)}'"
    if _SCHEME_SOURCE.fullmatch(token):
        return lowered
    host_source = parse_host_source(token)
    if host_source is None:
        return None
    return _serialise_host_source(host_source)


def parse_host_source(expression: str) -> HostSource | None:
    """Split a host-source expression into its parts (scheme and host lower-cased)."""
    match = _HOST_SOURCE.fullmatch(expression)
    if match is None or (match["path"] or "").startswith("//"):
        return None
    scheme = match["scheme"].lower() if match["scheme"] else None
    return HostSource(scheme, match["host"].lower(), match["port"], match["path"] or "")


def _serialise_host_source(source: HostSource) -> str:
    scheme = f"{source.scheme}://" if source.scheme else ""
    port = f":{source.port}" if source.port is not None else ""
    return f"{scheme}{source.host}{port}{source.path}"


def is_nonce_or_hash(expression: str) -> bool:
    """True for ``'nonce-...'`` and ``'sha256-...'`` style expressions (any case)."""
    return bool(_NONCE_SOURCE.fullmatch(expression) or _HASH_SOURCE.fullmatch(expression))


def nonce_value(expression: str) -> str | None:
    """The value of a ``'nonce-...'`` expression, as written; ``None`` for anything else."""
    match = _NONCE_SOURCE.fullmatch(expression)
    return match.group(1) if match else None


def scheme_source(expression: str) -> str | None:
    """The lower-case scheme of a scheme-source such as ``https:``; ``None`` otherwise."""
    match = _SCHEME_SOURCE.fullmatch(expression)
    return match.group(1).lower() if match else None


# --- URL matching -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Url:
    scheme: str
    host: str | None
    port: int | None  # None: the scheme's default port (as the URL standard stores it)
    path: str


def _parse_url(url: str) -> _Url | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not scheme:
        return None
    if port is not None and port == _DEFAULT_PORTS.get(scheme):
        port = None
    path = parts.path or ("/" if scheme in _SPECIAL_SCHEMES else "")
    return _Url(scheme, parts.hostname or None, port, path)


def source_allows_host(expression: str, url: str, self_origin: str) -> bool:
    """Whether one source expression matches ``url`` for a page whose origin is ``self_origin``.

    Implements CSP3 "does url match expression in origin" (with a redirect count of 0) for
    ``*``, scheme-sources, host-sources and ``'self'``. Other keywords, nonces and hashes
    never match a URL. A relative ``url`` is resolved against ``self_origin``.
    """
    normalised = normalise_source(expression.strip(ASCII_WHITESPACE))
    origin = _parse_url(self_origin) if self_origin else None
    target = _parse_url(urljoin(self_origin, url) if self_origin else url)
    if normalised is None or target is None:
        return False
    if normalised == "*":
        return target.scheme in ("http", "https") or (
            origin is not None and target.scheme == origin.scheme
        )
    if (scheme := scheme_source(normalised)) is not None:
        return _scheme_part_matches(scheme, target.scheme)
    if normalised == "'self'":
        return origin is not None and _self_matches(origin, target)
    host_source = parse_host_source(normalised)
    if host_source is None:
        return False
    return _host_source_matches(host_source, target, origin)


def directive_allows_url(values: Sequence[str], url: str, self_origin: str) -> bool:
    """Whether a directive's source list lets ``url`` load.

    An empty list and ``'none'`` allow nothing. ``'strict-dynamic'`` is not applied here: it
    depends on how the script was inserted, which a URL alone does not tell.
    """
    if not values or (len(values) == 1 and values[0].lower() == "'none'"):
        return False
    return any(source_allows_host(value, url, self_origin) for value in values)


def _scheme_part_matches(expression_scheme: str, url_scheme: str) -> bool:
    """CSP3 scheme-part matching: equal, or the URL's scheme is the secure upgrade."""
    upgrades = {"http": ("https",), "ws": ("wss", "http", "https"), "wss": ("https",)}
    return expression_scheme == url_scheme or url_scheme in upgrades.get(expression_scheme, ())


def _host_source_matches(source: HostSource, url: _Url, origin: _Url | None) -> bool:
    if url.host is None:
        return False
    source_scheme = source.scheme or (origin.scheme if origin else None)
    if source_scheme is None or not _scheme_part_matches(source_scheme, url.scheme):
        return False
    if not _host_part_matches(source.host, url.host):
        return False
    upgraded = source_scheme in ("http", "ws") and url.scheme in ("https", "wss")
    if not _port_part_matches(source.port, url, upgraded):
        return False
    return _path_part_matches(source.path, url.path)


def _host_part_matches(pattern: str, host: str) -> bool:
    host = host.lower()
    if _is_ip_address(host):
        # Spec note: IP addresses are never matched, except the literal loopback address.
        return host == "127.0.0.1" and pattern == "127.0.0.1"
    if pattern == "*":
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return pattern == host


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _port_part_matches(port: str | None, url: _Url, upgraded: bool) -> bool:
    if port == "*":
        return True
    wanted = int(port) if port is not None else None
    if wanted == url.port:
        return True
    effective_url_port = url.port if url.port is not None else _DEFAULT_PORTS.get(url.scheme)
    if url.port is None and wanted == effective_url_port:
        return True
    # http://host:80 keeps matching after the request is upgraded to https://host:443.
    return upgraded and wanted == 80 and effective_url_port == 443


def _path_part_matches(pattern: str, path: str) -> bool:
    """CSP3 path-part matching: a pattern ending in "/" is a prefix, otherwise exact."""
    if not pattern:
        return True
    if pattern == "/" and not path:
        return True
    exact = not pattern.endswith("/")
    pattern_pieces = pattern.split("/")
    path_pieces = path.split("/")
    if len(pattern_pieces) > len(path_pieces):
        return False
    if exact and len(pattern_pieces) != len(path_pieces):
        return False
    if not exact:
        pattern_pieces.pop()
    return all(
        unquote(wanted) == unquote(actual)
        for wanted, actual in zip(pattern_pieces, path_pieces, strict=False)
    )


def _self_matches(origin: _Url, url: _Url) -> bool:
    """CSP3 'self': the same origin, or the same host reached over a more secure scheme."""
    if url.host is None or origin.host is None or origin.host != url.host:
        return False
    if (origin.scheme, origin.port) == (url.scheme, url.port):
        return True
    if origin.port != url.port:
        return False
    return url.scheme in ("https", "wss") or (
        origin.scheme == "http" and url.scheme in ("http", "ws")
    )
