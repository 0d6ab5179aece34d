"""The Observatory's content-security-policy test.

It grades the enforced policy (headers and ``<meta http-equiv>`` elements together), from the
worst weakness down: unreadable, scripts unrestricted or inline, active content over http,
``'unsafe-eval'``, passive content over http, loose styles; then it rewards
``default-src 'none'``. A nonce or hash cancels ``'unsafe-inline'`` (as browsers do), and
``'strict-dynamic'`` with a nonce or hash cancels host and scheme sources and ``'self'``;
``'strict-dynamic'`` without one is counted as invalid.
"""

from __future__ import annotations

from dataclasses import dataclass

from .csp_reading import Csp, CspSyntaxError, read_meta_policies, read_policies
from .exchange import Site
from .result import TestResult, make

TEST = "content-security-policy"
HEADER = "content-security-policy"
REPORT_ONLY = "content-security-policy-report-only"

DANGEROUSLY_BROAD = frozenset(
    {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
)
UNSAFE_INLINE = frozenset({"'unsafe-inline'", "data:"})
BROAD_OR_INLINE = DANGEROUSLY_BROAD | UNSAFE_INLINE
PASSIVE_DIRECTIVES = ("img-src", "media-src")
NONCE_OR_HASH_PREFIXES = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")

MESSAGES = {
    "csp-implemented-with-no-unsafe-default-src-none": (
        "The Content-Security-Policy blocks everything by default (default-src 'none') and "
        "allows no unsafe script or style sources, the strongest protection against injected "
        "scripts."
    ),
    "csp-implemented-with-no-unsafe": (
        "The Content-Security-Policy allows no inline or eval'd scripts, which stops most "
        "injected scripts from running."
    ),
    "csp-implemented-with-unsafe-inline-in-style-src-only": (
        "The Content-Security-Policy protects scripts but lets inline or broadly sourced "
        "styles through, so injected styling can still alter the page."
    ),
    "csp-implemented-with-insecure-scheme-in-passive-content-only": (
        "The Content-Security-Policy lets images or media load over unencrypted http, which "
        "can be read or swapped on the way."
    ),
    "csp-implemented-with-unsafe-eval": (
        "The Content-Security-Policy allows 'unsafe-eval', so text an attacker slips into the "
        "page can still be run as code."
    ),
    "csp-implemented-with-unsafe-inline": (
        "The Content-Security-Policy does not really restrict scripts (inline scripts, data: "
        "URLs or any host are allowed, or scripts and plugins are not restricted at all), so "
        "it does not stop injected scripts."
    ),
    "csp-implemented-with-insecure-scheme": (
        "The Content-Security-Policy of this secure page allows code to load over unencrypted "
        "http, which an attacker on the network can replace."
    ),
    "csp-header-invalid": (
        "The Content-Security-Policy cannot be read as written (a directive given twice, "
        "'strict-dynamic' without a nonce or hash, or a malformed value), so its protection "
        "is in doubt."
    ),
    "csp-not-implemented": (
        "The page sends no Content-Security-Policy, so nothing limits what an injected script "
        "can do."
    ),
    "csp-not-implemented-but-reporting-enabled": (
        "The page only reports Content-Security-Policy violations (report-only) and blocks "
        "nothing, so injected scripts still run."
    ),
    "csp-implemented-but-duplicate-directives": (
        "The Content-Security-Policy passes, but repeats report-uri or report-to directives; "
        "browsers use only the first."
    ),
}


@dataclass(frozen=True)
class CspAnalysis:
    result: TestResult
    directives: Csp | None
    """The policy as the Observatory read it; None when it was missing or unreadable."""


def _has_nonce_or_hash(sources: set[str]) -> bool:
    return any(source.startswith(NONCE_OR_HASH_PREFIXES) for source in sources)


def _first_present(csp: Csp, *names: str) -> set[str]:
    for name in names:
        if name in csp:
            return csp[name]
    return {"*"}


def analyse_csp(site: Site) -> CspAnalysis:
    response = site.auto
    if response is None:
        return CspAnalysis(make(TEST, "csp-not-implemented", MESSAGES["csp-not-implemented"]), None)
    headers = response.headers.values(HEADER)
    meta = list(site.meta_csp)
    shown = "; ".join([*headers, *meta]) or None
    where = "Content-Security-Policy" if headers else '<meta http-equiv="Content-Security-Policy">'

    def result(code: str) -> TestResult:
        return make(TEST, code, MESSAGES[code], where if shown else None, shown)

    try:
        read = read_policies([*headers, *meta])
    except CspSyntaxError:
        return CspAnalysis(result("csp-header-invalid"), None)
    try:
        header_only = read_policies(headers)
        header_size = len(header_only.directives) + bool(header_only.duplicates)
    except CspSyntaxError:
        header_size = 0
    try:
        meta_size = len(read_meta_policies(meta)) + bool(read_policies(meta).duplicates)
    except CspSyntaxError:
        meta_size = 0
    if header_size + meta_size == 0:
        if response.headers.first(REPORT_ONLY):
            report_only = response.headers.first(REPORT_ONLY)
            return CspAnalysis(
                make(
                    TEST,
                    "csp-not-implemented-but-reporting-enabled",
                    MESSAGES["csp-not-implemented-but-reporting-enabled"],
                    "Content-Security-Policy-Report-Only",
                    report_only,
                ),
                None,
            )
        return CspAnalysis(result("csp-not-implemented"), None)
    code = _grade(read.directives, https=site.session_scheme == "https")
    if code in _PASSING_CODES and read.duplicates:
        code = "csp-implemented-but-duplicate-directives"
    return CspAnalysis(result(code), read.directives)


_PASSING_CODES = frozenset(
    {
        "csp-implemented-with-no-unsafe",
        "csp-implemented-with-no-unsafe-default-src-none",
        "csp-implemented-with-unsafe-inline-in-style-src-only",
        "csp-implemented-with-insecure-scheme-in-passive-content-only",
    }
)


def _grade(csp: Csp, *, https: bool) -> str:
    """The worst weakness of a readable policy, in the Observatory's order."""
    object_src = _first_present(csp, "object-src", "default-src")
    script_src = _first_present(csp, "script-src", "default-src")
    style_src = _first_present(csp, "style-src", "default-src")
    for sources in (script_src, style_src):  # the sets are shared with csp, as there
        if _has_nonce_or_hash(sources):
            sources.discard("'unsafe-inline'")
    invalid = False
    if "'strict-dynamic'" in script_src:
        if _has_nonce_or_hash(script_src):
            for source in list(script_src):
                if source.startswith(tuple(DANGEROUSLY_BROAD)) or source in (
                    "'self'",
                    "'unsafe-inline'",
                ):
                    script_src.discard(source)
        else:
            invalid = True
    active = [
        source
        for directive, sources in csp.items()
        if directive not in PASSIVE_DIRECTIVES and directive != "script-src"
        for source in sources
    ] + list(script_src)
    passive = [
        source
        for directive in PASSIVE_DIRECTIVES
        for source in csp.get(directive, csp.get("default-src", set()))
    ]
    insecure = ("http:", "ftp:")
    checks = (
        ("csp-header-invalid", invalid),
        (
            "csp-implemented-with-unsafe-inline",
            bool(script_src & BROAD_OR_INLINE) or bool(object_src & DANGEROUSLY_BROAD),
        ),
        (
            "csp-implemented-with-insecure-scheme",
            https and any(source.startswith(insecure) for source in active),
        ),
        ("csp-implemented-with-unsafe-eval", "'unsafe-eval'" in script_src | style_src),
        (
            "csp-implemented-with-insecure-scheme-in-passive-content-only",
            https and any(source.startswith(insecure) for source in passive),
        ),
        ("csp-implemented-with-unsafe-inline-in-style-src-only", bool(style_src & BROAD_OR_INLINE)),
        ("csp-implemented-with-no-unsafe-default-src-none", csp.get("default-src") == {"'none'"}),
    )
    return next((code for code, found in checks if found), "csp-implemented-with-no-unsafe")


def content_security_policy_test(site: Site) -> TestResult:
    return analyse_csp(site).result
