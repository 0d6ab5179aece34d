"""TLS rules (protocol version, certificate validity) and the COOP / COEP header rules, from
small scan fixtures, plus what real Chromium records for the test world's certificate."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

import pytest

from scanner.checks import isolation_headers, transport
from scanner.checks.structured_fields import DisplayString, Item, Token, parse_item
from scanner.findings.model import Finding
from scanner.result.validation import page_problems
from scanner.testworld.certs import VALIDITY
from tests.e2e_helpers import CliRun
from tests.rule_fixtures import HOME, findings_of, page, scan, summary

DAY = 86_400
VISITED = page()["visited_at"]
AT = datetime.fromisoformat(VISITED).timestamp()
"""When the fixtures' pages were visited: the moment certificates are judged at."""
HOST = "www.shop.test"
COOP = "Cross-Origin-Opener-Policy"
COEP = "Cross-Origin-Embedder-Policy"


def tls_page(
    url: str = HOME, *, protocol: str = "TLS 1.3", days_left: float = 100, **details: Any
) -> dict[str, Any]:
    """A page whose document came over TLS, its certificate ``days_left`` from the visit."""
    document = page(url)
    document["tls"] = {
        "issuer": "Example CA",
        "protocol": protocol,
        "subjectName": HOST,
        "validFrom": AT - 300 * DAY,
        "validTo": AT + days_left * DAY,
        **details,
    }
    assert page_problems(document) == []
    return document


def tls_findings(*pages: dict[str, Any]) -> set[tuple[str, str, str]]:
    return summary(findings_of(scan(*pages), transport.check))


# --- TLS protocol ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("protocol", "outdated"),
    [
        ("TLS 1.3", False),
        ("TLS 1.2", False),
        ("TLS 1.1", True),
        ("TLS 1.0", True),
        ("SSL 3.0", True),
        ("TLSv1.1", True),
        ("tls 1.0", True),
        ("QUIC", False),
        ("", False),
        ("TLS 1.x", False),
        ("TLS " + "9" * 5000, False),
    ],
)
def test_only_ssl_and_tls_below_1_2_are_outdated(protocol: str, outdated: bool) -> None:
    assert transport.is_outdated(protocol) is outdated


def test_tls_1_1_is_a_high_finding_and_tls_1_3_none() -> None:
    assert tls_findings(tls_page(protocol="TLS 1.1")) == {("tls-protocol-outdated", HOST, "high")}
    assert tls_findings(tls_page(protocol="TLS 1.3")) == set()
    [finding] = findings_of(scan(tls_page(protocol="TLS 1.0")), transport.check)
    assert finding.evidence[0]["protocol"] == "TLS 1.0"
    assert "RFC 8996" in finding.message


def test_an_unknown_protocol_name_is_no_finding() -> None:
    assert tls_findings(tls_page(protocol="QUIC"), tls_page(protocol="SSLish")) == set()


# --- certificate validity ---------------------------------------------------------------


def test_a_certificate_10_days_from_expiry_is_expiring_with_its_details() -> None:
    [finding] = findings_of(scan(tls_page(days_left=10)), transport.check)
    assert (finding.rule_id, finding.subject, finding.severity) == (
        "tls-certificate-expiring",
        HOST,
        "medium",
    )
    evidence = finding.evidence[0]
    assert evidence["days_left"] == 10  # counted from the visit, not from today
    assert evidence["subject_name"] == HOST and evidence["issuer"] == "Example CA"
    assert evidence["valid_to"] == "2026-12-03T20:00:00+00:00"
    assert evidence["valid_from"] == "2026-01-27T20:00:00+00:00"
    assert evidence["checked_at"] == "2026-11-23T20:00:00+00:00"
    assert "2026-12-03" in finding.message


def test_the_warning_window_is_30_days() -> None:
    assert tls_findings(tls_page(days_left=30)) == {("tls-certificate-expiring", HOST, "medium")}
    assert tls_findings(tls_page(days_left=31)) == set()
    assert tls_findings(tls_page(days_left=100)) == set()


def test_a_short_lived_certificate_is_expiring_only_in_its_last_third() -> None:
    six_days = {"validFrom": AT - 4 * DAY}  # a six-day certificate, 2 days left: renew now
    assert tls_findings(tls_page(days_left=2, **six_days)) == {
        ("tls-certificate-expiring", HOST, "medium")
    }
    assert tls_findings(tls_page(days_left=2.5, validFrom=AT - 3.5 * DAY)) == set()
    ninety_days = {"validFrom": AT - 65 * DAY}  # 90 days: its last third is the last 30 days
    assert tls_findings(tls_page(days_left=25, **ninety_days)) != set()
    assert tls_findings(tls_page(days_left=31, validFrom=AT - 59 * DAY)) == set()


