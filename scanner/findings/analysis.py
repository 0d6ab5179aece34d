"""From scan.json to findings.json: classification, checks, output."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.classify.parties import PartyClassifier
from scanner.classify.trackers import TrackerMatcher
from scanner.classify.vendors import VendorCatalog
from scanner.dpa import load_dpa_folder
from scanner.errors import UserError
from scanner.findings.catalog import RuleCatalog
from scanner.findings.context import ScanContext
from scanner.findings.engine import run_checks
from scanner.findings.model import Finding
from scanner.findings.output import findings_document, write_json
from scanner.findings.settings import RuleSettings
from scanner.outputs.sarif import write_sarif
from scanner.result.compat import upgrade_older_scan

FINDINGS_FILE = "findings.json"
SARIF_FILE = "results.sarif"


@dataclass(frozen=True)
class Analysis:
    context: ScanContext
    findings: list[Finding]
    document: dict[str, Any]
    """findings.json's contents."""


def analyse_scan(
    out_dir: Path,
    settings: RuleSettings,
    catalog: RuleCatalog,
    redact: Callable[[ScanContext, dict[str, Any]], dict[str, Any]] = lambda _, doc: doc,
) -> Analysis:
    """Run the rules on ``out_dir/scan.json``; write findings.json and results.sarif.

    ``redact`` is applied to what goes to the SARIF file, which is meant for dashboards
    with a wider audience than the raw evidence; it gets the classified scan, which knows
    the personal data seen in it.
    """
    context = scan_context(out_dir, settings)
    findings = run_checks(context, catalog)
    document = findings_document(findings, context.scan)
    write_json(out_dir / FINDINGS_FILE, document)
    write_sarif(out_dir / SARIF_FILE, redact(context, document), catalog)
    return Analysis(context, findings, document)


def scan_context(out_dir: Path, settings: RuleSettings) -> ScanContext:
    """A finished scan, classified as the rules see it."""
    scan_file = out_dir / "scan.json"
    try:
        scan = upgrade_older_scan(json.loads(scan_file.read_text(encoding="utf-8")))
    except FileNotFoundError:
        if scan_file.with_name(scan_file.name + ".enc").exists():
            raise UserError(
                f"{scan_file} is encrypted; decrypt the folder first (scanner evidence decrypt)"
            ) from None
        raise UserError(f"{scan_file} does not exist; give the folder of a finished scan") from None
    except json.JSONDecodeError as error:
        raise UserError(f"{scan_file} is not valid JSON ({error}); re-run the scan") from None
    vendors = VendorCatalog.load([Path(path) for path in settings.vendor_files])
    parties = PartyClassifier(scan["site"], settings.own_domains, vendors)
    trackers = TrackerMatcher.load([Path(path) for path in settings.filter_lists])
    dpas = load_dpa_folder(Path(settings.dpa_dir)) if settings.dpa_dir else None
    return ScanContext(scan, settings, parties, trackers, dpas)
