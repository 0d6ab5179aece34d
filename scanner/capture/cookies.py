"""Set-Cookie / document.cookie strings, parsed as RFC 6265bis does.

The browser's cookie jar tells what was stored; the string tells what the site asked
for (a five-year lifetime is worth reporting even though Chromium caps it at 400 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scanner.domains import registrable_domain

MAX_NAME_VALUE_BYTES = 4096
"""Chromium refuses a cookie whose name and value together are longer (RFC 6265bis)."""


@dataclass(frozen=True)
class CookieRequest:
    """One cookie as a Set-Cookie line (or document.cookie write) asked for it."""

    name: str
    value: str
    domain: str
    """Lower-case, with a leading dot when the Domain attribute was given."""
    host_only: bool
    path: str
    secure: bool
    http_only: bool
    same_site: str | None
    partitioned: bool
    lifetime_s: float | None
    """Requested lifetime in seconds; None for a session cookie; <= 0 deletes."""

    @property
    def deletion(self) -> bool:
        return self.lifetime_s is not None and self.lifetime_s <= 0


def parse_cookie_line(line: str, url: str, now: float) -> CookieRequest | None:
    """Parse a Set-Cookie value as set for ``url``; None if no cookie can come of it."""
    pair, _, attributes_text = line.partition(";")
    if "=" in pair:
        name, _, value = pair.partition("=")
    else:
        name, value = "", pair
    name, value = name.strip(), value.strip()
    if not name and not value:
        return None
    host = (urlsplit(url).hostname or "").lower()
    attributes = _attributes(attributes_text)
    domain_attribute = attributes.get("domain", "").lstrip(".").lower()
    return CookieRequest(
        name=name,
        value=value,
        domain=f".{domain_attribute}" if domain_attribute else host,
        host_only=not domain_attribute,
        path=_path(attributes.get("path"), url),
        secure="secure" in attributes,
        http_only="httponly" in attributes,
        same_site=_same_site(attributes.get("samesite")),
        partitioned="partitioned" in attributes,
        lifetime_s=_lifetime(attributes, now),
    )


def _attributes(text: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        key = key.strip().lower()
        if key:
            attributes[key] = value.strip()  # the last occurrence wins, as in browsers
    return attributes


def _path(attribute: str | None, url: str) -> str:
    if attribute and attribute.startswith("/"):
        return attribute
    request_path = urlsplit(url).path or "/"
    if request_path.count("/") <= 1:
        return "/"
    return request_path[: request_path.rfind("/")]


def _same_site(value: str | None) -> str | None:
    if value is None:
        return None
    return {"strict": "Strict", "lax": "Lax", "none": "None"}.get(value.lower())


def _lifetime(attributes: dict[str, str], now: float) -> float | None:
    max_age = attributes.get("max-age")
    if max_age is not None:
        try:
            return float(int(max_age))
        except (ValueError, OverflowError):  # Max-Age=999...9 (hundreds of digits)
            pass
    expires = attributes.get("expires")
    if expires:
        try:
            moment = parsedate_to_datetime(expires)
            if moment.tzinfo is None:  # cookie dates are always GMT
                moment = moment.replace(tzinfo=UTC)
            return moment.timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return None


def inferred_refusal_reasons(cookie: CookieRequest, url: str) -> list[str]:
    """Why Chromium would refuse this cookie, for cases where it did not say.

    Script writes are never reported by DevTools, so their reasons are always inferred.
    Reason names follow the DevTools protocol's CookieBlockedReason values; a Domain that
    is a public suffix (``.co.uk``, or ``.test`` under the list's default rule) is
    ``InvalidDomain``, as Chromium reports it for header cookies.
    """
    reasons: list[str] = []
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    secure_origin = parts.scheme == "https"
    if cookie.same_site == "None" and not cookie.secure:
        reasons.append("SameSiteNoneInsecure")
    if cookie.secure and not secure_origin:
        reasons.append("SecureOnly")
    if not cookie.host_only:
        domain = cookie.domain.lstrip(".")
        if host != domain and not host.endswith("." + domain):
            reasons.append("DomainMismatch")
        elif host != domain and is_public_suffix(domain):
            reasons.append("InvalidDomain")
    if cookie.name.startswith("__Secure-") and not (cookie.secure and secure_origin):
        reasons.append("InvalidPrefix")
    if cookie.name.startswith("__Host-") and not (
        cookie.secure and secure_origin and cookie.host_only and cookie.path == "/"
    ):
        reasons.append("InvalidPrefix")
    if len(cookie.name.encode()) + len(cookie.value.encode()) > MAX_NAME_VALUE_BYTES:
        reasons.append("NameValuePairExceedsMaxSize")
    return reasons


def is_public_suffix(domain: str) -> bool:
    """True when no site sits at ``domain`` itself: one label more makes a site.

    Uses the Public Suffix List snapshot (private registries too, as Chromium does).
    """
    probe = f"x.{domain}"
    return registrable_domain(probe) == probe
