"""The Observatory's redirection test, on the route from ``http://host/``.

A plain-http visitor should be sent straight to HTTPS on the same host (so that the HSTS
header can be set there) and end on HTTPS. Hosts that are all on the HSTS preload list need
no redirect: browsers never use http for them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .exchange import Site
from .preload import is_preloaded
from .result import TestResult, make

TEST = "redirection"

MESSAGES = {
    "redirection-all-redirects-preloaded": (
        "Every host on the way is on the browsers' HSTS preload list, so browsers never use "
        "unencrypted http for them."
    ),
    "redirection-to-https": (
        "Visitors who arrive over unencrypted http are sent straight to the secure https "
        "version of the same host."
    ),
    "redirection-not-needed-no-http": (
        "The site does not answer over unencrypted http at all, so no redirect is needed."
    ),
    "redirection-off-host-from-http": (
        "Visitors arriving over http are sent to https on another host first, so this host "
        "never gets to set HSTS for them."
    ),
    "redirection-not-to-https-on-initial-redirection": (
        "Visitors arriving over http are first sent to another http address before reaching "
        "https, which leaves an extra unencrypted step."
    ),
    "redirection-not-to-https": (
        "Visitors arriving over http are redirected, but never end up on a secure https page."
    ),
    "redirection-missing": (
        "Visitors who arrive over unencrypted http are not sent on to a secure https version, "
        "so what they see and send can be read or altered on the way."
    ),
    "redirection-invalid-cert": (
        "A TLS certificate on the way from http to https could not be verified, so browsers "
        "show an error instead of the secure page."
    ),
}


def _parts(url: str) -> tuple[str, str]:
    """Scheme and host name of a URL ("" for what cannot be read)."""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), parts.hostname or ""
    except ValueError:
        return "", ""


def redirection_test(site: Site) -> TestResult | None:
    """None when ``http://host/`` was not requested."""
    if site.http_redirects is None:
        return None
    route = [(_parts(hop.url), hop.url) for hop in site.http_redirects]
    if site.http is None:
        code = "redirection-not-needed-no-http"
    elif not site.http.verified:
        code = "redirection-invalid-cert"
    elif all(is_preloaded(parts[1]) for parts, _ in route):
        code = "redirection-all-redirects-preloaded"
    elif len(route) == 1:
        code = "redirection-missing"
    elif route[-1][0][0] != "https":
        code = "redirection-not-to-https"
    elif route[1][0][0] == "http":
        code = "redirection-not-to-https-on-initial-redirection"
    elif route[0][0][0] == "http" and route[0][0][1] != route[1][0][1]:
        code = "redirection-off-host-from-http"
    else:
        code = "redirection-to-https"
    shown = " -> ".join(url for _, url in route)[:8192] or None
    return make(TEST, code, MESSAGES[code], "Location" if len(route) > 1 else None, shown)
