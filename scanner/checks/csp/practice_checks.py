"""Checks against recommended practice: the strict-CSP shape, Trusted Types, reporting,
styles, form targets and framing."""

from __future__ import annotations

from collections.abc import Iterator

from .finding import Candidate
from .policy import Policy, is_nonce_or_hash, scheme_source
from .script_checks import is_wildcard

_BROAD = frozenset({"*", "http:", "https:"})


def _is_broad(value: str) -> bool:
    return value in _BROAD or is_wildcard(value)


def strict_csp_findings(policy: Policy) -> Iterator[Candidate]:
    """How far the script policy is from a nonce/hash policy with 'strict-dynamic'."""
    effective = policy.effective("script-src")
    directive, values = effective if effective else ("default-src", ())
    strict_dynamic = "'strict-dynamic'" in values
    nonce_or_hash = any(is_nonce_or_hash(value) for value in values)
    if not strict_dynamic and any(not value.startswith("'") for value in values):
        yield Candidate(
            "csp-script-allowlist-policy",
            directive,
            None,
            f"{directive} relies on an allowlist of hosts or schemes, which popular hosts "
            "often let attackers get around; a policy of nonces or hashes with "
            "'strict-dynamic' does not depend on what allowed hosts serve.",
        )
    if strict_dynamic and not nonce_or_hash:
        yield Candidate(
            "csp-strict-dynamic-without-nonce",
            directive,
            None,
            f"{directive} has 'strict-dynamic' but no nonce or hash, so browsers ignore its "
            "other sources and block every script.",
        )
    if nonce_or_hash and "'unsafe-inline'" not in values:
        yield Candidate(
            "csp-inline-fallback-missing",
            directive,
            None,
            f"{directive} uses nonces or hashes without 'unsafe-inline' as a fallback: "
            "browsers that understand nonces ignore it, older ones would otherwise block the "
            "page's inline scripts.",
        )
    fallback = any(value in _BROAD or "." in value for value in values)
    if strict_dynamic and not fallback:
        yield Candidate(
            "csp-allowlist-fallback-missing",
            directive,
            None,
            f"{directive} uses 'strict-dynamic' without https: (and http:) as a fallback: "
            "browsers that understand 'strict-dynamic' ignore them, older ones would "
            "otherwise block the page's scripts.",
        )


def trusted_types_findings(policy: Policy) -> Iterator[Candidate]:
    required = policy.directives.get("require-trusted-types-for", ())
    if "'script'" not in (value.lower() for value in required):
        yield Candidate(
            "csp-trusted-types-missing",
            "require-trusted-types-for",
            None,
            "The policy does not require Trusted Types (require-trusted-types-for 'script'), "
            "which would lock down the DOM calls through which script-based injection "
            "(DOM XSS) happens.",
        )


def reporting_findings(policy: Policy) -> Iterator[Candidate]:
    report_uri = policy.directives.get("report-uri") or ()
    report_to = policy.directives.get("report-to") or ()
    if report_uri and report_to:
        return
    if report_uri:
        yield Candidate(
            "csp-report-uri-only",
            "report-uri",
            " ".join(report_uri),
            "Violations are reported only through report-uri, which CSP Level 3 deprecates; "
            "add report-to too so reports keep coming as browsers move to the Reporting API.",
        )
    elif report_to:
        yield Candidate(
            "csp-report-to-only",
            "report-to",
            " ".join(report_to),
            "Violations are reported only through report-to, which not every browser "
            "supports for CSP yet; add report-uri too so that all browsers report.",
        )
    else:
        yield Candidate(
            "csp-missing-reporting",
            None,
            None,
            "The policy has no report-uri or report-to directive, so the site never hears "
            "about blocked attacks or about pages the policy breaks.",
        )


def style_findings(policy: Policy) -> Iterator[Candidate]:
    effective = policy.effective("style-src")
    if effective is None:
        return
    directive, values = effective
    nonce_or_hash = any(is_nonce_or_hash(value) for value in values)
    for value in values:
        inline = value == "'unsafe-inline'" and not nonce_or_hash
        if inline or _is_broad(value) or scheme_source(value) == "data":
            yield Candidate(
                "csp-style-unsafe",
                directive,
                value,
                f"{directive} allows styles from {value}, so injected CSS applies: it can read "
                "out page content through selectors and restyle the page to mislead visitors.",
            )


def form_action_findings(policy: Policy) -> Iterator[Candidate]:
    values = policy.directives.get("form-action")
    if values is None:
        yield Candidate(
            "csp-form-action-unrestricted",
            "form-action",
            None,
            "There is no form-action directive (default-src does not cover it), so an "
            "injected form can send what visitors type, or what the browser fills in, to "
            "any server.",
            severity="info",
        )
        return
    for value in values:
        if _is_broad(value):
            yield Candidate(
                "csp-form-action-unrestricted",
                "form-action",
                value,
                f"form-action allows {value}, so an injected form can send what visitors type "
                "to any server.",
            )


def frame_ancestors_findings(policy: Policy) -> Iterator[Candidate]:
    ancestors = policy.directives.get("frame-ancestors")
    if ancestors is None:
        where = " (it only works in an HTTP header)" if policy.source == "meta" else ""
        yield Candidate(
            "csp-missing-frame-ancestors",
            "frame-ancestors",
            None,
            f"There is no frame-ancestors directive{where}, so unless another header forbids "
            "it, other sites can show this page inside a frame and trick visitors into "
            "clicking on it (clickjacking).",
            (("framing", ""),),
        )
        return
    for value in ancestors:
        if _is_broad(value) or scheme_source(value) is not None:
            yield Candidate(
                "csp-missing-frame-ancestors",
                "frame-ancestors",
                value,
                f"frame-ancestors allows {value}, so other sites can show this page inside a "
                "frame and trick visitors into clicking on it (clickjacking).",
                (("framing", ""),),
            )
