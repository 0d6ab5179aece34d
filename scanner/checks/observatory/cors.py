"""The Observatory's cross-origin-resource-sharing test.

It sends a preflight from a foreign origin and reads ``Access-Control-Allow-Origin``:
``*`` is public (fine for public content), echoing the foreign origin while allowing
credentials lets any site act with the visitor's session (the only failing case), any
other value is restricted.
"""

from __future__ import annotations

from .exchange import Site
from .jsstr import js_trim
from .result import TestResult, make

TEST = "cross-origin-resource-sharing"
ALLOW_ORIGIN = "Access-Control-Allow-Origin"
ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"

MESSAGES = {
    "cross-origin-resource-sharing-not-implemented": (
        "Other sites' scripts cannot read this site's responses (no CORS headers), the safe "
        "default."
    ),
    "cross-origin-resource-sharing-implemented-with-public-access": (
        "Any site's scripts may read this site's responses, without the visitor's cookies "
        "(Access-Control-Allow-Origin: *), which suits public content only."
    ),
    "cross-origin-resource-sharing-implemented-with-restricted-access": (
        "Only the sites named in Access-Control-Allow-Origin may read this site's responses."
    ),
    "cross-origin-resource-sharing-implemented-with-universal-access": (
        "The site lets any other site read its responses with the visitor's cookies (it "
        "echoes the requesting origin and allows credentials), so a malicious page could act "
        "as the logged-in visitor."
    ),
}


def cors_test(site: Site) -> TestResult | None:
    """None when no preflight was sent."""
    if not site.cors_observed:
        return None
    cors = site.cors
    allow = cors.headers.first(ALLOW_ORIGIN) if cors is not None else None
    if cors is None or not allow:
        code = "cross-origin-resource-sharing-not-implemented"
        return make(TEST, code, MESSAGES[code])
    credentials = cors.headers.first(ALLOW_CREDENTIALS)
    if js_trim(allow[:256]).lower() == "*":
        code = "cross-origin-resource-sharing-implemented-with-public-access"
    elif cors.origin and cors.origin == allow and js_trim((credentials or "").lower()) == "true":
        code = "cross-origin-resource-sharing-implemented-with-universal-access"
    else:
        code = "cross-origin-resource-sharing-implemented-with-restricted-access"
    return make(TEST, code, MESSAGES[code], ALLOW_ORIGIN, allow[:256])
