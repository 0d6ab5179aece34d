"""The Observatory package: its pieces, from the MDN HTTP Observatory's documented behaviour
(its scoring table and tests) and from the HTTP and HTML specifications.

Agreement with the reference itself, case by case, is tests/test_observatory_parity.py.
"""

from __future__ import annotations

import math

import pytest

from scanner.checks import headers
from scanner.checks.observatory import (
    SCORING_VERSION,
    TEST_NAMES,
    CookieWrite,
    CorsResponse,
    Headers,
    Hop,
    Response,
    Site,
    grade_site,
    is_preloaded,
    letter_grade,
    site_from_page,
    site_from_retrieval,
    total_score,
)
from scanner.checks.observatory.cookies import has_invalid_same_site, jar_from_set_cookie
from scanner.checks.observatory.csp_reading import CspSyntaxError, read_policies
from scanner.checks.observatory.hsts import read_max_age
from scanner.checks.observatory.html import read_html
from scanner.checks.observatory.jsstr import js_parse_int, js_trim
from scanner.checks.observatory.scoring import MODIFIERS, PASSING
from scanner.checks.security_headers import header_referrer_policy, meta_referrer_policy
from tests.rule_fixtures import cookie, findings_of, page, scan, summary

HOST = "www.shop.test"
HTTPS = f"https://{HOST}/"
STRICT_HEADERS = [
    ["Content-Type", "text/html"],
    ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
    ["Strict-Transport-Security", "max-age=31536000"],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "no-referrer"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
]


def site(
    headers: list[list[str]], html: str | None = "", **kwargs: object
) -> Site:  # a fully observed https site
    route = kwargs.pop("route", [Hop(f"http://{HOST}/", 301), Hop(HTTPS, 200)])
    return site_from_retrieval(
        HOST,
        Response(HTTPS, 200, Headers(headers)),
        Response(HTTPS, 200, Headers(headers)),
        http_redirects=route,  # type: ignore[arg-type]
        cors=CorsResponse(Headers([]), "https://other.test"),
        cookie_writes=kwargs.pop("cookie_writes", []),  # type: ignore[arg-type]
        html=html,
    )


def result_of(test: str, headers: list[list[str]], **kwargs: object) -> str:
    found = grade_site(site(headers, **kwargs)).result(test)
    assert found is not None
    return found.observatory_result


# ---------------------------------------------------------------- scoring


def test_the_scoring_table_is_named_and_complete() -> None:
    assert SCORING_VERSION == "MDN HTTP Observatory 1.4.8 scoring"
    assert set(MODIFIERS) >= PASSING
    assert len(TEST_NAMES) == 10 and "cross-origin-resource-policy" in TEST_NAMES
    assert MODIFIERS["corp-implemented-with-same-origin"] == 10  # CORP is scored since v4
    assert MODIFIERS["x-frame-options-implemented-via-csp"] == 5


@pytest.mark.parametrize(
    ("modifiers", "score"),
    [
        ((), 100),
        ((-10, 5), 95),
        ((-10, 10, 5), 105),
        ((-15, 10, 5), 85),
        ((-5, -10, 5), 85),
        ((-100, -50), 0),
    ],
)
def test_bonuses_count_only_when_the_penalties_leave_90(modifiers: tuple, score: int) -> None:
    assert total_score(modifiers) == score


@pytest.mark.parametrize(
    ("score", "grade"),
    [(135, "A+"), (100, "A+"), (99, "A"), (90, "A"), (89, "A-"), (84, "B+"), (75, "B"),
     (69, "B-"), (64, "C+"), (50, "C"), (49, "C-"), (44, "D+"), (30, "D"), (29, "D-"),
     (24, "F"), (0, "F")],
)  # fmt: skip
def test_grade_bands(score: int, grade: str) -> None:
    assert letter_grade(score) == grade


def test_a_strict_site_scores_above_100_and_every_test_passes() -> None:
    report = grade_site(site(STRICT_HEADERS))
    assert report.not_run == ()
    assert report.tests_passed == 10
    # 100 + CSP 10 + XFO via CSP 5 + referrer 5 + CORP 10
    assert (report.score, report.grade) == (130, "A+")


def test_missing_inputs_leave_their_tests_out() -> None:
    https_only = Site(HOST, Response(HTTPS, 200, Headers(STRICT_HEADERS)))
    report = grade_site(https_only)
    assert set(report.not_run) == {
        "cookies",
        "cross-origin-resource-sharing",
        "redirection",
        "subresource-integrity",
    }
    assert not report.complete


# ---------------------------------------------------------------- how values are read


