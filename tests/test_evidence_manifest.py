"""Manifest, signature and verification of an evidence bundle, with real keys and files."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from scanner.errors import UserError
from scanner.evidence.keys import key_fingerprint
from scanner.evidence.manifest import (
    MANIFEST_FILE,
    SIGNATURE_FILE,
    build_manifest,
    evidence_fingerprint,
    manifest_sha256,
    write_manifest,
)
from scanner.evidence.signing import sign_manifest
from scanner.evidence.verify import verify_bundle

SIGNER = Ed25519PrivateKey.generate()
STRANGER = Ed25519PrivateKey.generate()

FILES = {
    "scan.json": b'{"pages": []}\n',
    "findings.json": b'{"findings": [{"rule": "cookie-before-consent"}]}\n',
    "evidence/har/0001.har": b'{"log": {"entries": []}}',
    "evidence/screenshots/home.png": bytes(range(256)) * 4,
    "evidence/empty.txt": b"",
    "report.pdf": b"%PDF-1.7 fake report\n%%EOF\n",
    "report.html": b"<html><body>report</body></html>\n",
}
BUNDLE_FILES = [*FILES, MANIFEST_FILE, SIGNATURE_FILE]


def _write_files(folder: Path, files: dict[str, bytes] = FILES) -> Path:
    for relative, content in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    return folder


def _manifest(folder: Path, previous: str | None = None, **configuration: object) -> dict:
    return build_manifest(
        folder,
        scanner_version="0.1.0",
        configuration={"start_url": "https://shop.example/", **configuration},
        started_at="2025-01-02T03:04:05Z",
        finished_at="2025-01-02T03:09:00Z",
        previous_manifest_sha256=previous,
    )


def _seal(folder: Path, key: Ed25519PrivateKey | None = SIGNER) -> Path:
    """Write the manifest of ``folder`` and sign it with ``key`` (None: leave unsigned)."""
    write_manifest(folder, _manifest(folder))
    if key is not None:
        sign_manifest(folder, key)
    return folder


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return _seal(_write_files(tmp_path / "bundle"))


def _change_one_byte(path: Path) -> None:
    """Flip the low bit of one byte that matters (inside a hash or a signature for JSON)."""
    data = bytearray(path.read_bytes())
    if not data:
        path.write_bytes(b"\0")
        return
    text = bytes(data)
    if path.name == MANIFEST_FILE:
        index = text.index(b'"sha256": "') + len(b'"sha256": "') + 32
    elif path.name == SIGNATURE_FILE:
        index = text.index(b'"signature": "') + len(b'"signature": "') + 40
    else:
        index = len(data) // 2
    data[index] ^= 0x01
    path.write_bytes(bytes(data))


def _assert_tampered(folder: Path, named: str, **kwargs) -> list[str]:
    verification = verify_bundle(folder, **kwargs)
    problems = verification.problems()
    assert verification.status == "tampered"
    assert any(named in problem for problem in problems), problems
    return problems


def test_manifest_lists_every_file_sorted_with_size_and_hash(tmp_path: Path) -> None:
    folder = _write_files(tmp_path)
    (folder / "evidence" / "har" / "0002.har.partial").write_bytes(b"half written")
    (folder / "scan.pages.jsonl").write_bytes(b"{}\n")  # an interrupted scan's state
    (folder / ".scan-state").mkdir()
    (folder / ".scan-state" / "run.json").write_bytes(b"{}")
    manifest = _manifest(folder)
    assert manifest["format"] == "scanner-evidence-manifest/1"
    assert [entry["path"] for entry in manifest["files"]] == sorted(FILES)
    for entry in manifest["files"]:
        content = FILES[entry["path"]]
        assert entry["size"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
    assert manifest["evidence_fingerprint"] == evidence_fingerprint(manifest)


def test_manifest_skips_its_own_files(bundle: Path) -> None:
    rebuilt = _manifest(bundle)
    assert [entry["path"] for entry in rebuilt["files"]] == sorted(FILES)


def test_write_manifest_returns_the_exact_bytes(tmp_path: Path) -> None:
    folder = _write_files(tmp_path)
    manifest = _manifest(folder)
    written = write_manifest(folder, manifest)
    assert written == (folder / MANIFEST_FILE).read_bytes()
    assert written.endswith(b"}\n")
    assert json.loads(written) == manifest
    assert manifest_sha256(folder) == hashlib.sha256(written).hexdigest()


def test_previous_manifest_hash_is_recorded(tmp_path: Path) -> None:
    first = _seal(_write_files(tmp_path / "first"))
    second = _write_files(tmp_path / "second")
    previous = manifest_sha256(first)
    write_manifest(second, _manifest(second, previous=previous))
    recorded = json.loads((second / MANIFEST_FILE).read_bytes())["previous_manifest_sha256"]
    assert recorded == previous == hashlib.sha256((first / MANIFEST_FILE).read_bytes()).hexdigest()


def test_evidence_fingerprint_ignores_only_the_reports(tmp_path: Path) -> None:
    folder = _write_files(tmp_path)
    original = _manifest(folder)["evidence_fingerprint"]
    (folder / "report.pdf").write_bytes(b"%PDF-1.7 another rendering\n")
    (folder / "report.html").write_bytes(b"<html>another rendering</html>\n")
    assert _manifest(folder)["evidence_fingerprint"] == original
    for relative in FILES:
        if relative in ("report.pdf", "report.html"):
            continue
        saved = (folder / relative).read_bytes()
        _change_one_byte(folder / relative)
        assert _manifest(folder)["evidence_fingerprint"] != original, relative
        (folder / relative).write_bytes(saved)
    assert _manifest(folder, max_pages=10)["evidence_fingerprint"] != original
    (folder / "evidence" / "new.txt").write_bytes(b"new")
    assert _manifest(folder)["evidence_fingerprint"] != original


def test_symlink_is_refused_when_building(tmp_path: Path) -> None:
    folder = _write_files(tmp_path / "bundle")
    (folder / "evidence" / "link.har").symlink_to(folder / "evidence" / "har" / "0001.har")
    with pytest.raises(UserError, match=r"link\.har is a symbolic link"):
        _manifest(folder)


def test_fresh_bundle_verifies_ok(bundle: Path) -> None:
    verification = verify_bundle(bundle)
    assert verification.status == "ok"
    assert verification.problems() == []
    assert verification.signature == "valid"
    assert verification.key_fingerprint == key_fingerprint(SIGNER.public_key())
    assert verification.fingerprint_ok
    recorded = json.loads((bundle / MANIFEST_FILE).read_bytes())["evidence_fingerprint"]
    assert verification.evidence_fingerprint == recorded
    assert any("--public-key" in note for note in verification.notes())


def test_fresh_bundle_verifies_ok_against_the_signers_key(bundle: Path) -> None:
    verification = verify_bundle(bundle, trusted_key=SIGNER.public_key())
    assert verification.status == "ok"
    assert verification.notes() == []


@pytest.mark.parametrize("relative", BUNDLE_FILES)
def test_changing_one_byte_of_any_file_is_tampering(bundle: Path, relative: str) -> None:
    _change_one_byte(bundle / relative)
    _assert_tampered(bundle, relative)


def test_changed_file_sentence(bundle: Path) -> None:
    _change_one_byte(bundle / "findings.json")
    problems = _assert_tampered(bundle, "findings.json")
    assert problems == ["changed: findings.json (SHA-256 differs from the manifest)"]


def test_changed_report_keeps_the_evidence_fingerprint(bundle: Path) -> None:
    _change_one_byte(bundle / "report.pdf")
    verification = verify_bundle(bundle)
    assert verification.changed == ["report.pdf"]
    assert verification.fingerprint_ok
    assert verification.signature == "valid"


def test_deleted_file(bundle: Path) -> None:
    (bundle / "evidence" / "har" / "0001.har").unlink()
    problems = _assert_tampered(bundle, "evidence/har/0001.har")
    assert problems == ["removed: evidence/har/0001.har (listed in the manifest, missing)"]


def test_added_file(bundle: Path) -> None:
    (bundle / "evidence" / "x.txt").write_bytes(b"planted")
    problems = _assert_tampered(bundle, "evidence/x.txt")
    assert problems == ["added: evidence/x.txt (not in the manifest)"]


def test_file_replaced_by_symlink(bundle: Path, tmp_path: Path) -> None:
    target = tmp_path / "outside.json"
    target.write_bytes(FILES["findings.json"])
    (bundle / "findings.json").unlink()
    (bundle / "findings.json").symlink_to(target)
    problems = _assert_tampered(bundle, "findings.json")
    assert problems == ["changed: findings.json (a symbolic link, not a plain file)"]


def test_edit_with_updated_manifest_breaks_the_signature(bundle: Path) -> None:
    """The attack the signature exists for: change evidence, then fix up the manifest."""
    (bundle / "findings.json").write_bytes(b'{"findings": []}\n')
    write_manifest(bundle, _manifest(bundle))
    verification = verify_bundle(bundle)
    assert verification.changed == verification.added == verification.removed == []
    assert verification.fingerprint_ok
    assert verification.signature == "invalid"
    _assert_tampered(bundle, "manifest.json")


def test_edited_fingerprint_is_reported(bundle: Path) -> None:
    manifest = json.loads((bundle / MANIFEST_FILE).read_bytes())
    manifest["evidence_fingerprint"] = "0" * 64
    write_manifest(bundle, manifest)
    sign_manifest(bundle, SIGNER)
    verification = verify_bundle(bundle)
    assert not verification.fingerprint_ok
    _assert_tampered(bundle, "evidence fingerprint")


def test_signature_from_another_bundle(bundle: Path, tmp_path: Path) -> None:
    other = _seal(_write_files(tmp_path / "other", {"scan.json": b"{}"}), STRANGER)
    shutil.copyfile(other / SIGNATURE_FILE, bundle / SIGNATURE_FILE)
    problems = _assert_tampered(bundle, SIGNATURE_FILE)
    assert problems == [
        "signature: manifest.sig does not match manifest.json "
        "(the manifest was changed or re-signed with another key)"
    ]


def test_resigned_with_another_key(bundle: Path) -> None:
    sign_manifest(bundle, STRANGER)
    alone = verify_bundle(bundle)
    assert alone.signature == "valid", "without --public-key only integrity can be checked"
    assert any("not who signed" in note for note in alone.notes())
    verification = verify_bundle(bundle, trusted_key=SIGNER.public_key())
    assert verification.signature == "key-mismatch"
    stranger, signer = key_fingerprint(STRANGER.public_key()), key_fingerprint(SIGNER.public_key())
    assert verification.problems() == [
        f"signature: signed by {stranger} but --public-key is {signer}"
    ]


def test_different_public_key_given(bundle: Path) -> None:
    problems = _assert_tampered(bundle, "--public-key", trusted_key=STRANGER.public_key())
    assert key_fingerprint(SIGNER.public_key()) in problems[0]


def test_unsigned_bundle(tmp_path: Path) -> None:
    folder = _seal(_write_files(tmp_path), key=None)
    verification = verify_bundle(folder)
    assert verification.status == "unsigned"
    assert verification.signature == "missing"
    assert verification.key_fingerprint is None
    assert verification.notes()


def test_unsigned_bundle_when_a_signer_is_expected(tmp_path: Path) -> None:
    folder = _seal(_write_files(tmp_path), key=None)
    _assert_tampered(folder, SIGNATURE_FILE, trusted_key=SIGNER.public_key())


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[]",
        b'{"algorithm": "Ed25519"}',
        b"\xff\xfe",
    ],
)
def test_damaged_signature_file_is_invalid_not_a_crash(bundle: Path, content: bytes) -> None:
    (bundle / SIGNATURE_FILE).write_bytes(content)
    assert verify_bundle(bundle).signature == "invalid"
    _assert_tampered(bundle, SIGNATURE_FILE)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signature", "not base64!"),
        ("signature", "AAAA"),
        ("public_key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
        ("key_fingerprint", "SHA256:" + "0" * 64),
        ("algorithm", "RSA"),
    ],
)
def test_edited_signature_field_is_invalid(bundle: Path, field: str, value: str) -> None:
    record = json.loads((bundle / SIGNATURE_FILE).read_bytes())
    record[field] = value
    (bundle / SIGNATURE_FILE).write_text(json.dumps(record))
    assert verify_bundle(bundle).signature == "invalid"


def test_folder_without_manifest(tmp_path: Path) -> None:
    folder = _write_files(tmp_path)
    with pytest.raises(UserError) as raised:
        verify_bundle(folder)
    assert str(raised.value) == (
        f"{folder} has no manifest.json: not an evidence bundle (scan with a recent scanner)"
    )


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"format": "other"}'])
def test_unparseable_manifest(bundle: Path, content: bytes) -> None:
    (bundle / MANIFEST_FILE).write_bytes(content)
    with pytest.raises(UserError, match=r"manifest\.json"):
        verify_bundle(bundle)
