"""The manifest of an output folder: every file with its size and SHA-256, plus scan context.

The manifest is what gets signed, so any change to any listed file shows up as a hash
mismatch against a signed document. Scans can chain: each manifest records the SHA-256 of
the previous scan's manifest, so a removed or rewritten earlier scan breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from scanner.errors import UserError
from scanner.folder_names import WORKING_STATE

FORMAT = "scanner-evidence-manifest/1"
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"
REPORT_FILES = ("report.pdf", "report.html")
PARTIAL_SUFFIX = ".partial"
_CHUNK = 1024 * 1024


def build_manifest(
    folder: Path,
    *,
    scanner_version: str,
    configuration: dict[str, Any],
    started_at: str,
    finished_at: str,
    previous_manifest_sha256: str | None,
) -> dict[str, Any]:
    """The manifest of ``folder``: every evidence file, sorted by path, and its fingerprint.

    Symbolic links and other non-regular files are refused: a link's target can change
    after signing without the bundle changing, so it cannot be evidence.
    """
    files = []
    for relative, path in list_entries(folder).items():
        if not is_evidence(relative):
            continue
        try:
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                raise UserError(f"{path} is a symbolic link; replace it with a copy of the file")
            if not stat.S_ISREG(mode):
                raise UserError(f"{path} is not a regular file; evidence must be plain files")
            digest, size = file_sha256(path)
        except OSError as error:
            raise UserError(f"cannot read {path}: {error.strerror}") from None
        files.append({"path": relative, "sha256": digest, "size": size})
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "scanner_version": scanner_version,
        "configuration": configuration,
        "started_at": started_at,
        "finished_at": finished_at,
        "previous_manifest_sha256": previous_manifest_sha256,
        "files": files,
    }
    manifest["evidence_fingerprint"] = evidence_fingerprint(manifest)
    return manifest


def evidence_fingerprint(manifest: dict[str, Any]) -> str:
    """SHA-256 (hex) of the manifest's canonical JSON without the reports and this fingerprint.

    The report's cover shows this fingerprint, and a report cannot contain a hash over a
    manifest that lists the report itself. So the fingerprint covers all evidence and the
    scan context but not the reports; the signed manifest covers the reports as well.
    """
    content = {key: value for key, value in manifest.items() if key != "evidence_fingerprint"}
    content["files"] = [entry for entry in manifest["files"] if entry["path"] not in REPORT_FILES]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_manifest(folder: Path, manifest: dict[str, Any]) -> bytes:
    """Write manifest.json atomically and return its exact bytes (what gets signed)."""
    data = (json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
    write_atomically(folder / MANIFEST_FILE, data)
    return data


def read_manifest(folder: Path) -> tuple[bytes, dict[str, Any]]:
    """The bytes of ``folder``'s manifest.json and the manifest, checked for its shape."""
    path = folder / MANIFEST_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(
            f"{folder} has no {MANIFEST_FILE}: not an evidence bundle (scan with a recent scanner)"
        ) from None
    except OSError as error:
        raise UserError(f"{path} cannot be read: {error.strerror}") from None
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserError(f"{path} is not valid JSON: the bundle is damaged or was edited") from None
    if not _well_formed(manifest):
        raise UserError(f"{path} is not a {FORMAT} manifest: the bundle is damaged or was edited")
    return data, manifest


def _well_formed(manifest: Any) -> bool:
    return (
        isinstance(manifest, dict)
        and manifest.get("format") == FORMAT
        and isinstance(manifest.get("files"), list)
        and all(
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
            for entry in manifest["files"]
        )
    )


def manifest_sha256(folder: Path) -> str:
    """SHA-256 (hex) of ``folder``'s manifest.json bytes, recorded by the next scan."""
    data, _ = read_manifest(folder)
    return hashlib.sha256(data).hexdigest()


def list_entries(folder: Path) -> dict[str, Path]:
    """Every non-directory entry under ``folder`` by relative POSIX path, sorted.

    Symbolic links are listed, never followed (a linked folder is one entry, not a tree),
    so that callers see them and can refuse them.
    """
    entries: dict[str, Path] = {}
    pending = [folder]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as scan:
                children = list(scan)
        except OSError as error:
            raise UserError(f"cannot list {directory}: {error.strerror}") from None
        for child in children:
            path = Path(child.path)
            if child.is_dir(follow_symlinks=False):
                pending.append(path)
            else:
                entries[path.relative_to(folder).as_posix()] = path
    return dict(sorted(entries.items()))


def is_evidence(relative: str) -> bool:
    """Whether a listed path belongs in the manifest.

    Not the manifest itself, nor its signature, nor a file still being written, nor the
    working state an interrupted scan keeps for its resume.
    """
    if relative.split("/", 1)[0] in WORKING_STATE:
        return False
    return relative not in (MANIFEST_FILE, SIGNATURE_FILE) and not relative.endswith(PARTIAL_SUFFIX)


def file_sha256(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in chunks so big files stay out of memory."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` through a ``.partial`` file, so a crash never leaves half a file.

    ``.partial`` files are never listed in a manifest, so a leftover one cannot be mistaken
    for evidence.
    """
    temporary = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {error.strerror}") from None
