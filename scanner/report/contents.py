"""Everything the report templates show, assembled from a finished scan and its findings.

The templates only lay out; every number and list they print is computed here, from
the same records the rules and DPA checks use, so the report cannot disagree with
findings.json.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from scanner.dpa.records import build_records
from scanner.findings.context import ScanContext
from scanner.findings.model import SEVERITIES, severity_rank
from scanner.history.recorder import AuditComparison
from scanner.report.change import change_section
from scanner.report.charts import horizontal_bars, severity_bar
from scanner.report.consent_comparison import accept_state_map, consent_comparison
from scanner.report.coverage import coverage, decoding_coverage
from scanner.report.ecosystem import ecosystem_map
from scanner.report.fingerprinting import fingerprinting_rows
from scanner.report.inventory import cookie_inventory, ecosystem_graph, vendor_rows
from scanner.report.security_grade import security_grade
from scanner.report.summary import most_serious, overall_rating

COOKIES_IN_SECTION = 40
EVIDENCE_SHOWN = 3
PAGES_SHOWN = 10
SUMMARY_ITEMS = 8
"""Vendors named per list in the executive summary, which must stay one page."""
AREAS = {
    "cookies": "Cookies",
    "third-parties": "Third parties and data flows",
    "fingerprinting": "Fingerprinting",
    "dpa": "Data-processing agreements",
    "mixed-content": "Mixed content",
    "csp": "Content-Security-Policy",
    "security-headers": "Security headers",
}


@dataclass(frozen=True)
class ReportMeta:
    """Facts about the report itself rather than the scan."""

    auditor: str
    generated_at: str
    evidence_fingerprint: str
    key_fingerprint: str | None
    """None when the evidence manifest is not signed."""


def build_contents(
    ctx: ScanContext,
    findings_doc: dict[str, Any],
    meta: ReportMeta,
    audit_change: AuditComparison | None = None,
) -> dict[str, Any]:
    scan = ctx.scan
    ordered = sorted(
        findings_doc["findings"], key=lambda f: (severity_rank(f["severity"]), f["rule_id"])
    )
    findings = [{**f, "anchor": f"finding-{n}"} for n, f in enumerate(ordered, start=1)]
    records = build_records(ctx)
    violating = {f["vendor"] for f in findings if f["rule_id"] == "dpa-violation"}
    vendors = vendor_rows(records, ctx.dpas, violating)
    cookies = cookie_inventory(ctx)
    by_severity = findings_doc["summary"]["by_severity"]
    comparison = consent_comparison(ctx)
    return {
        "meta": meta,
        "scan": scan,
        "severities": SEVERITIES,
        "areas": AREAS,
        "by_severity": by_severity,
        "total": len(findings),
        "rating": overall_rating(by_severity),
        "top_findings": most_serious(findings),
        "undeclared": [row for row in vendors if row["dpa_status"] == "undeclared"],
        "personal_data_out": [row for row in vendors if row["direct_identifiers"]],
        "change": change_section(audit_change),
        "findings": findings,
        "consent": comparison,
        "consent_map": comparison and accept_state_map(ctx, comparison, violating),
        "findings_by_area": {area: [f for f in findings if f["area"] == area] for area in AREAS},
        "cookies": cookies,
        "cookies_in_section": COOKIES_IN_SECTION,
        "evidence_shown": EVIDENCE_SHOWN,
        "pages_shown": PAGES_SHOWN,
        "summary_items": SUMMARY_ITEMS,
        "vendors": vendors,
        "fingerprinting": fingerprinting_rows(findings),
        "dpas": _dpa_sections(ctx, vendors, findings),
        "coverage": coverage(scan, decoding_coverage(ctx)),
        "security_grade": security_grade(scan),
        "charts": _charts(scan, findings, vendors, by_severity),
    }


def _dpa_sections(
    ctx: ScanContext, vendors: list[dict[str, Any]], findings: list[dict[str, Any]]
) -> list[dict[str, Any]] | None:
    """Per vendor with a DPA: the agreement and its violations; None without a DPA folder."""
    if ctx.dpas is None:
        return None
    sections = []
    for row in vendors:
        dpa = ctx.dpas.for_vendor(row["vendor_id"])
        if dpa is None:
            continue
        violations = [
            f
            for f in findings
            if f["rule_id"] == "dpa-violation" and f["vendor"] == row["vendor_id"]
        ]
        sections.append({"vendor": row, "agreement": dpa.agreement, "violations": violations})
    return sections


def _charts(
    scan: dict[str, Any],
    findings: list[dict[str, Any]],
    vendors: list[dict[str, Any]],
    by_severity: dict[str, int],
) -> dict[str, Any]:
    areas = Counter(f["area"] for f in findings)
    by_bytes = sorted(vendors, key=lambda row: -row["bytes"]["total"])
    site, nodes, edges = ecosystem_graph(scan["site"] or "site", vendors)
    return {
        "severity": severity_bar(by_severity, title="Findings by severity"),
        "areas": horizontal_bars(
            [(AREAS.get(area, area), count) for area, count in areas.most_common()],
            title="Findings by area",
        ),
        "requests": horizontal_bars(
            [(row["vendor_name"], row["request_count"]) for row in vendors],
            title="Third-party requests by vendor",
        ),
        "bytes": horizontal_bars(
            [(row["vendor_name"], row["bytes"]["total"]) for row in by_bytes],
            unit="bytes",
            title="Bytes received from each vendor",
        ),
        "ecosystem": ecosystem_map(site, nodes, edges),
    }
