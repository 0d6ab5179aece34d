"""Set-Cookie / document.cookie strings, parsed as RFC 6265bis does.

The browser's cookie jar tells what was stored; the string tells what the site asked
for (a five-year lifetime is worth reporting even though Chromium caps it at 400 days).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from scanner.capture.cookie_date import parse_cookie_date
from scanner.domains import registrable_domain

MAX_NAME_VALUE_BYTES = 4096
"""Chromium refuses a cookie whose name and value together are longer (RFC 6265bis)."""
MAX_ATTRIBUTE_VALUE_BYTES = 1024
"""A longer attribute value is ignored, the attribute with it (RFC 6265bis)."""

LONGEST_LIFETIME_S = 1e15
"""A finite stand-in for a Max-Age too long to count (Max-Age=999...9, hundreds of digits);
the browser caps lifetimes far below it."""

_MAX_AGE = re.compile("-?[0-9]+")
_WHITESPACE = " \t"
"""What RFC 6265 trims around names, values and attributes (not Unicode's other spaces)."""
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
"""A line holding one of these control characters is refused (RFC 6265bis; Chromium no
longer cuts the line there), with DisallowedCharacter."""
_FORBIDDEN_IN_DOMAIN = frozenset(" \t#/:<>?@[\\]^|%\x7f") | {chr(n) for n in range(0x20)}


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
    disallowed_character: bool = False
    """A control character in the line, or a tab inside the name or value (measured:
    Chromium refuses both)."""

    @property
    def deletion(self) -> bool:
        return self.lifetime_s is not None and self.lifetime_s <= 0


def parse_cookie_line(
    line: str, url: str, now: float, decode: Callable[[str], str] = str
) -> CookieRequest | None:
    """Parse a Set-Cookie value as set for ``url``; None if no cookie can come of it.

    ``decode`` turns each piece (name, value, attribute value) into text once the line is
    split, for a line given as bytes (one character per byte): the browser splits the
    bytes first, so a byte sequence that is not UTF-8 cannot swallow a ``;``.
    """
    pair, _, attributes_text = line.partition(";")
    if "=" in pair:
        name, _, value = pair.partition("=")
    else:
        name, value = "", pair
    name, value = decode(name.strip(_WHITESPACE)), decode(value.strip(_WHITESPACE))
    if not name and not value:
        return None
    host = _url(url).host
    attributes = _attributes(attributes_text, decode)
    domain, host_only = _cookie_domain(attributes.get("domain", ""), host)
    return CookieRequest(
        name=name,
        value=value,
        domain=domain,
        host_only=host_only,
        path=_path(attributes.get("path"), url),
        secure="secure" in attributes,
        http_only="httponly" in attributes,
        same_site=_same_site(attributes.get("samesite")),
        partitioned="partitioned" in attributes,
        lifetime_s=_lifetime(attributes, now),
        disallowed_character=bool(_CONTROL.search(line)) or "\t" in name or "\t" in value,
    )


def _attributes(text: str, decode: Callable[[str], str]) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        key, value = key.strip(_WHITESPACE).lower(), decode(value.strip(_WHITESPACE))
        if key and _byte_length(value) <= MAX_ATTRIBUTE_VALUE_BYTES:
            attributes[key] = value  # the last occurrence wins, as in browsers
    return attributes


def _cookie_domain(attribute: str, host: str) -> tuple[str, bool]:
    """(domain, host_only) for a Domain attribute value (RFC 6265 5.2.3 and 5.3 step 5).

    One leading dot is dropped, the name is lower-cased and an internationalised name
    turned into its ASCII form, as Chromium stores it. A Domain naming the host itself
    where no site can sit below it (an IP address, a public suffix such as github.io, a
    one-label intranet name) makes a host-only cookie.
    """
    if not attribute:
        return host, True
    domain = canonical_domain(attribute.removeprefix("."))
    if domain == host and (_is_ip(host) or is_public_suffix(host)):
        return host, True
    return f".{domain}", False


def canonical_domain(name: str) -> str:
    """Lower-case ASCII form of a domain name; a name IDNA cannot encode is returned
    lower-cased as it is (it then matches no host and the cookie is refused)."""
    name = name.lower()
    if name.isascii():
        return name
    try:
        return ".".join(
            label.encode("idna").decode("ascii") if label else "" for label in name.split(".")
        )
    except UnicodeError:
        return name


def _path(attribute: str | None, url: str) -> str:
    if attribute and attribute.startswith("/"):
        return attribute
    request_path = _url(url).path
    if request_path.count("/") <= 1:
        return "/"
    return request_path[: request_path.rfind("/")]


def _same_site(value: str | None) -> str | None:
    if value is None:
        return None
    return {"strict": "Strict", "lax": "Lax", "none": "None"}.get(value.lower())


def _lifetime(attributes: dict[str, str], now: float) -> float | None:
    max_age = attributes.get("max-age", "")
    if _MAX_AGE.fullmatch(max_age):  # anything else is ignored ("1_000", "+5", "٣")
        return max(-LONGEST_LIFETIME_S, min(float(max_age), LONGEST_LIFETIME_S))
    moment = parse_cookie_date(attributes.get("expires", ""))
    return None if moment is None else moment.timestamp() - now


def inferred_refusal_reasons(cookie: CookieRequest, url: str) -> list[str]:
    """Why Chromium would refuse this cookie, for cases where it did not say.

    Script writes are never reported by DevTools, so their reasons are always inferred.
    Reason names are the DevTools protocol's SetCookieBlockedReason values, as Chromium
    reports them for header cookies (measured on Chromium 156): a Domain the host is not
    in, that is malformed or that is a public suffix (``.org``, ``.co.uk``, ``github.io``,
    or ``.test`` under the list's default rule) is ``InvalidDomain`` alike.
    """
    reasons: list[str] = []
    host, secure_origin = _url(url).host, _url(url).secure
    if cookie.same_site == "None" and not cookie.secure:
        reasons.append("SameSiteNoneInsecure")
    if cookie.secure and not secure_origin:
        reasons.append("SecureOnly")
    if not cookie.host_only and not domain_allowed(cookie.domain.removeprefix("."), host):
        reasons.append("InvalidDomain")
    if cookie.name.startswith("__Secure-") and not (cookie.secure and secure_origin):
        reasons.append("InvalidPrefix")
    if cookie.name.startswith("__Host-") and not (
        cookie.secure and secure_origin and cookie.host_only and cookie.path == "/"
    ):
        reasons.append("InvalidPrefix")
    if _byte_length(cookie.name) + _byte_length(cookie.value) > MAX_NAME_VALUE_BYTES:
        reasons.append("NameValuePairExceedsMaxSize")
    if cookie.disallowed_character:
        reasons.append("DisallowedCharacter")
    return reasons


def domain_allowed(domain: str, host: str) -> bool:
    """Whether ``host`` may set a cookie for ``domain`` (a canonical Domain attribute): a
    well-formed name that is the host or a parent of it, for a host that is not an IP
    address, and no public suffix."""
    if not _well_formed(domain) or _is_ip(host):
        return False
    if host != domain and not host.endswith("." + domain):
        return False
    return not is_public_suffix(domain)


def is_public_suffix(domain: str) -> bool:
    """True when no site sits at ``domain`` itself: one label more makes a site.

    Uses the Public Suffix List snapshot bundled with tldextract (never fetched), private
    section included, as Chromium does for cookies; a name the list does not know falls
    under its default rule (its last label is a suffix: ``test``, ``intranet``).
    """
    domain = domain.lower().removesuffix(".")
    if not domain:
        return True
    probe = f"x.{domain}"
    return registrable_domain(probe) == probe


def _well_formed(domain: str) -> bool:
    labels = domain.removesuffix(".").split(".")
    return (
        domain.isascii()
        and all(labels)
        and not any(character in _FORBIDDEN_IN_DOMAIN for character in domain)
    )


@dataclass(frozen=True)
class _Url:
    host: str
    path: str
    secure: bool


@lru_cache(maxsize=4096)
def _url(url: str) -> _Url:
    """The parts of the URL a cookie is set for (a page writes thousands with one URL)."""
    parts = urlsplit(url)
    return _Url((parts.hostname or "").lower(), parts.path or "/", parts.scheme == "https")


@lru_cache(maxsize=4096)
def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _byte_length(text: str) -> int:
    return len(text.encode("utf-8", "replace"))
