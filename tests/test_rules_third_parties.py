"""Third-party rules, from small scan fixtures (vendors from the demo's vendor file)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json

from scanner.checks.third_parties import check as CHECK
from tests.rule_fixtures import findings_of, page, request, scan, summary

TM = "https://tags.tagmgr.example/tm.js"
RT = "https://cdn.retarget.example/rt.js"
MATCH = "https://sync.fourthparty.example/match.js"


def test_tracker_before_consent_and_transfer_outside_the_eea() -> None:
    hit = request(1, "https://collect.analytics.example/c?cid=1", resource_type="image")
    findings = findings_of(scan(page(requests=[hit])), CHECK)
    assert summary(findings) == {
        ("tracker-before-consent", "example-analytics", "high"),
        ("transfer-outside-eea", "example-analytics", "medium"),
    }
    transfer = next(f for f in findings if f.rule_id == "transfer-outside-eea")
    assert transfer.message == (
        "Example Analytics (Example Analytics Inc.) is based in US, outside the EEA, and "
        "received requests from the page."
    )


def test_eea_vendor_is_not_a_transfer() -> None:
    ad = request(1, "https://ads.adnet.example/ad.js")
    assert summary(findings_of(scan(page(requests=[ad])), CHECK)) == {
        ("tracker-before-consent", "example-ad-network", "high"),
    }


def test_unidentified_third_party_is_reported_for_identification() -> None:
    unknown = request(1, "https://cdn.unknown-widgets.test/w.js")
    findings = findings_of(scan(page(requests=[unknown])), CHECK)
    assert summary(findings) == {
        ("unidentified-third-party", "unidentified:unknown-widgets.test", "info")
    }


def test_first_party_requests_give_nothing() -> None:
    own = request(1, "https://static.shop.test/app.js")
    assert findings_of(scan(page(requests=[own])), CHECK) == []


def test_email_in_a_beacon_body_is_personal_data_sent() -> None:
    beacon = request(
        1,
        "https://px.retarget.example/unload",
        method="POST",
        resource_type="ping",
        initiator=("script", RT),
        headers=[["Content-Type", "text/plain;charset=UTF-8"]],
        body='{"email":"jane.doe@example.com","page":"https://www.shop.test/account","ts":1}',
        phase="unload",
    )
    findings = findings_of(scan(page(requests=[beacon])), CHECK)
    personal = [f for f in findings if f.rule_id == "personal-data-to-third-party"]
    assert [(f.subject, f.severity, f.message) for f in personal] == [
        (
            "example-retargeting/email/body:email",
            "high",
            "Example Retargeting received an e-mail address in body field email (JSON).",
        )
    ]
    evidence = personal[0].evidence[0]
    assert (evidence["encoding"], evidence["chain"], evidence["decoding"]) == (
        "plain",
        ["json"],
        "JSON",
    )
    assert (evidence["value"], evidence["path"]) == ("jane.doe@example.com", "email")


def test_vendor_brought_in_by_a_vendor_not_by_the_tag_manager() -> None:
    requests = [
        request(1, TM),
        request(2, RT, initiator=("script", TM)),
        request(3, MATCH, initiator=("script", RT)),
    ]
    findings = findings_of(scan(page(requests=requests)), CHECK)
    fourth = [f for f in findings if f.rule_id == "fourth-party"]
    assert [(f.subject, f.message) for f in fourth] == [
        (
            "example-data-exchange",
            "Example Data Exchange was loaded by Example Retargeting, not by the site.",
        )
    ]
    assert fourth[0].evidence[0]["loaded_by_script"] == RT


def test_a_vendor_the_site_also_loads_itself_is_not_a_fourth_party() -> None:
    requests = [
        request(1, RT),
        request(2, MATCH, initiator=("script", RT)),
    ]
    other_page = page("https://www.shop.test/b", requests=[request(1, MATCH)])
    findings = findings_of(scan(page(requests=requests), other_page), CHECK)
    assert not [f for f in findings if f.rule_id == "fourth-party"]


def test_personal_data_in_the_page_url_without_a_strict_referrer_policy() -> None:
    url = "https://www.shop.test/thanks?email=jane.doe%40example.com"
    hit = request(1, "https://ads.adnet.example/ad.js", initiator=("parser", url))
    loose = findings_of(scan(page(url, requests=[hit])), CHECK)
    assert ("referrer-policy-personal-data-url", "https://www.shop.test/thanks", "medium") in (
        summary(loose)
    )
    strict = page(url, requests=[hit], headers=[["Referrer-Policy", "strict-origin"]])
    assert not [
        f
        for f in findings_of(scan(strict), CHECK)
        if f.rule_id == "referrer-policy-personal-data-url"
    ]
    by_meta = page(url, requests=[hit], meta_referrer="no-referrer")
    assert not [
        f
        for f in findings_of(scan(by_meta), CHECK)
        if f.rule_id == "referrer-policy-personal-data-url"
    ]


def test_unidentified_host_matching_easyprivacy_is_a_tracker() -> None:
    pixel = request(1, "https://stats.unknown-metrics.test/pixel.gif?src=site",
                    resource_type="image")  # fmt: skip
    findings = findings_of(scan(page(requests=[pixel])), CHECK)
    assert summary(findings) == {
        ("unidentified-third-party", "unidentified:unknown-metrics.test", "info"),
        ("tracker-before-consent", "unidentified:unknown-metrics.test", "high"),
    }
    tracker = next(f for f in findings if f.rule_id == "tracker-before-consent")
    assert tracker.message == (
        "unknown-metrics.test was contacted before consent; "
        "https://stats.unknown-metrics.test/pixel.gif?src=site matches a tracker filter list."
    )


def test_a_plain_script_on_an_unknown_host_is_not_called_a_tracker() -> None:
    widget = request(1, "https://cdn.unknown-widgets.test/widget.js")
    assert summary(findings_of(scan(page(requests=[widget])), CHECK)) == {
        ("unidentified-third-party", "unidentified:unknown-widgets.test", "info"),
    }


def test_hashed_email_is_recognised_once_the_address_is_seen_in_the_clear() -> None:
    sha256 = hashlib.sha256(b"jane.doe@example.com").hexdigest()
    form = request(1, "https://www.shop.test/subscribe", method="POST",
                   headers=[["Content-Type", "application/x-www-form-urlencoded"]],
                   body="email=jane.doe%40example.com")  # fmt: skip
    pixel = request(2, f"https://ads.adnet.example/px?em={sha256}", resource_type="image")
    findings = findings_of(scan(page(requests=[form, pixel])), CHECK)
    personal = [
        (f.subject, f.message) for f in findings if f.rule_id == "personal-data-to-third-party"
    ]
    assert personal == [
        (
            "example-ad-network/email/query:em",
            "Example Ad Network received an e-mail address in query parameter em (sha256).",
        )
    ]
    alone = findings_of(scan(page(requests=[pixel])), CHECK)
    assert not [f for f in alone if f.rule_id == "personal-data-to-third-party"]


def _gzip_request(request_id: int, url: str, payload: object) -> dict:
    """A POST whose body is raw gzip, kept by the capture as base64 (not UTF-8)."""
    hit = request(request_id, url, method="POST", resource_type="fetch",
                  headers=[["Content-Type", "text/plain"]], body="x")  # fmt: skip
    packed = gzip.compress(json.dumps(payload).encode())
    hit["body"] = {"size": len(packed), "text": None,
                   "base64": base64.b64encode(packed).decode(), "truncated": False}  # fmt: skip
    return hit


def test_email_in_a_gzip_batch_names_path_and_chain_one_finding_per_field() -> None:
    events = [{"event": "e", "properties": {"$set": {"email": "jane.doe@example.com"}}}] * 4
    hit = _gzip_request(1, "https://collect.analytics.example/e/?compression=gzip-js",
                        {"batch": events})  # fmt: skip
    findings = findings_of(scan(page(requests=[hit])), CHECK)
    personal = [f for f in findings if f.rule_id == "personal-data-to-third-party"]
    assert [(f.subject, f.message, f.evidence_count) for f in personal] == [
        (
            "example-analytics/email/body:batch[].properties.$set.email",
            "Example Analytics received an e-mail address in body field "
            "batch[0].properties.$set.email (gzip > JSON).",
            1,
        )
    ]
    evidence = personal[0].evidence[0]
    assert (evidence["chain"], evidence["encoding"], evidence["value"]) == (
        ["gzip", "json"],
        "compressed",
        "jane.doe@example.com",
    )


def test_library_and_product_names_are_not_personal_data() -> None:
    payload = {
        "context": {"library": {"name": "analytics.js"}},
        "properties": {"products": [{"name": "Trail Runner"}], "name": "Checkout"},
    }
    headers = [["Content-Type", "application/json"]]
    hit = request(1, "https://collect.analytics.example/v1/t", method="POST",
                  headers=headers, body=json.dumps(payload))  # fmt: skip
    findings = findings_of(scan(page(requests=[hit])), CHECK)
    assert not [f for f in findings if f.rule_id == "personal-data-to-third-party"]
