"""The report's inventories: cookies, vendors and the vendor ecosystem, from one scan."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from scanner.classify.loading import SITE
from scanner.dpa import DpaSet
from scanner.findings.context import ScanContext
from scanner.report.ecosystem import MapEdge, MapNode

DAY = 86400
DIRECT_IDENTIFIERS = ("email", "phone", "name", "postal-code")


@dataclass
class CookieRow:
    name: str
    domain: str
    party: str
    """'first' or 'third'."""
    vendor: str
    lifetime_days: float | None
    """None for a session cookie."""
    flags: list[str]
    before_consent: bool
    refused: bool
    refused_reasons: list[str] = field(default_factory=list)
    pages: set[str] = field(default_factory=set)

    @property
    def page_count(self) -> int:
        return len(self.pages)


@dataclass
class ProbeRow:
    """A cookie name a script wrote only to find where it can store cookies."""

    name: str
    written_by: str
    """The vendor whose script wrote it, or 'the site'."""
    script: str | None
    attempts: dict[str, str] = field(default_factory=dict)
    """Domain tried -> what came of it ('stored, then removed', 'refused: InvalidDomain')."""
    pages: set[str] = field(default_factory=set)

    @property
    def page_count(self) -> int:
        return len(self.pages)


class CookieInventory(list[CookieRow]):
    """The cookies set (the list itself: stored or refused), with what is shown apart:
    cookie-domain probes and the number of writes that only deleted a cookie."""

    def __init__(self, rows: list[CookieRow], probes: list[ProbeRow], deletions: int) -> None:
        super().__init__(rows)
        self.probes = probes
        self.deletions = deletions


def cookie_inventory(ctx: ScanContext) -> CookieInventory:
    """One row per cookie (name and domain), as first seen, with every page it was set on.

    A cookie the browser refused is listed (flagged) because the site still tried to set
    it. Deletions and probes are not cookies set: probes get their own rows, deletions
    are counted.
    """
    rows: dict[tuple[str, str], CookieRow] = {}
    probes: dict[tuple[str, str | None], ProbeRow] = {}
    deletions = 0
    for page in ctx.pages:
        before_consent = page.get("consent_state") == "before-consent"
        for cookie in ctx.cookies_set(page):
            key = (cookie["name"], cookie["domain"])
            row = rows.get(key) or rows.setdefault(key, _cookie_row(ctx, page, cookie))
            row.before_consent = row.before_consent or before_consent
            row.pages.add(ctx.page_url(page))
        for cookie in page["cookies"]:
            deletions += cookie["outcome"] == "deleted"
            if cookie["probe"]:
                _add_probe(ctx, probes, page, cookie)
    ordered = sorted(rows.values(), key=lambda row: (row.party != "third", row.vendor, row.name))
    return CookieInventory(
        ordered, sorted(probes.values(), key=lambda p: (p.written_by, p.name)), deletions
    )


def _setter_name(ctx: ScanContext, page: dict[str, Any], cookie: dict[str, Any]) -> str | None:
    """The vendor that set the cookie; None when the site did."""
    setter = ctx.cookie_setter(page, cookie)
    return setter.vendor_name if setter is not None and not setter.first_party else None


def _cookie_row(ctx: ScanContext, page: dict[str, Any], cookie: dict[str, Any]) -> CookieRow:
    owner = ctx.cookie_owner(cookie)
    setter = _setter_name(ctx, page, cookie)
    vendor = setter or (owner.vendor_name if not owner.first_party else "the site")
    lifetime = cookie["requested_lifetime_s"]
    flags = [
        flag
        for flag, present in (
            ("Secure", cookie["secure"]),
            ("HttpOnly", cookie["http_only"]),
            (f"SameSite={cookie['same_site']}", cookie["same_site"]),
            ("Partitioned", cookie["partitioned"]),
        )
        if present
    ]
    refused = cookie["outcome"] == "refused"
    return CookieRow(
        name=cookie["name"],
        domain=cookie["domain"],
        party="first" if owner.first_party else "third",
        vendor=vendor,
        lifetime_days=None if cookie["session"] or lifetime is None else lifetime / DAY,
        flags=flags,
        before_consent=False,
        refused=refused,
        refused_reasons=list(cookie["refused_reasons"]) if refused else [],
    )


def _add_probe(
    ctx: ScanContext,
    probes: dict[tuple[str, str | None], ProbeRow],
    page: dict[str, Any],
    cookie: dict[str, Any],
) -> None:
    key = (cookie["name"], cookie["set_by_url"])
    row = probes.get(key)
    if row is None:
        written_by = _setter_name(ctx, page, cookie) or "the site"
        row = probes[key] = ProbeRow(cookie["name"], written_by, cookie["set_by_url"])
    if cookie["outcome"] == "refused":
        result = f"refused: {', '.join(cookie['refused_reasons'])}"
    else:
        result = "stored, then removed"
    row.attempts.setdefault(cookie["domain"], result)
    row.pages.add(ctx.page_url(page))


def dpa_status(vendor_id: str, dpas: DpaSet | None, violating: set[str]) -> str:
    """compliant, violations, undeclared (no DPA for it) or not-checked (no DPA folder)."""
    if dpas is None:
        return "not-checked"
    if dpas.for_vendor(vendor_id) is None:
        return "undeclared"
    return "violations" if vendor_id in violating else "compliant"


def vendor_rows(
    records: dict[str, dict[str, Any]], dpas: DpaSet | None, violating: set[str]
) -> list[dict[str, Any]]:
    """The data-flow records with their DPA status and readable loader names, busiest first."""
    names = {vendor_id: record["vendor_name"] for vendor_id, record in records.items()}
    rows = []
    for vendor_id, record in records.items():
        loaders = [("the site" if by == SITE else names.get(by, by)) for by in record["loaded_by"]]
        rows.append(
            {
                **record,
                "dpa_status": dpa_status(vendor_id, dpas, violating),
                "loaded_by_names": loaders,
                "direct_identifiers": [
                    c for c in record["data_categories"] if c in DIRECT_IDENTIFIERS
                ],
            }
        )
    return sorted(rows, key=lambda row: (-row["request_count"], row["vendor_name"]))


def ecosystem_graph(
    site_name: str, rows: list[dict[str, Any]], flagged: Collection[str] = ()
) -> tuple[MapNode, list[MapNode], list[MapEdge]]:
    """Site -> vendors -> the vendors they bring in, from the records' loaded_by; the
    vendor ids in ``flagged`` are drawn flagged."""
    site = MapNode(SITE, site_name, "site", "not-checked")
    nodes = [
        MapNode(
            row["vendor_id"],
            row["vendor_name"],
            row["categories"][0] if row["categories"] else "unknown",
            row["dpa_status"],
            row["vendor_id"] in flagged,
        )
        for row in rows
    ]
    known = {SITE, *(node.id for node in nodes)}
    edges = [
        MapEdge(loader, row["vendor_id"])
        for row in rows
        for loader in row["loaded_by"]
        if loader in known
    ]
    return site, nodes, edges
