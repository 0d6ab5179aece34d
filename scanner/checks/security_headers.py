"""Grade a page's security response headers in the terms of Mozilla's HTTP Observatory.

The input is one page's final document response (its URL and its headers as sent); the
output is one result per test, with a machine code in the Observatory's style, a score
modifier and one plain sentence for a non-engineer, plus a total score and letter grade.

The result codes, score modifiers, the bonus rule and the letter-grade bands follow the
published HTTP Observatory scoring methodology *as understood by the authors of this module*
(Mozilla's scoring document and the MDN HTTP Observatory). They may drift from what the live
service computes, and the live service runs tests this module does not (CSP quality, cookies,
CORS, Subresource Integrity, the HSTS preload list), so the numbers are comparable in spirit,
not identical. Known deliberate choices:

- Six months for HSTS is 15,552,000 seconds (180 days), the threshold the Observatory applies
  in practice, not the 15,768,000 printed in its table.
- ``hsts-not-implemented-no-https`` costs -20 as in the Observatory table: a page delivered
  over plain http is not protected, and a 0 would rank it above an https page without HSTS.
- ``hsts-preloaded`` (+5) is never produced: that needs the browsers' preload list. Instead
  ``HeaderReport.hsts_preload_ready`` says whether the header meets the list's requirements.
- ``no-referrer-when-downgrade`` is neutral (0), as in the original Observatory; newer MDN
  Observatory revisions count it as unsafe (-5).
- A valid ``<meta name="referrer">`` replaces the Referrer-Policy header, because browsers
  apply it after the header (HTML standard) and the Observatory gives it precedence too.
- ``X-Frame-Options: ALLOW-FROM`` costs nothing (as in the Observatory) but does not pass:
  current browsers ignore ``ALLOW-FROM``, so the page can be framed by anyone.
- Permissions-Policy has no Observatory test and Cross-Origin-Resource-Policy is reported for
  information only: both always carry a 0 modifier here.
- Positive modifiers (bonuses) count only when the score without them is at least 90.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

HSTS = "strict-transport-security"
XCTO = "x-content-type-options"
FRAMING = "x-frame-options"
REFERRER = "referrer-policy"
PERMISSIONS = "permissions-policy"
CORP = "cross-origin-resource-policy"
REDIRECTION = "redirection"

SIX_MONTHS = 15_552_000
"""HSTS max-age the Observatory accepts as "six months" (180 days)."""
PRELOAD_MIN_MAX_AGE = 31_536_000
"""One year: the smallest max-age hstspreload.org accepts."""
BONUS_THRESHOLD = 90
"""Positive modifiers are only added when the score without them reaches this."""

META_REFERRER = '<meta name="referrer">'

# Result code -> score modifier.
MODIFIERS: dict[str, int] = {
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-header-invalid": -20,
    "hsts-not-implemented": -20,
    "hsts-not-implemented-no-https": -20,
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 0,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    "referrer-policy-private": 5,
    "referrer-policy-no-referrer-when-downgrade": 0,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    "permissions-policy-implemented": 0,
    "permissions-policy-not-implemented": 0,
    "cross-origin-resource-policy-implemented-with-same-origin": 0,
    "cross-origin-resource-policy-implemented-with-same-site": 0,
    "cross-origin-resource-policy-implemented-with-cross-origin": 0,
    "cross-origin-resource-policy-not-implemented": 0,
    "cross-origin-resource-policy-header-invalid": 0,
    "redirection-to-https": 0,
    "redirection-missing": -20,
}

# Results that pass. Some 0-modifier results fail on purpose (see the module docstring).
PASSING: frozenset[str] = frozenset(
    {
        "hsts-implemented-max-age-at-least-six-months",
        "x-content-type-options-nosniff",
        "x-frame-options-implemented-via-csp",
        "x-frame-options-sameorigin-or-deny",
        "referrer-policy-private",
        "referrer-policy-no-referrer-when-downgrade",
        # Browsers default to strict-origin-when-cross-origin, which is private.
        "referrer-policy-not-implemented",
        "permissions-policy-implemented",
        "cross-origin-resource-policy-implemented-with-same-origin",
        "cross-origin-resource-policy-implemented-with-same-site",
        "cross-origin-resource-policy-implemented-with-cross-origin",
        "cross-origin-resource-policy-not-implemented",
        "redirection-to-https",
    }
)

# (lowest score, letter), best first.
GRADE_BANDS: tuple[tuple[int, str], ...] = (
    (100, "A+"),
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "C-"),
    (40, "D+"),
    (30, "D"),
    (25, "D-"),
    (0, "F"),
)

PRIVATE_REFERRER_POLICIES = frozenset(
    {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
)
UNSAFE_REFERRER_POLICIES = frozenset({"origin", "origin-when-cross-origin", "unsafe-url"})
REFERRER_POLICIES = (
    PRIVATE_REFERRER_POLICIES | UNSAFE_REFERRER_POLICIES | {"no-referrer-when-downgrade"}
)
# Legacy keywords the HTML standard still maps for <meta name="referrer"> (not for the header).
_META_REFERRER_LEGACY = {
    "never": "no-referrer",
    "default": "strict-origin-when-cross-origin",
    "always": "unsafe-url",
    "origin-when-crossorigin": "origin-when-cross-origin",
}

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_OWS = " \t"


@dataclass(frozen=True)
class HeaderResult:
    test: str
    result: str
    passed: bool
    score_modifier: int
    header: str | None
    """The header (or meta tag) the result rests on; None when nothing relevant was sent."""
    value: str | None
    """Its value as sent (repeated headers joined with ", "); for framing via CSP, the
    ``frame-ancestors`` directive."""
    message: str


@dataclass(frozen=True)
class HeaderReport:
    url: str
    results: tuple[HeaderResult, ...]
    score: int
    grade: str
    hsts_preload_ready: bool | None
    """Whether the HSTS header meets the preload list's header requirements (max-age of at
    least a year, includeSubDomains, preload); None for http pages, where HSTS is ignored."""

    def result(self, test: str) -> HeaderResult | None:
        """The result of one test, or None when it was not run (redirection on https)."""
        return next((r for r in self.results if r.test == test), None)


@dataclass(frozen=True)
class HstsPolicy:
    max_age: int
    include_subdomains: bool
    preload: bool

    @property
    def preload_ready(self) -> bool:
        return self.max_age >= PRELOAD_MIN_MAX_AGE and self.include_subdomains and self.preload


class HstsSyntaxError(ValueError):
    """The Strict-Transport-Security value breaks RFC 6797; browsers ignore the header."""


# ---------------------------------------------------------------- public entry point


def grade(
    url: str,
    headers: Sequence[Sequence[str]],
    redirected_to_https: bool | None = None,
    meta_referrer: str | None = None,
) -> HeaderReport:
    """Grade the security headers of one page's final document response.

    ``headers`` are ``[name, value]`` pairs as sent (any case, possibly repeated).
    ``redirected_to_https`` only matters for http pages: True or False gives the
    ``redirection`` test, None (unknown) leaves it out. ``meta_referrer`` is the content of
    the page's ``<meta name="referrer">``, if any.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    https = scheme == "https"
    index = _index_headers(headers)

    hsts, preload_ready = grade_hsts(index.get(HSTS, []), https=https)
    results = [hsts]
    if not https and redirected_to_https is not None:
        results.insert(0, grade_redirection(redirected_to_https))
    results += [
        grade_x_content_type_options(index.get(XCTO, [])),
        grade_framing(
            index.get(FRAMING, []),
            index.get("content-security-policy", []),
            index.get("content-security-policy-report-only", []),
        ),
        grade_referrer_policy(index.get(REFERRER, []), meta_referrer),
        grade_permissions_policy(index.get(PERMISSIONS, [])),
        grade_cross_origin_resource_policy(index.get(CORP, [])),
    ]
    score = total_score(r.score_modifier for r in results)
    return HeaderReport(
        url=url,
        results=tuple(results),
        score=score,
        grade=letter_grade(score),
        hsts_preload_ready=preload_ready,
    )


