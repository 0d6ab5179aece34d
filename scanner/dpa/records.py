"""Vendor data-flow records: what each vendor received, built from a scan's observations.

The record (documented by schemas/dataflow-record.schema.json) is what a vendor's DPA
schema constrains. It is derived from scan.json only, through the same classification
the rules use, so a DPA check can be re-run on an old scan.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from scanner.classify.fingerprinting import fingerprinting_scripts
from scanner.classify.loading import load_edges
from scanner.classify.parties import Party
from scanner.classify.pii import generic_field
from scanner.findings.context import ScanContext

DAY = 86400
MAX_PAGES_LISTED = 100
ALWAYS_SENT = ("ip-address", "device-data")
DEVICE_FINGERPRINT = "device-fingerprint"
_FINDER_CATEGORIES = {
    "email": "email",
    "phone": "phone",
    "name": "name",
    "postal-code": "postal-code",
    "ip-address": "ip-address",
    "user-id": "online-identifier",
}


@dataclass
class _Vendor:
    party: Party
    hosts: set[str] = field(default_factory=set)
    pages: list[str] = field(default_factory=list)
    requests: int = 0
    categories: set[str] = field(default_factory=lambda: set(ALWAYS_SENT))
    fields: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)
    cookies: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    bytes_per_page: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    insecure: int = 0
    loaded_by: set[str] = field(default_factory=set)
    loads: set[str] = field(default_factory=set)


def build_records(ctx: ScanContext) -> dict[str, dict[str, Any]]:
    """One record per third-party vendor contacted in the context's consent state, by
    vendor id (``ctx.in_state(state)`` for another state's)."""
    vendors: dict[str, _Vendor] = {}
    for page in ctx.pages:
        url = ctx.page_url(page)
        for request in page["requests"]:
            party = ctx.party_of(request["url"])
            if party is None or party.first_party:
                continue
            vendor = vendors.setdefault(party.vendor_id, _Vendor(party))
            _add_request(ctx, vendor, request, url)
        _add_cookies_set(ctx, vendors, page)
        _add_fingerprinting(ctx, vendors, page)
        for edge in load_edges(page, ctx.parties):
            if edge.vendor in vendors:
                vendors[edge.vendor].loaded_by.add(edge.loader)
            if edge.loader in vendors:
                vendors[edge.loader].loads.add(edge.vendor)
    without_consent = ctx.state != "accept"  # before any choice, refused, or only GPC
    return {
        vendor_id: _record(vendor, without_consent, ctx.state_label)
        for vendor_id, vendor in sorted(vendors.items())
    }


def _add_request(ctx: ScanContext, vendor: _Vendor, request: dict[str, Any], url: str) -> None:
    vendor.hosts.add(_host(request["url"]))
    if url not in vendor.pages:
        vendor.pages.append(url)
    vendor.requests += 1
    if request["url"].startswith("http://"):
        vendor.insecure += 1
    if request["response"] is not None and request["timing"]["duration_ms"] is not None:
        vendor.latencies.append(request["timing"]["duration_ms"])
    vendor.bytes_per_page[url] += request["transfer_bytes"] or 0
    headers = {name.lower(): value for name, value in request["headers"]}
    body = (request.get("body") or {}).get("text")
    if _carries_page_url(request["url"], body, headers.get("referer"), url):
        vendor.categories.add("page-url")
    if headers.get("cookie"):
        vendor.categories.add("online-identifier")
        for name in _cookie_names(headers["cookie"]):
            vendor.cookies.setdefault(
                (name, _host(request["url"])),
                {
                    "name": name,
                    "domain": _host(request["url"]),
                    "access": "read",
                    "lifetime_days": None,
                    "third_party": True,
                },
            )
    for item in ctx.personal_data.find_in_record(request).found:
        category = _FINDER_CATEGORIES.get(item.category, item.category)
        field = generic_field(item.field)
        vendor.categories.add(category)
        vendor.fields.setdefault(
            (category, field, item.location, item.encoding),
            {
                "category": category,
                "field": field,
                "location": item.location,
                "encoding": item.encoding,
                "request_url": request["url"],
                "page": url,
            },
        )


def _add_fingerprinting(
    ctx: ScanContext, vendors: dict[str, _Vendor], page: dict[str, Any]
) -> None:
    """A vendor whose script fingerprinted the browser (scanner.classify.fingerprinting)
    read a device fingerprint, whether or not the value was seen leaving the page."""
    for use, _ in fingerprinting_scripts(page):
        party = ctx.party_of(use.script_url) if use.script_url else None
        if party is not None and party.vendor_id in vendors:
            vendors[party.vendor_id].categories.add(DEVICE_FINGERPRINT)


def _add_cookies_set(ctx: ScanContext, vendors: dict[str, _Vendor], page: dict[str, Any]) -> None:
    for cookie in ctx.cookies_set(page):
        if cookie["outcome"] != "stored" or not cookie["set_by_url"]:
            continue
        setter = ctx.cookie_setter(page, cookie)
        if setter is None or setter.vendor_id not in vendors:
            continue
        vendor = vendors[setter.vendor_id]
        vendor.categories.add("online-identifier")
        lifetime = cookie["requested_lifetime_s"]
        days = round(lifetime / DAY, 1) if lifetime is not None else None
        key = (cookie["name"], cookie["domain"])
        entry = vendor.cookies.get(key)
        if entry is None or entry["access"] == "read":
            owner = ctx.cookie_owner(cookie)
            vendor.cookies[key] = {
                "name": cookie["name"],
                "domain": cookie["domain"],
                "access": "set",
                "lifetime_days": days,
                "third_party": not owner.first_party,
            }
        elif days is not None and (entry["lifetime_days"] or 0) < days:
            entry["lifetime_days"] = days


def _cookies(vendor: _Vendor) -> list[dict[str, Any]]:
    """One entry per cookie; a read of a cookie the vendor also set is its 'set' entry."""
    set_names = {entry["name"] for entry in vendor.cookies.values() if entry["access"] == "set"}
    kept = [
        entry
        for entry in vendor.cookies.values()
        if entry["access"] == "set" or entry["name"] not in set_names
    ]
    return sorted(kept, key=lambda c: (c["name"], c["domain"]))


def _record(vendor: _Vendor, before_consent: bool, consent_state: str) -> dict[str, Any]:
    party = vendor.party
    catalog = party.vendor
    latencies = sorted(vendor.latencies)
    return {
        "vendor_id": party.vendor_id,
        "vendor_name": party.vendor_name,
        "organisation": catalog.organisation if catalog else None,
        "identified": catalog is not None,
        "categories": sorted(catalog.categories) if catalog else [],
        "hosts": sorted(vendor.hosts),
        "countries": [catalog.country] if catalog and catalog.country else [],
        "pages": vendor.pages[:MAX_PAGES_LISTED],
        "page_count": len(vendor.pages),
        "request_count": vendor.requests,
        "data_categories": sorted(vendor.categories),
        "data_fields": list(vendor.fields.values()),
        "cookies": _cookies(vendor),
        "before_consent": before_consent,
        "consent_state": consent_state,
        "loaded_by": sorted(vendor.loaded_by),
        "loads": sorted(vendor.loads),
        "latency_ms": {
            "median": round(statistics.median(latencies), 1) if latencies else None,
            "p95": _nearest_rank(latencies, 0.95),
            "max": latencies[-1] if latencies else None,
        },
        "bytes": {
            "total": sum(vendor.bytes_per_page.values()),
            "per_page_max": max(vendor.bytes_per_page.values(), default=0),
        },
        "insecure_requests": vendor.insecure,
    }


def _nearest_rank(ordered: list[float], share: float) -> float | None:
    if not ordered:
        return None
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _carries_page_url(url: str, body: str | None, referer: str | None, page_url: str) -> bool:
    """The visited page's address in a parameter, the body, or a Referer with its path."""
    page = page_url.split("#")[0]
    encoded = quote(page, safe="")
    if any(form in url or (body and form in body) for form in (encoded, page)):
        return True
    if not referer or referer.split("#")[0] != page:
        return False
    parts = urlsplit(page)  # an origin-only Referer says which site, not which page
    return parts.path not in ("", "/") or bool(parts.query)


def _cookie_names(header: str) -> list[str]:
    return [part.split("=", 1)[0].strip() for part in header.split(";") if "=" in part]


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""
