"""Content-Security-Policy values read the way the Observatory's CSP test reads them.

This is deliberately not a browser's reading (``scanner.checks.csp.policy`` is that): the
Observatory grades what was written, so it is stricter and simpler.

- Each header value is one policy; a comma does not separate policies (two headers joined by
  the HTTP client therefore read as one policy with a stray ", " inside a source).
- A directive written twice in one policy makes the whole value invalid, except
  ``report-uri`` and ``report-to``, which are only noted as duplicates.
- A value shorter than six characters after trimming is invalid.
- Sources are lower-cased tokens taken as written (no validation); a ``*-src`` directive
  without sources means ``'none'``.
- A source that extends another source of the same policy (``https://a.test/x`` after
  ``https://a.test``) is dropped.
- Several policies (headers and meta elements) are intersected: a source counts when every
  policy allows it, compared path segment by path segment; a directive left without
  sources becomes ``'none'``. The Observatory's order of comparison (sources sorted as its
  JavaScript collator sorts them) is kept, including its quirks with three or more policies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import unquote

from .jsstr import js_split_whitespace, js_trim

SHORTEST_POLICY = len("img-src") - 1
ALLOWED_DUPLICATES = frozenset({"report-uri", "report-to"})
IGNORED_IN_META = ("frame-ancestors", "report-uri", "sandbox")
MAX_SOURCES = 5_000
"""Sources kept per directive and policy: enough for any real policy, bounded for hostile ones."""

Csp = dict[str, set[str]]
_BAD_ESCAPE = re.compile(r"%(?![0-9a-fA-F]{2})")


class CspSyntaxError(ValueError):
    """The Observatory cannot read the policy (and grades it ``csp-header-invalid``)."""


@dataclass(frozen=True)
class ReadPolicies:
    directives: Csp
    duplicates: frozenset[str]
    """Directives given twice that the Observatory tolerates (report-uri, report-to)."""


@dataclass
class _Source:
    text: str
    policy: int
    keep: bool


# The order in which the CLDR root collation (what JavaScript's Intl.Collator("en") uses)
# sorts ASCII punctuation, before digits and letters.
_PUNCTUATION_ORDER = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_RANK = {char: rank for rank, char in enumerate(_PUNCTUATION_ORDER)}
_DIGITS_AND_LETTERS = len(_PUNCTUATION_ORDER)


def _collation_key(text: str) -> tuple[int, ...]:
    key = []
    for char in text:
        rank = _RANK.get(char)
        if rank is None:
            rank = _DIGITS_AND_LETTERS + ord(char)
        key.append(rank)
    return tuple(key)


def read_policies(values: Sequence[str]) -> ReadPolicies:
    """The directives the given policies allow together; raises :class:`CspSyntaxError`."""
    cleaned = [js_trim(value.replace("\r", "").replace("\n", "")) for value in values]
    merged: dict[str, list[_Source]] = {}
    duplicates: set[str] = set()
    for value in cleaned:
        if len(value) < SHORTEST_POLICY:
            raise CspSyntaxError(f"the policy {value!r} is too short to mean anything")
    for index, policy in enumerate(cleaned):
        seen: set[str] = set()
        for entry in policy.split(";"):
            name, *tokens = js_split_whitespace(js_trim(entry))
            if not name:
                continue
            directive = name.lower()
            if directive in seen:
                if directive not in ALLOWED_DUPLICATES:
                    raise CspSyntaxError(f"the {directive} directive appears twice")
                duplicates.add(directive)
            seen.add(directive)
            merged[directive] = _combine(index, directive, tokens, merged.get(directive, []))
            if index == 0 and len(cleaned) > 1:
                for source in merged[directive]:
                    source.keep = False
    directives = {
        directive: {source.text for source in sources} if sources else {"'none'"}
        for directive, sources in merged.items()
    }
    return ReadPolicies(directives, frozenset(duplicates))


def _combine(
    index: int, directive: str, tokens: list[str], earlier: list[_Source]
) -> list[_Source]:
    keep = index == 0
    new = [_Source(js_trim(token).lower(), index, keep) for token in tokens[:MAX_SOURCES]]
    if not new and directive.endswith("-src"):
        new = [_Source("'none'", index, keep)]
    pool = new if index == 0 else [*earlier, *new]
    combined = sorted(pool, key=lambda source: _collation_key(source.text))
    for previous, source in pairwise(combined):
        if source.policy == previous.policy and source.text.startswith(previous.text):
            source.keep = False  # superfluous: a longer form of a source already there
        if source.policy != previous.policy and _path_part_match(previous.text, source.text):
            source.keep = True  # allowed by both policies
    return [source for source in combined if source.keep]


def _path_part_match(first: str, second: str) -> bool:
    """Whether ``second`` lies within ``first``, compared piece by piece between slashes."""
    if not first:
        return True
    if first == "/" and not second:
        return True
    exact = not first.endswith("/")
    first_parts, second_parts = first.split("/"), second.split("/")
    if len(first_parts) > len(second_parts):
        return False
    if exact and len(first_parts) != len(second_parts):
        return False
    if not exact:
        first_parts.pop()
    return all(
        _decode_component(a) == _decode_component(b)
        for a, b in zip(first_parts, second_parts, strict=False)
    )


def _decode_component(text: str) -> str:
    """JavaScript's ``decodeURIComponent``, which rejects malformed escapes (the Observatory
    then calls the whole policy invalid)."""
    if _BAD_ESCAPE.search(text):
        raise CspSyntaxError(f"{text!r} holds a malformed %-escape")
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError as error:
        raise CspSyntaxError(f"{text!r} holds %-escapes that are not UTF-8") from error


def read_meta_policies(values: Sequence[str]) -> Csp:
    """Meta-element policies, without the directives a meta element may not carry."""
    directives = read_policies(values).directives
    for name in IGNORED_IN_META:
        directives.pop(name, None)
    return directives
