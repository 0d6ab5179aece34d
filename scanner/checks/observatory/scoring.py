"""The scoring table: each result's score modifier, which results pass, and the grades.

Taken from MDN HTTP Observatory 1.4.8 (``src/grader/charts.js`` and the tests' pass rules);
a change there is a change of :data:`SCORING_VERSION`.
"""

from __future__ import annotations

from collections.abc import Iterable

SCORING_VERSION = "MDN HTTP Observatory 1.4.8 scoring"
ALGORITHM_VERSION = 4
"""The Observatory's own algorithm number for this table."""
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
"""Bonuses only count when the score without them is at least this."""

# Result -> score modifier.
MODIFIERS: dict[str, int] = {
    # content-security-policy
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    "csp-not-implemented-but-reporting-enabled": -25,
    "csp-implemented-but-duplicate-directives": 0,
    # cookies
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    # cross-origin-resource-sharing
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    # redirection
    "redirection-all-redirects-preloaded": 0,
    "redirection-to-https": 0,
    "redirection-not-needed-no-http": 0,
    "redirection-off-host-from-http": -5,
    "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20,
    "redirection-missing": -20,
    "redirection-invalid-cert": -20,
    # referrer-policy
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    # strict-transport-security
    "hsts-preloaded": 5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    "hsts-not-implemented-no-https": -20,
    "hsts-invalid-cert": -20,
    # subresource-integrity
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-implemented-but-external-scripts-not-loaded-securely": -20,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    # x-content-type-options
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    # x-frame-options
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 0,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    # cross-origin-resource-policy
    "corp-implemented-with-same-origin": 10,
    "corp-implemented-with-same-site": 10,
    "corp-implemented-with-cross-origin": 0,
    "corp-not-implemented": 0,
    "corp-header-invalid": -5,
}

PASSING: frozenset[str] = frozenset(
    {
        "csp-implemented-with-no-unsafe-default-src-none",
        "csp-implemented-with-no-unsafe",
        "csp-implemented-with-unsafe-inline-in-style-src-only",
        "csp-implemented-with-insecure-scheme-in-passive-content-only",
        "csp-implemented-but-duplicate-directives",
        "cookies-secure-with-httponly-sessions-and-samesite",
        "cookies-secure-with-httponly-sessions",
        "cookies-not-found",
        "cross-origin-resource-sharing-not-implemented",
        "cross-origin-resource-sharing-implemented-with-public-access",
        "cross-origin-resource-sharing-implemented-with-restricted-access",
        "redirection-all-redirects-preloaded",
        "redirection-to-https",
        "redirection-not-needed-no-http",
        "referrer-policy-private",
        "referrer-policy-not-implemented",
        "hsts-preloaded",
        "hsts-implemented-max-age-at-least-six-months",
        "sri-implemented-and-all-scripts-loaded-securely",
        "sri-implemented-and-external-scripts-loaded-securely",
        "sri-not-implemented-response-not-html",
        "sri-not-implemented-but-no-scripts-loaded",
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
        "x-content-type-options-nosniff",
        "x-frame-options-implemented-via-csp",
        "x-frame-options-sameorigin-or-deny",
        "x-frame-options-allow-from-origin",
        "corp-implemented-with-same-origin",
        "corp-implemented-with-same-site",
        "corp-implemented-with-cross-origin",
        "corp-not-implemented",
    }
)

# (lowest score, grade), best first; scores are read in steps of five.
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


def total_score(modifiers: Iterable[int]) -> int:
    """100 plus the penalties; the bonuses too when that alone reaches 90; never below 0."""
    modifiers = list(modifiers)
    without_bonus = 100 + sum(m for m in modifiers if m < 0)
    if without_bonus >= MINIMUM_SCORE_FOR_EXTRA_CREDIT:
        return max(100 + sum(modifiers), 0)
    return max(without_bonus, 0)


def letter_grade(score: int) -> str:
    return next(letter for floor, letter in GRADE_BANDS if score >= floor)
