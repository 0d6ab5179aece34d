"""The PDF and HTML reports of the demo scan say what findings.json says."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from scanner.checks.observatory import SCORING_VERSION
from scanner.checks.observatory.probe import site_report
from scanner.classify.vendors import VendorCatalog
from scanner.report.security_grade import security_grade
from scanner.report.text import REDACTED, REDACTED_EMAIL
from scanner.testworld import DEMO_VENDORS
from tests.e2e_helpers import CliRun, run_scanner

pytestmark = pytest.mark.browser

SECTIONS = [
    "Executive summary",
    "Consent: what the visitor's choice changes",
    "Findings at a glance",
    "Cookies",
    "Third parties and data flows",
    "Fingerprinting",
    "Data-processing agreements",
    "Mixed content, Content-Security-Policy and security headers",
    "Findings in detail",
    "Methodology and coverage",
    "Appendix A: all cookies",
    "Appendix B: third-party hosts by vendor",
]
A4_POINTS = (595.28, 841.89)


def _findings(out_dir: Path) -> dict[str, Any]:
    return json.loads((out_dir / "findings.json").read_text(encoding="utf-8"))


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


class _References(HTMLParser):
    """Every URL an element of the document points at."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "data")]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def pdf_text(demo_run: CliRun) -> str:
    return _flat(_pdf_text(demo_run.out_dir / "report.pdf"))


def test_pdf_is_a4_with_an_outline_of_the_sections(demo_run: CliRun) -> None:
    reader = PdfReader(demo_run.out_dir / "report.pdf")
    assert 10 <= len(reader.pages) <= 60
    for pdf_page in reader.pages:
        box = pdf_page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.5)
    top_level = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top_level == SECTIONS


def test_pdf_pages_are_numbered_with_a_running_header(demo_run: CliRun) -> None:
    reader = PdfReader(demo_run.out_dir / "report.pdf")
    total = len(reader.pages)
    for number in (2, total):
        text = _flat(reader.pages[number - 1].extract_text())
        assert f"Page {number} of {total}" in text
        assert "shop.test" in text and "Privacy and security audit" in text


def test_counts_by_severity_match_findings_json(demo_run: CliRun, pdf_text: str) -> None:
    summary = _findings(demo_run.out_dir)["summary"]
    counts = ", ".join(f"{n} {severity}" for severity, n in summary["by_severity"].items())
    assert f"{summary['total']} findings: {counts}." in pdf_text


def test_every_finding_is_detailed_once(demo_run: CliRun, pdf_text: str) -> None:
    findings = _findings(demo_run.out_dir)["findings"]
    assert pdf_text.count("Remediation:") == len(findings)
    for finding in findings:
        assert finding["title"] in pdf_text


def test_every_vendor_seen_is_named(demo_run: CliRun, pdf_text: str) -> None:
    catalog = VendorCatalog.load([DEMO_VENDORS])
    vendors = {f["vendor"] for f in _findings(demo_run.out_dir)["findings"] if f["vendor"]}
    assert len(vendors) >= 6
    for vendor_id in vendors:
        vendor = catalog.get(vendor_id)
        assert vendor is not None and vendor.name in pdf_text


def test_dpa_violations_quote_their_clause(demo_run: CliRun, pdf_text: str) -> None:
    violations = [
        f for f in _findings(demo_run.out_dir)["findings"] if f["rule_id"] == "dpa-violation"
    ]
    assert len(violations) == 4
    for finding in violations:
        clause = finding["evidence"][0]["clause"]
        assert _flat(clause)[:40] in pdf_text


def test_cover_ties_the_report_to_its_evidence(demo_run: CliRun, pdf_text: str) -> None:
    manifest = json.loads((demo_run.out_dir / "manifest.json").read_text(encoding="utf-8"))
    fingerprint = manifest["evidence_fingerprint"]
    assert f"Evidence fingerprint {fingerprint}" in pdf_text
    assert "unsigned" in pdf_text
    assert "Overall rating: F, serious risk" in pdf_text


