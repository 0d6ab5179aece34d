"""The Observatory's subresource-integrity test.

It looks at the ``<script src>`` elements of the page as served. Scripts from the page's own
registrable domain (or a relative address) are trusted; any other script should be loaded
over https with an ``integrity`` hash. A protocol-relative address (``//cdn...``) counts as
foreign and not secure. The worst script decides.
"""

from __future__ import annotations

import re

from .exchange import ScriptElement, Site
from .html import is_html
from .result import TestResult, make
from .sites import registrable_domain

TEST = "subresource-integrity"

# Worst last, as the Observatory orders them.
SEVERITY_ORDER = (
    "sri-implemented-and-all-scripts-loaded-securely",
    "sri-implemented-and-external-scripts-loaded-securely",
    "sri-implemented-but-external-scripts-not-loaded-securely",
    "sri-not-implemented-but-external-scripts-loaded-securely",
    "sri-not-implemented-and-external-scripts-not-loaded-securely",
    "sri-not-implemented-response-not-html",
)
MESSAGES = {
    "sri-implemented-and-all-scripts-loaded-securely": (
        "All scripts come from the site itself and carry integrity hashes, so a changed file "
        "would not run."
    ),
    "sri-implemented-and-external-scripts-loaded-securely": (
        "Scripts from other sites are loaded over https with integrity hashes, so a tampered "
        "copy on their servers would not run here."
    ),
    "sri-not-implemented-response-not-html": "The page is not HTML, so it loads no scripts.",
    "sri-not-implemented-but-no-scripts-loaded": "The page loads no scripts.",
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": (
        "All scripts come from the site itself, so no other party's file can run here."
    ),
    "sri-not-implemented-but-external-scripts-loaded-securely": (
        "Scripts from other sites are loaded over https but without integrity hashes, so if "
        "one of those sites is compromised, its changed script runs on this page."
    ),
    "sri-implemented-but-external-scripts-not-loaded-securely": (
        "Scripts from other sites carry integrity hashes but are loaded over unencrypted http "
        "(or a protocol-relative address), so they can be blocked or swapped on the way."
    ),
    "sri-not-implemented-and-external-scripts-not-loaded-securely": (
        "Scripts from other sites are loaded over unencrypted http (or a protocol-relative "
        "address) without integrity hashes, so anyone on the network could replace them with "
        "their own code."
    ),
}
_ABSOLUTE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):(.*)$", re.DOTALL)
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))
_SPECIAL = frozenset({"http", "https", "ws", "wss", "ftp"})


def _reflected(src: str) -> tuple[str, str | None, str | None]:
    """The script's address as the DOM reports it for a document without a base address.

    An absolute URL comes back parsed (scheme and host lower-cased); anything relative comes
    back as written. Returns (text, scheme, host), scheme None for relative addresses.
    """
    cleaned = src.strip(_C0_OR_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    match = _ABSOLUTE.match(cleaned)
    if match is None:
        return src, None, None
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme not in _SPECIAL:
        return cleaned, scheme, None
    after_slashes = rest.lstrip("/\\")
    authority = re.split(r"[/\\?#]", after_slashes, maxsplit=1)[0]
    host = authority.rpartition("@")[2].split(":")[0].lower()
    if not host:
        return src, None, None  # not a valid URL: the attribute comes back as written
    return f"{scheme}://{after_slashes}", scheme, host


def _worse(new: str, old: str | None) -> str:
    if old is None or SEVERITY_ORDER.index(new) > SEVERITY_ORDER.index(old):
        return new
    return old


def subresource_integrity_test(site: Site) -> TestResult | None:
    """None when the page's script elements are not known."""
    response = site.auto
    if response is None:
        code = "sri-not-implemented-but-no-scripts-loaded"
        return make(TEST, code, MESSAGES[code])
    if not is_html(response.headers.first("content-type")):
        code = "sri-not-implemented-response-not-html"
        return make(TEST, code, MESSAGES[code])
    if site.scripts is None:
        return None
    own_site = registrable_domain(site.hostname)
    result: str | None = None
    foreign: list[str] = []
    for script in site.scripts:
        result = _judge(script, own_site, site.session_scheme == "https", result, foreign)
    if not site.scripts:
        result = "sri-not-implemented-but-no-scripts-loaded"
    elif result is None:
        result = (
            "sri-implemented-and-external-scripts-loaded-securely"
            if foreign
            else "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
        )
    shown = " ".join(foreign)[:2048] or None
    return make(TEST, result, MESSAGES[result], "<script src>" if shown else None, shown)


def _judge(
    script: ScriptElement, own_site: str | None, https: bool, result: str | None, foreign: list[str]
) -> str | None:
    if not script.src:
        return result
    text, scheme, host = _reflected(script.src)
    relative_protocol = bool(re.match(r"^//[^/]", text))
    full_url = bool(re.match(r"^https?://", text))
    relative_origin = not relative_protocol and not full_url
    # Only a full URL can be on another site; the Observatory compares registrable domains.
    same_site = not full_url or (registrable_domain(host) if host else None) == own_site
    trusted = relative_origin or (same_site and not relative_protocol)
    secure_scheme = scheme == "https" or (relative_origin and https)
    integrity = bool(script.integrity)
    if trusted:
        if integrity and secure_scheme and result is None:
            return "sri-implemented-and-all-scripts-loaded-securely"
        return result
    foreign.append(text)
    if integrity and not secure_scheme:
        return _worse("sri-implemented-but-external-scripts-not-loaded-securely", result)
    if not integrity and secure_scheme:
        return _worse("sri-not-implemented-but-external-scripts-loaded-securely", result)
    if not integrity:
        return _worse("sri-not-implemented-and-external-scripts-not-loaded-securely", result)
    return result
