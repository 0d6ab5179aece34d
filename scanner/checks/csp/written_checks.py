"""Checks of how a policy is written: syntax slips, nonces, addresses and old directives.

They read each directive's values as written (values browsers drop included), because a
mistake in writing is worth reporting even when the browser ignores the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .finding import Candidate
from .policy import (
    DEPRECATED_DIRECTIVES,
    NOTE_INVALID_DIRECTIVE_NAME,
    NOTE_INVALID_SOURCE,
    NOTE_META_IGNORED_DIRECTIVE,
    NOTE_META_REPORT_ONLY,
    NOTE_MISSING_SEMICOLON,
    NOTE_UNKNOWN_DIRECTIVE,
    NOTE_UNQUOTED_KEYWORD,
    SOURCE_LIST_DIRECTIVES,
    Policy,
    scheme_source,
)

MIN_NONCE_LENGTH = 8
PASSIVE_DIRECTIVES = frozenset({"img-src", "media-src"})
_NONCE = re.compile(r"'nonce-(.+)'", re.IGNORECASE)
_BASE64_NONCE = re.compile(r"'nonce-[A-Za-z0-9+/_-]+={0,2}'", re.IGNORECASE)
_SCHEME_PREFIX = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:)?//", re.IGNORECASE)
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_NOTE_RULES = {
    NOTE_UNKNOWN_DIRECTIVE: "csp-unknown-directive",
    NOTE_INVALID_DIRECTIVE_NAME: "csp-unknown-directive",
    NOTE_MISSING_SEMICOLON: "csp-missing-semicolon",
    NOTE_UNQUOTED_KEYWORD: "csp-invalid-keyword",
    NOTE_META_IGNORED_DIRECTIVE: "csp-meta-ignored-directive",
    NOTE_META_REPORT_ONLY: "csp-meta-report-only-ignored",
}


def note_findings(policy: Policy) -> Iterator[Candidate]:
    """One finding per problem the parser noted."""
    for note in policy.notes:
        kind = getattr(note, "kind", None)
        value = getattr(note, "value", None)
        rule = _NOTE_RULES.get(kind or "", "csp-parse-error")
        if kind == NOTE_INVALID_SOURCE and value and value.startswith("'"):
            rule = "csp-invalid-keyword"
        yield Candidate(rule, getattr(note, "directive", None), value, str(note))


def written_findings(
    policy: Policy,
    script_carrying: frozenset[str],
    ignored: frozenset[tuple[str, str]] = frozenset(),
) -> Iterator[Candidate]:
    """Findings about single values: nonces, IP addresses, unencrypted addresses. Values
    that browsers ignore (``ignored``: host and scheme sources beside 'strict-dynamic')
    give no finding about the address they name."""
    for directive, values in policy.values_as_written().items():
        for value in values:
            yield from _nonce_findings(directive, value)
            if (directive, value) in ignored:
                continue
            yield from _ip_findings(directive, value)
            yield from _insecure_findings(directive, value, script_carrying)
    for name in policy.directives:
        if name in DEPRECATED_DIRECTIVES:
            yield Candidate(
                "csp-deprecated-directive",
                name,
                None,
                f"The {name} directive is obsolete and ignored by current browsers, so whatever "
                "it was meant to do does not happen.",
            )


def _nonce_findings(directive: str, value: str) -> Iterator[Candidate]:
    match = _NONCE.fullmatch(value)
    if match is None:
        return
    if len(match.group(1)) < MIN_NONCE_LENGTH:
        yield Candidate(
            "csp-nonce-short",
            directive,
            value,
            f"The nonce {value} is shorter than {MIN_NONCE_LENGTH} characters, short enough to "
            "guess; use at least 128 random bits, base64-encoded, new for every response.",
        )
    if _BASE64_NONCE.fullmatch(value) is None:
        yield Candidate(
            "csp-nonce-charset",
            directive,
            value,
            f"The nonce {value} uses characters outside the base64 alphabet, so browsers do not "
            "accept it as a nonce.",
        )


def value_host(value: str) -> str:
    """The host part of a source or address as written (``[::1]`` keeps its brackets)."""
    rest = _SCHEME_PREFIX.sub("", value, count=1)
    if rest.startswith("["):
        end = rest.find("]")
        return rest[: end + 1] if end >= 0 else rest
    return re.split(r"[:/?#]", rest, maxsplit=1)[0].lower()


def _ip_findings(directive: str, value: str) -> Iterator[Candidate]:
    host = value_host(value)
    if not (host.startswith("[") and host.endswith("]")) and not _IPV4.fullmatch(host):
        return
    if host == "127.0.0.1":
        message = (
            f"{directive} allows the local machine ({value}); a development leftover that "
            "should not reach production."
        )
    else:
        message = (
            f"{directive} names an IP address ({value}); browsers never match IP addresses "
            "(except 127.0.0.1) against source expressions, so it allows nothing."
        )
    yield Candidate("csp-ip-source", directive, value, message)


def _insecure_findings(
    directive: str, value: str, script_carrying: frozenset[str]
) -> Iterator[Candidate]:
    lowered = value.lower()
    if lowered.startswith("http://"):
        what = "violation reports" if directive == "report-uri" else "content"
        yield Candidate(
            "csp-http-source",
            directive,
            value,
            f"{directive} names {value}, an unencrypted address: anyone on the network path "
            f"can read and change the {what} sent there. Use https://.",
        )
        return
    if directive not in SOURCE_LIST_DIRECTIVES:
        return
    scheme = scheme_source(value)
    insecure = scheme == "ftp" or lowered.startswith("ftp://")
    if scheme == "http" and directive not in script_carrying:
        insecure = True
    if insecure:
        passive = directive in PASSIVE_DIRECTIVES
        yield Candidate(
            "csp-insecure-scheme",
            directive,
            value,
            f"{directive} allows {value}: content over an unencrypted scheme, which anyone on "
            "the network path can read and replace"
            + (" (images and media only)." if passive else "."),
            severity="low" if passive else None,
        )
