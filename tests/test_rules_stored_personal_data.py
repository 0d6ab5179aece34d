"""Personal data kept in cookies and web storage, from small scan fixtures."""

from __future__ import annotations

import base64
import json
from typing import Any

from scanner.checks.stored_personal_data import check as CHECK
from tests.rule_fixtures import HOME, cookie, findings_of, page, scan, summary

EMAIL = "jane.doe@example.org"
SDK = "https://cdn.analytics.example/a.js"
RULE = "personal-data-in-browser-storage"


def storage(
    key: str,
    value: str | None,
    *,
    area: str = "localStorage",
    op: str = "set",
    script: str | None = SDK,
) -> dict[str, Any]:
    return {
        "area": area,
        "origin": "https://www.shop.test",
        "op": op,
        "key": key,
        "value": value,
        "script_url": script,
        "frame_url": HOME,
    }


def test_first_party_cookie_holding_the_visitors_email() -> None:
    # percent-encoded, as cookie libraries write it
    login = cookie("user_email", "www.shop.test", set_by=HOME, source="script",
                   value="jane.doe%40example.org")  # fmt: skip
    [finding] = findings_of(scan(page(cookies=[login])), CHECK)
    assert (finding.rule_id, finding.subject, finding.severity, finding.area) == (
        RULE, "cookie:user_email@www.shop.test/email", "medium", "cookies"
    )  # fmt: skip
    assert finding.message == (
        "cookie user_email (www.shop.test) holds an e-mail address (url-encoded)."
    )
    assert finding.vendor is None
    assert finding.evidence == [
        {
            "page": HOME,
            "kind": "stored-personal-data",
            "store": "cookie",
            "key": "user_email",
            "domain_or_origin": "www.shop.test",
            "category": "email",
            "value": EMAIL,
            "field": None,
            "encoding": "url-encoded",
            "decoding": "url-encoded",
            "written_by": HOME,
            "written_by_vendor": None,
        }
    ]
    assert {r["source"] for r in finding.references} >= {"GDPR (EU) 2016/679"}


def test_local_storage_json_written_by_a_vendor_names_the_field_and_vendor() -> None:
    profile = json.dumps({"traits": {"email": EMAIL, "plan": "gold"}, "id": 7})
    [finding] = findings_of(scan(page(storage=[storage("ajs_user_traits", profile)])), CHECK)
    assert finding.subject == "localStorage:ajs_user_traits@https://www.shop.test/email"
    assert finding.vendor == "example-analytics"
    [evidence] = finding.evidence
    assert (evidence["field"], evidence["encoding"], evidence["value"]) == (
        "traits.email", "plain", EMAIL
    )  # fmt: skip
    assert (evidence["written_by"], evidence["written_by_vendor"]) == (SDK, "Example Analytics")
    assert finding.message == (
        "localStorage ajs_user_traits (https://www.shop.test) holds an e-mail address in "
        "traits.email (plain), written by Example Analytics."
    )


def test_base64_json_in_session_storage_and_in_a_cookie() -> None:
    packed = base64.b64encode(json.dumps({"u": {"mail": EMAIL}}).encode()).decode()
    document = scan(
        page(
            cookies=[
                cookie("_sdk_state", "www.shop.test", set_by=SDK, source="script", value=packed)
            ],
            storage=[storage("state", packed, area="sessionStorage")],
        )
    )
    found = {(f.subject, f.evidence[0]["field"], f.evidence[0]["encoding"])
             for f in findings_of(document, CHECK)}  # fmt: skip
    assert found == {
        ("cookie:_sdk_state@www.shop.test/email", "u.mail", "base64"),
        ("sessionStorage:state@https://www.shop.test/email", "u.mail", "base64"),
    }


def test_nothing_personal_nothing_found() -> None:
    document = scan(
        page(
            cookies=[cookie("_ga", ".shop.test", set_by=SDK, source="script", value="GA1.2.3.4")],
            storage=[
                storage("cart", json.dumps({"items": [{"name": "Blue shirt", "qty": 1}]})),
                storage("user_email", None, op="remove"),
            ],
        )
    )
    assert findings_of(document, CHECK) == []


def test_cookies_not_kept_are_not_stored_personal_data() -> None:
    # refused, removed again by the script, or a deletion: the value is not on the device
    kept_not = dict(set_by=HOME, source="script", value=EMAIL, stored=False)
    document = scan(
        page(
            cookies=[
                cookie("a", "www.shop.test", **kept_not, refused=("SecureOnly",)),
                cookie("b", "www.shop.test", **kept_not, outcome="removed-by-script", probe=True),
                cookie("c", "www.shop.test", **kept_not, deletion=True),
            ]
        )
    )
    assert findings_of(document, CHECK) == []


def test_the_same_key_on_many_pages_is_one_finding() -> None:
    def visit(path: str) -> dict[str, Any]:
        return page(f"{HOME}{path}", storage=[storage("last_login", EMAIL)])

    findings = findings_of(scan(visit("a"), visit("b")), CHECK)
    assert summary(findings) == {
        (RULE, "localStorage:last_login@https://www.shop.test/email", "medium")
    }
    assert findings[0].pages == [f"{HOME}a", f"{HOME}b"]


def test_a_value_cut_by_the_capture_gives_no_half_address() -> None:
    # the capture keeps the first max_value_chars characters of a stored value: an
    # address cut at the end is not the visitor's address
    cut_address = "jane.doe@shop.examp"  # jane.doe@shop.example, cut
    queue = "x" * (4096 - len(cut_address) - 1) + " " + cut_address
    write = {"area": "localStorage", "origin": "https://www.shop.test", "op": "set",
             "key": "queue", "value": queue, "script_url": HOME, "frame_url": HOME}  # fmt: skip
    document = scan(page(storage=[write]))
    assert len(findings_of(document, CHECK)) == 1  # without the limit: looks like an address
    document["settings"] = {"max_value_chars": 4096}
    assert findings_of(document, CHECK) == []


def test_a_cut_address_encoded_inside_the_value_is_no_address_either() -> None:
    # as Amplitude's unsent-event queue: the address inside a URL-encoded value, so the
    # decoded match does not end the text the capture kept
    cut = "jane.roe%40realshop-customer.examp"
    queue = "x" * (4096 - len(cut) - 1) + "=" + cut
    kept = "email=jane.roe%40realshop-customer.example&" + "y" * 4000
    writes = [
        {"area": "localStorage", "origin": "https://www.shop.test", "op": "set", "key": key,
         "value": value, "script_url": HOME, "frame_url": HOME}
        for key, value in (("queue", queue), ("other", kept[:4096]))
    ]  # fmt: skip
    document = scan(page(storage=writes))
    document["settings"] = {"max_value_chars": 4096}
    found = findings_of(document, CHECK)
    assert [f.subject.split("@")[0] for f in found] == ["localStorage:other"]
