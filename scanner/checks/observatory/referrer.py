"""The Observatory's referrer-policy test.

Header values and the ``<meta name="referrer">`` content are read together, the meta last
(so it takes precedence); the last recognised policy counts. Policies that keep the page
address from other sites pass with a bonus; ``origin``, ``origin-when-cross-origin``,
``unsafe-url`` and ``no-referrer-when-downgrade`` are unsafe. No policy at all passes: browsers
then default to ``strict-origin-when-cross-origin``.
"""

from __future__ import annotations

from .exchange import Site
from .jsstr import js_trim
from .result import TestResult, make

TEST = "referrer-policy"
HEADER = "Referrer-Policy"
PRIVATE = ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
UNSAFE = ("origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade")


def referrer_policy_test(site: Site) -> TestResult:
    response = site.auto
    headers = response.headers.values(HEADER) if response is not None else []
    meta = [site.meta_referrer] if site.meta_referrer else []
    if not headers and not meta:
        return make(
            TEST,
            "referrer-policy-not-implemented",
            "No referrer policy is set, so browsers use their default, which shares only the "
            "site's name (not the full page address) with other sites.",
        )
    value = ", ".join([*headers, *meta])
    where = '<meta name="referrer">' if meta else HEADER
    tokens = [js_trim(token).lower() for token in value.split(",")]
    policy = next((token for token in reversed(tokens) if token in PRIVATE + UNSAFE), None)
    if policy in PRIVATE:
        return make(
            TEST,
            "referrer-policy-private",
            f"The referrer policy '{policy}' keeps the full address of this page from being "
            "passed to other sites, protecting what visitors were reading.",
            where,
            value,
        )
    if policy in UNSAFE:
        return make(
            TEST,
            "referrer-policy-unsafe",
            f"The referrer policy '{policy}' passes this page's full address (or the site's "
            "address on unencrypted requests) to other sites, which can leak what visitors "
            "were doing.",
            where,
            value,
        )
    return make(
        TEST,
        "referrer-policy-header-invalid",
        f"The referrer policy {value[:200]!r} is not a value browsers recognise, so the site "
        "has no say in what it shares with other sites.",
        where,
        value,
    )
