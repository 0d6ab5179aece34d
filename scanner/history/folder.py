"""The snapshot of an audit folder that the history does not hold (an audit made before
the history existed, or recorded in another database)."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from scanner.errors import UserError
from scanner.history.snapshot import AuditSnapshot, snapshot_of_analysis


def snapshot_of_folder(folder: Path) -> AuditSnapshot:
    """What the audit in ``folder`` saw, classified with the rule settings its manifest
    recorded (the vendor catalogs and DPA folder it was analysed with, when they still
    exist), its findings as its findings.json says."""
    from scanner.evidence.manifest import read_manifest
    from scanner.findings.analysis import FINDINGS_FILE, scan_context

    manifest = read_manifest(folder)[1]
    findings_file = folder / FINDINGS_FILE
    try:
        findings = json.loads(findings_file.read_text(encoding="utf-8"))["findings"]
    except FileNotFoundError:
        raise UserError(
            f"{findings_file} does not exist; run scanner report {folder} first"
        ) from None
    except (json.JSONDecodeError, KeyError, TypeError):
        raise UserError(
            f"{findings_file} is not a findings file; run scanner report {folder} again"
        ) from None
    ctx = scan_context(folder, _recorded_settings(manifest))
    snapshot = snapshot_of_analysis(ctx, findings, str(folder.resolve()))
    return _with_manifest(snapshot, manifest)


def _recorded_settings(manifest: dict[str, Any]) -> Any:
    from scanner.findings.settings import RuleSettings

    recorded = (manifest.get("configuration") or {}).get("rules") or {}
    known = {f.name for f in fields(RuleSettings)}
    values = {key: value for key, value in recorded.items() if key in known}
    for key in ("vendor_files", "filter_lists"):
        values[key] = tuple(path for path in values.get(key) or () if Path(path).is_file())
    if values.get("dpa_dir") and not Path(values["dpa_dir"]).is_dir():
        values["dpa_dir"] = None
    for key in ("disabled", "own_domains", "known_personal_data"):
        values[key] = tuple(values.get(key) or ())
    return RuleSettings(**values)


def _with_manifest(snapshot: AuditSnapshot, manifest: dict[str, Any]) -> AuditSnapshot:
    return replace(snapshot, evidence_fingerprint=manifest.get("evidence_fingerprint"))
