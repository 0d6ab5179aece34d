"""Registrable domains as the Observatory compares them (ICANN suffixes only, offline).

A host under an unknown suffix falls under the list's default rule (its last label is the
suffix); an IP address or a lone label (``localhost``) has no registrable domain.
"""

from __future__ import annotations

import ipaddress
from functools import cache

import tldextract

_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False
)


@cache
def registrable_domain(host: str) -> str | None:
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    parts = _EXTRACT(host)
    if parts.suffix:
        return parts.top_domain_under_public_suffix or None
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) >= 2 and all(labels[-2:]) else None
