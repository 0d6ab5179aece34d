"""DPA schemas: the vocabulary, the examples, loading a folder and the violation sentences."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from scanner.dpa import (
    VOCABULARY_SCHEMA,
    Dpa,
    DpaProblem,
    DpaSet,
    DpaViolation,
    check_record,
    clause_number,
    load_dpa_folder,
    vocabulary_problems,
)
from scanner.dpa.vocabulary import nested_fields, record_fields
from scanner.errors import ConfigError
from scanner.resources import data_dir, load_schema

EXAMPLES = data_dir("schemas") / "dpa-examples"
BASELINE_ID = "https://dpa.example.invalid/baseline.json"
BASELINE = "Vendor Data-Protection Baseline"
AGREEMENT = {"name": "Test Agreement", "date": "2024-01-01", "owner": "Privacy Office"}
VENDOR_NAMES = {
    "example-analytics": "Example Analytics",
    "example-tag-manager": "Example Tag Manager",
    "example-ad-network": "Example Ad Network",
    "example-recommendations": "Example Recommendations",
    "example-session-replay": "Example Session Replay",
    "example-cdn": "Example CDN",
    "acme": "Acme",
}
RAW_VALIDATOR_WORDS = ("is not one of", "was expected", "should not be valid", "False schema")


# -- helpers --------------------------------------------------------------------------------


def record(vendor_id: str, **fields: Any) -> dict[str, Any]:
    """A vendor data-flow record with harmless defaults, checked against its schema."""
    document: dict[str, Any] = {
        "vendor_id": vendor_id,
        "vendor_name": VENDOR_NAMES[vendor_id],
        "organisation": f"{VENDOR_NAMES[vendor_id]} Ltd",
        "identified": True,
        "categories": ["analytics"],
        "hosts": [],
        "countries": [],
        "pages": ["https://www.shop.test/"],
        "page_count": 1,
        "request_count": 2,
        "data_categories": ["device-data", "ip-address"],
        "data_fields": [],
        "cookies": [],
        "before_consent": True,
        "consent_state": "before-consent",
        "loaded_by": ["site"],
        "loads": [],
        "latency_ms": {"median": 40, "p95": 90, "max": 120},
        "bytes": {"total": 20_000, "per_page_max": 10_000},
        "insecure_requests": 0,
    }
    document.update(fields)
    errors = list(
        Draft202012Validator(load_schema("dataflow-record.schema.json")).iter_errors(document)
    )
    assert errors == [], [error.message for error in errors]
    return document


def cookie(name: str, days: float | None, access: str = "set", third_party: bool = True) -> dict:
    return {
        "name": name,
        "domain": ".example",
        "access": access,
        "lifetime_days": days,
        "third_party": third_party,
    }


def summary(violations: list[DpaViolation]) -> list[tuple[str, str | None, str, str]]:
    """(sentence, clause number, severity, field) of each violation, after sanity checks."""
    for violation in violations:
        assert not any(words in violation.sentence for words in RAW_VALIDATOR_WORDS)
        assert violation.sentence.endswith(".")
        json.dumps(violation.details)  # machine readers get plain JSON values
    return [
        (v.sentence, v.clause and clause_number(v.clause), v.severity, v.field) for v in violations
    ]


def write(folder: Path, name: str, document: Any) -> Path:
    path = folder / name
    text = document if isinstance(document, str) else json.dumps(document, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def vendor_dpa(vendor_id: str = "acme", **keywords: Any) -> dict[str, Any]:
    return {"x-vendor": vendor_id, "x-agreement": AGREEMENT, **keywords}


def single(folder: Path, document: dict[str, Any], name: str = "acme.json") -> Dpa:
    write(folder, name, document)
    dpas = load_dpa_folder(folder)
    assert dpas.problems == ()
    dpa = dpas.for_vendor(document["x-vendor"])
    assert dpa is not None
    return dpa


@pytest.fixture(scope="module")
def examples() -> DpaSet:
    return load_dpa_folder(EXAMPLES)


def check(examples: DpaSet, vendor_id: str, **fields: Any) -> list[tuple[str, Any, str, str]]:
    dpa = examples.for_vendor(vendor_id)
    assert dpa is not None
    return summary(check_record(dpa, record(vendor_id, **fields)))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Fails (and records) any attempt to open a connection or fetch a URL."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    yield attempts
    assert attempts == []


# -- the vocabulary and the examples --------------------------------------------------------


def test_vocabulary_is_a_described_2020_12_schema() -> None:
    schema = load_schema(VOCABULARY_SCHEMA)
    Draft202012Validator.check_schema(schema)
    assert (
        schema["$id"]
        == "https://schemas.site-compliance-scanner.invalid/dpa-vocabulary.schema.json"
    )
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["description"]
    undescribed = [name for name, part in schema["$defs"].items() if not part.get("description")]
    assert undescribed == []
    assert all(part.get("description") or "$ref" in part for part in schema["properties"].values())


def test_vocabulary_field_lists_match_the_record_schema() -> None:
    definitions = load_schema(VOCABULARY_SCHEMA)["$defs"]
    assert tuple(definitions["recordField"]["enum"]) == record_fields()
    assert tuple(definitions["cookieField"]["enum"]) == nested_fields("cookies")
    assert tuple(definitions["dataFieldField"]["enum"]) == nested_fields("data_fields")
    assert tuple(definitions["latencyField"]["enum"]) == nested_fields("latency_ms")
    assert tuple(definitions["bytesField"]["enum"]) == nested_fields("bytes")


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.name)
def test_every_example_passes_the_vocabulary_and_the_2020_12_meta_schema(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(document)
    assert vocabulary_problems(document) == []
    assert document["description"] and document["x-agreement"]["reference"]


def test_the_examples_load_as_one_dpa_per_vendor(examples: DpaSet) -> None:
    assert [path.name for path in EXAMPLE_FILES] == [
        "baseline.json",
        "example-ad-network.json",
        "example-analytics.json",
        "example-cdn.json",
        "example-recommendations.json",
        "example-session-replay.json",
        "example-tag-manager.json",
    ]
    assert examples.problems == ()
    assert examples.vendors == (
        "example-ad-network",
        "example-analytics",
        "example-cdn",
        "example-recommendations",
        "example-session-replay",
        "example-tag-manager",
    )
    assert examples.for_vendor("example-retargeting") is None
    analytics = examples.for_vendor("example-analytics")
    assert analytics is not None and analytics.file == EXAMPLES / "example-analytics.json"
    assert analytics.agreement["owner"] == "Marketing Operations"
    assert analytics.severity == "high"
    vendor_files = [json.loads(p.read_text()) for p in EXAMPLE_FILES if p.name != "baseline.json"]
    assert all(document["$ref"] == BASELINE_ID for document in vendor_files)


# -- the demo site's vendors against the examples -------------------------------------------

DEMO_RECORDS = {
    "example-analytics": {
        "categories": ["analytics"],
        "hosts": ["cdn.analytics.example", "collect.analytics.example"],
        "countries": ["US"],
        "data_categories": ["device-data", "email", "ip-address", "online-identifier", "page-url"],
        "cookies": [cookie("_ae_cid", 730, third_party=False), cookie("_ae_uid", 730)],
    },
    "example-tag-manager": {
        "categories": ["tag-manager"],
        "hosts": ["tags.tagmgr.example"],
        "countries": ["IE"],
        "data_categories": ["device-data", "ip-address", "page-url"],
        "loads": ["example-retargeting"],
    },
    "example-ad-network": {
        "categories": ["advertising"],
        "hosts": ["ads.adnet.example"],
        "countries": ["DE"],
        "data_categories": ["device-data", "ip-address", "online-identifier", "page-url"],
        "cookies": [cookie("ad_pref", 30), cookie("ad_uid", 730)],
    },
    "example-recommendations": {
        "categories": ["personalisation"],
        "hosts": ["api.slowvendor.example"],
        "countries": ["NL"],
        "latency_ms": {"median": 1540, "p95": 1612.3, "max": 1650},
    },
}


def test_demo_analytics_violates_the_data_and_cookie_clauses(examples: DpaSet) -> None:
    assert check(examples, "example-analytics", **DEMO_RECORDS["example-analytics"]) == [
        (
            "Example Analytics received e-mail addresses; the agreement allows only online "
            "identifiers, page URLs, IP addresses and device data (clause 4.2).",
            "4.2",
            "high",
            "data_categories",
        ),
        (
            "Example Analytics set cookie _ae_cid for 730 days; the agreement allows at most "
            "395 days (clause 5.1).",
            "5.1",
            "medium",
            "cookies",
        ),
        (
            "Example Analytics set cookie _ae_uid for 730 days; the agreement allows at most "
            "395 days (clause 5.1).",
            "5.1",
            "medium",
            "cookies",
        ),
    ]


def test_demo_analytics_violation_carries_the_clause_text_and_the_place(examples: DpaSet) -> None:
    dpa = examples.for_vendor("example-analytics")
    assert dpa is not None
    first = check_record(dpa, record("example-analytics", **DEMO_RECORDS["example-analytics"]))[0]
    assert first.vendor_id == "example-analytics"
    assert first.clause == (
        "4.2 Only online identifiers and page URLs may be processed, besides the IP address "
        "and device data every request carries."
    )
    assert first.details == {
        "path": "data_categories[1]",
        "keyword": "enum",
        "value": "email",
        "expected": ["online-identifier", "page-url", "ip-address", "device-data"],
        "schema_location": "properties/data_categories/items/enum",
        "agreement": "Data Processing Addendum to the Example Analytics Terms of Service",
    }


def test_demo_ad_network_violates_consent_first(examples: DpaSet) -> None:
    assert check(examples, "example-ad-network", **DEMO_RECORDS["example-ad-network"]) == [
        (
            "Example Ad Network was contacted before the visitor consented; the agreement "
            "requires consent first (clause 3.1).",
            "3.1",
            "high",
            "before_consent",
        )
    ]


def test_demo_recommendations_violate_the_latency_budget(examples: DpaSet) -> None:
    fields = DEMO_RECORDS["example-recommendations"]
    assert check(examples, "example-recommendations", **fields) == [
        (
            "Example Recommendations answered in 1,612 ms (95th percentile); the agreement "
            "allows 800 ms (clause 7.2).",
            "7.2",
            "low",
            "latency_ms",
        )
    ]


def test_demo_tag_manager_is_compliant(examples: DpaSet) -> None:
    assert check(examples, "example-tag-manager", **DEMO_RECORDS["example-tag-manager"]) == []


# -- each kind of clause, violated and respected --------------------------------------------


def test_allowed_data_categories_respected(examples: DpaSet) -> None:
    categories = ["device-data", "ip-address", "online-identifier", "page-url"]
    assert check(examples, "example-analytics", data_categories=categories) == []


def test_allowed_data_categories_from_the_baseline_piece(examples: DpaSet) -> None:
    # The tag manager refers to the baseline's technical-data-only: the baseline's clause.
    assert check(examples, "example-tag-manager", data_categories=["ip-address", "phone"]) == [
        (
            "Example Tag Manager received phone numbers; the agreement allows only IP "
            f"addresses, device data, online identifiers and page URLs (clause 1.3, {BASELINE}).",
            "1.3",
            "high",
            "data_categories",
        )
    ]


def test_forbidden_data_categories(examples: DpaSet) -> None:
    fields = {"before_consent": False, "data_categories": ["email", "ip-address", "postal-code"]}
    assert check(examples, "example-session-replay", **fields) == [
        (
            "Example Session Replay received e-mail addresses and postal codes, which the "
            "agreement forbids (clause 4.3).",
            "4.3",
            "critical",
            "data_categories",
        )
    ]
    fields["data_categories"] = ["device-data", "ip-address", "online-identifier"]
    assert check(examples, "example-session-replay", **fields) == []


def test_consent_before_first_contact_respected(examples: DpaSet) -> None:
    fields = {**DEMO_RECORDS["example-ad-network"], "before_consent": False}
    assert check(examples, "example-ad-network", **fields) == []


def test_countries_narrowed_by_the_vendor(examples: DpaSet) -> None:
    # Germany is fine for the baseline but not in the analytics agreement.
    assert check(examples, "example-analytics", countries=["DE", "US"]) == [
        (
            "Example Analytics is located in Germany (DE), which the agreement does not allow; "
            "it allows only the United States (US) and Ireland (IE) (clause 8.1).",
            "8.1",
            "high",
            "countries",
        )
    ]
    assert check(examples, "example-analytics", countries=["IE", "US"]) == []


def test_countries_outside_the_baseline_break_both_clauses(examples: DpaSet) -> None:
    assert check(examples, "example-cdn", countries=["CN"]) == [
        (
            "Example CDN is located in China (CN), which the agreement does not allow; it "
            "allows only the countries of the European Economic Area (clause 8.1).",
            "8.1",
            "high",
            "countries",
        ),
        (
            "Example CDN is located in China (CN), which the agreement does not allow; it "
            "allows only the countries of the European Economic Area and the countries with an "
            f"adequacy decision of the European Commission (clause 1.2, {BASELINE}).",
            "1.2",
            "high",
            "countries",
        ),
    ]
    assert check(examples, "example-cdn", countries=["FR", "NO"]) == []


def test_baseline_allows_adequacy_countries_and_the_data_privacy_framework(
    examples: DpaSet,
) -> None:
    assert check(examples, "example-tag-manager", countries=["IE"]) == []
    baseline = json.loads((EXAMPLES / "baseline.json").read_text())
    assert len(baseline["$defs"]["eea-country"]["enum"]) == 30
    assert "US" in baseline["$defs"]["adequacy-country"]["enum"]
    assert "certified" in baseline["properties"]["countries"]["x-clause"]


def test_cookie_lifetime(examples: DpaSet) -> None:
    cookies = [cookie("_ae_uid", 395), cookie("_ae_cid", None, access="read")]
    assert check(examples, "example-analytics", cookies=cookies) == []
    assert check(examples, "example-analytics", cookies=[cookie("_ae_uid", 395.2)]) == [
        (
            "Example Analytics set cookie _ae_uid for 395.2 days; the agreement allows at most "
            "395 days (clause 5.1).",
            "5.1",
            "medium",
            "cookies",
        )
    ]


def test_first_party_cookies_only(examples: DpaSet) -> None:
    fields = {"before_consent": False, "cookies": [cookie("sr_id", 20, third_party=True)]}
    assert check(examples, "example-session-replay", **fields) == [
        (
            "Example Session Replay set third-party cookie sr_id; the agreement allows only "
            "first-party cookies (clause 5.1).",
            "5.1",
            "medium",
            "cookies",
        )
    ]


def test_no_cookies_at_all(examples: DpaSet) -> None:
    cookies = [cookie("cdn_lb", None, access="read"), cookie("cdn_geo", 1)]
    assert check(examples, "example-cdn", cookies=cookies) == [
        (
            "Example CDN used 2 cookies (cdn_lb and cdn_geo); the agreement allows no cookies "
            "(clause 5.1).",
            "5.1",
            "high",
            "cookies",
        )
    ]


def test_allowed_hosts_by_list(examples: DpaSet) -> None:
    hosts = ["cdn.analytics.example", "eu.collect.analytics.example"]
    assert check(examples, "example-analytics", hosts=hosts) == [
        (
            "Example Analytics was contacted at eu.collect.analytics.example, which is not "
            "among the hosts the agreement allows: cdn.analytics.example and "
            "collect.analytics.example (clause 2.1).",
            "2.1",
            "high",
            "hosts",
        )
    ]


def test_allowed_hosts_by_pattern(examples: DpaSet) -> None:
    fields = {"before_consent": False, "hosts": ["ads.adnet.example", "adnet.example.com"]}
    assert check(examples, "example-ad-network", **fields) == [
        (
            "Example Ad Network was contacted at adnet.example.com, which is not a host the "
            "agreement allows (clause 2.1).",
            "2.1",
            "high",
            "hosts",
        )
    ]
    fields["hosts"] = ["ads.adnet.example", "adnet.example", "eu.ads.adnet.example"]
    assert check(examples, "example-ad-network", **fields) == []


def test_authorised_sub_processors(examples: DpaSet) -> None:
    assert check(examples, "example-tag-manager", loads=["example-retargeting", "example-x"]) == [
        (
            "Example Tag Manager brought in example-x, which is not an authorised "
            "sub-processor (clause 6.1).",
            "6.1",
            "high",
            "loads",
        )
    ]


def test_number_of_sub_processors(examples: DpaSet) -> None:
    loads = ["example-analytics", "example-retargeting", "example-analytics-eu"]
    assert check(examples, "example-tag-manager", loads=loads) == [
        (
            "Example Tag Manager brought in 3 other vendors (example-analytics, "
            "example-retargeting and example-analytics-eu); the agreement allows at most "
            "2 sub-processors (clause 6.1).",
            "6.1",
            "high",
            "loads",
        ),
        (
            "Example Tag Manager brought in example-analytics-eu, which is not an authorised "
            "sub-processor (clause 6.1).",
            "6.1",
            "high",
            "loads",
        ),
    ]
    assert check(examples, "example-cdn", loads=["example-fonts"]) == [
        (
            "Example CDN brought in 1 other vendor (example-fonts); the agreement allows no "
            "sub-processors (clause 6.1).",
            "6.1",
            "high",
            "loads",
        )
    ]


def test_latency_budget(examples: DpaSet) -> None:
    latency = {"median": 400, "p95": 800, "max": 2500}
    assert check(examples, "example-recommendations", latency_ms=latency) == []
    nothing_completed = {"median": None, "p95": None, "max": None}
    assert check(examples, "example-recommendations", latency_ms=nothing_completed) == []
    assert check(examples, "example-cdn", latency_ms={"median": 80, "p95": 301, "max": 900}) == [
        (
            "Example CDN answered in 301 ms (95th percentile); the agreement allows 300 ms "
            "(clause 7.1).",
            "7.1",
            "low",
            "latency_ms",
        )
    ]


def test_payload_budget(examples: DpaSet) -> None:
    assert check(
        examples, "example-cdn", bytes={"total": 9_000_000, "per_page_max": 2_400_000}
    ) == [
        (
            "Example CDN delivered 2.4 MB on a single page; the agreement allows at most 2 MB "
            "per page (clause 7.2).",
            "7.2",
            "low",
            "bytes",
        )
    ]
    assert (
        check(examples, "example-cdn", bytes={"total": 9_000_000, "per_page_max": 2_000_000}) == []
    )
    fields = {"before_consent": False, "bytes": {"total": 400_000, "per_page_max": 300_040}}
    assert check(examples, "example-session-replay", **fields) == [
        (
            "Example Session Replay delivered 300,040 bytes on a single page; the agreement "
            "allows at most 300,000 bytes per page (clause 7.3).",
            "7.3",
            "low",
            "bytes",
        )
    ]


def test_https_only_comes_from_the_baseline(examples: DpaSet) -> None:
    [violation] = check_record(
        examples.for_vendor("example-analytics"),  # type: ignore[arg-type]
        record("example-analytics", insecure_requests=3),
    )
    assert summary([violation]) == [
        (
            "Example Analytics received 3 requests over unencrypted http://; the agreement "
            f"requires HTTPS for every request (clause 1.1, {BASELINE}).",
            "1.1",
            "high",
            "insecure_requests",
        )
    ]
    assert violation.clause is not None and violation.clause.startswith("1.1 Personal data")
    assert violation.details["agreement"] == BASELINE
    assert check(examples, "example-analytics", insecure_requests=0) == []


# -- clauses and severities -----------------------------------------------------------------


def test_severity_nearest_then_dpa_then_high(tmp_path: Path) -> None:
    dpa = single(
        tmp_path,
        vendor_dpa(
            **{
                "x-severity": "low",
                "properties": {
                    "hosts": {"x-clause": "2 Hosts.", "items": {"const": "a.example"}},
                    "loads": {"x-clause": "3 Loads.", "x-severity": "critical", "maxItems": 0},
                },
            }
        ),
    )
    found = summary(check_record(dpa, record("acme", hosts=["b.example"], loads=["x"])))
    assert found == [
        (
            "Acme was contacted at b.example, which is not among the hosts the agreement "
            "allows: a.example (clause 2).",
            "2",
            "low",
            "hosts",
        ),
        (
            "Acme brought in 1 other vendor (x); the agreement allows no sub-processors "
            "(clause 3).",
            "3",
            "critical",
            "loads",
        ),
    ]
    plain = single(tmp_path, vendor_dpa(properties={"page_count": {"maximum": 3}}))
    assert summary(check_record(plain, record("acme", page_count=5))) == [
        (
            "Acme was contacted on 5 pages; the agreement allows at most 3.",
            None,
            "high",
            "page_count",
        )
    ]


def test_clause_in_an_enclosing_schema_and_without_number(tmp_path: Path) -> None:
    dpa = single(
        tmp_path,
        vendor_dpa(
            allOf=[
                {
                    "x-clause": "Only the agreed tag categories.",
                    "x-severity": "medium",
                    "properties": {"categories": {"contains": {"const": "analytics"}}},
                }
            ]
        ),
    )
    assert summary(check_record(dpa, record("acme", categories=["advertising"]))) == [
        (
            "For Acme, the vendor categories are advertising; the agreement requires analytics "
            'among them (clause "Only the agreed tag categories").',
            None,
            "medium",
            "categories",
        )
    ]
    assert check_record(dpa, record("acme", categories=["advertising", "analytics"])) == []


def test_alternatives_that_all_fail(tmp_path: Path) -> None:
    dpa = single(
        tmp_path,
        vendor_dpa(
            anyOf=[
                {"properties": {"before_consent": {"const": False}}},
                {"properties": {"cookies": {"maxItems": 0}}},
            ],
            **{"x-clause": "3.2 Either consent first, or no cookies."},
        ),
    )
    found = summary(check_record(dpa, record("acme", cookies=[cookie("id", 10)])))
    assert found == [
        (
            "Acme met none of the alternatives the agreement allows: (1) Acme was contacted "
            "before the visitor consented; the agreement requires consent first; (2) Acme used "
            "1 cookie (id); the agreement allows no cookies (clause 3.2).",
            "3.2",
            "high",
            "(record)",
        )
    ]
    assert check_record(dpa, record("acme", cookies=[])) == []


def test_fields_that_carried_personal_data(tmp_path: Path) -> None:
    dpa = single(
        tmp_path,
        vendor_dpa(
            properties={
                "data_fields": {
                    "x-clause": "4.4 Personal data is sent only as a SHA-256 hash.",
                    "items": {"properties": {"encoding": {"const": "sha256"}}},
                }
            }
        ),
    )
    field = {
        "category": "email",
        "field": "em",
        "location": "query",
        "encoding": "plain",
        "request_url": "https://collect.acme.example/c?em=jane%40example.com",
        "page": "https://www.shop.test/account",
    }
    assert summary(check_record(dpa, record("acme", data_fields=[field]))) == [
        (
            "Acme received e-mail addresses in the query field em (encoding: plain); the "
            "agreement requires sha256 (clause 4.4).",
            "4.4",
            "high",
            "data_fields",
        )
    ]
    hashed = {**field, "encoding": "sha256"}
    assert check_record(dpa, record("acme", data_fields=[hashed])) == []


def test_clause_numbers() -> None:
    assert clause_number("4.2 Only online identifiers.") == "4.2"
    assert clause_number("§7.1: Response times.") == "§7.1"
    assert clause_number("12. Deletion.") == "12"
    assert clause_number("Consent first.") is None


# -- loading a folder -----------------------------------------------------------------------


def copy_example(folder: Path, name: str) -> Path:
    return write(folder, name, (EXAMPLES / name).read_text(encoding="utf-8"))


MALFORMED = [
    (
        "broken.json",
        '{\n  "x-vendor": "acme",\n  "x-agreement": {"name": "n" "date": "2024-01-01"}\n}\n',
        "broken.json: at line 3, column 31: not valid JSON: Expecting ',' delimiter; correct "
        "the syntax there",
    ),
    (
        "array.json",
        "[1, 2]",
        "array.json: at the top level: a DPA is a JSON object, found an array",
    ),
    (
        "bad-schema.json",
        vendor_dpa(
            properties={"cookies": {"items": {"properties": {"lifetime_days": {"maximum": "395"}}}}}
        ),
        "bad-schema.json: at properties.cookies.items.properties.lifetime_days.maximum: not a "
        "valid JSON Schema (draft 2020-12): the value of 'maximum' must be a number, found a "
        "string",
    ),
    (
        "bad-regex.json",
        vendor_dpa(properties={"hosts": {"items": {"pattern": "[a-"}}}),
        "bad-regex.json: at properties.hosts.items.pattern: not a valid JSON Schema (draft "
        "2020-12): '[a-' is not a valid regular expression",
    ),
    (
        "typo-field.json",
        vendor_dpa(properties={"countrys": {"items": {"enum": ["DE"]}}}),
        "typo-field.json: at properties.countrys: 'countrys' is not a field of the vendor "
        "data-flow record; fields are: vendor_id, vendor_name, organisation, identified, "
        "categories, hosts, countries, pages, page_count, request_count, data_categories, "
        "data_fields, cookies, before_consent, consent_state, loaded_by, loads, latency_ms, "
        "bytes, insecure_requests",
    ),
    (
        "typo-cookie-field.json",
        vendor_dpa(properties={"cookies": {"items": {"properties": {"lifetime": {"maximum": 1}}}}}),
        "typo-cookie-field.json: at properties.cookies.items.properties.lifetime: 'lifetime' is "
        "not a field of a cookie entry; fields are: name, domain, access, lifetime_days, "
        "third_party",
    ),
    (
        "typo-annotation.json",
        vendor_dpa(properties={"countries": {"x-clasue": "1 EEA.", "items": {"enum": ["DE"]}}}),
        "typo-annotation.json: at properties.countries.x-clasue: 'x-clasue' is not an "
        "annotation of the DPA vocabulary; use x-clause or x-severity here",
    ),
    (
        "typo-keyword.json",
        vendor_dpa(properties={"latency_ms": {"properties": {"p95": {"maximun": 800}}}}),
        "typo-keyword.json: at properties.latency_ms.properties.p95.maximun: 'maximun' is not "
        "a JSON Schema 2020-12 keyword; check its spelling",
    ),
    (
        "no-agreement.json",
        {"x-vendor": "acme", "properties": {"countries": {"items": {"enum": ["DE"]}}}},
        'no-agreement.json: at the top level: the DPA names no agreement: add "x-agreement" '
        "with the name, date (YYYY-MM-DD) and owner of the agreement it implements",
    ),
    (
        "no-vendor.json",
        {"x-agreement": AGREEMENT},
        'no-vendor.json: at the top level: the DPA names no vendor: add "x-vendor" with the '
        'vendor\'s id from the vendor catalog (e.g. "example-analytics"), or "x-baseline": '
        "true for a company-wide baseline",
    ),
    (
        "bad-date.json",
        vendor_dpa(**{"x-agreement": {**AGREEMENT, "date": "2024-13-01"}}),
        "bad-date.json: at x-agreement.date: '2024-13-01' is not a date; write it as YYYY-MM-DD",
    ),
    (
        "no-owner.json",
        vendor_dpa(**{"x-agreement": {"name": "n", "date": "2024-01-01"}}),
        "no-owner.json: at x-agreement: x-agreement has no 'owner'; add the team or role that "
        "answers for it",
    ),
    (
        "bad-vendor-id.json",
        vendor_dpa("Example_Analytics"),
        "bad-vendor-id.json: at x-vendor: 'Example_Analytics' is not a vendor id: use the "
        "vendor catalog's id, lowercase letters and digits joined by single hyphens (e.g. "
        "'example-analytics')",
    ),
    (
        "bad-severity.json",
        vendor_dpa(**{"x-severity": "severe"}),
        "bad-severity.json: at x-severity: 'severe' is not allowed; use one of: critical, "
        "high, medium, low, info",
    ),
    (
        "top-level-keyword.json",
        vendor_dpa(additionalProperties=False),
        "top-level-keyword.json: at additionalProperties: 'additionalProperties' cannot be "
        "used at the top level of a DPA, where it would apply to the whole record; use it "
        "inside a field's constraint (allowed here: $schema, $id, $ref, $defs, $comment, "
        "title, description, type, properties, required, allOf, anyOf, oneOf, not, if, then, "
        "else, x-vendor, x-baseline, x-agreement, x-clause, x-severity)",
    ),
    (
        "false-field.json",
        vendor_dpa(properties={"loads": False}),
        "false-field.json: at properties.loads: a field's constraint must be an object, not "
        "false: the record always has every field, so false would fail every record (write "
        '{"maxItems": 0} to forbid every entry of a list) and true would constrain nothing',
    ),
    (
        "baseline-with-vendor.json",
        {"x-baseline": True, "$id": "https://x.invalid/b.json", **vendor_dpa()},
        'baseline-with-vendor.json: at x-vendor: a baseline ("x-baseline": true) applies to '
        "every vendor and names none: remove x-vendor, or remove x-baseline if the file is "
        "one vendor's DPA",
    ),
    (
        "baseline-without-id.json",
        {"x-baseline": True, "x-agreement": AGREEMENT},
        "baseline-without-id.json: at the top level: a baseline needs an $id, by which vendor "
        "DPAs refer to it with $ref",
    ),
    (
        "remote-ref.json",
        vendor_dpa(properties={"countries": {"$ref": "https://example.com/x.json"}}),
        "remote-ref.json: at properties.countries.$ref: $ref 'https://example.com/x.json' is "
        "not the $id of any loaded DPA file; DPA schemas are never fetched from the network: "
        "put the referenced schema in the DPA folder (with that $id) or load it as an extra "
        "resource",
    ),
    (
        "missing-fragment.json",
        vendor_dpa(properties={"countries": {"$ref": f"{BASELINE_ID}#/$defs/eu-country"}}),
        "missing-fragment.json: at properties.countries.$ref: $ref "
        "'https://dpa.example.invalid/baseline.json#/$defs/eu-country' points to nothing in "
        "https://dpa.example.invalid/baseline.json: #/$defs/eu-country does not exist",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_file_is_one_clear_problem_and_the_others_still_load(
    tmp_path: Path, no_network: list[Any], name: str, content: Any, expected: str
) -> None:
    copy_example(tmp_path, "example-analytics.json")
    copy_example(tmp_path, "example-cdn.json")
    write(tmp_path, name, content)
    dpas = load_dpa_folder(tmp_path)
    assert [str(problem) for problem in dpas.problems] == [
        f"{tmp_path / name}: {expected.split(': ', 1)[1]}"
    ]
    assert dpas.problems[0].file == tmp_path / name
    assert "\n" not in str(dpas.problems[0])
    assert dpas.vendors == ("example-analytics", "example-cdn")


def test_problem_line_format() -> None:
    problem = DpaProblem(Path("dpa/analytics.json"), "properties.countrys", "wrong")
    assert str(problem) == "dpa/analytics.json: at properties.countrys: wrong"


def test_duplicate_vendor_keeps_the_first_file(tmp_path: Path) -> None:
    copy_example(tmp_path, "example-analytics.json")
    write(tmp_path, "z-analytics-copy.json", vendor_dpa("example-analytics"))
    dpas = load_dpa_folder(tmp_path)
    assert [str(problem) for problem in dpas.problems] == [
        f"{tmp_path / 'z-analytics-copy.json'}: at x-vendor: vendor 'example-analytics' "
        "already has a DPA in example-analytics.json; keep one DPA file per vendor (merge "
        "the two)"
    ]
    assert dpas.for_vendor("example-analytics").file == tmp_path / "example-analytics.json"  # type: ignore[union-attr]


def test_duplicate_id(tmp_path: Path) -> None:
    write(tmp_path, "a.json", vendor_dpa("a", **{"$id": "https://x.invalid/a.json"}))
    write(tmp_path, "b.json", vendor_dpa("b", **{"$id": "https://x.invalid/a.json"}))
    dpas = load_dpa_folder(tmp_path)
    assert [str(problem) for problem in dpas.problems] == [
        f"{tmp_path / 'b.json'}: at $id: $id 'https://x.invalid/a.json' is already the $id "
        "of a.json; give each file its own $id"
    ]
    assert dpas.vendors == ("a",)


def test_a_skipped_baseline_takes_its_dependants_along(
    tmp_path: Path, no_network: list[Any]
) -> None:
    baseline = json.loads((EXAMPLES / "baseline.json").read_text())
    baseline["properties"]["countrys"] = baseline["properties"].pop("countries")
    write(tmp_path, "baseline.json", baseline)
    copy_example(tmp_path, "example-cdn.json")
    write(tmp_path, "independent.json", vendor_dpa(properties={"loads": {"maxItems": 0}}))
    dpas = load_dpa_folder(tmp_path)
    assert [str(problem) for problem in dpas.problems] == [
        f"{tmp_path / 'baseline.json'}: at properties.countrys: 'countrys' is not a field of "
        "the vendor data-flow record; fields are: " + ", ".join(record_fields()),
        f"{tmp_path / 'example-cdn.json'}: at $ref: $ref '{BASELINE_ID}' refers to "
        "baseline.json, which could not be loaded (see its problem)",
    ]
    assert dpas.vendors == ("acme",)


def test_the_bundled_baseline_resolves_without_a_copy(
    tmp_path: Path, no_network: list[Any]
) -> None:
    copy_example(tmp_path, "example-analytics.json")
    dpas = load_dpa_folder(tmp_path)
    assert dpas.problems == ()
    found = summary(
        check_record(
            dpas.for_vendor("example-analytics"), record("example-analytics", insecure_requests=1)
        )
    )  # type: ignore[arg-type]
    assert [clause for _, clause, _, _ in found] == ["1.1"]


def test_a_folder_baseline_with_the_same_id_replaces_the_bundled_one(tmp_path: Path) -> None:
    baseline = json.loads((EXAMPLES / "baseline.json").read_text())
    baseline["x-agreement"]["name"] = "Acme Baseline"
    baseline["properties"]["countries"] = {
        "x-clause": "1.2 Germany only.",
        "items": {"const": "DE"},
    }
    write(tmp_path, "baseline.json", baseline)
    copy_example(tmp_path, "example-tag-manager.json")
    dpas = load_dpa_folder(tmp_path)
    found = summary(
        check_record(
            dpas.for_vendor("example-tag-manager"), record("example-tag-manager", countries=["IE"])
        )
    )  # type: ignore[arg-type]
    assert found == [
        (
            "Example Tag Manager is located in Ireland (IE), which the agreement does not "
            "allow; it allows only Germany (DE) (clause 1.2, Acme Baseline).",
            "1.2",
            "high",
            "countries",
        )
    ]


def test_relative_references_between_files_without_id(tmp_path: Path) -> None:
    write(
        tmp_path,
        "company.json",
        {
            "x-baseline": True,
            "$id": "https://dpa.acme.invalid/company.json",
            "x-agreement": {**AGREEMENT, "name": "Acme Policy"},
            "properties": {"request_count": {"x-clause": "9 Few requests.", "maximum": 10}},
        },
    )
    write(
        tmp_path,
        "shared.json",
        {
            "x-baseline": True,
            "$id": "https://dpa.acme.invalid/shared.json",
            "x-agreement": {**AGREEMENT, "name": "Acme Shared Terms"},
            "$defs": {"small": {"x-clause": "4 Small.", "maximum": 5}},
        },
    )
    write(
        tmp_path,
        "acme.json",
        vendor_dpa(
            **{
                "$ref": "https://dpa.acme.invalid/company.json",
                "properties": {"page_count": {"$ref": "shared.json#/$defs/small"}},
            }
        ),
    )
    dpas = load_dpa_folder(tmp_path)
    assert dpas.problems == ()
    found = summary(
        check_record(dpas.for_vendor("acme"), record("acme", request_count=11, page_count=6))
    )  # type: ignore[arg-type]
    assert found == [
        (
            "Acme was contacted on 6 pages; the agreement allows at most 5 "
            "(clause 4, Acme Shared Terms).",
            "4",
            "high",
            "page_count",
        ),
        (
            "Acme received 11 requests; the agreement allows at most 10 (clause 9, Acme Policy).",
            "9",
            "high",
            "request_count",
        ),
    ]


def test_extra_resources_are_reference_targets_only(tmp_path: Path) -> None:
    elsewhere = tmp_path / "policies"
    elsewhere.mkdir()
    folder = tmp_path / "dpa"
    folder.mkdir()
    policy = write(
        elsewhere,
        "policy.json",
        {
            "x-baseline": True,
            "$id": "https://dpa.acme.invalid/policy.json",
            "x-agreement": {**AGREEMENT, "name": "Acme Policy"},
            "properties": {"insecure_requests": {"x-clause": "1 HTTPS.", "maximum": 0}},
        },
    )
    write(folder, "acme.json", vendor_dpa(**{"$ref": "https://dpa.acme.invalid/policy.json"}))
    assert load_dpa_folder(folder).vendors == ()  # the reference dangles without the resource
    dpas = load_dpa_folder(folder, extra_resources=[policy])
    assert dpas.problems == () and dpas.vendors == ("acme",)
    found = summary(check_record(dpas.for_vendor("acme"), record("acme", insecure_requests=1)))  # type: ignore[arg-type]
    assert found == [
        (
            "Acme received 1 request over unencrypted http://; the agreement requires HTTPS for "
            "every request (clause 1, Acme Policy).",
            "1",
            "high",
            "insecure_requests",
        )
    ]


def test_missing_folder_and_resource_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^DPA folder .*nowhere does not exist; check the path$"):
        load_dpa_folder(tmp_path / "nowhere")
    file = write(tmp_path, "file.json", {})
    with pytest.raises(ConfigError, match="is not a folder"):
        load_dpa_folder(file)
    with pytest.raises(ConfigError, match=r"^DPA resource .*gone.json does not exist"):
        load_dpa_folder(tmp_path, extra_resources=[tmp_path / "gone.json"])


def test_an_empty_folder_has_no_dpas(tmp_path: Path) -> None:
    dpas = load_dpa_folder(tmp_path)
    assert dpas.vendors == () and dpas.problems == () and len(dpas) == 0


def test_a_false_subschema_is_reported_at_its_field(tmp_path: Path) -> None:
    # jsonschema reports a false subschema without its property name; the name is recovered.
    dpa = single(
        tmp_path,
        vendor_dpa(
            properties={
                "data_fields": {
                    "x-clause": "4.5 No encoded personal data.",
                    "items": {"properties": {"encoding": False}},
                }
            }
        ),
    )
    field = {
        "category": "phone",
        "field": "tel",
        "location": "body",
        "encoding": "base64",
        "request_url": "https://collect.acme.example/c",
        "page": "https://www.shop.test/",
    }
    [violation] = check_record(dpa, record("acme", data_fields=[field]))
    assert summary([violation]) == [
        (
            "Acme received phone numbers in the body field tel (encoding: base64); the "
            "agreement does not allow it (clause 4.5).",
            "4.5",
            "high",
            "data_fields",
        )
    ]
    assert violation.details["path"] == "data_fields[0].encoding"


def test_a_deeply_nested_file_is_one_problem_and_the_others_still_load(
    tmp_path: Path, no_network: list[Any]
) -> None:
    copy_example(tmp_path, "example-analytics.json")
    (tmp_path / "deep.json").write_text('{"a": ' * 100_000 + "1" + "}" * 100_000)
    dpas = load_dpa_folder(tmp_path)
    assert [str(problem) for problem in dpas.problems] == [
        f"{tmp_path / 'deep.json'}: at the top level: nested too deeply to check; a DPA "
        "schema is a few levels deep, not hundreds"
    ]
    assert dpas.vendors == ("example-analytics",)
