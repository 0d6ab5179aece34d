"""The report's change since the last audit and its trend, from the history's diff."""

from __future__ import annotations

import re

from scanner.findings.catalog import RuleCatalog
from scanner.findings.engine import run_checks
from scanner.findings.output import findings_document
from scanner.history.approved import Approval, ApprovedList
from scanner.history.diff import diff_audits
from scanner.history.recorder import AuditComparison, TrendPoint
from scanner.report.contents import ReportMeta, build_contents
from scanner.report.render import render_html
from scanner.report.text import Redactor
from scanner.report.trend import trend_chart
from tests.history_fixtures import HOME, audit, cookie, finding, state, vendor
from tests.report_fixtures import full_scan
from tests.rule_fixtures import context_of, page

HOSTILE = '<img src=x onerror="alert(1)">'
EARLIER = audit(state(items=(vendor("analytics"), vendor("social-widgets"))))
LATER = audit(
    state(
        pages=(HOME, f"{HOME}about", f"{HOME}offers", f"{HOME}campaign"),
        items=(
            vendor("analytics", dpa_status="violations"),
            vendor("ad-network", name=HOSTILE),
            vendor("approved-pixel", name="Approved Pixel", pages=(f"{HOME}campaign",)),
            cookie("campaign_ref"),
            finding("cookie-missing-secure", "ad_uid@ads.adnet.example", pages=(HOME,)),
        ),
    ),
    started="2026-12-01T10:00:00+00:00",
)
APPROVED = ApprovedList((Approval("vendor", "approved-pixel", "J. Doe, DPO", "DPA 2026-11"),))
TREND = [
    TrendPoint("2026-06-01", {"high": 4, "medium": 2}, 5, 9),
    TrendPoint("2026-09-01", {"high": 2}, 6, 10),
    TrendPoint("2026-12-01", {"high": 1, "low": 3}, 7, 12),
]


def _report_text(comparison: AuditComparison | None) -> tuple[str, str]:
    ctx = context_of(full_scan(page(HOME)))
    findings_doc = findings_document(run_checks(ctx, RuleCatalog.load()), ctx.scan)
    meta = ReportMeta("Auditor", "2026-12-01T11:00:00+00:00", "ab" * 32, None)
    html = render_html(build_contents(ctx, findings_doc, meta, comparison), Redactor())
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return html, re.sub(r"\( ", "(", re.sub(r" ([:;,.)])", r"\1", text))


def test_the_change_section_lists_unapproved_new_items_first_and_escapes_them() -> None:
    comparison = AuditComparison(diff_audits(EARLIER, LATER, APPROVED), TREND, "/h.sqlite")
    html, text = _report_text(comparison)
    assert HOSTILE not in html and "onerror=&#34;alert(1)&#34;" in html.replace("&quot;", "&#34;")
    summary = text[text.index("Change since the last audit") :]
    assert summary.startswith(
        "Change since the last audit Compared with audit shop.example "
        "2026-09-01T10:00:00+00:00: 2 new vendors (1 not approved), 1 new cookie (1 not "
        "approved), 1 new finding; 1 removed vendor; 1 changed (1 of the new and removed only "
        "on pages not compared). Not approved and new: &lt;img"
    )
    section = text[text.index("Change since the last audit This audit is compared") :]
    rows = section[section.index("Change Item") :]
    names = ("&lt;img", "campaign_ref", "Approved Pixel", "Analytics", "Social")
    order = [rows.index(name) for name in names]
    assert order == sorted(order)  # new unapproved, new approved, changed, removed
    assert "approved by J. Doe, DPO: DPA 2026-11" in rows
    # a cookie finding's subject reads as the cookie, not as a redacted e-mail address
    assert "Title of cookie-missing-secure: ad_uid (ads.adnet.example)" in rows
    assert "redacted" not in section
    assert "dpa status: undeclared → violations" in rows
    assert "only on pages not compared" in rows  # the pixel is only on the new campaign page
    assert "1 only in this one" in section
    assert "Trend over the last audits" in section
    assert html.count('data-severity="high"') == 3


def test_a_first_audit_and_a_report_without_history_say_so() -> None:
    _, first = _report_text(AuditComparison(None, TREND[-1:], "/home/a/history.sqlite"))
    assert (
        "This is the first audit of this site in the audit history (/home/a/history.sqlite)"
        in first
    )
    assert "Trend over the last audits" not in first
    _, without = _report_text(None)
    assert "No audit history was used (--no-history, or it could not be opened)" in without


def test_the_trend_stacks_each_audit_by_severity_to_scale() -> None:
    drawing = str(trend_chart(TREND, title="Trend"))
    heights = {
        (match["severity"], round(float(match["height"]))): 1
        for match in re.finditer(
            r'data-severity="(?P<severity>\w+)" x="[\d.]+" y="[\d.]+" width="[\d.]+" '
            r'height="(?P<height>[\d.]+)"',
            drawing,
        )
    }
    assert list(heights) == [("medium", 40), ("high", 80), ("high", 40), ("low", 60), ("high", 20)]
    for label in ("2026-06-01", "5 vendors", "9 cookies", "12 cookies"):
        assert f">{label}<" in drawing
    assert '">6<' in drawing and '">4<' in drawing  # the totals above the columns
