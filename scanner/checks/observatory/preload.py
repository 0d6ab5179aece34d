"""Whether a host is on the browsers' HSTS preload list (Chromium's list, via hstspreload).

A host counts when it is listed itself, or when a parent domain is listed with
includeSubDomains: the same rule the Observatory and browsers apply. The list is the one
the pinned ``hstspreload`` release ships; refreshing it is a version bump in pyproject.toml.
"""

from __future__ import annotations

import hstspreload

PRELOAD_LIST = f"Chromium HSTS preload list (hstspreload {hstspreload.__version__})"


def is_preloaded(host: str) -> bool:
    host = host.lower().rstrip(".")
    if not host or not host.isascii():
        return False  # the list holds IDNA (ASCII) names only
    try:
        return hstspreload.in_hsts_preload(host)
    except (UnicodeError, ValueError):
        return False
