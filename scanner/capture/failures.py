"""Why something failed, in a small fixed vocabulary a report can group by."""

from __future__ import annotations

_BY_PREFIX = (
    ("net::ERR_TIMED_OUT", "timeout"),
    ("net::ERR_CONNECTION_TIMED_OUT", "timeout"),
    ("net::ERR_NAME_NOT_RESOLVED", "dns"),
    ("net::ERR_NAME_RESOLUTION_FAILED", "dns"),
    ("net::ERR_CERT_", "tls"),
    ("net::ERR_SSL_", "tls"),
    ("net::ERR_BAD_SSL_", "tls"),
    ("net::ERR_CONNECTION_", "connection"),
    ("net::ERR_ADDRESS_UNREACHABLE", "connection"),
    ("net::ERR_EMPTY_RESPONSE", "connection"),
    # the connection closed before the body was complete
    ("net::ERR_CONTENT_LENGTH_MISMATCH", "connection"),
    ("net::ERR_INCOMPLETE_CHUNKED_ENCODING", "connection"),
    ("net::ERR_INVALID_CHUNKED_ENCODING", "connection"),
    ("net::ERR_BLOCKED_BY_CSP", "csp"),
    ("csp", "csp"),
    ("mixed-content", "mixed-content"),
    ("net::ERR_BLOCKED_BY_CLIENT", "blocked"),
    ("net::ERR_BLOCKED_BY_RESPONSE", "blocked"),
    ("net::ERR_BLOCKED_BY_ORB", "blocked"),
    ("net::ERR_ABORTED", "aborted"),
)
_BY_DEVTOOLS_REASON = {
    "csp": "csp",
    "mixed-content": "mixed-content",
    "inspector": "blocked",
    "subresource-filter": "blocked",
    "content-type": "blocked",
    "cors": "cors",
}


def failure_reason(error_text: str, devtools_reason: str | None = None) -> str:
    """Classify a browser network error text (and DevTools' blockedReason, if known)."""
    if devtools_reason:
        mapped = _BY_DEVTOOLS_REASON.get(devtools_reason)
        if mapped:
            return mapped
        if devtools_reason.startswith(("cors", "Cors")) or "Cors" in devtools_reason:
            return "cors"
        if devtools_reason.startswith(("coep", "corp", "coop")):
            return "blocked"
    for prefix, reason in _BY_PREFIX:
        if error_text.startswith(prefix):
            return reason
    if "Timeout" in error_text or "timeout" in error_text:
        return "timeout"
    return "other"
