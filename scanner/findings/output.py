"""findings.json: the findings of a scan, for people and machines."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.consent_states import BEFORE, PAGE_STATE
from scanner.findings.model import SEVERITIES, Finding

FORMAT_VERSION = "1.0"


def findings_document(findings: list[Finding], scan: dict[str, Any]) -> dict[str, Any]:
    by_severity = Counter(finding.severity for finding in findings)
    return {
        "format_version": FORMAT_VERSION,
        "scanner": {"name": "site-compliance-scanner", "version": __version__},
        "scan": {
            "start_url": scan["start_url"],
            "site": scan["site"],
            "started_at": scan["started_at"],
            "finished_at": scan["finished_at"],
            "complete": scan["complete"],
            "consent_state": scan["consent"]["state"],
            "consent_states": [
                PAGE_STATE[state] for state in scan["consent"].get("states") or [BEFORE]
            ],
        },
        "summary": {
            "total": len(findings),
            "by_severity": {severity: by_severity.get(severity, 0) for severity in SEVERITIES},
            "by_area": dict(sorted(Counter(finding.area for finding in findings).items())),
        },
        "findings": [asdict(finding) for finding in findings],
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Write atomically: a reader never sees half a file."""
    temporary = path.with_suffix(path.suffix + ".partial")
    temporary.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
    os.replace(temporary, path)
