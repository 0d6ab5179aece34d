"""Third parties: trackers before consent, personal data sent, transfers outside the
EEA, vendors brought in by other vendors, unidentified hosts, personal data in URLs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from scanner.checks.cookies import NON_ESSENTIAL_CATEGORIES
from scanner.checks.security_headers import (
    PRIVATE_REFERRER_POLICIES,
    header_referrer_policy,
    meta_referrer_policy,
)
from scanner.classify.loading import SITE, LoadEdge, load_edges
from scanner.classify.parties import EEA_COUNTRIES, Party
from scanner.classify.pii import PersonalData, PersonalDataFinder, generic_field
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation


def check(ctx: ScanContext) -> Iterator[Observation]:
    finder = ctx.personal_data
    edges: dict[str, list[tuple[str, LoadEdge]]] = defaultdict(list)
    for page in ctx.pages:
        url = ctx.page_url(page)
        contacted: dict[str, tuple[Party, dict[str, Any]]] = {}
        listed: dict[str, dict[str, Any]] = {}
        for request in page["requests"]:
            party = ctx.party_of(request["url"])
            if party is None or party.first_party:
                continue
            contacted.setdefault(party.vendor_id, (party, request))
            if party.vendor_id not in listed and ctx.trackers.is_tracking(
                request["url"], url, request["resource_type"]
            ):
                listed[party.vendor_id] = request
            yield from _personal_data(finder, party, request, url)
        for party, request in contacted.values():
            yield from _vendor_contacted(party, request, url, listed.get(party.vendor_id))
        for edge in load_edges(page, ctx.parties):
            edges[edge.vendor].append((url, edge))
        if contacted:
            yield from _personal_data_in_page_url(finder, page, url)
    yield from _fourth_parties(ctx, edges)


def _vendor_contacted(
    party: Party, request: dict[str, Any], url: str, listed: dict[str, Any] | None
) -> Iterator[Observation]:
    """What the first contact with a vendor on a page says; ``listed`` is its first
    request that a tracker filter list matched, if any."""
    evidence = {"kind": "request", "url": request["url"], "method": request["method"]}
    vendor = party.vendor
    if vendor is None:
        yield Observation(
            "unidentified-third-party",
            party.vendor_id,
            url,
            f"The page contacted {party.host}, whose owner is not in the vendor catalog.",
            {**evidence, "host": party.host},
            party.vendor_id,
        )
    tracking = sorted(set(vendor.categories) & NON_ESSENTIAL_CATEGORIES) if vendor else []
    if tracking or listed:
        reason = f" ({', '.join(tracking)})" if tracking else ""
        listed_note = f"; {listed['url']} matches a tracker filter list" if listed else ""
        yield Observation(
            "tracker-before-consent",
            party.vendor_id,
            url,
            f"{party.vendor_name}{reason} was contacted before consent{listed_note}.",
            {
                **evidence,
                "vendor": party.vendor_name,
                "categories": tracking,
                "filter_list_match": listed["url"] if listed else None,
            },
            party.vendor_id,
        )
    if vendor is not None and vendor.country is not None and vendor.country not in EEA_COUNTRIES:
        yield Observation(
            "transfer-outside-eea",
            vendor.id,
            url,
            f"{vendor.name} ({vendor.organisation}) is based in {vendor.country}, outside the "
            "EEA, and received requests from the page.",
            {**evidence, "vendor": vendor.name, "country": vendor.country},
            vendor.id,
        )


def _personal_data(
    finder: PersonalDataFinder, party: Party, request: dict[str, Any], url: str
) -> Iterator[Observation]:
    """One observation per piece of data and field: the same address in every event of a
    batch (``batch[0].email``, ``batch[1].email`` ...) is one, at its first place."""
    seen: set[tuple[str, str, str, str, str]] = set()
    for item in finder.find_in_record(request).found:
        field = generic_field(item.field)
        key = (item.category, item.value, field, item.location, item.encoding)
        if key in seen:
            continue
        seen.add(key)
        yield Observation(
            "personal-data-to-third-party",
            f"{party.vendor_id}/{item.category}/{item.location}:{field}",
            url,
            f"{party.vendor_name} received {_category_words(item.category)} in "
            f"{_where(item)} ({item.decoding}).",
            {
                "kind": "request",
                "url": request["url"],
                "method": request["method"],
                "category": item.category,
                "value": item.raw or item.value,
                "field": item.field,
                "path": item.path or item.field,
                "location": item.location,
                "encoding": item.encoding,
                "chain": list(item.chain),
                "decoding": item.decoding,
                "vendor": party.vendor_name,
            },
            party.vendor_id,
        )


def _personal_data_in_page_url(
    finder: PersonalDataFinder, page: dict[str, Any], url: str
) -> Iterator[Observation]:
    found = finder.find_in_request(url, [], None, None)
    policy = _referrer_policy(page)
    if not found or policy in PRIVATE_REFERRER_POLICIES:
        return
    categories = sorted({item.category for item in found})
    yield Observation(
        "referrer-policy-personal-data-url",
        url.split("?")[0],
        url,
        f"The page address contains {', '.join(categories)} and its Referrer-Policy is "
        f"{policy or 'not set'}, while third parties are loaded.",
        {"kind": "page", "url": url, "referrer_policy": policy, "categories": categories},
    )


def _referrer_policy(page: dict[str, Any]) -> str | None:
    """The policy in force: a valid <meta name="referrer"> (applied after the header, as
    the HTML standard says), else the header's last valid token."""
    meta = page.get("meta_referrer")
    headers = [
        value for name, value in page["response_headers"] if name.lower() == "referrer-policy"
    ]
    return (meta_referrer_policy(meta) if meta else None) or header_referrer_policy(headers)