def test_repeated_headers_are_joined_as_the_observatory_client_joins_them() -> None:
    read = Headers([["X-Frame-Options", "DENY"], ["x-frame-options", "DENY"]])
    assert read.values("X-Frame-Options") == ["DENY, DENY"]
    assert Headers([["Set-Cookie", "a=1\nb=2"]]).values("set-cookie") == ["a=1", "b=2"]
    first_only = Headers([["Content-Type", "text/html"], ["Content-Type", "text/plain"]])
    assert first_only.first("content-type") == "text/html"
    assert result_of("x-frame-options", [["X-Frame-Options", "DENY"]] * 2) == (
        "x-frame-options-header-invalid"
    )


def test_javascript_string_semantics() -> None:
    assert js_trim("\ufeff nosniff\u00a0") == "nosniff"
    assert js_parse_int(" 42abc") == 42
    assert math.isnan(js_parse_int('"31536000"'))


def test_hsts_max_age_as_the_observatory_reads_it() -> None:
    assert read_max_age("max-age=100; max-age=200") == 200
    assert read_max_age("max-age = 100") is None
    assert math.isnan(read_max_age("max-age=abc") or 0)
    # NaN is never below six months, so an unreadable number passes there too.
    assert result_of("strict-transport-security", [["Strict-Transport-Security", "max-age=x"]]) == (
        "hsts-implemented-max-age-at-least-six-months"
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("max-age=15552000", "hsts-implemented-max-age-at-least-six-months"),
        ("max-age=15551999", "hsts-implemented-max-age-less-than-six-months"),
        ("includeSubDomains", "hsts-header-invalid"),
        ("max-age=1, max-age=2", "hsts-header-invalid"),
    ],
)
def test_hsts_thresholds(value: str, code: str) -> None:
    assert result_of("strict-transport-security", [["Strict-Transport-Security", value]]) == code


def test_hsts_preload_list_overrides_the_header() -> None:
    assert is_preloaded("bugzilla.mozilla.org")  # under mozilla.org with includeSubDomains
    assert is_preloaded("anything.dev")  # a whole top-level domain
    assert not is_preloaded("dropboxusercontent.com")
    assert not is_preloaded("bücher.example") and not is_preloaded("")
    preloaded = Site(
        "accounts.google.com", Response("https://accounts.google.com/", 200, Headers())
    )
    found = grade_site(preloaded).result("strict-transport-security")
    assert found is not None and found.observatory_result == "hsts-preloaded"
    assert found.score_modifier == 5


# ---------------------------------------------------------------- CSP reading


def test_csp_reading_rejects_what_the_observatory_rejects() -> None:
    for value in ("defa", "default-src 'none'; DEFAULT-SRC 'self'"):
        with pytest.raises(CspSyntaxError):
            read_policies([value])
    doubled = read_policies(["default-src 'none'; report-uri /a; report-uri /b"])
    assert doubled.duplicates == {"report-uri"}


def test_several_policies_are_intersected_path_by_path() -> None:
    read = read_policies(
        ["default-src https://a.test/js/ https://b.test", "default-src https://a.test/js/x.js"]
    )
    assert read.directives == {"default-src": {"https://a.test/js/x.js"}}
    assert read_policies(["script-src 'self'", "img-src 'self'"]).directives["img-src"] == {
        "'none'"
    }


@pytest.mark.parametrize(
    ("policy", "code"),
    [
        (
            "default-src 'none'; script-src 'nonce-a' 'unsafe-inline'",
            "csp-implemented-with-no-unsafe-default-src-none",
        ),
        ("default-src 'none'; script-src 'strict-dynamic'", "csp-header-invalid"),
        (
            "default-src 'self'; script-src 'self' http://cdn.test",
            "csp-implemented-with-insecure-scheme",
        ),
        (
            "default-src 'self'; img-src http:",
            "csp-implemented-with-insecure-scheme-in-passive-content-only",
        ),
        (
            "default-src 'self'; style-src 'unsafe-inline'",
            "csp-implemented-with-unsafe-inline-in-style-src-only",
        ),
        (
            "default-src 'self'; report-uri /a; report-uri /b",
            "csp-implemented-but-duplicate-directives",
        ),
    ],
)
def test_csp_results(policy: str, code: str) -> None:
    assert result_of("content-security-policy", [["Content-Security-Policy", policy]]) == code


