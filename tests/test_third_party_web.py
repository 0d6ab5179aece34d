"""Vendor identification from the bundled third-party-web data, merged under our catalog."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from scanner.classify import third_party_web as tpw
from scanner.classify.third_party_web import Entity, PatternIndex, ThirdPartyWebVendors
from scanner.classify.vendor_record import Vendor
from scanner.classify.vendors import CATALOG_SCHEMA, VendorCatalog
from scanner.resources import load_schema
from scanner.testworld import DEMO_VENDORS, hosts

COMMON_HOSTS = Path(__file__).parent / "data" / "common-third-party-hosts.txt"
COVERAGE_BAR = 0.95


@pytest.fixture(scope="module")
def merged() -> VendorCatalog:
    return VendorCatalog.load()


def _vendor(
    vendor_id: str, name: str, organisation: str, *domains: str, **fields: object
) -> Vendor:
    values: dict[str, object] = {
        "id": vendor_id,
        "name": name,
        "organisation": organisation,
        "country": "GB",
        "categories": ("analytics",),
        "domains": domains,
        "notes": None,
        "source": "test",
    }
    values.update(fields)
    return Vendor(**values)  # type: ignore[arg-type]


def _entity(name: str, *domains: str, company: str | None = None, category: str = "ad") -> Entity:
    return Entity(name=name, company=company, category=category, domains=domains)


def _found(vendors: ThirdPartyWebVendors, host: str) -> Vendor | None:
    match = vendors.match(host)
    return match[0] if match else None


# -- the bundled copy -------------------------------------------------------------------


def test_bundled_copy_matches_its_readme_and_checksum() -> None:
    source = tpw.source()
    readme = (tpw.data_folder() / "README.md").read_text(encoding="utf-8")
    assert source["package"] == "third-party-web"
    assert re.search(r"^- Version: (\S+)$", readme, re.M).group(1) == source["version"]  # type: ignore[union-attr]
    assert re.search(r"^- Retrieved: (\S+)$", readme, re.M).group(1) == source["retrieved"]  # type: ignore[union-attr]
    digest = hashlib.sha256(tpw.entities_path().read_bytes()).hexdigest()
    assert digest == source["sha256"]
    licence = (tpw.data_folder() / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("The MIT License (MIT)")
    assert "Patrick Hulce" in licence


def test_bundled_entities_are_read() -> None:
    entities = tpw.bundled_entities()
    assert len(entities) >= 2000
    hotjar = next(e for e in entities if e.name == "Hotjar")
    assert hotjar == Entity("Hotjar", None, "analytics", ("*.hotjar.com", "*.hotjar.io"))


def test_every_category_of_the_data_is_mapped_to_ours() -> None:
    used = {entity.category for entity in tpw.bundled_entities()}
    ours = set(load_schema(CATALOG_SCHEMA)["$defs"]["category"]["enum"])
    mapping = tpw.category_map()
    assert used <= set(mapping), f"map these in categories.json: {sorted(used - set(mapping))}"
    assert all(categories and set(categories) <= ours for categories in mapping.values())
    assert tpw.our_categories("ad") == ("advertising",)
    assert tpw.our_categories("hosting") == ("cdn",)
    assert tpw.our_categories("customer-success") == ("customer-support",)
    assert tpw.our_categories("a-future-category") == ("other",)


def test_malformed_entries_are_skipped() -> None:
    assert tpw._entity({"name": "X", "domains": ["*.x.example", 3, " "]}) == Entity(
        "X", None, "other", ("*.x.example",)
    )
    for bad in ([], "x", {"name": 1, "domains": []}, {"name": "", "domains": []}, {"name": "X"}):
        assert tpw._entity(bad) is None


# -- domain semantics -------------------------------------------------------------------


def test_pattern_index_follows_third_party_web_semantics() -> None:
    index: PatternIndex[str] = PatternIndex()
    index.add("*.example.com", "wild")
    index.add("*.deep.example.com", "deeper")
    index.add("exact.example.com", "exact")
    index.add("only.example.org", "only")
    index.add("*.com", "tld")
    assert index.match("example.com") == ("wild", "example.com")
    assert index.match("a.b.example.com") == ("wild", "example.com")
    assert index.match("deep.example.com") == ("deeper", "deep.example.com")
    assert index.match("x.deep.example.com") == ("deeper", "deep.example.com")
    assert index.match("exact.example.com") == ("exact", "exact.example.com")
    assert index.match("sub.exact.example.com") == ("wild", "example.com")
    assert index.match("only.example.org") == ("only", "only.example.org")
    assert index.match("sub.only.example.org") is None
    assert index.match("notexample.com") is None
    assert index.match("other.com") is None  # '*.com' is never taken
    for odd in ("", ".", "..", "com", "example.org", "a" * 300 + ".example.org"):
        assert index.match(odd) is None


# -- merging with the catalog -----------------------------------------------------------


def test_the_catalog_wins_and_the_data_set_fills_the_gaps(merged: VendorCatalog) -> None:
    ours = merged.vendor_for_host("static.hotjar.com")
    assert ours is not None and (ours.id, ours.country) == ("hotjar", "MT")

    theirs = merged.vendor_for_host("ads.yieldmo.com")
    assert theirs is not None
    assert (theirs.id, theirs.name, theirs.organisation) == ("tpw-yieldmo", "Yieldmo", "Yieldmo")
    assert theirs.country is None
    assert theirs.categories == ("advertising",)
    assert theirs.source == str(tpw.entities_path())
    assert "third-party-web data set, version " + tpw.source()["version"] in (theirs.notes or "")
    assert merged.get("tpw-yieldmo") is theirs
    assert VendorCatalog.load(third_party_web=False).vendor_for_host("ads.yieldmo.com") is None


def test_a_specific_vendor_beats_the_catalogs_shared_cdn(merged: VendorCatalog) -> None:
    # third-party-web lists this CloudFront host under Lucky Orange, which our catalog
    # knows: the host gets our Lucky Orange entry, not Amazon CloudFront.
    assert _id(merged, "d10lpsik1i8c69.cloudfront.net") == "lucky-orange"
    assert _id(merged, "d123456abcdef.cloudfront.net") == "amazon-cloudfront"
    # A hosting vendor never displaces another hosting vendor.
    assert _id(merged, "i0.wp.com") == "wordpress-com"


def _id(catalog: VendorCatalog, host: str) -> str | None:
    vendor = catalog.vendor_for_host(host)
    return vendor.id if vendor else None


def test_the_same_vendor_lends_our_entry_its_extra_domains() -> None:
    ours = _vendor("acme-analytics", "Acme Analytics", "Acme Ltd", "acme.example")
    entity = _entity("Acme Analytics", "*.acme.example", "*.acme-cdn.example", category="analytics")
    vendors = ThirdPartyWebVendors([entity], [ours], "test")
    assert _found(vendors, "x.acme-cdn.example") is ours
    assert len(vendors) == 0


def test_a_broad_parent_entity_does_not_become_our_narrower_vendor() -> None:
    ours = _vendor("acme-analytics", "Acme Analytics", "Acme Ltd", "stats.acme.example")
    parent = _entity("Acme", "*.acme.example", "*.acme-group.example")
    vendors = ThirdPartyWebVendors([parent], [ours], "test")
    found = _found(vendors, "cdn.acme-group.example")
    assert found is not None and found is not ours
    assert (found.id, found.organisation, found.country) == ("tpw-acme", "Acme Ltd", "GB")
    assert found.categories == ("advertising",)


def test_an_entity_spanning_two_catalog_vendors_stays_apart() -> None:
    first = _vendor("acme-ads", "Acme Ads", "Acme Ltd", "ads.acme.example")
    second = _vendor("acme-tags", "Acme Tags", "Acme Ltd", "tags.acme.example")
    entity = _entity("Acme Ads", "*.acme.example", "*.acme-more.example")
    vendors = ThirdPartyWebVendors([entity], [first, second], "test")
    found = _found(vendors, "www.acme-more.example")
    assert found is not None and found.id == "tpw-acme-ads"


def test_a_vendor_on_a_shared_cdn_is_still_the_same_vendor() -> None:
    cdn = _vendor("big-cdn", "Big CDN", "Big CDN Inc.", "bigcdn.example", categories=("cdn",))
    ours = _vendor("acme", "Acme", "Acme Ltd", "acme.example")
    entity = _entity("Acme", "*.acme.example", "d1.bigcdn.example", "*.acme.example.net")
    vendors = ThirdPartyWebVendors([entity], [cdn, ours], "test")
    assert _found(vendors, "d1.bigcdn.example") is ours
    assert _found(vendors, "x.acme.example.net") is ours


def test_same_name_without_shared_domains_is_the_same_vendor() -> None:
    ours = _vendor("acme", "Acme (Widgets)", "Acme Ltd", "acme.example")
    vendors = ThirdPartyWebVendors([_entity("ACME", "*.acme-widgets.example")], [ours], "test")
    assert _found(vendors, "acme-widgets.example") is ours


def test_organisation_and_country_are_borrowed_only_when_unambiguous() -> None:
    known = [
        _vendor("one", "One", "Shared Name Inc.", "one.example", country="US"),
        _vendor("two", "Two", "Shared Name GmbH", "two.example", country="DE"),
    ]
    entities = [
        _entity("Thing", "*.thing.example", company="Shared Name"),
        _entity("Other", "*.other.example", company="Unknown Corp"),
    ]
    vendors = ThirdPartyWebVendors(entities, known, "test")
    thing, other = _found(vendors, "thing.example"), _found(vendors, "other.example")
    assert thing is not None and (thing.organisation, thing.country) == ("Shared Name", None)
    assert other is not None and (other.organisation, other.country) == ("Unknown Corp", None)
    assert "does not say where" in (other.notes or "")


def test_ids_of_entities_are_unique() -> None:
    entities = [
        _entity("Dup", "a.example"),
        _entity("dup", "b.example"),
        _entity("日本", "c.example"),
    ]
    vendors = ThirdPartyWebVendors(entities, [], "test")
    ids = [_found(vendors, host).id for host in ("a.example", "b.example", "c.example")]  # type: ignore[union-attr]
    assert ids == ["tpw-dup", "tpw-dup-2", "tpw-entity"]


def test_bundled_data_never_attaches_an_entity_to_two_vendors_by_mistake(
    merged: VendorCatalog,
) -> None:
    # Google's ad entity spans several of our Google products: it stays apart from them,
    # and the hosts our catalog lists still go to the narrow products.
    assert _id(merged, "securepubads.g.doubleclick.net") == "google-ad-manager"
    assert _id(merged, "pagead2.googlesyndication.com") == "google-adsense"
    google_ads = merged.vendor_for_host("adservice.google.co.uk")
    assert google_ads is not None and google_ads.id == "tpw-google-doubleclick-ads"
    assert (google_ads.organisation, google_ads.country) == ("Google LLC", "US")


# -- fingerprinting and session replay --------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "fpnpmcdn.net",
        "api.fpjs.io",
        "h.online-metrix.net",
        "mpsnare.iesnare.com",
        "cdn.sift.com",
        "cdn4.forter.com",
        "beacon.riskified.com",
        "cdn.seondf.com",
        "m.castle.io",
        "ssl.kaxsdc.com",
    ],
)
def test_fingerprinting_vendors_are_named_as_such(merged: VendorCatalog, host: str) -> None:
    vendor = merged.vendor_for_host(host)
    assert vendor is not None and vendor.categories[0] == "fingerprinting"
    assert vendor.country is not None


@pytest.mark.parametrize(
    "host",
    [
        "static.hotjar.com",
        "edge.fullstory.com",
        "cdn.logrocket.io",
        "c.clarity.ms",
        "cdn.mouseflow.com",
        "web-sdk.smartlook.com",
        "cdn.quantummetric.com",
        "t.contentsquare.net",
        "cdn.clicktale.net",
        "api.openreplay.com",
        "us.i.posthog.com",
        "d10lpsik1i8c69.cloudfront.net",
        "cdn.inspectlet.com",
        "script.crazyegg.com",
    ],
)
def test_session_replay_vendors_are_named_as_such(merged: VendorCatalog, host: str) -> None:
    vendor = merged.vendor_for_host(host)
    assert vendor is not None and "session-replay" in vendor.categories
    assert vendor.country is not None


def test_cdn_and_hosting_vendors_say_so(merged: VendorCatalog) -> None:
    for host in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "d1.cloudfront.net"):
        vendor = merged.vendor_for_host(host)
        assert vendor is not None and vendor.is_cdn, host
    for host in ("static.hotjar.com", "ads.yieldmo.com"):
        vendor = merged.vendor_for_host(host)
        assert vendor is not None and not vendor.is_cdn, host


# -- coverage ---------------------------------------------------------------------------


def _test_world_third_parties() -> list[str]:
    """Every host of the test world that is not one of its own sites (.test) nor the
    unrelated site the shop links to; read at test time, so new hosts count too."""
    return sorted(
        host for host in hosts.ALL_HOSTS if not host.endswith(".test") and host != hosts.OTHER_SITE
    )


def _share_named(catalog: VendorCatalog, names: list[str]) -> tuple[float, list[str]]:
    missing = [host for host in names if catalog.vendor_for_host(host) is None]
    return 1 - len(missing) / len(names), missing


def test_the_test_worlds_third_parties_are_named() -> None:
    third_parties = _test_world_third_parties()
    assert hosts.ANALYTICS_COLLECT in third_parties
    catalog = VendorCatalog.load([DEMO_VENDORS])
    share, missing = _share_named(catalog, third_parties)
    assert share >= COVERAGE_BAR, f"unnamed: {missing}"


def test_common_third_party_hosts_are_named(merged: VendorCatalog) -> None:
    lines = COMMON_HOSTS.read_text(encoding="utf-8").splitlines()
    names = sorted({line.strip() for line in lines if line.strip() and not line.startswith("#")})
    assert len(names) >= 100
    share, missing = _share_named(merged, names)
    assert share >= COVERAGE_BAR, f"unnamed: {missing}"


def test_catalog_only_lookups_are_unchanged_without_the_data_set() -> None:
    catalog = VendorCatalog.load(third_party_web=False)
    assert catalog.vendor_for_host("ads.yieldmo.com") is None
    assert catalog.get("tpw-yieldmo") is None
