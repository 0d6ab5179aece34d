"""Security-header and CSP rules, from small scan fixtures."""

from __future__ import annotations

from scanner.checks import content_security, headers
from tests.rule_fixtures import HOME, findings_of, page, request, scan, summary

GOOD_HEADERS = [
    ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ["Permissions-Policy", "camera=()"],
]
STRICT = (
    "default-src 'self'; script-src 'nonce-{n}' 'strict-dynamic'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; report-uri /r; report-to r"
)


def policy(value: str, disposition: str = "enforce", source: str = "header") -> dict:
    return {"source": source, "disposition": disposition, "value": value}


def test_well_configured_headers_give_nothing() -> None:
    assert findings_of(scan(page(headers=GOOD_HEADERS)), headers.check) == []


def test_missing_headers_on_every_page_are_one_finding_each() -> None:
    bare = scan(page(), page("https://www.shop.test/b"))
    findings = findings_of(bare, headers.check)
    assert summary(findings) == {
        ("hsts-missing", "www.shop.test", "medium"),
        ("x-content-type-options-missing", "www.shop.test", "low"),
        ("framing-protection-missing", "www.shop.test", "medium"),
        ("permissions-policy-missing", "www.shop.test", "info"),
    }
    assert all(len(f.pages) == 2 for f in findings)
    hsts = next(f for f in findings if f.rule_id == "hsts-missing")
    assert hsts.evidence[0]["observatory_result"] == "hsts-not-implemented"


def test_short_hsts_and_unsafe_referrer_policy() -> None:
    weak = [
        ["Strict-Transport-Security", "max-age=3600"],
        *GOOD_HEADERS[1:3],
        ["Referrer-Policy", "unsafe-url"],
        ["Permissions-Policy", "camera=()"],
    ]
    assert summary(findings_of(scan(page(headers=weak)), headers.check)) == {
        ("hsts-weak", "www.shop.test", "low"),
        ("referrer-policy-unsafe", "www.shop.test", "low"),
    }


def test_strict_policy_gives_nothing() -> None:
    fully_strict = (
        STRICT.format(n="r4nd0mN0nce")
        .replace("'strict-dynamic'", "'strict-dynamic' 'unsafe-inline' https:")
        .replace(
            "; report-uri", "; form-action 'self'; require-trusted-types-for 'script'; report-uri"
        )
    )
    strict = page(csp_policies=[policy(fully_strict)])
    assert findings_of(scan(strict), content_security.check) == []


def test_strict_policy_gives_only_what_it_lacks() -> None:
    strict = page(csp_policies=[policy(STRICT.format(n="a1"))])
    assert summary(findings_of(scan(strict), content_security.check)) == {
        ("csp-allowlist-fallback-missing", "script-src", "low"),
        ("csp-form-action-unrestricted", "form-action", "info"),
        ("csp-inline-fallback-missing", "script-src", "low"),
        ("csp-nonce-short", "script-src 'nonce-a1'", "medium"),
        ("csp-trusted-types-missing", "require-trusted-types-for", "info"),
    }


def test_page_without_policy_and_weak_policy() -> None:
    weak = page(
        "https://www.shop.test/weak",
        csp_policies=[policy("script-src 'self' 'unsafe-inline' https:; report-uri /r")],
        headers=[["X-Frame-Options", "SAMEORIGIN"]],
    )
    findings = findings_of(scan(page(), weak), content_security.check)
    assert summary(findings) == {
        ("csp-missing", "www.shop.test", "medium"),
        ("csp-script-unsafe-inline", "script-src 'unsafe-inline'", "high"),
        ("csp-script-plain-scheme", "script-src https:", "high"),
        ("csp-missing-object-src", "object-src", "high"),
        ("csp-report-uri-only", "report-uri /r", "info"),
        ("csp-form-action-unrestricted", "form-action", "info"),
        ("csp-script-allowlist-policy", "script-src", "low"),
        ("csp-script-self", "script-src 'self'", "low"),
        ("csp-trusted-types-missing", "require-trusted-types-for", "info"),
    }
    assert next(f for f in findings if f.rule_id == "csp-missing").pages == [HOME]


def test_report_only_policy_weaknesses_are_one_level_lower_and_page_still_lacks_a_csp() -> None:
    report_only = page(csp_policies=[policy("script-src 'unsafe-inline'; report-to r", "report")])
    found = summary(findings_of(scan(report_only), content_security.check))
    assert ("csp-missing", "www.shop.test", "medium") in found
    assert ("csp-script-unsafe-inline", "script-src 'unsafe-inline'", "medium") in found


def test_violations_nonce_reuse_and_unused_allowed_host() -> None:
    reused = STRICT.format(n="fixed") + "; script-src-elem 'nonce-fixed' https://cdn.allowed.test"
    violation = {
        "frame_url": HOME,
        "blocked_url": "https://cdn.other.test/x.js",
        "violated_directive": "script-src-elem",
        "effective_directive": "script-src-elem",
        "disposition": "enforce",
        "policy": reused,
        "source_file": None,
        "line": None,
        "sample": None,
    }
    first = page(csp_policies=[policy(reused)], csp_violations=[violation])
    second = page(
        "https://www.shop.test/b",
        csp_policies=[policy(reused)],
        requests=[request(1, "https://www.shop.test/app.js")],
    )
    found = summary(findings_of(scan(first, second), content_security.check))
    assert found == {
        ("csp-blocked-resource", "https://cdn.other.test script-src-elem enforce", "low"),
        ("csp-nonce-reuse", "'nonce-fixed'", "high"),
        ("csp-allowed-host-unused", "script-src-elem https://cdn.allowed.test", "low"),
        ("csp-allowlist-fallback-missing", "script-src", "low"),
        ("csp-form-action-unrestricted", "form-action", "info"),
        ("csp-inline-fallback-missing", "script-src", "low"),
        ("csp-nonce-short", "script-src 'nonce-fixed'", "medium"),
        ("csp-nonce-short", "script-src-elem 'nonce-fixed'", "medium"),
        ("csp-script-allowlist-host", "script-src-elem https://cdn.allowed.test", "low"),
        ("csp-trusted-types-missing", "require-trusted-types-for", "info"),
    }
