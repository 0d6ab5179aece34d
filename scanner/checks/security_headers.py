"""The referrer policy a browser applies to a page, from its header and meta element.

This is the browser's reading (what other sites actually receive), used by the third-party
checks; the graded security headers are in ``scanner.checks.observatory``, which reads them
as the MDN HTTP Observatory does.
"""

from __future__ import annotations

from collections.abc import Sequence

PRIVATE_REFERRER_POLICIES = frozenset(
    {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
)
UNSAFE_REFERRER_POLICIES = frozenset({"origin", "origin-when-cross-origin", "unsafe-url"})
REFERRER_POLICIES = (
    PRIVATE_REFERRER_POLICIES | UNSAFE_REFERRER_POLICIES | {"no-referrer-when-downgrade"}
)
# Legacy keywords the HTML standard still maps for <meta name="referrer"> (not for the header).
_META_REFERRER_LEGACY = {
    "never": "no-referrer",
    "default": "strict-origin-when-cross-origin",
    "always": "unsafe-url",
    "origin-when-crossorigin": "origin-when-cross-origin",
}
_OWS = " \t"


def header_referrer_policy(values: Sequence[str]) -> str | None:
    """The policy a browser applies from Referrer-Policy header values: the last recognised
    token (repeated headers, or lines joined by a newline, read as one list)."""
    tokens = [
        item.strip(_OWS + "\r").lower()
        for value in values
        for line in value.split("\n")
        for item in line.split(",")
    ]
    return next((t for t in reversed(tokens) if t in REFERRER_POLICIES), None)


def meta_referrer_policy(content: str) -> str | None:
    """The policy a ``<meta name="referrer">`` sets: one whole keyword, legacy ones mapped."""
    keyword = content.strip(_OWS + "\r\n\f").lower()
    keyword = _META_REFERRER_LEGACY.get(keyword, keyword)
    return keyword if keyword in REFERRER_POLICIES else None