def test_meta_csp_counts_but_not_its_frame_ancestors_alone() -> None:
    meta = "<meta http-equiv=' Content-Security-Policy ' content=\"default-src 'none'\">"
    assert result_of("content-security-policy", [["Content-Type", "text/html"]], html=meta) == (
        "csp-implemented-with-no-unsafe-default-src-none"
    )
    only_ancestors = (
        "<meta http-equiv='content-security-policy' content=\"frame-ancestors 'none'\">"
    )
    types = [["Content-Type", "text/html"]]
    assert result_of("content-security-policy", types, html=only_ancestors) == "csp-not-implemented"
    assert result_of("x-frame-options", types, html=only_ancestors) == (
        "x-frame-options-not-implemented"
    )
    json_body = [["Content-Type", "application/json"]]
    assert result_of("content-security-policy", json_body, html=meta) == "csp-not-implemented"


# ---------------------------------------------------------------- cookies


def test_cookie_jar_keeps_what_the_observatory_jar_keeps() -> None:
    jar = jar_from_set_cookie(
        [
            (HTTPS, ["sess=1", "sess=2; Secure; HttpOnly; SameSite=LAX", "=x", "novalue"]),
            (
                HTTPS,
                ["other=1; Domain=elsewhere.test", "wide=1; Domain=.shop.test; SameSite=Weird"],
            ),
        ]
    )
    assert [(c.name, c.secure, c.http_only, c.same_site) for c in jar] == [
        ("sess", True, True, "lax"),
        ("wide", False, False, None),
    ]
    assert has_invalid_same_site("a=1; SameSite=") and has_invalid_same_site("a=1; samesite=yes")
    assert not has_invalid_same_site("a=1; SameSite=None; Secure")


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "cookies-not-found"),
        (["a=1; Secure; SameSite=Lax"], "cookies-secure-with-httponly-sessions-and-samesite"),
        (["a=1; Secure"], "cookies-secure-with-httponly-sessions"),
        (["a=1"], "cookies-without-secure-flag-but-protected-by-hsts"),
        (["PHPSESSID=1; Secure"], "cookies-session-without-httponly-flag"),
        (["csrftoken=1; Secure"], "cookies-anticsrf-without-samesite-flag"),
        (
            ["a=1; Secure; SameSite=Strict", "b=2; SameSite=Bogus; Secure"],
            "cookies-samesite-flag-invalid",
        ),
    ],
)
def test_cookie_results(lines: list[str], code: str) -> None:
    headers = [*STRICT_HEADERS, *(["Set-Cookie", line] for line in lines)]
    writes = [CookieWrite(HTTPS, tuple(lines))]
    assert result_of("cookies", headers, cookie_writes=writes) == code


# ---------------------------------------------------------------- redirection, SRI, CORS


@pytest.mark.parametrize(
    ("route", "code"),
    [
        (["http://www.shop.test/"], "redirection-missing"),
        (["http://www.shop.test/", "https://www.shop.test/"], "redirection-to-https"),
        (["http://www.shop.test/", "https://shop.test/"], "redirection-off-host-from-http"),
        (
            ["http://www.shop.test/", "http://shop.test/", "https://shop.test/"],
            "redirection-not-to-https-on-initial-redirection",
        ),
        (["http://www.shop.test/", "http://shop.test/"], "redirection-not-to-https"),
        (["http://www.shop.test/", "https://www.shop.test:8443/"], "redirection-to-https"),
    ],
)
def test_redirection_routes(route: list[str], code: str) -> None:
    hops = [Hop(url, 301) for url in route]
    assert result_of("redirection", STRICT_HEADERS, route=hops) == code


@pytest.mark.parametrize(
    ("scripts", "code"),
    [
        ("", "sri-not-implemented-but-no-scripts-loaded"),
        (
            "<script>inline()</script>",
            "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
        ),
        (
            "<script src='https://static.shop.test/a.js'></script>",
            "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
        ),
        (
            "<script src='/a.js' integrity='sha384-x'></script>",
            "sri-implemented-and-all-scripts-loaded-securely",
        ),
        (
            "<script src='https://cdn.test/a.js' integrity='sha384-x'></script>",
            "sri-implemented-and-external-scripts-loaded-securely",
        ),
        (
            "<script src='https://cdn.test/a.js'></script>",
            "sri-not-implemented-but-external-scripts-loaded-securely",
        ),
        (
            "<script src='//cdn.test/a.js' integrity='sha384-x'></script>",
            "sri-implemented-but-external-scripts-not-loaded-securely",
        ),
        (
            "<script src='HTTP://CDN.TEST/a.js'></script>",
            "sri-not-implemented-and-external-scripts-not-loaded-securely",
        ),
        (
            "<template><script src='http://cdn.test/a.js'></script></template>",
            "sri-not-implemented-but-no-scripts-loaded",
        ),
    ],
)
def test_subresource_integrity(scripts: str, code: str) -> None:
    assert result_of("subresource-integrity", STRICT_HEADERS, html=scripts) == code