def test_personal_data_is_redacted_from_the_reports(demo_run: CliRun) -> None:
    raw = (demo_run.out_dir / "findings.json").read_text(encoding="utf-8")
    assert "jane.doe" in raw  # the raw evidence keeps it
    for name in ("report.html", "results.sarif"):
        assert "jane.doe" not in (demo_run.out_dir / name).read_text(encoding="utf-8")
    assert "jane.doe" not in _pdf_text(demo_run.out_dir / "report.pdf")
    html = (demo_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert html.count(REDACTED) + html.count(REDACTED_EMAIL) >= 3


def test_html_report_is_self_contained(demo_run: CliRun) -> None:
    html = (demo_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|iframe|img|object|embed)\b", html, re.IGNORECASE)
    references = _References()
    references.feed(html)
    assert references.found and all(ref.startswith("#") for ref in references.found)
    assert all(ref.startswith("#") for ref in re.findall(r"url\(\s*['\"]?([^)'\"]*)", html))
    assert "@import" not in html
    assert "<svg" in html


def test_html_and_pdf_tell_the_same_story(demo_run: CliRun, pdf_text: str) -> None:
    html = (demo_run.out_dir / "report.html").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in html
    assert html.count('class="finding"') == _findings(demo_run.out_dir)["summary"]["total"]


def test_show_personal_data_and_previous_audit(demo_run: CliRun, tmp_path: Path) -> None:
    copy = tmp_path / "again"
    copy.mkdir()
    (copy / "scan.json").write_bytes((demo_run.out_dir / "scan.json").read_bytes())
    root = Path(__file__).resolve().parent.parent
    run = run_scanner(
        "report", str(copy),
        "--vendors", str(root / "scanner/testworld/vendors.json"),
        "--dpa-dir", str(root / "schemas/dpa-examples"),
        "--previous", str(demo_run.out_dir),
        "--show-personal-data",
        "--auditor", "Jane Auditor (DPO office)",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    text = _flat(_pdf_text(copy / "report.pdf"))
    started = demo_run.scan["started_at"]
    # the demo's folder is not in this history: it is read from its files
    assert f"Compared with audit shop.test {started}: nothing new." in text
    assert (
        "Nothing changed: the same vendors, cookies and findings as in the previous audit" in text
    )
    assert "Jane Auditor (DPO office)" in text
    assert "jane.doe" in (copy / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    previous = (demo_run.out_dir / "manifest.json").read_bytes()
    assert manifest["previous_manifest_sha256"] == hashlib.sha256(previous).hexdigest()


def test_the_security_section_shows_the_observatory_grade_test_for_test(
    demo_run: CliRun, pdf_text: str
) -> None:
    report = site_report(demo_run.scan)
    assert report is not None and report.complete
    text = _squashed(pdf_text[pdf_text.index("Security grade (MDN HTTP Observatory)") :])
    assert (
        _squashed(
            f"The start host www.shop.test scores {report.score}, grade {report.grade}, "
            f"on the {SCORING_VERSION} table ({report.tests_passed} of 10 tests passed)"
        )
        in text
    )
    html = (demo_run.out_dir / "report.html").read_text(encoding="utf-8")
    for result in report.results:  # in the Observatory's order, each with its verdict
        verdict = "pass" if result.passed else "fail"
        theirs = result.observatory_result or "no Observatory name"
        named = "" if theirs == result.result else f" ({theirs})"
        row = f"{result.test} {verdict}: {result.result}{named}"
        assert _squashed(row) in text, row
        text = text[text.index(_squashed(row)) :]
        cells = f"<td>{result.test}</td><td>{verdict}: {result.result}{named}</td>"
        assert f'{cells}<td class="num">{result.score_modifier:+d}</td>' in html


def _squashed(text: str) -> str:
    """Text without spaces and hyphens: PDF lines break and hyphenate long result names."""
    return re.sub(r"[\s\-\u00ad]", "", text)


def test_a_scan_without_a_probe_says_it_has_no_security_grade() -> None:
    grade = security_grade({"pages": []})
    assert not grade["available"] and "no site probe" in grade["note"]


def test_the_summary_says_what_still_happens_after_no(pdf_text: str) -> None:
    summary = pdf_text[pdf_text.index("Executive summary") : pdf_text.index("Consent: what")]
    assert "After the visitor said no Still contacted: Example Ad Network" in summary
    assert "received email. Every vendor also receives the visitor's IP address" in summary
