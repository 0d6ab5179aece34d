"""The finished output folder: HAR files, reports and the manifest that seals them.

Order matters. The raw evidence (scan.json, findings.json, HAR files, screenshots, the
crawl log) is encrypted first when a recipient key is given, so the manifest lists what
is actually at rest. The evidence fingerprint (the manifest minus the two reports) is
computed next and printed on the reports' cover; then the reports are written, and the
final manifest, listing them too, is written and signed.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from scanner import __version__
from scanner.errors import UserError
from scanner.evidence.encryption import ENCRYPTED_SUFFIX, encrypt_folder_files
from scanner.evidence.har import write_page_hars
from scanner.evidence.keys import key_fingerprint
from scanner.evidence.manifest import (
    MANIFEST_FILE,
    SIGNATURE_FILE,
    build_manifest,
    list_entries,
    manifest_sha256,
    read_manifest,
    write_manifest,
)
from scanner.evidence.signing import sign_manifest
from scanner.findings.analysis import FINDINGS_FILE, Analysis
from scanner.history.recorder import AuditComparison
from scanner.report.contents import ReportMeta, build_contents
from scanner.report.redaction import report_redactor
from scanner.report.render import write_reports

EVIDENCE_DIR = "evidence"
HAR_DIR = f"{EVIDENCE_DIR}/har"
RAW_FILES = ("scan.json", FINDINGS_FILE, "crawl.log")
"""Files holding unredacted personal data, besides everything under evidence/."""


@dataclass(frozen=True)
class BundleOptions:
    auditor: str
    redact: bool = True
    sign_key: Ed25519PrivateKey | None = None
    encrypt_for: X25519PublicKey | None = None
    previous_dir: Path | None = None


@dataclass(frozen=True)
class Bundle:
    evidence_fingerprint: str
    key_fingerprint: str | None
    encrypted: list[str]
    sealing_seconds: float
    """Time spent hashing the files and signing the manifest (the benchmark reads it)."""
    report_pages: int
    manifest_sha256: str


def finish_bundle(
    out_dir: Path,
    analysis: Analysis,
    options: BundleOptions,
    comparison: AuditComparison | None = None,
) -> Bundle:
    """``comparison`` is the change since the previous audit that the report shows."""
    ctx = analysis.context
    scan = ctx.scan
    previous_hash = _previous_manifest(options.previous_dir, out_dir)
    write_page_hars(scan, out_dir / HAR_DIR)
    encrypted = _encrypt_raw_evidence(out_dir, options.encrypt_for)
    manifest_args: dict[str, Any] = {
        "scanner_version": __version__,
        "configuration": {"scan": scan.get("settings"), "rules": asdict(ctx.settings)},
        "started_at": scan["started_at"],
        "finished_at": scan["finished_at"],
        "previous_manifest_sha256": previous_hash,
    }
    sealing = -time.perf_counter()
    fingerprint = build_manifest(out_dir, **manifest_args)["evidence_fingerprint"]
    sealing += time.perf_counter()
    signer = key_fingerprint(options.sign_key.public_key()) if options.sign_key else None
    meta = ReportMeta(
        auditor=options.auditor,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        evidence_fingerprint=fingerprint,
        key_fingerprint=signer,
    )
    contents = build_contents(ctx, analysis.document, meta, comparison)
    report_pages = write_reports(out_dir, contents, report_redactor(ctx, options.redact))
    sealing -= time.perf_counter()
    manifest = build_manifest(out_dir, **manifest_args)
    if manifest["evidence_fingerprint"] != fingerprint:
        raise RuntimeError(
            "the evidence changed while the reports were written, so their cover would "
            "name the wrong fingerprint; is another process writing to the scan folder?"
        )
    write_manifest(out_dir, manifest)
    if options.sign_key is not None:
        sign_manifest(out_dir, options.sign_key)
    else:
        (out_dir / SIGNATURE_FILE).unlink(missing_ok=True)  # never leave a stale signature
    sealing += time.perf_counter()
    sha256 = manifest_sha256(out_dir)
    return Bundle(fingerprint, signer, encrypted, sealing, report_pages, sha256)


def _encrypt_raw_evidence(out_dir: Path, recipient: X25519PublicKey | None) -> list[str]:
    if recipient is None:
        return []
    raw = [
        relative
        for relative in list_entries(out_dir)
        if (relative in RAW_FILES or relative.startswith(f"{EVIDENCE_DIR}/"))
        and not relative.endswith(ENCRYPTED_SUFFIX)
    ]
    for relative in raw:  # an earlier encrypted copy would be ambiguous on decryption
        (out_dir / (relative + ENCRYPTED_SUFFIX)).unlink(missing_ok=True)
    return encrypt_folder_files(out_dir, raw, recipient)


def _previous_manifest(previous_dir: Path | None, out_dir: Path) -> str | None:
    """The previous audit's manifest hash: the chain's link.

    Without --previous, a regenerated report keeps the chain link its folder already had.
    """
    if previous_dir is None:
        if not (out_dir / MANIFEST_FILE).exists():
            return None
        return read_manifest(out_dir)[1].get("previous_manifest_sha256")
    if not (previous_dir / MANIFEST_FILE).exists():
        raise UserError(
            f"--previous {previous_dir}: no manifest.json there; give the folder of an "
            "earlier scan made by this scanner"
        )
    return manifest_sha256(previous_dir)
