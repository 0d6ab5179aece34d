"""Vendor data-flow records built from small scan fixtures, checked against their schema."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from scanner.dpa.records import build_records
from scanner.resources import load_schema
from tests.rule_fixtures import HOME, YEAR, context_of, cookie, page, request, scan

TM = "https://tags.tagmgr.example/tm.js"
RT = "https://cdn.retarget.example/rt.js"
ACCOUNT = "https://www.shop.test/account"


def records_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    records = build_records(context_of(document))
    validator = Draft202012Validator(load_schema("dataflow-record.schema.json"))
    for record in records.values():
        assert list(validator.iter_errors(record)) == [], record["vendor_id"]
    return records


def test_a_retargeter_brought_in_by_the_tag_manager() -> None:
    beacon = request(
        3,
        "https://px.retarget.example/unload",
        method="POST",
        resource_type="ping",
        initiator=("script", RT),
        headers=[["Content-Type", "text/plain"], ["Cookie", "rt_id=1"]],
        body=f'{{"email":"jane.doe@example.com","page":"{ACCOUNT}"}}',
        phase="unload",
    )
    rt_script = request(2, RT, initiator=("script", TM))
    rt_script["timing"]["duration_ms"] = 100.0
    beacon["timing"]["duration_ms"] = 300.0
    visit = page(
        ACCOUNT,
        requests=[request(1, TM), rt_script, beacon],
        cookies=[cookie("rt_id", ".retarget.example", set_by="https://px.retarget.example/sync",
                        lifetime_s=5 * YEAR, same_site="None")],
    )  # fmt: skip
    records = records_of(scan(visit))
    assert set(records) == {"example-tag-manager", "example-retargeting"}
    retargeter = records["example-retargeting"]
    assert retargeter == {
        "vendor_id": "example-retargeting",
        "vendor_name": "Example Retargeting",
        "organisation": "Retarget Example SAS",
        "identified": True,
        "categories": ["advertising"],
        "hosts": ["cdn.retarget.example", "px.retarget.example"],
        "countries": ["FR"],
        "pages": [ACCOUNT],
        "page_count": 1,
        "request_count": 2,
        "data_categories": [
            "device-data", "email", "ip-address", "online-identifier", "page-url",
        ],
        "data_fields": [
            {"category": "email", "field": "email", "location": "body", "encoding": "plain",
             "request_url": "https://px.retarget.example/unload", "page": ACCOUNT},
        ],
        "cookies": [
            {"name": "rt_id", "domain": ".retarget.example", "access": "set",
             "lifetime_days": 1825.0, "third_party": True},
        ],
        "before_consent": True,
        "consent_state": "before-consent",
        "loaded_by": ["example-tag-manager"],
        "loads": [],
        "latency_ms": {"median": 200.0, "p95": 300.0, "max": 300.0},
        "bytes": {"total": 400, "per_page_max": 400},
        "insecure_requests": 0,
    }  # fmt: skip
    manager = records["example-tag-manager"]
    assert (manager["loaded_by"], manager["loads"]) == (["site"], ["example-retargeting"])
    assert manager["data_categories"] == ["device-data", "ip-address"]


def test_unidentified_vendor_over_http_reading_a_cookie() -> None:
    hit = request(1, "http://stats.unknown-metrics.test/p?ref=x",
                  headers=[["Cookie", "uid=42"]], resource_type="image")  # fmt: skip
    record = records_of(scan(page(HOME, requests=[hit])))["unidentified:unknown-metrics.test"]
    assert (record["identified"], record["organisation"], record["countries"]) == (False, None, [])
    assert record["insecure_requests"] == 1
    assert record["cookies"] == [
        {"name": "uid", "domain": "stats.unknown-metrics.test", "access": "read",
         "lifetime_days": None, "third_party": True},
    ]  # fmt: skip
    assert record["data_categories"] == ["device-data", "ip-address", "online-identifier"]


def test_the_page_url_in_a_parameter_is_page_url_data() -> None:
    url = "https://www.shop.test/products/1"
    hit = request(1, "https://collect.analytics.example/c?dl=https%3A%2F%2Fwww.shop.test%2Fproducts%2F1",
                  resource_type="image")  # fmt: skip
    origin_only = request(2, "https://ads.adnet.example/ad.js",
                          headers=[["Referer", "https://www.shop.test/"]])  # fmt: skip
    records = records_of(scan(page(url, requests=[hit, origin_only])))
    assert "page-url" in records["example-analytics"]["data_categories"]
    assert "page-url" not in records["example-ad-network"]["data_categories"]
