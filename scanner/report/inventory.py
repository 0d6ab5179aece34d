"""The report's inventories: cookies, vendors and the vendor ecosystem, from one scan."""

from __future__ import annotations

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
    pages: set[str] = field(default_factory=set)

    @property
    def page_count(self) -> int:
        return len(self.pages)


def cookie_inventory(ctx: ScanContext) -> list[CookieRow]:
    """One row per cookie (name and domain), as first seen, with every page it was set on.

    Deletions are not cookies; a cookie the browser refused is listed (flagged) because
    the site still tried to set it.
    """
    rows: dict[tuple[str, str], CookieRow] = {}
    for page in ctx.pages:
        before_consent = page.get("consent_state") == "before-consent"
        for cookie in page["cookies"]:
            if cookie["deletion"]:
                continue
            key = (cookie["name"], cookie["domain"])
            row = rows.get(key) or rows.setdefault(key, _cookie_row(ctx, page, cookie))
            row.before_consent = row.before_consent or before_consent
            row.pages.add(ctx.page_url(page))
    return sorted(rows.values(), key=lambda row: (row.party != "third", row.vendor, row.name))


def _cookie_row(ctx: ScanContext, page: dict[str, Any], cookie: dict[str, Any]) -> CookieRow:
    owner = ctx.cookie_owner(cookie)
    setter = ctx.cookie_setter(page, cookie)
    if setter is not None and not setter.first_party:
        vendor = setter.vendor_name
    elif not owner.first_party:
        vendor = owner.vendor_name
    else:
        vendor = "the site"
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
    return CookieRow(
        name=cookie["name"],
        domain=cookie["domain"],
        party="first" if owner.first_party else "third",
        vendor=vendor,
        lifetime_days=None if cookie["session"] or lifetime is None else lifetime / DAY,
        flags=flags,
        before_consent=False,
        refused=not cookie["stored"],
    )


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
    site_name: str, rows: list[dict[str, Any]]
) -> tuple[MapNode, list[MapNode], list[MapEdge]]:
    """Site -> vendors -> the vendors they bring in, from the records' loaded_by."""
    site = MapNode(SITE, site_name, "site", "not-checked")
    nodes = [
        MapNode(
            row["vendor_id"],
            row["vendor_name"],
            row["categories"][0] if row["categories"] else "unknown",
            row["dpa_status"],
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
