"""What the report says: rating, worst findings, change, cookie inventory, vendors."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.findings.catalog import RuleCatalog
from scanner.findings.engine import run_checks
from scanner.findings.output import findings_document
from scanner.report.contents import ReportMeta, build_contents
from scanner.report.inventory import cookie_inventory, dpa_status, ecosystem_graph
from scanner.report.render import render_html
from scanner.report.summary import most_serious, overall_rating
from scanner.report.text import Redactor
from tests.report_fixtures import full_scan
from tests.rule_fixtures import HOME, context_of, cookie, page, scan


@pytest.mark.parametrize(
    ("counts", "grade"),
    [
        ({"critical": 1, "high": 9}, "F"),
        ({"high": 5}, "D"),
        ({"high": 4, "medium": 9}, "C"),
        ({"high": 1}, "C"),
        ({"medium": 1, "low": 9}, "B"),
        ({"low": 3, "info": 2}, "A"),
        ({}, "A"),
    ],
)
def test_rating_follows_the_stated_scale(counts: dict[str, int], grade: str) -> None:
    assert overall_rating(counts).grade == grade


def test_rating_reason_names_the_counts() -> None:
    assert overall_rating({"high": 7}).reason == "7 high-severity findings (5 or more)"


def _finding(rule: str, subject: str, severity: str, pages: int = 1) -> dict[str, Any]:
    return {
        "rule_id": rule,
        "subject": subject,
        "severity": severity,
        "title": rule,
        "pages": [f"{HOME}{n}" for n in range(pages)],
    }


def test_most_serious_puts_severity_first_then_reach() -> None:
    findings = [
        _finding("a", "1", "medium", pages=50),
        _finding("b", "2", "high", pages=2),
        _finding("c", "3", "high", pages=9),
        _finding("d", "4", "critical"),
        _finding("e", "5", "low", pages=99),
        _finding("f", "6", "info"),
    ]
    top = [f["rule_id"] for f in most_serious(findings)]
    assert top == ["d", "c", "b", "a", "e"]


def test_cookie_inventory_has_one_row_per_cookie_with_all_its_pages() -> None:
    analytics = "https://cdn.analytics.example/a.js"
    document = scan(
        page(
            HOME,
            cookies=[
                cookie("_ae_cid", "www.shop.test", set_by=analytics, source="script"),
                cookie("session", "www.shop.test", set_by=HOME, lifetime_s=None, http_only=True),
                cookie("gone", "www.shop.test", set_by=HOME, deletion=True),
            ],
        ),
        page(
            f"{HOME}about",
            cookies=[
                cookie("_ae_cid", "www.shop.test", set_by=analytics, source="script"),
                cookie(
                    "ad_bad",
                    ".other.example",
                    set_by="https://ads.adnet.example/t",
                    stored=False,
                    refused=("InvalidDomain",),
                ),
            ],
        ),
    )
    rows = {row.name: row for row in cookie_inventory(context_of(document))}
    assert set(rows) == {"_ae_cid", "session", "ad_bad"}
    assert rows["_ae_cid"].page_count == 2
    assert (rows["_ae_cid"].party, rows["_ae_cid"].vendor) == ("first", "Example Analytics")
    assert rows["_ae_cid"].lifetime_days == pytest.approx(365)
    assert rows["session"].lifetime_days is None
    assert rows["session"].vendor == "the site"
    assert rows["session"].flags == ["Secure", "HttpOnly", "SameSite=Lax"]
    assert rows["ad_bad"].refused and rows["ad_bad"].party == "third"
    assert rows["ad_bad"].refused_reasons == ["InvalidDomain"]
    assert all(row.before_consent for row in rows.values())
    assert next(row.party for row in cookie_inventory(context_of(document))) == "third"


class _Dpas:
    def __init__(self, vendors: set[str]) -> None:
        self.vendors = vendors

    def for_vendor(self, vendor_id: str) -> object | None:
        return object() if vendor_id in self.vendors else None


def test_dpa_status_of_each_kind_of_vendor() -> None:
    dpas: Any = _Dpas({"a", "b"})
    assert dpa_status("a", dpas, violating={"a"}) == "violations"
    assert dpa_status("b", dpas, violating={"a"}) == "compliant"
    assert dpa_status("c", dpas, violating=set()) == "undeclared"
    assert dpa_status("a", None, violating={"a"}) == "not-checked"


def test_ecosystem_graph_follows_loaded_by() -> None:
    rows = [
        {"vendor_id": "tm", "vendor_name": "TM", "categories": ["tag-manager"],
         "dpa_status": "compliant", "loaded_by": ["site"]},
        {"vendor_id": "rt", "vendor_name": "RT", "categories": [],
         "dpa_status": "undeclared", "loaded_by": ["tm", "gone"]},
    ]  # fmt: skip
    site, nodes, edges = ecosystem_graph("shop.test", rows)
    assert site.label == "shop.test"
    assert [(n.id, n.category) for n in nodes] == [("tm", "tag-manager"), ("rt", "unknown")]
    assert [(e.source, e.target) for e in edges] == [("site", "tm"), ("tm", "rt")]


SDK = "https://cdn.analytics.example/a.js"
JS_COOKIE_FROM_CDN = "https://cdn.jsdelivr.net/npm/js-cookie@3/dist/js.cookie.min.js"


def _probing_page() -> dict[str, Any]:
    """A library finding the widest cookie domain, a real cookie, a deletion."""
    tried = dict(set_by=SDK, source="script", stored=False)
    return page(
        HOME,
        cookies=[
            cookie(
                "_amp_tld",
                ".test",
                **tried,
                outcome="refused",
                probe=True,
                refused=("InvalidDomain",),
            ),
            cookie("_amp_tld", ".shop.test", **tried, outcome="removed-by-script", probe=True),
            cookie("_amp_tld", ".shop.test", **tried, deletion=True),
            cookie("theme", "www.shop.test", set_by=JS_COOKIE_FROM_CDN, source="script"),
        ],
    )


def test_cookie_inventory_keeps_probes_and_deletions_apart() -> None:
    inventory = cookie_inventory(context_of(scan(_probing_page())))
    assert [(row.name, row.vendor, row.party) for row in inventory] == [
        ("theme", "the site", "first")  # the CDN served the helper, the site set the cookie
    ]
    [probe] = inventory.probes
    assert (probe.name, probe.written_by, probe.script, probe.page_count) == (
        "_amp_tld", "Example Analytics", SDK, 1
    )  # fmt: skip
    assert probe.attempts == {
        ".test": "refused: InvalidDomain",
        ".shop.test": "stored, then removed",
    }
    assert inventory.deletions == 1


def test_report_lists_probes_apart_and_does_not_count_them() -> None:
    document = full_scan(_probing_page())
    ctx = context_of(document)
    findings_doc = findings_document(run_checks(ctx, RuleCatalog.load()), document)
    meta = ReportMeta("Auditor", "2026-11-23T20:02:00+00:00", "ab" * 32, None)
    html = render_html(build_contents(ctx, findings_doc, meta), Redactor())
    section = html[html.index('id="cookies"') : html.index("<h2>Cookie findings</h2>")]
    assert "1 cookies were set (0 by third-party domains)" in section
    assert "1 further cookie write only deleted a cookie; it is not counted." in section
    table, probes = section.split('id="cookie-probes"')
    assert "_amp_tld" not in table and "theme" in table
    assert "Written and removed by scripts (probes)" in probes
    assert "1 cookie name was written by scripts only to find where" in probes
    assert "refused: InvalidDomain" in probes and "stored, then removed" in probes
