"""Sites and hosts: registrable domains from the Public Suffix List, offline."""

from __future__ import annotations

import ipaddress
from fnmatch import fnmatchcase
from functools import cache

import tldextract

# The snapshot bundled with tldextract; never fetched at run time (closed networks,
# and an audit must not depend on what a list server answered that day).
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)


@cache
def registrable_domain(host: str) -> str:
    """The site a host belongs to ("eTLD+1"): www.shop.co.uk -> shop.co.uk.

    IP addresses are their own site. A host under a suffix the list does not know
    (such as .test) falls under the list's default rule: the last label is the suffix.
    """
    host = host.lower().rstrip(".").strip("[]")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    parts = _EXTRACT(host)
    if parts.suffix:
        return parts.top_domain_under_public_suffix or host
    labels = host.split(".")
    return ".".join(labels[-2:])


# Special-use names (RFC 2606, RFC 6761, RFC 6762, RFC 7686, ICANN's .internal):
# real top-level names that the Public Suffix List leaves out.
_SPECIAL_USE_TLDS = frozenset(
    ["example", "test", "invalid", "localhost", "local", "onion", "internal", "arpa"]
)


@cache
def is_top_level_domain(label: str) -> bool:
    """Whether ``label`` is a top-level domain: on the Public Suffix List or special-use."""
    label = label.lower()
    return label in _SPECIAL_USE_TLDS or _EXTRACT(f"x.{label}").suffix == label


def host_matches(host: str, pattern: str) -> bool:
    """Host against a pattern: exact name, or ``*.example.com`` for any subdomain of it."""
    host, pattern = host.lower(), pattern.lower()
    if pattern.startswith("*."):
        return host == pattern[2:] or host.endswith(pattern[1:])
    return fnmatchcase(host, pattern)
