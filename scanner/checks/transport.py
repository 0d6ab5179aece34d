"""TLS of the pages' documents: the protocol version and the certificate's validity.

Both come from what the browser reported for the connection (``page["tls"]``, Playwright's
security details). Validity is judged at the moment the page was visited, as recorded in
scan.json, never at the time the rules run: ``scanner report`` on an old scan says what
was true then. Each host gets one observation per protocol and per certificate it showed,
however many of its pages used them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

EXPIRY_WARNING_DAYS = 30
LIFETIME_SHARE = 3
"""A certificate is expiring in its last third of life, or its last 30 days if sooner:
short-lived certificates (six days, 47 at most from 2029) are renewed on that schedule,
so a fixed 30 days would flag every healthy one of them."""
_DAY_S = 86_400
_PROTOCOL = re.compile(r"\s*(SSL|TLS)\s*v?(\d{1,3})(?:\.(\d{1,3}))?\s*", re.IGNORECASE)
# Outside this range datetime cannot express the moment (years 1 to 9999).
_EARLIEST_S = -62_135_596_800
_LATEST_S = 253_402_300_799


def check(ctx: ScanContext) -> Iterator[Observation]:
    seen: set[tuple[str, ...]] = set()
    # Every page whose document came over TLS: files count as much as HTML pages.
    for page in ctx.scan["pages"]:
        tls = page.get("tls")
        if not isinstance(tls, dict):
            continue
        url = ctx.page_url(page)
        host = urlsplit(url).hostname or url
        protocol = tls.get("protocol")
        outdated = isinstance(protocol, str) and is_outdated(protocol)
        if outdated and _first_time(seen, ("protocol", host, protocol)):
            yield _outdated_protocol(host, url, protocol, tls)
        checked_at = _visit_time(page, ctx.scan)
        if checked_at is None:
            continue
        observation = _certificate_observation(host, url, tls, checked_at)
        if observation and _first_time(seen, ("certificate", host, *_identity(tls))):
            yield observation


def is_outdated(protocol: str) -> bool:
    """SSL of any version, or TLS below 1.2 (RFC 8996); False for what is not recognised
    (QUIC, an empty or unknown name)."""
    match = _PROTOCOL.fullmatch(protocol)
    if match is None:
        return False
    family, major, minor = match.groups()
    return family.upper() == "SSL" or (int(major), int(minor or 0)) < (1, 2)


def _outdated_protocol(host: str, url: str, protocol: str, tls: dict[str, Any]) -> Observation:
    return Observation(
        "tls-protocol-outdated",
        host,
        url,
        f"{host} served the page over {protocol}, a protocol version deprecated since "
        "RFC 8996 (TLS 1.2 is the minimum).",
        {
            "kind": "tls",
            "protocol": protocol,
            "subject_name": _text(tls.get("subjectName")),
            "issuer": _text(tls.get("issuer")),
        },
    )


def _certificate_observation(
    host: str, url: str, tls: dict[str, Any], checked_at: float
) -> Observation | None:
    valid_from, valid_to = _moment(tls.get("validFrom")), _moment(tls.get("validTo"))
    if valid_to is None:
        return None
    days_left = math.floor((valid_to - checked_at) / _DAY_S)
    if valid_to < checked_at:
        rule, message = "tls-certificate-expired", f"expired on {_iso(valid_to)}"
    elif valid_from is not None and valid_from > checked_at:
        rule, message = "tls-certificate-expired", f"is not valid before {_iso(valid_from)}"
    elif valid_to - checked_at <= warning_window_s(valid_from, valid_to):
        rule, message = (
            "tls-certificate-expiring",
            (f"expires on {_iso(valid_to)}, {days_left} days after the visit"),
        )
    else:
        return None
    return Observation(
        rule,
        host,
        url,
        f"The TLS certificate of {host} {message}.",
        {
            "kind": "certificate",
            "subject_name": _text(tls.get("subjectName")),
            "issuer": _text(tls.get("issuer")),
            "valid_from": _iso(valid_from) if valid_from is not None else None,
            "valid_to": _iso(valid_to),
            "days_left": days_left,
            "checked_at": _iso(checked_at),
        },
    )


def warning_window_s(valid_from: float | None, valid_to: float) -> float:
    """Seconds before expiry from which a certificate counts as expiring."""
    window = EXPIRY_WARNING_DAYS * _DAY_S
    if valid_from is not None and valid_to > valid_from:
        window = min(window, (valid_to - valid_from) / LIFETIME_SHARE)
    return window


def _visit_time(page: dict[str, Any], scan: dict[str, Any]) -> float | None:
    """When the page was visited, else when the scan started; None if neither is readable."""
    for value in (page.get("visited_at"), scan.get("started_at")):
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return moment.timestamp()
    return None


def _moment(value: Any) -> float | None:
    """Seconds since the epoch as reported, or None for anything that is not a usable one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not _EARLIEST_S <= value <= _LATEST_S:  # False for NaN too
        return None
    return float(value)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _identity(tls: dict[str, Any]) -> tuple[str, ...]:
    return tuple(repr(tls.get(key)) for key in ("subjectName", "issuer", "validFrom", "validTo"))


def _first_time(seen: set[tuple[str, ...]], key: tuple[str, ...]) -> bool:
    if key in seen:
        return False
    seen.add(key)
    return True
