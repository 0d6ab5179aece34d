"""Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy of the rendered pages.

The headers are read as the HTML standard has browsers read them: the field value (repeated
headers joined with ", ") must parse as one structured field Item whose token is a policy;
parameters such as ``report-to`` may follow. Anything else is ignored by the browser, as
is COOP on a page that is not a secure context. The Report-Only variants only report:
a page with nothing but Cross-Origin-Opener-Policy-Report-Only is not protected.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from scanner.checks.observatory import Headers
from scanner.checks.structured_fields import Token, parse_item
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

COOP = "Cross-Origin-Opener-Policy"
COEP = "Cross-Origin-Embedder-Policy"
REPORT_ONLY = "-Report-Only"
COOP_VALUES = frozenset(
    {"same-origin", "same-origin-allow-popups", "noopener-allow-popups", "unsafe-none"}
)
COEP_VALUES = frozenset({"require-corp", "credentialless", "unsafe-none"})
_INVALID_RULE = {COOP: "coop-invalid", COEP: "coep-invalid"}
_KNOWN = {COOP: COOP_VALUES, COEP: COEP_VALUES}


@dataclass(frozen=True)
class Reading:
    """What a browser makes of one header's value: the policy, or why there is none."""

    policy: str | None
    problem: str | None = None
    """Why a value that was sent sets no policy; None when it does, or none was sent."""


def read_policy(value: str | None, known: frozenset[str]) -> Reading:
    if value is None:
        return Reading(None)
    item = parse_item(value)
    if item is None:
        return Reading(
            None, "not one structured field item (a syntax error, or the header sent twice)"
        )
    if not isinstance(item.value, Token):
        return Reading(None, "not a token (a quoted string or another kind of value)")
    name = item.value.name
    if name in known:
        return Reading(name)
    hint = " (policy names are lower case)" if name.lower() in known else ""
    return Reading(None, f"'{name}' is not a policy{hint}")


def check(ctx: ScanContext) -> Iterator[Observation]:
    for page in ctx.pages:
        if page["outcome"] != "rendered":
            continue
        url = ctx.page_url(page)
        host = urlsplit(url).hostname or url
        headers = Headers(page.get("response_headers") or [])
        for policy in (COOP, COEP):
            for name in (policy, policy + REPORT_ONLY):
                value = headers.first(name)
                problem = read_policy(value, _KNOWN[policy]).problem
                if problem:
                    yield _invalid(_INVALID_RULE[policy], host, url, name, value or "", problem)
        missing = _coop_missing(headers, url, host)
        if missing:
            yield missing


def _invalid(rule_id: str, host: str, url: str, name: str, value: str, problem: str) -> Observation:
    return Observation(
        rule_id,
        host,
        url,
        f"Browsers ignore the {name} header of {host}'s pages: its value is {problem}.",
        {"kind": "header", "header": name, "value": value, "problem": problem},
    )


def _coop_missing(headers: Headers, url: str, host: str) -> Observation | None:
    value = headers.first(COOP)
    reading = read_policy(value, COOP_VALUES)
    if not _secure_context(url):
        reason = "not-secure-context"
        said = "are served without HTTPS, where browsers ignore Cross-Origin-Opener-Policy"
    elif value is None:
        reason, said = "absent", "send no Cross-Origin-Opener-Policy"
    elif reading.policy is None:
        reason, said = "ignored", "send a Cross-Origin-Opener-Policy browsers ignore"
    elif reading.policy == "unsafe-none":
        reason, said = "unsafe-none", "send Cross-Origin-Opener-Policy: unsafe-none"
    else:
        return None
    report_only = headers.first(COOP + REPORT_ONLY)
    also = (
        f"; {COOP}{REPORT_ONLY} is set, but it only reports and does not protect"
        if report_only is not None
        else ""
    )
    return Observation(
        "coop-missing",
        host,
        url,
        f"Pages of {host} {said}: a cross-origin window they open, or that opens them, "
        f"keeps a handle on their window{also}.",
        {
            "kind": "header",
            "header": COOP,
            "value": value,
            "reason": reason,
            "report_only_value": report_only,
        },
    )


def _secure_context(url: str) -> bool:
    """Whether a document at ``url`` is a secure context: HTTPS, or HTTP on loopback."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return parts.scheme == "https"
    host = parts.hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
