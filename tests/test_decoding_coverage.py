"""The report's coverage section says which third-party requests the personal-data search
could not decode (scanner.report.coverage.decoding_coverage and its template)."""

from __future__ import annotations

import base64

from scanner.report.coverage import coverage, decoding_coverage
from scanner.report.render import environment
from tests.rule_fixtures import context_of, page, request, scan
from tests.test_rules_third_parties import _gzip_request


def _binary(request_id: int, url: str, data: bytes) -> dict:
    hit = request(request_id, url, method="POST", resource_type="fetch", body="x")
    hit["body"] = {"size": len(data), "text": None,
                   "base64": base64.b64encode(data).decode(), "truncated": False}  # fmt: skip
    return hit


def _document() -> dict:
    requests = [
        _binary(1, "https://collect.analytics.example/i", b"\x00\x01\xff\xfe opaque"),
        _binary(2, "https://collect.analytics.example/i", b"\x1f\x8b\x08\x00" + b"\xff" * 12),
        _gzip_request(3, "https://collect.analytics.example/e/", {"ok": True}),  # decoded
        _binary(4, "https://www.shop.test/own", b"\x00\x01\xff\xfe first party"),
    ]
    return scan(page(requests=requests))


def test_undecodable_requests_are_counted_per_vendor_with_reasons() -> None:
    rows = decoding_coverage(context_of(_document()))
    assert [(row["vendor_id"], row["requests"]) for row in rows] == [("example-analytics", 2)]
    reasons = dict(rows[0]["reasons"])
    assert reasons["not decoded: binary body in an unknown format"] == 1
    assert any(reason.startswith("not decoded: gzip: corrupt") for reason in reasons)


def test_the_coverage_section_states_it() -> None:
    document = _document()
    template = environment(lambda text: text).get_template("coverage.html.j2")
    document |= {"summary": {"pages": 1, "not_visited": 0, "rendered": 1, "not_html": 0,
                             "failed": 0, "skipped": {}},
                 "not_visited": [], "browser": {"name": "Chromium", "version": "1",
                 "third_party_cookies": "allowed", "user_agent": "UA"}}  # fmt: skip
    html = template.render(coverage=coverage(document, decoding_coverage(context_of(document))))
    assert "could not fully read" in html and "Example Analytics" in html
    assert "binary body in an unknown format</bdi> (1)" in html
    assert "decompressed up to 8 MiB per request" in html
    clean = scan(page(requests=[request(1, "https://collect.analytics.example/c?x=1")]))
    clean |= {key: document[key] for key in ("summary", "not_visited", "browser")}
    assert "was decoded and searched" in template.render(
        coverage=coverage(clean, decoding_coverage(context_of(clean)))
    )
