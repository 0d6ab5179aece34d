"""Security-header grading in the terms of Mozilla's HTTP Observatory."""

from __future__ import annotations

import dataclasses

import pytest

from scanner.checks.security_headers import (
    MODIFIERS,
    HeaderReport,
    HeaderResult,
    grade,
    letter_grade,
    parse_hsts,
    total_score,
)

HTTPS = "https://www.shop.test/"
HTTP = "http://www.shop.test/"
GOOD_HSTS = ["Strict-Transport-Security", "max-age=31536000"]


def row(result: HeaderResult | None) -> tuple:
    """Everything but the message, which is prose for people."""
    assert result is not None
    return (
        result.test,
        result.result,
        result.passed,
        result.score_modifier,
        result.header,
        result.value,
    )


def graded(url: str, headers: list[list[str]], test: str, **kwargs) -> HeaderResult:
    report = grade(url, headers, **kwargs)
    result = report.result(test)
    assert result is not None
    return result


def hsts(value: str, url: str = HTTPS) -> HeaderResult:
    return graded(url, [["Strict-Transport-Security", value]], "strict-transport-security")


# ---------------------------------------------------------------- the project's test site


def test_test_site_page_exact_report() -> None:
    report = grade(
        HTTPS,
        [
            ["Content-Type", "text/html; charset=utf-8"],
            ["Strict-Transport-Security", "max-age=31536000"],
            ["X-Content-Type-Options", "nosniff"],
        ],
    )
    assert [row(r) for r in report.results] == [
        (
            "strict-transport-security",
            "hsts-implemented-max-age-at-least-six-months",
            True,
            0,
            "Strict-Transport-Security",
            "max-age=31536000",
        ),
        (
            "x-content-type-options",
            "x-content-type-options-nosniff",
            True,
            0,
            "X-Content-Type-Options",
            "nosniff",
        ),
        ("x-frame-options", "x-frame-options-not-implemented", False, -20, None, None),
        ("referrer-policy", "referrer-policy-not-implemented", True, 0, None, None),
        ("permissions-policy", "permissions-policy-not-implemented", False, 0, None, None),
        (
            "cross-origin-resource-policy",
            "cross-origin-resource-policy-not-implemented",
            True,
            0,
            None,
            None,
        ),
    ]
    assert report.score == 80
    assert report.grade == "B+"
    assert report.hsts_preload_ready is False
    assert report.url == HTTPS
    assert report.result("redirection") is None
    hsts_message = report.results[0].message
    assert "365 days" in hsts_message
    assert "includeSubDomains: no" in hsts_message
    assert "preload: no" in hsts_message