def test_an_expired_or_not_yet_valid_certificate_is_high() -> None:
    [expired] = findings_of(scan(tls_page(days_left=-2.5)), transport.check)
    assert (expired.rule_id, expired.severity) == ("tls-certificate-expired", "high")
    assert expired.evidence[0]["days_left"] == -3
    assert "expired on 2026-11-21" in expired.message
    early = tls_page(validFrom=AT + DAY)
    [not_yet] = findings_of(scan(early), transport.check)
    assert (not_yet.rule_id, not_yet.severity) == ("tls-certificate-expired", "high")
    assert "not valid before 2026-11-24" in not_yet.message


def test_validity_is_judged_when_the_page_was_visited() -> None:
    """A resumed scan visits pages days after it started: the certificate's validity is
    what it was at that page's visit."""
    later = tls_page(days_left=3)
    later["visited_at"] = "2026-11-28T20:00:00+00:00"
    [finding] = findings_of(scan(later), transport.check)
    assert finding.rule_id == "tls-certificate-expired"
    assert finding.evidence[0]["days_left"] == -2


def test_a_page_without_tls_gives_nothing() -> None:
    assert tls_findings(page("http://www.shop.test/"), page()) == set()


def test_one_observation_per_host_and_certificate() -> None:
    pages = [tls_page(f"https://www.shop.test/{n}", days_left=10) for n in range(3)]
    other = tls_page("https://static.shop.test/", days_left=10, subjectName="static.shop.test")
    findings = findings_of(scan(*pages, other), transport.check)
    assert summary(findings) == {
        ("tls-certificate-expiring", HOST, "medium"),
        ("tls-certificate-expiring", "static.shop.test", "medium"),
    }
    assert all(finding.evidence_count == 1 for finding in findings)


@pytest.mark.parametrize(
    "details",
    [
        {"validTo": "2026-12-01"},
        {"validTo": None},
        {"validTo": True},
        {"validTo": float("nan")},
        {"validTo": 1e300},
        {"validTo": 10**400},
        {"validTo": float("inf")},
        {"validTo": -1e300},
        {"protocol": None, "subjectName": ["x"], "issuer": {"a": 1}, "validTo": AT - DAY},
    ],
)
def test_unusable_tls_details_do_not_crash(details: dict[str, Any]) -> None:
    found = tls_findings(tls_page(**details))
    assert found <= {("tls-certificate-expired", HOST, "high")}


def test_tls_details_that_are_not_an_object_are_ignored() -> None:
    document = page()
    document["tls"] = "TLS 1.0"
    assert tls_findings(document) == set()


# --- COOP / COEP ------------------------------------------------------------------------


def isolation(
    *header_pairs: tuple[str, str], url: str = HOME, outcome: str = "rendered"
) -> list[Finding]:
    document = page(url, headers=[list(pair) for pair in header_pairs], outcome=outcome)
    return findings_of(scan(document), isolation_headers.check)


@pytest.mark.parametrize(
    "value",
    [
        "same-origin",
        "same-origin-allow-popups",
        "noopener-allow-popups",
        'same-origin; report-to="coop"',
        "same-origin;report-to=coop",
        "same-origin ",
    ],
)
def test_an_enforced_coop_gives_nothing(value: str) -> None:
    assert isolation((COOP, value)) == []


def test_no_coop_is_a_low_finding() -> None:
    [finding] = isolation(("Content-Type", "text/html"))
    assert (finding.rule_id, finding.subject, finding.severity) == ("coop-missing", HOST, "low")
    assert finding.evidence[0]["reason"] == "absent"
    assert finding.evidence[0]["report_only_value"] is None


def test_unsafe_none_counts_as_missing_not_invalid() -> None:
    assert summary(isolation((COOP, 'unsafe-none; report-to="r"'))) == {
        ("coop-missing", HOST, "low")
    }
    [finding] = isolation((COOP, "unsafe-none"))
    assert finding.evidence[0]["reason"] == "unsafe-none"


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ([(COOP, "Same-Origin")], "'Same-Origin' is not a policy (policy names are lower case)"),
        ([(COOP, "same-origin"), (COOP, "same-origin")], "the header sent twice"),
        ([(COOP, "same-origin\nsame-origin")], "the header sent twice"),
        ([(COOP, '"same-origin"')], "not a token"),
        ([(COOP, 'same-origin; Report-To="r"')], "syntax error"),
        ([(COOP, "same-site")], "'same-site' is not a policy"),
        ([(COOP, "")], "syntax error"),
        ([(COOP, "same-origin-plus-COEP")], "is not a policy"),
    ],
)
def test_a_coop_browsers_ignore_is_invalid_and_leaves_the_page_unprotected(
    headers: list[tuple[str, str]], problem: str
) -> None:
    findings = isolation(*headers)
    assert summary(findings) == {("coop-invalid", HOST, "info"), ("coop-missing", HOST, "low")}
    invalid = next(f for f in findings if f.rule_id == "coop-invalid")
    assert problem in invalid.evidence[0]["problem"]
    missing = next(f for f in findings if f.rule_id == "coop-missing")
    assert missing.evidence[0]["reason"] == "ignored"


