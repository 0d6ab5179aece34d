"""The vendor catalog: the bundled data, host look-ups, user files and their errors."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from scanner.classify.vendors import (
    CATALOG_SCHEMA,
    Vendor,
    VendorCatalog,
    bundled_catalog_path,
    json_path,
    read_catalog_file,
)
from scanner.errors import ConfigError
from scanner.resources import load_schema

CATEGORIES = (
    "analytics",
    "advertising",
    "tag-manager",
    "cdn",
    "social",
    "session-replay",
    "fingerprinting",
    "consent",
    "customer-support",
    "ab-testing",
    "fonts",
    "video",
    "maps",
    "payments",
    "security",
    "error-monitoring",
    "marketing-automation",
    "affiliate",
    "audience-measurement",
    "personalisation",
    "other",
)


@pytest.fixture(scope="module")
def bundled() -> VendorCatalog:
    return VendorCatalog.load()


@pytest.fixture(scope="module")
def bundled_document() -> dict[str, Any]:
    return json.loads(bundled_catalog_path().read_text(encoding="utf-8"))


def _entry(vendor_id: str, *domains: str, **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": vendor_id,
        "name": vendor_id.replace("-", " ").title(),
        "organisation": f"{vendor_id} Ltd",
        "country": "GB",
        "categories": ["analytics"],
        "domains": list(domains),
    }
    entry.update(fields)
    return entry


def _write(tmp_path: Path, name: str, *entries: dict[str, Any]) -> Path:
    path = tmp_path / name
    document = {"format_version": "1.0", "vendors": list(entries)}
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def _id_for(catalog: VendorCatalog, host: str) -> str | None:
    vendor = catalog.vendor_for_host(host)
    return None if vendor is None else vendor.id


def _get(catalog: VendorCatalog, vendor_id: str) -> Vendor:
    vendor = catalog.get(vendor_id)
    assert vendor is not None, vendor_id
    return vendor


def _vendor(vendor_id: str, *domains: str) -> Vendor:
    return Vendor(
        id=vendor_id,
        name=vendor_id,
        organisation="Org",
        country="US",
        categories=("other",),
        domains=domains,
        notes=None,
        source="test",
    )


# -- the schema and the bundled catalog -------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = load_schema(CATALOG_SCHEMA)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == (
        "https://schemas.site-compliance-scanner.invalid/vendor-catalog.schema.json"
    )
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert tuple(schema["$defs"]["category"]["enum"]) == CATEGORIES


def test_schema_describes_every_field_and_allows_no_others() -> None:
    schema = load_schema(CATALOG_SCHEMA)
    for part in (schema, schema["$defs"]["vendor"]):
        assert part["additionalProperties"] is False
        assert all("description" in field for field in part["properties"].values())
    assert all("description" in definition for definition in schema["$defs"].values())


def test_bundled_catalog_validates_against_the_schema(
    bundled_document: dict[str, Any],
) -> None:
    validator = Draft202012Validator(load_schema(CATALOG_SCHEMA))
    assert [error.message for error in validator.iter_errors(bundled_document)] == []
    assert bundled_document["format_version"] == "1.0"


def test_bundled_catalog_has_at_least_150_vendors_with_unique_ids(
    bundled: VendorCatalog, bundled_document: dict[str, Any]
) -> None:
    ids = [entry["id"] for entry in bundled_document["vendors"]]
    assert len(ids) >= 150
    assert len(set(ids)) == len(ids)
    assert len(bundled) == len(ids)
    assert [vendor.id for vendor in bundled] == ids


def test_bundled_catalog_lists_each_domain_under_one_vendor(
    bundled_document: dict[str, Any],
) -> None:
    seen: dict[str, str] = {}
    repeated = []
    for entry in bundled_document["vendors"]:
        for domain in entry["domains"]:
            if domain in seen:
                repeated.append((domain, seen[domain], entry["id"]))
            seen[domain] = entry["id"]
    assert repeated == []


def test_bundled_catalog_uses_only_known_categories_and_country_codes(
    bundled: VendorCatalog,
) -> None:
    used = {category for vendor in bundled for category in vendor.categories}
    assert used <= set(CATEGORIES)
    bad_countries = [v.id for v in bundled if not re.fullmatch(r"[A-Z]{2}", v.country)]
    assert bad_countries == []


def test_bundled_vendors_are_read_in_full(bundled: VendorCatalog) -> None:
    assert bundled.get("google-tag-manager") == Vendor(
        id="google-tag-manager",
        name="Google Tag Manager",
        organisation="Google LLC",
        country="US",
        categories=("tag-manager",),
        domains=("googletagmanager.com", "tagmanager.google.com"),
        notes="Also serves the Google tag (gtag.js) that loads Google Analytics and Google Ads.",
        source=str(bundled_catalog_path()),
    )
    assert _get(bundled, "google-adsense").notes is None
    assert bundled.get("no-such-vendor") is None


def test_shared_cdns_are_marked_as_cdns_with_a_warning(bundled: VendorCatalog) -> None:
    for host in ("d1234.cloudfront.net", "a1.akamaihd.net", "x.azureedge.net"):
        vendor = bundled.vendor_for_host(host)
        assert vendor is not None
        assert "cdn" in vendor.categories
        assert "customers' own content" in (vendor.notes or "")


def test_vendor_is_frozen() -> None:
    vendor = _vendor("a", "a.example")
    with pytest.raises(dataclasses.FrozenInstanceError):
        vendor.name = "b"  # type: ignore[misc]


# -- host look-ups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "vendor_id"),
    [
        ("googletagmanager.com", "google-tag-manager"),
        ("www.googletagmanager.com", "google-tag-manager"),
        ("region1.google-analytics.com", "google-analytics"),
        ("analytics.google.com", "google-analytics"),
        ("tagmanager.google.com", "google-tag-manager"),
        ("accounts.google.com", "google"),
        ("google.com", "google"),
        ("ad.doubleclick.net", "google-ads"),
        ("securepubads.g.doubleclick.net", "google-ad-manager"),
        ("fonts.googleapis.com", "google-fonts"),
        ("www.googleapis.com", "google"),
        ("connect.facebook.net", "facebook"),
        ("bat.bing.com", "microsoft-advertising"),
        ("www.bing.com", "bing"),
        ("mbox.tt.omtrdc.net", "adobe-target"),
        ("acme.sc.omtrdc.net", "adobe-analytics"),
        ("cdnjs.cloudflare.com", "cdnjs"),
        ("www.cloudflare.com", "cloudflare"),
        ("optanon.blob.core.windows.net", "onetrust"),
        ("shop.blob.core.windows.net", "microsoft-azure"),
        ("fonts.bunny.net", "bunny-fonts"),
        ("stats.wp.com", "jetpack-stats"),
        ("i0.wp.com", "wordpress-com"),
    ],
)
def test_host_belongs_to_the_vendor_with_the_longest_matching_domain(
    bundled: VendorCatalog, host: str, vendor_id: str
) -> None:
    vendor = bundled.vendor_for_host(host)
    assert vendor is not None
    assert vendor.id == vendor_id


def test_lookup_ignores_case_and_a_trailing_dot(bundled: VendorCatalog) -> None:
    vendor = bundled.vendor_for_host("WWW.GoogleTagManager.COM.")
    assert vendor is not None
    assert vendor.id == "google-tag-manager"


@pytest.mark.parametrize(
    "host",
    [
        "notgoogle.com",
        "evilgoogle-analytics.com",
        "google.com.attacker.example",
        "googletagmanager.co",
        "example.org",
        "com",
        "",
        ".",
    ],
)
def test_unknown_hosts_and_lookalikes_have_no_vendor(bundled: VendorCatalog, host: str) -> None:
    assert bundled.vendor_for_host(host) is None


def test_lookup_walks_label_boundaries_only() -> None:
    catalog = VendorCatalog([_vendor("short", "example.com"), _vendor("long", "a.example.com")])
    assert _id_for(catalog, "x.a.example.com") == "long"
    assert _id_for(catalog, "a.example.com") == "long"
    assert _id_for(catalog, "b.example.com") == "short"
    assert _id_for(catalog, "xa.example.com") == "short"
    assert catalog.vendor_for_host("xexample.com") is None
    assert catalog.vendor_for_host("example.com.") is catalog.get("short")


# -- user catalog files -----------------------------------------------------------------


def test_user_file_overrides_an_id_and_claims_a_domain(
    tmp_path: Path, bundled: VendorCatalog
) -> None:
    path = _write(
        tmp_path,
        "mine.json",
        _entry(
            "google-analytics",
            "google-analytics.com",
            name="Google Analytics 4",
            organisation="Google Ireland Limited",
            country="IE",
            notes="Our contract is with the Irish entity.",
        ),
        _entry("font-proxy", "typekit.net", "fonts.acme.example", categories=["fonts", "cdn"]),
    )
    catalog = VendorCatalog.load([path])

    assert len(catalog) == len(bundled) + 1
    assert catalog.get("google-analytics") == Vendor(
        id="google-analytics",
        name="Google Analytics 4",
        organisation="Google Ireland Limited",
        country="IE",
        categories=("analytics",),
        domains=("google-analytics.com",),
        notes="Our contract is with the Irish entity.",
        source=str(path),
    )
    assert catalog.vendor_for_host("www.google-analytics.com") is catalog.get("google-analytics")
    # The override no longer lists analytics.google.com, so Google's general entry answers.
    assert _id_for(catalog, "analytics.google.com") == "google"

    assert _id_for(catalog, "use.typekit.net") == "font-proxy"
    assert catalog.vendor_for_host("typekit.net") is _get(catalog, "font-proxy")
    assert _get(catalog, "font-proxy").source == str(path)
    assert _get(catalog, "adobe-fonts").domains == ("typekit.com",)
    assert _id_for(catalog, "p.typekit.com") == "adobe-fonts"
    assert _get(catalog, "font-proxy").categories == ("fonts", "cdn")
    # The bundled catalog itself is untouched.
    assert _id_for(bundled, "use.typekit.net") == "adobe-fonts"


def test_later_user_files_win_over_earlier_ones(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.json", _entry("acme", "acme.example", "acme-cdn.example"))
    second = _write(
        tmp_path,
        "second.json",
        _entry("acme", "acme.example", country="FR"),
        _entry("acme-cdn", "acme-cdn.example", categories=["cdn"]),
    )
    catalog = VendorCatalog.load([first, second])
    assert _get(catalog, "acme").country == "FR"
    assert _get(catalog, "acme").domains == ("acme.example",)
    assert _id_for(catalog, "x.acme-cdn.example") == "acme-cdn"
    assert _get(catalog, "acme-cdn").source == str(second)


def test_an_empty_user_file_changes_nothing(tmp_path: Path, bundled: VendorCatalog) -> None:
    path = _write(tmp_path, "empty.json")
    assert len(VendorCatalog.load([path])) == len(bundled)


def test_json_path_formatting() -> None:
    assert json_path(["vendors", 3, "country"]) == "vendors[3].country"
    assert json_path(["vendors", 0, "domains", 2]) == "vendors[0].domains[2]"
    assert json_path([]) == "(top level)"


# -- bad files --------------------------------------------------------------------------


def _error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        VendorCatalog.load([path])
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_invalid_json_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format_version": "1.0",\n  "vendors": [\n    {"id": "a",}\n  ]\n}\n')
    assert _error(path) == (
        f"vendor catalog {path} is not valid JSON: Expecting property name enclosed in "
        "double quotes at line 3, column 16; correct the syntax there"
    )


def test_wrong_country_names_the_place_and_the_fix(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "country.json",
        _entry("good", "good.example"),
        _entry("bad", "bad.example", country="usa"),
    )
    assert _error(path) == (
        f"vendor catalog {path}: vendors[1].country: 'usa' is not in the required form; "
        "use the ISO 3166-1 alpha-2 code of the organisation's headquarters in capitals, "
        "e.g. 'US' or 'DE'"
    )


def test_unknown_category_lists_the_allowed_ones(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "category.json", _entry("a", "a.example", categories=["analytics", "tracking"])
    )
    assert _error(path) == (
        f"vendor catalog {path}: vendors[0].categories[1]: 'tracking' is not an allowed "
        f"value; use categories from: {', '.join(CATEGORIES)}"
    )


def test_duplicate_domain_names_both_vendors(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "duplicate.json",
        _entry("first", "one.example", "shared.example"),
        _entry("middle", "two.example"),
        _entry("second", "three.example", "shared.example"),
    )
    assert _error(path) == (
        f"vendor catalog {path}: vendors[2].domains[1]: domain 'shared.example' of vendor "
        "'second' is already listed by vendor 'first' (vendors[0]); list each domain under "
        "one vendor only"
    )


def test_duplicate_id_names_both_places(tmp_path: Path) -> None:
    path = _write(tmp_path, "ids.json", _entry("same", "a.example"), _entry("same", "b.example"))
    assert _error(path) == (
        f"vendor catalog {path}: vendors[1].id: id 'same' is already used by vendors[0]; "
        "give each vendor its own id or merge the two"
    )


def test_domain_with_a_scheme_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "domain.json", _entry("a", "a.example", "https://B.example/"))
    assert _error(path) == (
        f"vendor catalog {path}: vendors[0].domains[1]: 'https://B.example/' is not in the "
        "required form; write each domain in lowercase without scheme, port, path, wildcard "
        "or trailing dot, e.g. 'example.com', and list it once"
    )


def test_missing_field_and_unknown_field(tmp_path: Path) -> None:
    entry = _entry("a", "a.example")
    del entry["organisation"]
    missing = _write(tmp_path, "missing.json", entry)
    assert _error(missing) == (
        f"vendor catalog {missing}: vendors[0]: 'organisation' is a required property; "
        f"correct it (see schemas/{CATALOG_SCHEMA} for the format)"
    )
    extra = _write(tmp_path, "extra.json", _entry("a", "a.example", website="a.example"))
    assert _error(extra) == (
        f"vendor catalog {extra}: vendors[0]: Additional properties are not allowed "
        "('website' was unexpected); remove or rename the field (allowed: id, name, "
        "organisation, country, categories, domains, notes)"
    )


def test_wrong_format_version_and_wrong_type(tmp_path: Path) -> None:
    version = tmp_path / "version.json"
    version.write_text(json.dumps({"format_version": "2.0", "vendors": []}))
    assert _error(version) == (
        f"vendor catalog {version}: format_version: '1.0' was expected; set it to \"1.0\""
    )
    wrong_type = tmp_path / "type.json"
    wrong_type.write_text(json.dumps({"format_version": "1.0", "vendors": {"a": 1}}))
    assert _error(wrong_type) == (
        f"vendor catalog {wrong_type}: vendors: expected array, found an object; "
        f"correct it (see schemas/{CATALOG_SCHEMA} for the format)"
    )


def test_the_first_problem_in_the_file_is_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "several.json",
        _entry("ok", "ok.example"),
        _entry("first-bad", "first.example", country="de"),
        _entry("Second Bad", "second.example"),
    )
    assert f"vendor catalog {path}: vendors[1].country: " in _error(path)


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    assert _error(missing) == f"vendor catalog {missing} does not exist; check the path"
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"description": "café"}'.encode("latin-1"))
    assert _error(latin) == f"vendor catalog {latin} is not UTF-8 text; save it as UTF-8"


def test_read_catalog_file_returns_vendors_in_file_order(tmp_path: Path) -> None:
    path = _write(tmp_path, "two.json", _entry("b", "b.example"), _entry("a", "a.example"))
    assert [vendor.id for vendor in read_catalog_file(path)] == ["b", "a"]
