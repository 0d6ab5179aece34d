"""The Observatory's one-header tests: X-Content-Type-Options, X-Frame-Options and
Cross-Origin-Resource-Policy.

Each reads the first value of its header (a header sent twice reads "a, a" and is invalid),
trimmed and lower-cased. Framing protection by the CSP ``frame-ancestors`` directive
replaces X-Frame-Options and earns a bonus.
"""

from __future__ import annotations

from .csp import analyse_csp
from .exchange import Site
from .jsstr import js_trim
from .result import TestResult, make

XCTO = "x-content-type-options"
XFO = "x-frame-options"
CORP = "cross-origin-resource-policy"


def _first(site: Site, name: str, limit: int) -> str | None:
    response = site.auto
    value = response.headers.first(name) if response is not None else None
    return value[:limit] if value else None


def x_content_type_options_test(site: Site) -> TestResult:
    value = _first(site, XCTO, 256)
    header = "X-Content-Type-Options"
    if value is None:
        return make(
            XCTO,
            "x-content-type-options-not-implemented",
            "The X-Content-Type-Options header is missing, so browsers may guess a file's type "
            "and could run an uploaded or injected file as a script.",
        )
    if js_trim(value).lower() == "nosniff":
        return make(
            XCTO,
            "x-content-type-options-nosniff",
            "Browsers are told not to guess file types (nosniff), which stops files from being "
            "run as scripts or styles they were not meant to be.",
            header,
            value,
        )
    return make(
        XCTO,
        "x-content-type-options-header-invalid",
        f"The X-Content-Type-Options header reads {value[:100]!r} instead of 'nosniff' (sent "
        "twice, or another value), so it does not do its job.",
        header,
        value,
    )


def x_frame_options_test(site: Site) -> TestResult:
    csp = analyse_csp(site).directives
    if csp is not None and "frame-ancestors" in csp:
        ancestors = " ".join(sorted(csp["frame-ancestors"]))
        return make(
            XFO,
            "x-frame-options-implemented-via-csp",
            "The Content-Security-Policy controls which sites may embed this page in a frame "
            "(frame-ancestors), which protects visitors from clickjacking.",
            "Content-Security-Policy",
            f"frame-ancestors {ancestors}",
        )
    value = _first(site, XFO, 1024)
    header = "X-Frame-Options"
    if value is None:
        return make(
            XFO,
            "x-frame-options-not-implemented",
            "Nothing stops other sites from embedding this page in a hidden frame, so visitors "
            "can be tricked into clicking things they did not mean to (clickjacking).",
        )
    token = js_trim(value).lower()
    if token in ("deny", "sameorigin"):
        return make(
            XFO,
            "x-frame-options-sameorigin-or-deny",
            "The X-Frame-Options header stops other sites from embedding this page in a frame, "
            "which protects visitors from clickjacking.",
            header,
            value,
        )
    if token.startswith("allow-from"):
        return make(
            XFO,
            "x-frame-options-allow-from-origin",
            "The X-Frame-Options header uses ALLOW-FROM, which current browsers ignore, so any "
            "site can embed this page; the CSP frame-ancestors directive does this job today.",
            header,
            value,
        )
    return make(
        XFO,
        "x-frame-options-header-invalid",
        f"The X-Frame-Options value {value[:100]!r} is not understood by browsers (sent twice, "
        "or another value), so other sites can embed this page and trick visitors into clicks.",
        header,
        value,
    )


_CORP_RESULTS = {
    "same-origin": (
        "corp-implemented-with-same-origin",
        "only this exact site may load this document into its pages",
    ),
    "same-site": (
        "corp-implemented-with-same-site",
        "only this site and its sub-domains may load this document into their pages",
    ),
    "cross-origin": (
        "corp-implemented-with-cross-origin",
        "any site may load this document into its pages, which is also the default",
    ),
}


def cross_origin_resource_policy_test(site: Site) -> TestResult:
    value = _first(site, CORP, 256)
    header = "Cross-Origin-Resource-Policy"
    if value is None or not js_trim(value):
        return make(
            CORP,
            "corp-not-implemented",
            "No Cross-Origin-Resource-Policy is set, so other sites may load this document "
            "into their pages (the browser default).",
        )
    known = _CORP_RESULTS.get(js_trim(value).lower())
    if known is None:
        return make(
            CORP,
            "corp-header-invalid",
            f"The Cross-Origin-Resource-Policy value {value[:100]!r} is not recognised, so "
            "browsers ignore it.",
            header,
            value,
        )
    code, meaning = known
    message = f"The Cross-Origin-Resource-Policy header says {meaning}."
    return make(CORP, code, message, header, value)