def test_report_only_coop_alone_is_missing_and_says_so() -> None:
    [finding] = isolation((COOP + "-Report-Only", 'same-origin; report-to="coop"'))
    assert finding.rule_id == "coop-missing"
    assert finding.evidence[0]["report_only_value"] == 'same-origin; report-to="coop"'
    assert "Report-Only is set, but it only reports" in finding.message


def test_an_invalid_report_only_coop_is_invalid_too() -> None:
    findings = isolation((COOP, "same-origin"), (COOP + "-Report-Only", "same_origin"))
    assert summary(findings) == {("coop-invalid", HOST, "info")}
    assert findings[0].evidence[0]["header"] == COOP + "-Report-Only"


def test_coop_over_plain_http_is_ignored_except_on_loopback() -> None:
    [finding] = isolation((COOP, "same-origin"), url="http://www.shop.test/")
    assert (finding.rule_id, finding.evidence[0]["reason"]) == (
        "coop-missing",
        "not-secure-context",
    )
    assert isolation((COOP, "same-origin"), url="http://127.0.0.1:8080/") == []
    assert isolation((COOP, "same-origin"), url="http://app.localhost/") == []


@pytest.mark.parametrize(
    "value", ["require-corp", "credentialless", "unsafe-none", 'require-corp; report-to="e"']
)
def test_a_known_coep_gives_nothing(value: str) -> None:
    assert isolation((COOP, "same-origin"), (COEP, value)) == []


@pytest.mark.parametrize("value", ["require_corp", "same-origin", "Require-Corp", "a, b"])
def test_an_unknown_coep_is_invalid(value: str) -> None:
    findings = isolation((COOP, "same-origin"), (COEP, value))
    assert summary(findings) == {("coep-invalid", HOST, "info")}
    assert findings[0].evidence[0]["value"] == value


def test_isolation_rules_read_rendered_pages_only_and_group_by_host() -> None:
    assert isolation(outcome="failed") == []
    pages = [page(f"https://www.shop.test/{n}") for n in range(3)]
    findings = findings_of(scan(*pages, page("https://static.shop.test/")), isolation_headers.check)
    assert sorted((f.rule_id, f.subject, len(f.pages)) for f in findings) == [
        ("coop-missing", "static.shop.test", 1),
        ("coop-missing", HOST, 3),
    ]


# --- structured field items -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "item"),
    [
        ("same-origin", Item(Token("same-origin"))),
        (
            'a; report-to="x"; n=5; f=1.5; b=?0',
            Item(Token("a"), {"report-to": "x", "n": 5, "f": 1.5, "b": False}),
        ),
        ("a;k;k=2", Item(Token("a"), {"k": 2})),
        ('"quoted \\" string"', Item('quoted " string')),
        ("1234567890123456", None),
        ("a b", None),
        ("a,", None),
        ("é", None),
        ("a;", None),
        (":aGVsbG8=:", Item(b"hello")),
        ('%"f%c3%bc"', Item(DisplayString("f\u00fc"))),
        ('%"f%C3%BC"', None),
    ],
)
def test_structured_field_items(value: str, item: Item | None) -> None:
    assert parse_item(value) == item


# --- real Chromium ----------------------------------------------------------------------


@pytest.mark.browser
def test_chromium_records_tls_and_the_rules_count_the_test_world_certificate(
    demo_run: CliRun,
) -> None:
    """The test world's certificate is valid from the day before it starts, for 30 days, so
    the demo scan sees 28 days and some hours left: not yet its last third."""
    https = [
        p
        for p in demo_run.scan["pages"]
        if (p["final_url"] or "").startswith("https://") and p["outcome"] != "not-html"
    ]  # files (not-html) are fetched without the browser: no TLS details
    assert len(https) > 10
    for document in https:
        tls = document["tls"]
        assert tls["protocol"].startswith("TLS ") and not transport.is_outdated(tls["protocol"])
        assert tls["validTo"] - tls["validFrom"] == VALIDITY.total_seconds()
    findings = json.loads((demo_run.out_dir / "findings.json").read_text(encoding="utf-8"))
    assert [f for f in findings["findings"] if f["rule_id"].startswith("tls-")] == []
    first = https[0]
    visited = datetime.fromisoformat(first["visited_at"]).timestamp()
    assert math.floor((first["tls"]["validTo"] - visited) / DAY) == 28
    window = transport.warning_window_s(first["tls"]["validFrom"], first["tls"]["validTo"])
    assert window == VALIDITY.total_seconds() / 3