def _fourth_parties(
    ctx: ScanContext, edges: dict[str, list[tuple[str, LoadEdge]]]
) -> Iterator[Observation]:
    """Vendors that only ever arrived through another vendor (not the site or its tag
    manager, which the site itself configures)."""
    for vendor_id, seen in edges.items():
        loaders = {edge.loader for _, edge in seen}
        if any(_deployed_by_site(ctx, loader) for loader in loaders):
            continue
        for url, edge in seen:
            loader_name = _vendor_name(ctx, edge.loader)
            target_name = _vendor_name(ctx, vendor_id)
            yield Observation(
                "fourth-party",
                vendor_id,
                url,
                f"{target_name} was loaded by {loader_name}, not by the site.",
                {
                    "kind": "request",
                    "url": edge.request_url,
                    "loaded_by": loader_name,
                    "loaded_by_script": edge.initiator_url,
                },
                vendor_id,
            )


def _deployed_by_site(ctx: ScanContext, loader: str) -> bool:
    if loader == SITE:
        return True
    vendor = ctx.parties.vendors.get(loader)
    return vendor is not None and "tag-manager" in vendor.categories


def _vendor_name(ctx: ScanContext, vendor_id: str) -> str:
    vendor = ctx.parties.vendors.get(vendor_id)
    return vendor.name if vendor else vendor_id.split(":", 1)[-1]


_LOCATION_WORDS = {"query": "query parameter", "body": "body field", "header": "header"}


def _where(item: PersonalData) -> str:
    """Where in the request, for people: ``body field batch[3].properties.$set.email``."""
    path = item.path or item.field
    if item.location == "url-path":
        return "the URL path"
    if item.location == "referer":
        inner = path.removeprefix("referer").lstrip(".")
        return f"the Referer's {inner}" if inner else "the Referer"
    if item.location == "body" and path == "body":
        return "the body"
    return f"{_LOCATION_WORDS.get(item.location, item.location)} {path}"


def _category_words(category: str) -> str:
    return {
        "email": "an e-mail address",
        "phone": "a phone number",
        "name": "a name",
        "postal-code": "a postal code",
        "ip-address": "an IP address",
        "user-id": "a user identifier",
    }.get(category, category)