def total_score(modifiers: Iterable[int]) -> int:
    """100 plus the penalties; bonuses only if that reaches 90; never below 0."""
    modifiers = list(modifiers)
    score = 100 + sum(m for m in modifiers if m < 0)
    if score >= BONUS_THRESHOLD:
        score += sum(m for m in modifiers if m > 0)
    return max(score, 0)


def letter_grade(score: int) -> str:
    return next(letter for floor, letter in GRADE_BANDS if score >= floor)


# ---------------------------------------------------------------- helpers


def _index_headers(headers: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    """Header values by lower-case name, in the order sent, trimmed of surrounding spaces.

    A newline inside a value separates repeated headers: Playwright's ``response.headers``
    (the capture's fallback) joins repeated headers that way.
    """
    index: dict[str, list[str]] = {}
    for name, value in headers:
        lines = index.setdefault(name.strip().lower(), [])
        lines += [line.strip(_OWS + "\r") for line in value.split("\n")]
    return index


def _joined(values: Sequence[str]) -> str:
    """Repeated headers combined the way HTTP defines it (RFC 9110, section 5.3)."""
    return ", ".join(values)


def _split_list(values: Sequence[str]) -> list[str]:
    """The comma-separated items of a (possibly repeated) header, trimmed, empties dropped."""
    items = (item.strip(_OWS) for item in _joined(values).split(","))
    return [item for item in items if item]


def _result(
    test: str, code: str, header: str | None, value: str | None, message: str
) -> HeaderResult:
    return HeaderResult(
        test=test,
        result=code,
        passed=code in PASSING,
        score_modifier=MODIFIERS[code],
        header=header,
        value=value,
        message=message,
    )


def _duration(seconds: int) -> str:
    days = seconds // 86_400
    if days >= 1:
        return "1 day" if days == 1 else f"{days} days"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


# ---------------------------------------------------------------- Strict-Transport-Security


def parse_hsts(value: str) -> HstsPolicy:
    """Parse a Strict-Transport-Security value as RFC 6797 section 6.1 defines it.

    Directive names are case-insensitive, values may be quoted, unknown directives are
    ignored, a directive given twice or a missing/non-numeric max-age makes the whole
    header invalid (browsers then ignore it).
    """
    directives: dict[str, str | None] = {}
    for part in _split_outside_quotes(value, ";"):
        part = part.strip(_OWS)
        if not part:
            continue
        name, sep, raw = part.partition("=")
        name = name.strip(_OWS).lower()
        if not _TOKEN.fullmatch(name):
            raise HstsSyntaxError(f"{name!r} is not a valid directive name")
        if name in directives:
            raise HstsSyntaxError(f"the {name} directive appears twice")
        directives[name] = _directive_value(raw.strip(_OWS)) if sep else None

    max_age = directives.get("max-age")
    if "max-age" not in directives:
        raise HstsSyntaxError("the required max-age directive is missing")
    if max_age is None or not max_age.isascii() or not max_age.isdigit():
        raise HstsSyntaxError("max-age is not a whole number of seconds")
    return HstsPolicy(
        max_age=int(max_age),
        include_subdomains="includesubdomains" in directives,
        preload="preload" in directives,
    )


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if quoted:
        raise HstsSyntaxError("a quoted value is not closed")
    parts.append("".join(current))
    return parts


def _directive_value(raw: str) -> str:
    """A directive value: a token or a quoted string (whose backslash escapes are undone)."""
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    if not _TOKEN.fullmatch(raw):
        raise HstsSyntaxError(f"{raw!r} is not a valid directive value")
    return raw


def grade_hsts(values: Sequence[str], *, https: bool) -> tuple[HeaderResult, bool | None]:
    """The HSTS result and whether the header is ready for the preload list.

    Only the first Strict-Transport-Security header counts (RFC 6797 section 8.1, as
    browsers do); a comma inside it usually means two headers were merged on the way.
    """
    header = "Strict-Transport-Security" if values else None
    value = values[0] if values else None
    if not https:
        what = "the HSTS header it sends" if values else "HSTS"
        return _result(
            HSTS,
            "hsts-not-implemented-no-https",
            header,
            value,
            f"This page is delivered over unencrypted http, where browsers ignore {what}, so "
            "visitors' traffic can be read or altered on the way.",
        ), None
    if value is None:
        return _result(
            HSTS,
            "hsts-not-implemented",
            None,
            None,
            "The site does not tell browsers to always use a secure HTTPS connection (HSTS), "
            "so a visitor's first request can be downgraded to unencrypted http and intercepted.",
        ), False
    try:
        policy = parse_hsts(value)
    except HstsSyntaxError as error:
        return _result(
            HSTS,
            "hsts-header-invalid",
            header,
            value,
            f"The HSTS header cannot be understood ({error}), so browsers ignore it and "
            "visitors get no protection against downgrade to unencrypted http.",
        ), False
    return _hsts_policy_result(policy, value), policy.preload_ready


def _hsts_policy_result(policy: HstsPolicy, value: str) -> HeaderResult:
    details = (
        f"max-age {policy.max_age} = {_duration(policy.max_age)}, "
        f"includeSubDomains: {_yes_no(policy.include_subdomains)}, "
        f"preload: {_yes_no(policy.preload)}, "
        f"ready for the preload list: {_yes_no(policy.preload_ready)}"
    )
    header = "Strict-Transport-Security"
    if policy.max_age >= SIX_MONTHS:
        return _result(
            HSTS,
            "hsts-implemented-max-age-at-least-six-months",
            header,
            value,
            "Browsers are told to use only secure HTTPS connections to this site for at least "
            f"six months ({details}), which keeps visitors' connections from being downgraded.",
        )
    if policy.max_age == 0:
        why = "max-age=0 tells browsers to forget the protection"
    else:
        why = "protection lapses for visitors who return less often than that"
    return _result(
        HSTS,
        "hsts-implemented-max-age-less-than-six-months",
        header,
        value,
        "Browsers are told to use only secure HTTPS connections for less than six months "
        f"({details}); {why}, and at least six months is recommended.",
    )


# ---------------------------------------------------------------- X-Content-Type-Options


def grade_x_content_type_options(values: Sequence[str]) -> HeaderResult:
    """Browsers look at the first comma-separated value only (Fetch standard, nosniff)."""
    if not values:
        return _result(
            XCTO,
            "x-content-type-options-not-implemented",
            None,
            None,
            "The X-Content-Type-Options header is missing, so browsers may guess a file's type "
            "and could run an uploaded or injected file as a script.",
        )
    value = _joined(values)
    items = _split_list(values)
    if items and items[0].lower() == "nosniff":
        return _result(
            XCTO,
            "x-content-type-options-nosniff",
            "X-Content-Type-Options",
            value,
            "Browsers are told not to guess file types (nosniff), which stops files from being "
            "run as scripts or styles they were not meant to be.",
        )
    return _result(
        XCTO,
        "x-content-type-options-header-invalid",
        "X-Content-Type-Options",
        value,
        f"The X-Content-Type-Options header has the value {value!r} instead of 'nosniff', so "
        "browsers ignore it and may guess file types.",
    )


# ---------------------------------------------------------------- framing (XFO / CSP)


def frame_ancestors(csp_values: Sequence[str]) -> str | None:
    """The first ``frame-ancestors`` directive of the given CSP header values, if any.

    Each header, and each comma-separated policy inside one, is enforced on its own, so a
    ``frame-ancestors`` in any of them restricts framing.
    """
    for policy in _joined(csp_values).split(","):
        for directive in policy.split(";"):
            directive = directive.strip(_OWS + "\r\n\f")
            name = directive.split(maxsplit=1)[0].lower() if directive else ""
            if name == "frame-ancestors":
                return directive
    return None


def grade_framing(
    xfo_values: Sequence[str],
    csp_values: Sequence[str],
    report_only_csp_values: Sequence[str] = (),
) -> HeaderResult:
    """Framing protection: CSP ``frame-ancestors`` (enforced only) wins over X-Frame-Options,
    as it does in browsers; a report-only policy blocks nothing."""
    directive = frame_ancestors(csp_values)
    if directive is not None:
        return _result(
            FRAMING,
            "x-frame-options-implemented-via-csp",
            "Content-Security-Policy",
            directive,
            "The Content-Security-Policy controls which sites may embed this page in a frame "
            "(frame-ancestors), which protects visitors from clickjacking.",
        )
    if not xfo_values:
        report_only = frame_ancestors(report_only_csp_values) is not None
        note = (
            " (the report-only policy's frame-ancestors only reports, it blocks nothing)"
            if report_only
            else ""
        )
        return _result(
            FRAMING,
            "x-frame-options-not-implemented",
            None,
            None,
            "Nothing stops other sites from embedding this page in a hidden frame"
            f"{note}, so visitors can be tricked into clicking things they did not mean to "
            "(clickjacking).",
        )
    return _grade_xfo(xfo_values)


def _grade_xfo(values: Sequence[str]) -> HeaderResult:
    value = _joined(values)
    tokens = [item.lower() for item in _split_list(values)]
    header = "X-Frame-Options"
    if tokens and set(tokens) <= {"deny", "sameorigin"}:
        # HTML standard: conflicting DENY and SAMEORIGIN values block framing altogether.
        return _result(
            FRAMING,
            "x-frame-options-sameorigin-or-deny",
            header,
            value,
            "The X-Frame-Options header stops other sites from embedding this page in a frame, "
            "which protects visitors from clickjacking.",
        )
    if len(tokens) == 1 and tokens[0].startswith("allow-from"):
        return _result(
            FRAMING,
            "x-frame-options-allow-from-origin",
            header,
            value,
            "The X-Frame-Options header uses ALLOW-FROM, which current browsers ignore, so any "
            "site can embed this page; the CSP frame-ancestors directive does this job today.",
        )
    return _result(
        FRAMING,
        "x-frame-options-header-invalid",
        header,
        value,
        f"The X-Frame-Options value {value!r} is not understood by browsers, so other sites "
        "can embed this page in a frame and trick visitors into clicks (clickjacking).",
    )


# ---------------------------------------------------------------- Referrer-Policy


def header_referrer_policy(values: Sequence[str]) -> str | None:
    """The policy a browser applies from the header: its last recognised token."""
    tokens = [item.lower() for item in _split_list(values)]
    return next((t for t in reversed(tokens) if t in REFERRER_POLICIES), None)


def meta_referrer_policy(content: str) -> str | None:
    """The policy a ``<meta name="referrer">`` sets: one whole keyword, legacy ones mapped."""
    keyword = content.strip(_OWS + "\r\n\f").lower()
    keyword = _META_REFERRER_LEGACY.get(keyword, keyword)
    return keyword if keyword in REFERRER_POLICIES else None


def grade_referrer_policy(values: Sequence[str], meta_referrer: str | None = None) -> HeaderResult:
    """Referrer policy from the header and the page's ``<meta name="referrer">``.

    A valid meta policy is applied after the header and so replaces it (HTML standard; the
    Observatory likewise gives the meta tag precedence); an invalid one is ignored.
    """
    meta = meta_referrer if meta_referrer and meta_referrer.strip() else None
    meta_policy = meta_referrer_policy(meta) if meta else None
    if meta_policy is not None:
        overrides = " (the meta tag replaces the Referrer-Policy header)" if values else ""
        return _referrer_result(meta_policy, META_REFERRER, meta, overrides)
    if values:
        policy = header_referrer_policy(values)
        value = _joined(values)
        if policy is not None:
            return _referrer_result(policy, "Referrer-Policy", value, "")
        return _referrer_invalid("Referrer-Policy", value)
    if meta is not None:
        return _referrer_invalid(META_REFERRER, meta)
    return _result(
        REFERRER,
        "referrer-policy-not-implemented",
        None,
        None,
        "No referrer policy is set, so browsers use their default, which shares only the "
        "site's name (not the full page address) with other sites; setting one explicitly "
        "is recommended.",
    )


def _referrer_result(policy: str, header: str, value: str, note: str) -> HeaderResult:
    if policy in PRIVATE_REFERRER_POLICIES:
        return _result(
            REFERRER,
            "referrer-policy-private",
            header,
            value,
            f"The referrer policy '{policy}'{note} keeps the full address of this page from "
            "being passed to other sites, protecting what visitors were reading.",
        )
    if policy == "no-referrer-when-downgrade":
        return _result(
            REFERRER,
            "referrer-policy-no-referrer-when-downgrade",
            header,
            value,
            f"The referrer policy '{policy}'{note} still passes the full address of this page "
            "to every other secure site it links to or loads from; 'strict-origin-when-cross-"
            "origin' would share only the site's name.",
        )
    return _result(
        REFERRER,
        "referrer-policy-unsafe",
        header,
        value,
        f"The referrer policy '{policy}'{note} passes this site's address to other sites even "
        "on unencrypted or cross-site requests, which can leak what visitors were doing.",
    )


def _referrer_invalid(header: str, value: str) -> HeaderResult:
    return _result(
        REFERRER,
        "referrer-policy-header-invalid",
        header,
        value,
        f"The referrer policy {value!r} is not a value browsers recognise, so it is ignored "
        "and the site has no say in what it shares with other sites.",
    )


# ---------------------------------------------------------------- informational headers


def grade_permissions_policy(values: Sequence[str]) -> HeaderResult:
    """No Observatory test exists: reported for information, never scored."""
    value = _joined(values)
    if value.strip(_OWS):
        return _result(
            PERMISSIONS,
            "permissions-policy-implemented",
            "Permissions-Policy",
            value,
            "A Permissions-Policy header is present, limiting which browser features such as "
            "camera, microphone or location the page and embedded content may use.",
        )
    return _result(
        PERMISSIONS,
        "permissions-policy-not-implemented",
        "Permissions-Policy" if values else None,
        value if values else None,
        "No Permissions-Policy is set, so the page and content embedded in it are not limited "
        "in which browser features (camera, microphone, location...) they may ask for.",
    )


_CORP_RESULTS = {
    "same-origin": (
        "cross-origin-resource-policy-implemented-with-same-origin",
        "only this exact site may load this document into its pages",
    ),
    "same-site": (
        "cross-origin-resource-policy-implemented-with-same-site",
        "only this site and its sub-domains may load this document into their pages",
    ),
    "cross-origin": (
        "cross-origin-resource-policy-implemented-with-cross-origin",
        "any site may load this document into its pages, which is also the default",
    ),
}


def grade_cross_origin_resource_policy(values: Sequence[str]) -> HeaderResult:
    """Informational (0 modifier). Browsers read the combined value and ignore anything but
    exactly one of the three keywords (Fetch standard)."""
    if not values:
        return _result(
            CORP,
            "cross-origin-resource-policy-not-implemented",
            None,
            None,
            "No Cross-Origin-Resource-Policy is set, so other sites may load this document "
            "into their pages, which is the browser default and fine for most public pages.",
        )
    value = _joined(values)
    known = _CORP_RESULTS.get(value.lower())
    if known is None:
        return _result(
            CORP,
            "cross-origin-resource-policy-header-invalid",
            "Cross-Origin-Resource-Policy",
            value,
            f"The Cross-Origin-Resource-Policy value {value!r} is not recognised, so browsers "
            "ignore it.",
        )
    code, meaning = known
    return _result(
        CORP,
        code,
        "Cross-Origin-Resource-Policy",
        value,
        f"The Cross-Origin-Resource-Policy header says {meaning}.",
    )


# ---------------------------------------------------------------- redirection (http pages)


def grade_redirection(redirected_to_https: bool) -> HeaderResult:
    if redirected_to_https:
        return _result(
            REDIRECTION,
            "redirection-to-https",
            None,
            None,
            "Visitors who arrive over unencrypted http are sent on to the secure https "
            "version of the site.",
        )
    return _result(
        REDIRECTION,
        "redirection-missing",
        None,
        None,
        "Visitors who arrive over unencrypted http are not sent on to a secure https "
        "version, so what they see and send can be read or altered on the way.",
    )
