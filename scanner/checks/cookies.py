"""Cookie rules: consent, lifetime, third parties, attributes, refusals.

Only writes that tried to keep a cookie count (ScanContext.cookies_set): deletions,
writes removed again in the same page view and cookie-domain probes never raise one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from fnmatch import fnmatchcase
from functools import cache
from typing import Any

from scanner.findings.context import ScanContext
from scanner.findings.model import Observation
from scanner.resources import data_dir

DAY = 86400
NON_ESSENTIAL_CATEGORIES = frozenset(
    {
        "analytics",
        "advertising",
        "social",
        "session-replay",
        "audience-measurement",
        "marketing-automation",
        "affiliate",
        "personalisation",
        "ab-testing",
    }
)
ESSENTIAL_CATEGORIES = frozenset({"cdn", "security", "payments", "consent"})
_SESSION_NAME_PARTS = ("sess", "sid", "auth", "token", "login", "jwt")


@cache
def _known_cookie_names() -> tuple[dict[str, str], ...]:
    path = data_dir("rules") / "cookie-names.json"
    return tuple(json.loads(path.read_text(encoding="utf-8"))["cookies"])


def known_cookie(name: str) -> dict[str, str] | None:
    """The catalog entry of a widely used non-essential cookie name, if any."""
    return next((c for c in _known_cookie_names() if fnmatchcase(name, c["pattern"])), None)


def check(ctx: ScanContext) -> Iterator[Observation]:
    for page in ctx.pages:
        https_page = ctx.page_url(page).startswith("https://")
        for cookie in ctx.cookies_set(page):
            yield from _observe(ctx, page, cookie, https_page)


def _observe(
    ctx: ScanContext, page: dict[str, Any], cookie: dict[str, Any], https_page: bool
) -> Iterator[Observation]:
    subject = f"{cookie['name']}@{cookie['domain']}"
    setter = ctx.cookie_setter(page, cookie)
    owner = ctx.cookie_owner(cookie)
    evidence = _evidence(cookie, setter)
    vendor = None if setter is None or setter.first_party else setter.vendor_id

    def seen(rule_id: str, message: str) -> Observation:
        return Observation(rule_id, subject, ctx.page_url(page), message, evidence, vendor)

    if cookie["same_site"] == "None" and not cookie["secure"]:
        yield seen(
            "cookie-samesite-none-insecure",
            f"Cookie {cookie['name']} ({cookie['domain']}) is SameSite=None without Secure.",
        )
    if cookie["outcome"] == "refused":
        reasons = ", ".join(cookie["refused_reasons"])
        yield seen(
            "cookie-refused-by-browser",
            f"The browser refused cookie {cookie['name']} ({cookie['domain']}): {reasons}.",
        )
        return
    purpose = non_essential_purpose(cookie, setter)
    if purpose:
        yield seen(
            "cookie-nonessential-before-consent",
            f"Cookie {cookie['name']} ({cookie['domain']}, {purpose}) was set before consent.",
        )
    if not owner.first_party:
        yield seen(
            "cookie-third-party",
            f"Third-party cookie {cookie['name']} was set for {cookie['domain']}.",
        )
    lifetime = cookie["requested_lifetime_s"]
    limit_days = ctx.settings.max_cookie_lifetime_days
    if lifetime is not None and lifetime > limit_days * DAY:
        yield seen(
            "cookie-lifetime-excessive",
            f"Cookie {cookie['name']} ({cookie['domain']}) asks to live {lifetime / DAY:.0f} "
            f"days; the maximum is {limit_days} days.",
        )
    if https_page and not cookie["secure"]:
        yield seen(
            "cookie-missing-secure",
            f"Cookie {cookie['name']} ({cookie['domain']}) is set without Secure.",
        )
    if cookie["same_site"] is None:
        yield seen(
            "cookie-missing-samesite",
            f"Cookie {cookie['name']} ({cookie['domain']}) has no SameSite attribute.",
        )
    if _session_like(cookie) and owner.first_party and not cookie["http_only"]:
        yield seen(
            "cookie-missing-httponly",
            f"Session-like cookie {cookie['name']} can be read by any script on the page.",
        )


def non_essential_purpose(cookie: dict[str, Any], setter: Any) -> str | None:
    """Why a cookie is not strictly necessary (its known purpose, or its setter's
    categories), or None."""
    known = known_cookie(cookie["name"])
    if known:
        return f"{known['purpose']}, {known['used_by']}"
    if setter is None or setter.first_party:
        return None
    if setter.vendor is None:
        return f"set by {setter.vendor_name}, an unidentified third party"
    categories = set(setter.vendor.categories)
    if categories & NON_ESSENTIAL_CATEGORIES:
        return f"{', '.join(sorted(categories & NON_ESSENTIAL_CATEGORIES))}, {setter.vendor.name}"
    if categories & ESSENTIAL_CATEGORIES:
        return None
    return f"set by {setter.vendor.name}"


def _session_like(cookie: dict[str, Any]) -> bool:
    name = cookie["name"].lower()
    return cookie["source"] == "header" and any(part in name for part in _SESSION_NAME_PARTS)


def _evidence(cookie: dict[str, Any], setter: Any) -> dict[str, Any]:
    lifetime = cookie["requested_lifetime_s"]
    return {
        "kind": "cookie",
        "name": cookie["name"],
        "domain": cookie["domain"],
        "source": cookie["source"],
        "set_by": cookie["set_by_url"],
        "set_by_vendor": setter.vendor_name if setter and not setter.first_party else None,
        "lifetime_days": round(lifetime / DAY, 1) if lifetime is not None else None,
        "secure": cookie["secure"],
        "http_only": cookie["http_only"],
        "same_site": cookie["same_site"],
        "stored": cookie["stored"],
        "outcome": cookie["outcome"],
        "refused_reasons": cookie["refused_reasons"],
    }