def test_html_reading_survives_hostile_markup() -> None:
    facts = read_html(
        "<script src=a src=b></script><meta name=REFERRER content=x><meta name=referrer>" * 3
    )
    assert [s.src for s in facts.scripts] == ["a", "a", "a"]
    assert facts.meta_referrer == "x"
    assert read_html("<![if <script src=x>").scripts is not None
    assert len(read_html("<script src=/a.js></script>" * 20_000).scripts) == 10_000
    unreadable_route = [Hop("http://[bad/", 301), Hop(HTTPS, 200)]
    assert result_of("redirection", STRICT_HEADERS, route=unreadable_route)  # no exception


def test_cors_reflecting_the_origin_with_credentials_fails() -> None:
    reflecting = Headers(
        [
            ["Access-Control-Allow-Origin", "https://other.test"],
            ["Access-Control-Allow-Credentials", "TRUE "],
        ]
    )
    base = site(STRICT_HEADERS)
    graded = grade_site(
        Site(
            base.hostname,
            base.https,
            cors=CorsResponse(reflecting, "https://other.test"),
            cors_observed=True,
        )
    )
    found = graded.result("cross-origin-resource-sharing")
    assert found is not None and not found.passed and found.score_modifier == -50


# ---------------------------------------------------------------- from a scan page, to rules


def test_a_scan_page_keeps_only_its_document_cookies_and_meta_policies() -> None:
    fixture = page(
        headers=STRICT_HEADERS,
        cookies=[
            cookie("sid", HOST, set_by=HTTPS, secure=False),
            cookie("tp", ".tracker.test", set_by="https://tracker.test/p.gif", secure=False),
            cookie("js", HOST, set_by=HTTPS, source="script", secure=False),
        ],
        csp_policies=[{"source": "meta", "disposition": "enforce", "value": "img-src 'self'"}],
        meta_referrer="unsafe-url",
    )
    built = site_from_page(fixture)
    assert [c.name for c in built.cookies or ()] == ["sid"]
    assert built.meta_csp == ("img-src 'self'",)
    assert built.http_redirects is None and built.scripts is None


def test_an_http_page_is_graded_on_its_redirect_chain() -> None:
    fixture = page(headers=STRICT_HEADERS)
    fixture["url"] = f"http://{HOST}/"
    fixture["redirects"] = [{"url": f"http://{HOST}/", "status": 301, "location": HTTPS}]
    built = site_from_page(fixture)
    assert built.http_redirects == (Hop(f"http://{HOST}/", 301), Hop(HTTPS, 200))
    found = grade_site(built).result("redirection")
    assert found is not None and found.observatory_result == "redirection-to-https"


def test_rules_for_new_results_and_the_scoring_named_in_evidence() -> None:
    plain = page(headers=[["Content-Type", "text/html"]])
    plain["url"] = plain["final_url"] = f"http://{HOST}/"
    plain["document_html"] = "<script src='https://cdn.test/a.js'></script>"
    found = findings_of(scan(plain), headers.check)
    rules = {rule for rule, _, _ in summary(found)}
    assert {"http-not-redirected-to-https", "sri-missing", "framing-protection-missing"} <= rules
    evidence = found[0].evidence[0]
    assert evidence["observatory_scoring"] == SCORING_VERSION
    assert "cross-origin-resource-sharing" in evidence["observatory_tests_not_run"]


def test_an_off_host_redirect_is_reported_for_the_host_asked_for() -> None:
    moved = page(headers=[*STRICT_HEADERS, ["Permissions-Policy", "camera=()"]])
    moved["url"] = "http://shop.test/old-home"
    moved["redirects"] = [{"url": "http://shop.test/old-home", "status": 301, "location": HTTPS}]
    found = summary(findings_of(scan(moved), headers.check))
    assert found == {("http-redirect-indirect", "shop.test", "low")}


# ---------------------------------------------------------------- the browser's referrer policy


def test_browser_referrer_policy_helpers() -> None:
    assert header_referrer_policy(["no-referrer, bogus", "unsafe-url\nsame-origin"]) == (
        "same-origin"
    )
    assert header_referrer_policy(["bogus"]) is None
    assert meta_referrer_policy(" Never ") == "no-referrer"
    assert meta_referrer_policy("no-referrer, unsafe-url") is None