def test_report_and_results_are_frozen() -> None:
    report = grade(HTTPS, [GOOD_HSTS])
    assert isinstance(report, HeaderReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.score = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.results[0].passed = False  # type: ignore[misc]


def test_every_message_is_one_sentence() -> None:
    report = grade(HTTP, [], redirected_to_https=False)
    for result in report.results:
        assert result.message.endswith(".")
        assert ". " not in result.message[:-1], result.message
        assert result.score_modifier == MODIFIERS[result.result]


def test_not_an_http_url_is_rejected() -> None:
    with pytest.raises(ValueError):
        grade("ftp://www.shop.test/", [])


# ---------------------------------------------------------------- Strict-Transport-Security


@pytest.mark.parametrize(
    ("value", "code", "passed", "modifier"),
    [
        ("max-age=31536000", "hsts-implemented-max-age-at-least-six-months", True, 0),
        ("max-age=15552000", "hsts-implemented-max-age-at-least-six-months", True, 0),
        ("max-age=15551999", "hsts-implemented-max-age-less-than-six-months", False, -10),
        (
            "max-age=86400; includeSubDomains",
            "hsts-implemented-max-age-less-than-six-months",
            False,
            -10,
        ),
        ("max-age=0", "hsts-implemented-max-age-less-than-six-months", False, -10),
        ('max-age="63072000"; preload', "hsts-implemented-max-age-at-least-six-months", True, 0),
        (
            "MAX-AGE=31536000; INCLUDESUBDOMAINS",
            "hsts-implemented-max-age-at-least-six-months",
            True,
            0,
        ),
        (
            "max-age=31536000; unknown=1; other",
            "hsts-implemented-max-age-at-least-six-months",
            True,
            0,
        ),
        ("max-age=31536000;;", "hsts-implemented-max-age-at-least-six-months", True, 0),
        ("includeSubDomains; preload", "hsts-header-invalid", False, -20),
        ("max-age=", "hsts-header-invalid", False, -20),
        ("max-age", "hsts-header-invalid", False, -20),
        ("max-age=one-year", "hsts-header-invalid", False, -20),
        ("max-age=-1", "hsts-header-invalid", False, -20),
        ("max-age=31536000; max-age=60", "hsts-header-invalid", False, -20),
        ("max-age=31536000; preload; PRELOAD", "hsts-header-invalid", False, -20),
        ("max-age=31536000, max-age=31536000", "hsts-header-invalid", False, -20),
        ('max-age="31536000', "hsts-header-invalid", False, -20),
        ("", "hsts-header-invalid", False, -20),
    ],
)
def test_hsts_values(value: str, code: str, passed: bool, modifier: int) -> None:
    assert row(hsts(value)) == (
        "strict-transport-security",
        code,
        passed,
        modifier,
        "Strict-Transport-Security",
        value,
    )


def test_hsts_directives_are_parsed_case_insensitively_with_quoted_values() -> None:
    policy = parse_hsts('Max-Age="31536000" ; IncludeSubdomains ; Preload')
    assert (policy.max_age, policy.include_subdomains, policy.preload) == (31536000, True, True)
    assert policy.preload_ready


@pytest.mark.parametrize(
    ("value", "ready"),
    [
        ("max-age=31536000; includeSubDomains; preload", True),
        ("max-age=63072000; preload; includesubdomains", True),
        ("max-age=31535999; includeSubDomains; preload", False),
        ("max-age=31536000; includeSubDomains", False),
        ("max-age=31536000; preload", False),
        ("max-age=not-a-number; includeSubDomains; preload", False),
    ],
)
def test_hsts_preload_readiness(value: str, ready: bool) -> None:
    assert grade(HTTPS, [["Strict-Transport-Security", value]]).hsts_preload_ready is ready


def test_hsts_message_reports_directives() -> None:
    message = hsts("max-age=63072000; includeSubDomains; preload").message
    assert "730 days" in message
    assert "includeSubDomains: yes" in message
    assert "preload: yes" in message
    assert "ready for the preload list: yes" in message


def test_hsts_invalid_message_says_why() -> None:
    assert "appears twice" in hsts("max-age=1; max-age=2").message
    assert "max-age directive is missing" in hsts("preload").message


def test_hsts_missing_on_https() -> None:
    report = grade(HTTPS, [])
    assert row(report.result("strict-transport-security")) == (
        "strict-transport-security",
        "hsts-not-implemented",
        False,
        -20,
        None,
        None,
    )
    assert report.hsts_preload_ready is False


def test_hsts_only_the_first_header_counts() -> None:
    report = grade(
        HTTPS,
        [
            ["Strict-Transport-Security", "max-age=31536000"],
            ["strict-transport-security", "max-age=0"],
        ],
    )
    assert row(report.result("strict-transport-security")) == (
        "strict-transport-security",
        "hsts-implemented-max-age-at-least-six-months",
        True,
        0,
        "Strict-Transport-Security",
        "max-age=31536000",
    )


def test_hsts_on_an_http_page_is_ignored() -> None:
    report = grade(
        HTTP, [["strict-transport-security", "max-age=31536000; includeSubDomains; preload"]]
    )
    assert row(report.result("strict-transport-security")) == (
        "strict-transport-security",
        "hsts-not-implemented-no-https",
        False,
        -20,
        "Strict-Transport-Security",
        "max-age=31536000; includeSubDomains; preload",
    )
    assert report.hsts_preload_ready is None
    assert "ignore" in report.result("strict-transport-security").message


def test_http_page_without_hsts() -> None:
    report = grade(HTTP, [])
    assert row(report.result("strict-transport-security")) == (
        "strict-transport-security",
        "hsts-not-implemented-no-https",
        False,
        -20,
        None,
        None,
    )
    assert report.hsts_preload_ready is None


def test_scheme_is_case_insensitive() -> None:
    assert grade("HTTPS://www.shop.test/", [GOOD_HSTS]).hsts_preload_ready is False
    assert grade("HTTP://www.shop.test/", [GOOD_HSTS]).hsts_preload_ready is None


# ---------------------------------------------------------------- X-Content-Type-Options


def xcto(*values: str) -> HeaderResult:
    headers = [["X-Content-Type-Options", v] for v in values]
    return graded(HTTPS, headers, "x-content-type-options")


@pytest.mark.parametrize(
    ("values", "code", "passed", "modifier", "value"),
    [
        (("nosniff",), "x-content-type-options-nosniff", True, 0, "nosniff"),
        (("NoSniff",), "x-content-type-options-nosniff", True, 0, "NoSniff"),
        (("nosniff", "nosniff"), "x-content-type-options-nosniff", True, 0, "nosniff, nosniff"),
        (("nosniff, sniff",), "x-content-type-options-nosniff", True, 0, "nosniff, sniff"),
        (("sniff",), "x-content-type-options-header-invalid", False, -5, "sniff"),
        (
            ("sniff", "nosniff"),
            "x-content-type-options-header-invalid",
            False,
            -5,
            "sniff, nosniff",
        ),
        (
            ("nosniff; mode=block",),
            "x-content-type-options-header-invalid",
            False,
            -5,
            "nosniff; mode=block",
        ),
        (("",), "x-content-type-options-header-invalid", False, -5, ""),
    ],
)
def test_x_content_type_options(
    values: tuple[str, ...], code: str, passed: bool, modifier: int, value: str
) -> None:
    assert row(xcto(*values)) == (
        "x-content-type-options",
        code,
        passed,
        modifier,
        "X-Content-Type-Options",
        value,
    )


def test_x_content_type_options_missing() -> None:
    assert row(xcto()) == (
        "x-content-type-options",
        "x-content-type-options-not-implemented",
        False,
        -5,
        None,
        None,
    )


def test_header_names_are_case_insensitive() -> None:
    assert xcto().result == "x-content-type-options-not-implemented"
    headers = [["x-CONTENT-type-OPTIONS", "nosniff"]]
    assert graded(HTTPS, headers, "x-content-type-options").result == (
        "x-content-type-options-nosniff"
    )


def test_newline_joined_repeated_headers_are_split() -> None:
    # Playwright's response.headers joins repeated headers with a newline.
    result = graded(HTTPS, [["referrer-policy", "no-referrer\nunsafe-url"]], "referrer-policy")
    assert (result.result, result.value) == ("referrer-policy-unsafe", "no-referrer, unsafe-url")


# ---------------------------------------------------------------- framing


def framing(headers: list[list[str]]) -> HeaderResult:
    return graded(HTTPS, headers, "x-frame-options")


@pytest.mark.parametrize(
    ("values", "code", "passed", "modifier", "value"),
    [
        (("DENY",), "x-frame-options-sameorigin-or-deny", True, 0, "DENY"),
        (("sameorigin",), "x-frame-options-sameorigin-or-deny", True, 0, "sameorigin"),
        ((" SameOrigin ",), "x-frame-options-sameorigin-or-deny", True, 0, "SameOrigin"),
        (("DENY", "DENY"), "x-frame-options-sameorigin-or-deny", True, 0, "DENY, DENY"),
        (("DENY", "SAMEORIGIN"), "x-frame-options-sameorigin-or-deny", True, 0, "DENY, SAMEORIGIN"),
        (
            ("ALLOW-FROM https://partner.test/",),
            "x-frame-options-allow-from-origin",
            False,
            0,
            "ALLOW-FROM https://partner.test/",
        ),
        (("ALLOWALL",), "x-frame-options-header-invalid", False, -20, "ALLOWALL"),
        (
            ("DENY", "ALLOW-FROM https://partner.test/"),
            "x-frame-options-header-invalid",
            False,
            -20,
            "DENY, ALLOW-FROM https://partner.test/",
        ),
        (("",), "x-frame-options-header-invalid", False, -20, ""),
    ],
)
def test_x_frame_options(
    values: tuple[str, ...], code: str, passed: bool, modifier: int, value: str
) -> None:
    headers = [["X-Frame-Options", v] for v in values]
    assert row(framing(headers)) == (
        "x-frame-options",
        code,
        passed,
        modifier,
        "X-Frame-Options",
        value,
    )


def test_framing_missing() -> None:
    assert row(framing([])) == (
        "x-frame-options",
        "x-frame-options-not-implemented",
        False,
        -20,
        None,
        None,
    )


@pytest.mark.parametrize(
    "csp",
    [
        [["Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"]],
        [["content-security-policy", "default-src 'self'; FRAME-ANCESTORS 'none'"]],
        # a second enforced header, or a second policy in one header, counts just the same
        [
            ["Content-Security-Policy", "default-src 'self'"],
            ["Content-Security-Policy", "frame-ancestors 'none'"],
        ],
        [["Content-Security-Policy", "default-src 'self', frame-ancestors 'none'"]],
    ],
)
def test_framing_via_enforced_csp(csp: list[list[str]]) -> None:
    result = framing(csp)
    assert (result.result, result.passed, result.score_modifier, result.header) == (
        "x-frame-options-implemented-via-csp",
        True,
        5,
        "Content-Security-Policy",
    )
    assert result.value is not None and result.value.lower() == "frame-ancestors 'none'"


def test_csp_frame_ancestors_wins_over_a_broken_x_frame_options() -> None:
    headers = [
        ["X-Frame-Options", "ALLOWALL"],
        ["Content-Security-Policy", "frame-ancestors 'self' https://partner.test"],
    ]
    assert row(framing(headers)) == (
        "x-frame-options",
        "x-frame-options-implemented-via-csp",
        True,
        5,
        "Content-Security-Policy",
        "frame-ancestors 'self' https://partner.test",
    )


def test_report_only_csp_does_not_protect_against_framing() -> None:
    result = framing([["Content-Security-Policy-Report-Only", "frame-ancestors 'none'"]])
    assert row(result) == (
        "x-frame-options",
        "x-frame-options-not-implemented",
        False,
        -20,
        None,
        None,
    )
    assert "report-only" in result.message


def test_report_only_csp_falls_back_to_x_frame_options() -> None:
    headers = [
        ["Content-Security-Policy-Report-Only", "frame-ancestors 'none'"],
        ["Content-Security-Policy", "default-src 'self'"],
        ["X-Frame-Options", "DENY"],
    ]
    assert framing(headers).result == "x-frame-options-sameorigin-or-deny"


def test_csp_without_frame_ancestors_does_not_count() -> None:
    headers = [["Content-Security-Policy", "default-src 'self'; script-src frame-ancestors"]]
    assert framing(headers).result == "x-frame-options-not-implemented"


# ---------------------------------------------------------------- Referrer-Policy


def referrer(*values: str, meta: str | None = None) -> HeaderResult:
    headers = [["Referrer-Policy", v] for v in values]
    return graded(HTTPS, headers, "referrer-policy", meta_referrer=meta)


@pytest.mark.parametrize(
    ("value", "code", "passed", "modifier"),
    [
        ("no-referrer", "referrer-policy-private", True, 5),
        ("same-origin", "referrer-policy-private", True, 5),
        ("strict-origin", "referrer-policy-private", True, 5),
        ("strict-origin-when-cross-origin", "referrer-policy-private", True, 5),
        ("Strict-Origin-When-Cross-Origin", "referrer-policy-private", True, 5),
        ("no-referrer-when-downgrade", "referrer-policy-no-referrer-when-downgrade", True, 0),
        ("origin", "referrer-policy-unsafe", False, -5),
        ("origin-when-cross-origin", "referrer-policy-unsafe", False, -5),
        ("unsafe-url", "referrer-policy-unsafe", False, -5),
        # the last recognised token wins; unknown tokens are skipped
        ("unsafe-url, strict-origin-when-cross-origin", "referrer-policy-private", True, 5),
        ("no-referrer, unsafe-url", "referrer-policy-unsafe", False, -5),
        ("no-referrer, some-future-policy", "referrer-policy-private", True, 5),
        ("no-referrer, ,", "referrer-policy-private", True, 5),
        ("nope", "referrer-policy-header-invalid", False, -5),
        ("never", "referrer-policy-header-invalid", False, -5),  # meta-only legacy keyword
        ("", "referrer-policy-header-invalid", False, -5),
    ],
)
def test_referrer_policy_header(value: str, code: str, passed: bool, modifier: int) -> None:
    assert row(referrer(value)) == (
        "referrer-policy",
        code,
        passed,
        modifier,
        "Referrer-Policy",
        value,
    )


def test_referrer_policy_repeated_headers_last_valid_wins() -> None:
    assert row(referrer("no-referrer", "unsafe-url")) == (
        "referrer-policy",
        "referrer-policy-unsafe",
        False,
        -5,
        "Referrer-Policy",
        "no-referrer, unsafe-url",
    )
    assert referrer("unsafe-url", "same-origin").result == "referrer-policy-private"


def test_referrer_policy_missing() -> None:
    assert row(referrer()) == (
        "referrer-policy",
        "referrer-policy-not-implemented",
        True,
        0,
        None,
        None,
    )
    assert referrer(meta="").result == "referrer-policy-not-implemented"


@pytest.mark.parametrize(
    ("meta", "code"),
    [
        ("no-referrer", "referrer-policy-private"),
        ("Same-Origin", "referrer-policy-private"),
        ("never", "referrer-policy-private"),
        ("default", "referrer-policy-private"),
        ("always", "referrer-policy-unsafe"),
        ("origin-when-crossorigin", "referrer-policy-unsafe"),
        ("no-referrer-when-downgrade", "referrer-policy-no-referrer-when-downgrade"),
        ("unsafe-url", "referrer-policy-unsafe"),
        ("no-referrer, unsafe-url", "referrer-policy-header-invalid"),  # one keyword only
        ("nope", "referrer-policy-header-invalid"),
    ],
)
def test_meta_referrer_counts_like_the_header(meta: str, code: str) -> None:
    result = referrer(meta=meta)
    assert (result.result, result.header, result.value) == (code, '<meta name="referrer">', meta)


def test_valid_meta_referrer_replaces_the_header() -> None:
    # The HTML standard applies the meta tag after the header, so the meta policy is in force.
    result = referrer("no-referrer", meta="unsafe-url")
    assert row(result) == (
        "referrer-policy",
        "referrer-policy-unsafe",
        False,
        -5,
        '<meta name="referrer">',
        "unsafe-url",
    )
    assert "replaces the Referrer-Policy header" in result.message
    assert referrer("unsafe-url", meta="strict-origin").result == "referrer-policy-private"


def test_invalid_meta_referrer_leaves_the_header_in_force() -> None:
    assert row(referrer("same-origin", meta="nope")) == (
        "referrer-policy",
        "referrer-policy-private",
        True,
        5,
        "Referrer-Policy",
        "same-origin",
    )


# ---------------------------------------------------------------- Permissions-Policy, CORP


def test_permissions_policy_present_and_absent() -> None:
    headers = [["permissions-policy", "camera=(), geolocation=()"]]
    assert row(graded(HTTPS, headers, "permissions-policy")) == (
        "permissions-policy",
        "permissions-policy-implemented",
        True,
        0,
        "Permissions-Policy",
        "camera=(), geolocation=()",
    )
    assert row(graded(HTTPS, [], "permissions-policy")) == (
        "permissions-policy",
        "permissions-policy-not-implemented",
        False,
        0,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("values", "code", "passed"),
    [
        (("same-origin",), "cross-origin-resource-policy-implemented-with-same-origin", True),
        (("Same-Site",), "cross-origin-resource-policy-implemented-with-same-site", True),
        (("cross-origin",), "cross-origin-resource-policy-implemented-with-cross-origin", True),
        (("same",), "cross-origin-resource-policy-header-invalid", False),
        (("same-origin", "same-origin"), "cross-origin-resource-policy-header-invalid", False),
    ],
)
def test_cross_origin_resource_policy(values: tuple[str, ...], code: str, passed: bool) -> None:
    headers = [["Cross-Origin-Resource-Policy", v] for v in values]
    assert row(graded(HTTPS, headers, "cross-origin-resource-policy")) == (
        "cross-origin-resource-policy",
        code,
        passed,
        0,
        "Cross-Origin-Resource-Policy",
        ", ".join(values),
    )


# ---------------------------------------------------------------- http pages, redirection


def test_http_page_redirected_to_https() -> None:
    report = grade(HTTP, [], redirected_to_https=True)
    assert row(report.results[0]) == ("redirection", "redirection-to-https", True, 0, None, None)
    # HSTS -20, X-Content-Type-Options -5, framing -20
    assert (report.score, report.grade) == (55, "C")


def test_http_page_not_redirected() -> None:
    report = grade(HTTP, [["X-Frame-Options", "DENY"]], redirected_to_https=False)
    assert row(report.result("redirection")) == (
        "redirection",
        "redirection-missing",
        False,
        -20,
        None,
        None,
    )
    assert [r.test for r in report.results] == [
        "redirection",
        "strict-transport-security",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-resource-policy",
    ]
    # redirection -20, HSTS -20, X-Content-Type-Options -5
    assert (report.score, report.grade) == (55, "C")


def test_redirection_unknown_or_https_is_not_graded() -> None:
    assert grade(HTTP, []).result("redirection") is None
    assert grade(HTTPS, [], redirected_to_https=False).result("redirection") is None


def test_worst_http_page() -> None:
    report = grade(
        HTTP,
        [
            ["X-Content-Type-Options", "yes"],
            ["X-Frame-Options", "x"],
            ["Referrer-Policy", "origin"],
        ],
        redirected_to_https=False,
    )
    assert report.score == 100 - 20 - 20 - 5 - 20 - 5
    assert report.grade == "D"


# ---------------------------------------------------------------- score and grade


@pytest.mark.parametrize(
    ("score", "letter"),
    [
        (135, "A+"),
        (100, "A+"),
        (99, "A"),
        (90, "A"),
        (89, "A-"),
        (85, "A-"),
        (84, "B+"),
        (80, "B+"),
        (79, "B"),
        (70, "B"),
        (69, "B-"),
        (65, "B-"),
        (64, "C+"),
        (60, "C+"),
        (59, "C"),
        (50, "C"),
        (49, "C-"),
        (45, "C-"),
        (44, "D+"),
        (40, "D+"),
        (39, "D"),
        (30, "D"),
        (29, "D-"),
        (25, "D-"),
        (24, "F"),
        (0, "F"),
    ],
)
def test_grade_bands(score: int, letter: str) -> None:
    assert letter_grade(score) == letter


def test_bonuses_count_only_from_a_score_of_90() -> None:
    assert total_score([-10, 5, 5]) == 100
    assert total_score([-15, 5, 5]) == 85
    assert total_score([5, 5]) == 110
    assert total_score([-50, -40, -30, 5]) == 0


def test_best_page_gets_both_bonuses() -> None:
    report = grade(
        HTTPS,
        [
            ["Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"],
            ["X-Content-Type-Options", "nosniff"],
            ["Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"],
            ["Referrer-Policy", "strict-origin-when-cross-origin"],
            ["Permissions-Policy", "camera=()"],
            ["Cross-Origin-Resource-Policy", "same-origin"],
        ],
    )
    assert all(r.passed for r in report.results)
    assert (report.score, report.grade, report.hsts_preload_ready) == (110, "A+", True)


def test_bonuses_lift_a_score_at_90_but_not_one_below() -> None:
    bonuses = [
        ["Content-Security-Policy", "frame-ancestors 'self'"],
        ["Referrer-Policy", "no-referrer"],
    ]
    at_95 = grade(HTTPS, [GOOD_HSTS, *bonuses])  # X-Content-Type-Options missing: -5
    assert (at_95.score, at_95.grade) == (105, "A+")
    at_85 = grade(HTTPS, [["Strict-Transport-Security", "max-age=86400"], *bonuses])  # -10 -5
    assert (at_85.score, at_85.grade) == (85, "A-")
    # the modifiers are still reported on the results
    assert at_85.result("referrer-policy").score_modifier == 5
    assert at_85.result("x-frame-options").score_modifier == 5
