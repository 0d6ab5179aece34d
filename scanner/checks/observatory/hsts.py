"""The Observatory's strict-transport-security test.

It reads the first Strict-Transport-Security header of the HTTPS response: a comma inside
(the header sent twice) or a missing ``max-age=`` makes it invalid; six months is taken as
15,552,000 seconds (180 days), the value many sites use. A host on the preload list passes
whatever it sends. A max-age the Observatory cannot read as a number (``max-age=abc``)
counts as long enough, as it does there.
"""

from __future__ import annotations

import math

from .exchange import Site
from .jsstr import js_parse_int, js_trim
from .preload import is_preloaded
from .result import TestResult, make

TEST = "strict-transport-security"
HEADER = "Strict-Transport-Security"
SIX_MONTHS = 15_552_000
MAX_CHARS = 1024


def _days(seconds: float) -> str:
    if math.isnan(seconds):
        return "an unreadable duration"
    days = int(seconds // 86_400)
    return f"{days} day{'s' if days != 1 else ''}" if days >= 1 else f"{int(seconds)} seconds"


def read_max_age(value: str) -> float | None:
    """max-age as the Observatory reads it: None when absent, NaN when not a number."""
    max_age: float | None = None
    for parameter in value.split(";"):
        parameter = js_trim(parameter).lower()
        if parameter.startswith("max-age="):
            max_age = js_parse_int(parameter[8:128])
    return max_age


def strict_transport_security_test(site: Site) -> TestResult:
    response = site.https
    value = response.headers.first(HEADER) if response is not None else None
    value = value[:MAX_CHARS] if value is not None else None
    header = HEADER if value is not None else None
    if response is not None and is_preloaded(site.hostname):
        return make(
            TEST,
            "hsts-preloaded",
            f"{site.hostname} is on the browsers' HSTS preload list, so browsers never connect "
            "to it over unencrypted http, not even on a first visit.",
            header,
            value,
        )
    if response is None:
        return make(
            TEST,
            "hsts-not-implemented-no-https",
            "The site cannot be reached over HTTPS, so it cannot tell browsers to insist on "
            "secure connections, and visitors' traffic can be read or altered on the way.",
        )
    if not response.verified:
        return make(
            TEST,
            "hsts-invalid-cert",
            "The site's TLS certificate could not be verified, so browsers ignore its HSTS "
            "header and visitors are not protected from downgrade attacks.",
            header,
            value,
        )
    if value is None:
        return make(
            TEST,
            "hsts-not-implemented",
            "The site does not tell browsers to always use a secure HTTPS connection (HSTS), "
            "so a visitor's first request can be downgraded to unencrypted http and intercepted.",
        )
    max_age = None if "," in value else read_max_age(value)
    if max_age is None:
        return make(
            TEST,
            "hsts-header-invalid",
            "The HSTS header cannot be understood (sent twice, or without max-age), so "
            "visitors may get no protection against downgrade to unencrypted http.",
            header,
            value,
        )
    if max_age < SIX_MONTHS:
        return make(
            TEST,
            "hsts-implemented-max-age-less-than-six-months",
            f"Browsers are told to insist on HTTPS for only {_days(max_age)}; the protection "
            "lapses for visitors who return less often, and at least six months is advised.",
            header,
            value,
        )
    return make(
        TEST,
        "hsts-implemented-max-age-at-least-six-months",
        f"Browsers are told to insist on HTTPS for {_days(max_age)} (at least six months), "
        "which keeps visitors' connections from being downgraded.",
        header,
        value,
    )
