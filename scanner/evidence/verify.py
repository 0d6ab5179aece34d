"""Checks an evidence bundle against its manifest and signature, and says what is wrong.

Every file on disk is compared with the manifest (changed, added, removed), the evidence
fingerprint is recomputed from the manifest, and manifest.sig is checked. Only files found
by walking the folder are ever opened, so paths written into a forged manifest
("../../etc/passwd") cannot make verify read outside the bundle.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from scanner.evidence.manifest import (
    MANIFEST_FILE,
    evidence_fingerprint,
    file_sha256,
    is_evidence,
    list_entries,
    read_manifest,
)
from scanner.evidence.signing import check_signature


@dataclass
class Verification:
    """What ``verify_bundle`` found; ``problems()`` says it in sentences."""

    changed: list[str]
    added: list[str]
    removed: list[str]
    signature: str
    """'valid', 'invalid', 'missing' or 'key-mismatch'."""
    key_fingerprint: str | None
    """The fingerprint of the key that signed the manifest, when there is a readable one."""
    evidence_fingerprint: str
    """Recomputed from manifest.json: compare it with the one on the report's cover."""
    fingerprint_ok: bool
    """Whether the recomputed evidence fingerprint equals the one recorded in the manifest."""
    public_key_given: bool = False
    """Whether the signer was checked against a key given by the user (--public-key)."""
    change_reasons: dict[str, str] = field(default_factory=dict)
    """Why a changed file counts as changed, by path."""
    signature_problem: str | None = None
    """What is wrong with the signature, in one sentence, or None when nothing is."""

    @property
    def status(self) -> str:
        """'ok' (intact and validly signed), 'unsigned' (intact, no signature), 'tampered'."""
        if self.problems():
            return "tampered"
        return "ok" if self.signature == "valid" else "unsigned"

    def problems(self) -> list[str]:
        """One sentence per problem, each naming the file concerned."""
        problems = [f"changed: {path} ({self.change_reasons[path]})" for path in self.changed]
        problems += [f"added: {path} (not in the manifest)" for path in self.added]
        problems += [f"removed: {path} (listed in the manifest, missing)" for path in self.removed]
        if not self.fingerprint_ok:
            problems.append(
                f"evidence fingerprint: {MANIFEST_FILE} records a fingerprint that does not "
                "match its content (the manifest was edited)"
            )
        if self.signature_problem is not None:
            problems.append(f"signature: {self.signature_problem}")
        return problems

    def notes(self) -> list[str]:
        """Caveats that are not problems: what a passing check does not prove."""
        if self.signature == "valid" and not self.public_key_given:
            return [
                f"signature: valid, but checked only with the key inside the bundle "
                f"({self.key_fingerprint}): this proves the files are unchanged since signing, "
                "not who signed; pass --public-key with the signer's .pub file to prove that"
            ]
        if self.signature == "missing" and not self.problems():
            return [
                "signature: the bundle is not signed, so the manifest itself could have been "
                "rewritten; sign scans with a signing key to prevent that"
            ]
        return []


def verify_bundle(folder: Path, trusted_key: Ed25519PublicKey | None = None) -> Verification:
    """Compare ``folder`` with its manifest.json and check manifest.sig.

    ``trusted_key`` is the signer's public key from a trusted source; without it the
    signature proves integrity only. A missing or unreadable manifest.json is a UserError.
    """
    manifest_bytes, manifest = read_manifest(folder)
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    present = {
        relative: path for relative, path in list_entries(folder).items() if is_evidence(relative)
    }
    reasons = {
        relative: reason
        for relative, expected in listed.items()
        if relative in present and (reason := _change_reason(present[relative], expected))
    }
    signature = check_signature(folder, manifest_bytes, trusted_key)
    recomputed = evidence_fingerprint(manifest)
    return Verification(
        changed=list(reasons),
        added=[relative for relative in present if relative not in listed],
        removed=[relative for relative in listed if relative not in present],
        signature=signature.status,
        key_fingerprint=signature.key_fingerprint,
        evidence_fingerprint=recomputed,
        fingerprint_ok=manifest.get("evidence_fingerprint") == recomputed,
        public_key_given=trusted_key is not None,
        change_reasons=reasons,
        signature_problem=signature.problem,
    )


def _change_reason(path: Path, expected_sha256: str) -> str | None:
    """Why the file at ``path`` does not match the manifest, or None when it does."""
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            return "a symbolic link, not a plain file"
        if not stat.S_ISREG(mode):
            return "not a regular file"
        digest, _ = file_sha256(path)
    except OSError as error:
        return f"cannot be read: {error.strerror}"
    return None if digest == expected_sha256 else "SHA-256 differs from the manifest"
