"""What the history keeps of one audit: per consent state, its vendors, cookies and findings.

Identities are what makes the same thing in two audits one row: a vendor is its vendor
id, a cookie its name and domain, a finding its rule and subject (as the findings
themselves group observations). Everything else is an attribute that may change between
audits. A state's pages are those it rendered: a page that failed in one of two audits
is not compared, rather than read as a page where everything disappeared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scanner.dpa.records import build_records
from scanner.report.inventory import cookie_inventory, vendor_rows


@dataclass(frozen=True)
class VendorEntry:
    key: str
    name: str
    hosts: tuple[str, ...]
    categories: tuple[str, ...]
    dpa_status: str
    requests: int
    bytes: int
    latency_median_ms: float | None
    pages: frozenset[str]


@dataclass(frozen=True)
class CookieEntry:
    key: str
    name: str
    domain: str
    party: str
    vendor: str
    lifetime_days: float | None
    """None for a session cookie."""
    flags: tuple[str, ...]
    pages: frozenset[str]


@dataclass(frozen=True)
class FindingEntry:
    key: str
    rule_id: str
    severity: str
    subject: str
    title: str
    pages: frozenset[str]


KINDS = ("vendor", "cookie", "finding")


@dataclass(frozen=True)
class StateSnapshot:
    state: str
    """"before", "reject", "accept" or "gpc" (scanner.consent_states.STATES)."""
    pages: frozenset[str]
    vendors: dict[str, VendorEntry] = field(default_factory=dict)
    cookies: dict[str, CookieEntry] = field(default_factory=dict)
    findings: dict[str, FindingEntry] = field(default_factory=dict)

    def entries(self, kind: str) -> dict[str, Any]:
        return {"vendor": self.vendors, "cookie": self.cookies, "finding": self.findings}[kind]


@dataclass(frozen=True)
class AuditSnapshot:
    site: str
    start_url: str
    scan_started_at: str
    scan_finished_at: str
    complete: bool
    scanner_version: str
    browser_version: str
    settings: dict[str, Any]
    states: dict[str, StateSnapshot]
    folder: str
    evidence_fingerprint: str | None = None
    manifest_sha256: str | None = None
    origin: str = "scan"
    """"scan" for a scan, "report" for a ``scanner report`` regeneration of it."""
    audit_id: int | None = None
    """Its id in the history; None for an audit read from a folder and not recorded."""
    recorded_at: str | None = None

    @property
    def by_severity(self) -> dict[str, int]:
        """Findings by severity, each finding once however many states it was seen in."""
        seen: dict[str, str] = {}
        for snapshot in self.states.values():
            seen.update({key: f.severity for key, f in snapshot.findings.items()})
        counts: dict[str, int] = {}
        for severity in seen.values():
            counts[severity] = counts.get(severity, 0) + 1
        return counts

    def distinct(self, kind: str) -> int:
        """Distinct vendors, cookies or findings over every state."""
        return len({key for s in self.states.values() for key in s.entries(kind)})

    @property
    def label(self) -> str:
        """How a person names the audit: its id (when recorded) and its scan time."""
        prefix = f"#{self.audit_id} " if self.audit_id is not None else ""
        return f"{prefix}{self.site} {self.scan_started_at}"


def storable(text: str) -> str:
    """Site text as every database stores it alike: NUL (which PostgreSQL refuses) and
    lone surrogates (which no UTF-8 database takes) written as escapes. Applied when the
    snapshot is made, so an audit in memory and the same audit read back are equal."""
    if "\x00" in text:
        text = text.replace("\x00", "\\x00")
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(storable(value) for value in values)


def page_key(url: str) -> str:
    """A page as audits are compared: its URL without the port (a site is audited on the
    same port every time; a test site listens on a new one at each start)."""
    url = storable(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port a URL parser refuses: kept as it is
        return url
    if port is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.username is not None:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc))


def _pages(urls: Iterable[str]) -> frozenset[str]:
    return frozenset(page_key(url) for url in urls)


def cookie_key(name: str, domain: str) -> str:
    """A host-only cookie (``www.x``) and a domain cookie (``.www.x``) of the same name are
    two cookies, as the browser keeps them."""
    return storable(f"{name}; {domain.lower()}")


def finding_key(rule_id: str, subject: str) -> str:
    return storable(f"{rule_id}: {subject}")


def snapshot_of_analysis(
    ctx: Any,
    findings: Iterable[dict[str, Any]],
    folder: str,
    origin: str = "scan",
) -> AuditSnapshot:
    """The snapshot of an analysed scan: ``ctx`` its ScanContext, ``findings`` the
    findings.json entries."""
    findings = list(findings)
    violating = {f["vendor"] for f in findings if f["rule_id"] == "dpa-violation"}
    states = {}
    for state in ctx.states:
        view = ctx.in_state(state)
        vendors = vendor_rows(build_records(view), ctx.dpas, violating)
        pages_of = _vendor_pages(view)
        states[state] = StateSnapshot(
            state=state,
            pages=_pages(
                view.page_url(page) for page in view.pages if page["outcome"] == "rendered"
            ),
            vendors={
                entry.key: entry for entry in (_vendor_entry(row, pages_of) for row in vendors)
            },
            cookies={
                entry.key: entry for entry in (_cookie_entry(row) for row in cookie_inventory(view))
            },
            findings={
                entry.key: entry
                for entry in (
                    _finding_entry(f)
                    for f in findings
                    if view.state_label in f.get("consent_states", ["before-consent"])
                )
            },
        )
    scan = ctx.scan
    return AuditSnapshot(
        site=scan["site"] or "",
        start_url=scan["start_url"],
        scan_started_at=scan["started_at"],
        scan_finished_at=scan["finished_at"],
        complete=bool(scan["complete"]),
        scanner_version=scan["scanner"]["version"],
        browser_version=(scan.get("browser") or {}).get("version", ""),
        settings=scan.get("settings") or {},
        states=states,
        folder=folder,
        origin=origin,
    )


def _vendor_pages(view: Any) -> dict[str, set[str]]:
    """Every page each third-party vendor was contacted from (the data-flow records list
    only the first hundred)."""
    pages: dict[str, set[str]] = {}
    for page in view.pages:
        url = view.page_url(page)
        for request in page["requests"]:
            party = view.party_of(request["url"])
            if party is not None and not party.first_party:
                pages.setdefault(party.vendor_id, set()).add(url)
    return pages


def _vendor_entry(row: dict[str, Any], pages_of: dict[str, set[str]]) -> VendorEntry:
    return VendorEntry(
        key=storable(row["vendor_id"]),
        name=storable(row["vendor_name"]),
        hosts=_texts(row["hosts"]),
        categories=_texts(row["categories"]),
        dpa_status=row["dpa_status"],
        requests=row["request_count"],
        bytes=row["bytes"]["total"],
        latency_median_ms=row["latency_ms"]["median"],
        pages=_pages(pages_of.get(row["vendor_id"], row["pages"])),
    )


def _cookie_entry(row: Any) -> CookieEntry:
    return CookieEntry(
        key=cookie_key(row.name, row.domain),
        name=storable(row.name),
        domain=storable(row.domain),
        party=row.party,
        vendor=storable(row.vendor),
        lifetime_days=None if row.lifetime_days is None else round(row.lifetime_days, 2),
        flags=_texts(row.flags),
        pages=_pages(row.pages),
    )


def _finding_entry(finding: dict[str, Any]) -> FindingEntry:
    return FindingEntry(
        key=finding_key(finding["rule_id"], finding["subject"]),
        rule_id=finding["rule_id"],
        severity=finding["severity"],
        subject=storable(finding["subject"]),
        title=storable(finding.get("title", "")),
        pages=_pages(finding["pages"]),
    )
