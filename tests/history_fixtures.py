"""Small builders of audit snapshots for the history tests."""

from __future__ import annotations

from typing import Any

from scanner.history.snapshot import (
    AuditSnapshot,
    CookieEntry,
    FindingEntry,
    StateSnapshot,
    VendorEntry,
    cookie_key,
    finding_key,
)

SITE = "shop.example"
HOME = "https://www.shop.example/"
PAGES = (HOME, f"{HOME}about", f"{HOME}offers")


def vendor(key: str, pages: tuple[str, ...] = PAGES, **changes: Any) -> VendorEntry:
    values: dict[str, Any] = {
        "name": key.replace("-", " ").title(),
        "hosts": (f"cdn.{key}.example",),
        "categories": ("analytics",),
        "dpa_status": "undeclared",
        "requests": 3 * len(pages),
        "bytes": 1000 * len(pages),
        "latency_median_ms": 41.5,
    }
    return VendorEntry(key=key, pages=frozenset(pages), **{**values, **changes})


def cookie(name: str, pages: tuple[str, ...] = PAGES, **changes: Any) -> CookieEntry:
    values: dict[str, Any] = {
        "domain": "www.shop.example",
        "party": "first",
        "vendor": "the site",
        "lifetime_days": 30.0,
        "flags": ("Secure", "HttpOnly"),
    }
    values.update(changes)
    return CookieEntry(
        key=cookie_key(name, values["domain"]), name=name, pages=frozenset(pages), **values
    )


def finding(
    rule_id: str, subject: str, severity: str = "medium", pages: tuple[str, ...] = PAGES
) -> FindingEntry:
    return FindingEntry(
        key=finding_key(rule_id, subject),
        rule_id=rule_id,
        severity=severity,
        subject=subject,
        title=f"Title of {rule_id}",
        pages=frozenset(pages),
    )


def state(
    name: str = "before", pages: tuple[str, ...] = PAGES, items: tuple[Any, ...] = ()
) -> StateSnapshot:
    return StateSnapshot(
        state=name,
        pages=frozenset(pages),
        vendors={i.key: i for i in items if isinstance(i, VendorEntry)},
        cookies={i.key: i for i in items if isinstance(i, CookieEntry)},
        findings={i.key: i for i in items if isinstance(i, FindingEntry)},
    )


def audit(
    *states: StateSnapshot,
    started: str = "2026-09-01T10:00:00+00:00",
    site: str = SITE,
    folder: str = "/audits/q3",
    origin: str = "scan",
) -> AuditSnapshot:
    return AuditSnapshot(
        site=site,
        start_url=f"https://www.{site}/",
        scan_started_at=started,
        scan_finished_at=started.replace("10:00", "10:30"),
        complete=True,
        scanner_version="0.1.0",
        browser_version="131.0.6778.85",
        settings={"max_pages": 1000, "consent": [s.state for s in states]},
        states={s.state: s for s in states},
        folder=folder,
        evidence_fingerprint="ab" * 32,
        manifest_sha256="cd" * 32,
        origin=origin,
    )
