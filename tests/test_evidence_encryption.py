"""Evidence encrypted at rest: round trips, wrong keys, moved files and tampering."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from scanner.errors import UserError
from scanner.evidence.encryption import (
    MAGIC,
    decrypt_file,
    decrypt_folder,
    encrypt_file,
    encrypt_folder_files,
)
from scanner.evidence.keys import (
    generate_encryption_key,
    load_private_key,
    load_public_key,
    write_key_pair,
)
from scanner.evidence.manifest import build_manifest, write_manifest
from scanner.evidence.signing import sign_manifest
from scanner.evidence.verify import verify_bundle

RECIPIENT = X25519PrivateKey.generate()
OTHER = X25519PrivateKey.generate()

CONTENTS = {
    "all-bytes": bytes(range(256)),
    "empty": b"",
    "text": "Cookie: _ga=GA1.2.3; café\n".encode(),
}
RAW_EVIDENCE = {
    "evidence/har/0001.har": b'{"log": {"entries": []}}',
    "evidence/screenshots/home.png": bytes(range(256)) * 8,
    "evidence/empty.txt": b"",
}
PLAIN = {"findings.json": b'{"findings": []}\n', "report.pdf": b"%PDF-1.7\n%%EOF\n"}


def _encrypted(tmp_path: Path, content: bytes, relative: str = "evidence/a.har") -> Path:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return encrypt_file(path, relative, RECIPIENT.public_key())


def _bundle(folder: Path) -> Path:
    for relative, content in {**RAW_EVIDENCE, **PLAIN}.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    return folder


def _cannot_decrypt(enc_path: Path, relative: str, key: X25519PrivateKey) -> str:
    with pytest.raises(UserError) as raised:
        decrypt_file(enc_path, relative, key)
    message = str(raised.value)
    assert message == (
        f"cannot decrypt {enc_path}: it was encrypted for another key, or it was changed"
    )
    return message


@pytest.mark.parametrize("content", CONTENTS.values(), ids=CONTENTS.keys())
def test_round_trip_gives_the_exact_bytes(tmp_path: Path, content: bytes) -> None:
    enc_path = _encrypted(tmp_path, content)
    assert enc_path == tmp_path / "evidence" / "a.har.enc"
    assert not (tmp_path / "evidence" / "a.har").exists(), "the plaintext must be gone"
    data = enc_path.read_bytes()
    assert data.startswith(MAGIC)
    assert len(data) == len(MAGIC) + 32 + 12 + len(content) + 16
    assert decrypt_file(enc_path, "evidence/a.har", RECIPIENT) == content


def test_same_plaintext_encrypts_differently(tmp_path: Path) -> None:
    first = _encrypted(tmp_path / "one", b"same evidence").read_bytes()
    second = _encrypted(tmp_path / "two", b"same evidence").read_bytes()
    assert first[8:40] != second[8:40], "each file needs a fresh ephemeral key"
    assert first != second


def test_keys_from_key_files(tmp_path: Path) -> None:
    key_path, pub_path = write_key_pair(tmp_path / "recipient", *generate_encryption_key(b"pw"))
    (tmp_path / "x.har").write_bytes(b"evidence")
    enc_path = encrypt_file(tmp_path / "x.har", "x.har", load_public_key(pub_path, "encryption"))
    private_key = load_private_key(key_path, b"pw", "encryption")
    assert decrypt_file(enc_path, "x.har", private_key) == b"evidence"


def test_another_key_cannot_decrypt(tmp_path: Path) -> None:
    _cannot_decrypt(_encrypted(tmp_path, b"secret"), "evidence/a.har", OTHER)


def test_renamed_file_cannot_decrypt(tmp_path: Path) -> None:
    enc_path = _encrypted(tmp_path, b"secret")
    renamed = enc_path.rename(tmp_path / "evidence" / "b.har.enc")
    _cannot_decrypt(renamed, "evidence/b.har", RECIPIENT)


@pytest.mark.parametrize(
    "offset",
    [8, 39, 40, 51, 52, -1],
    ids=["ephemeral-key", "ephemeral-key-end", "nonce", "nonce-end", "ciphertext", "tag"],
)
def test_tampered_file_cannot_decrypt(tmp_path: Path, offset: int) -> None:
    enc_path = _encrypted(tmp_path, b"some evidence bytes")
    data = bytearray(enc_path.read_bytes())
    data[offset] ^= 0x01
    enc_path.write_bytes(bytes(data))
    _cannot_decrypt(enc_path, "evidence/a.har", RECIPIENT)


@pytest.mark.parametrize("keep", [0, 20, 67])
def test_truncated_file_cannot_decrypt(tmp_path: Path, keep: int) -> None:
    enc_path = _encrypted(tmp_path, b"some evidence bytes")
    enc_path.write_bytes(MAGIC + enc_path.read_bytes()[len(MAGIC) : len(MAGIC) + keep])
    _cannot_decrypt(enc_path, "evidence/a.har", RECIPIENT)


def test_not_an_encrypted_file(tmp_path: Path) -> None:
    path = tmp_path / "plain.har.enc"
    path.write_bytes(b"plain text, never encrypted")
    with pytest.raises(UserError, match="not an encrypted evidence file"):
        decrypt_file(path, "plain.har", RECIPIENT)


def test_folder_round_trip(tmp_path: Path) -> None:
    folder = _bundle(tmp_path / "bundle")
    renamed = encrypt_folder_files(folder, list(RAW_EVIDENCE), RECIPIENT.public_key())
    assert renamed == [relative + ".enc" for relative in RAW_EVIDENCE]
    assert all((folder / relative).exists() for relative in renamed)
    assert not any((folder / relative).exists() for relative in RAW_EVIDENCE)
    out = tmp_path / "decrypted"
    written = decrypt_folder(folder, RECIPIENT, out)
    assert sorted(written) == sorted({**RAW_EVIDENCE, **PLAIN})
    for relative, content in {**RAW_EVIDENCE, **PLAIN}.items():
        assert (out / relative).read_bytes() == content


def test_decrypt_into_an_existing_empty_folder(tmp_path: Path) -> None:
    folder = _bundle(tmp_path / "bundle")
    encrypt_folder_files(folder, list(RAW_EVIDENCE), RECIPIENT.public_key())
    (tmp_path / "out").mkdir()
    decrypt_folder(folder, RECIPIENT, tmp_path / "out")
    assert (tmp_path / "out" / "evidence" / "empty.txt").read_bytes() == b""


def test_decrypt_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    folder = _bundle(tmp_path / "bundle")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_bytes(b"mine")
    with pytest.raises(UserError, match="already exists and is not empty"):
        decrypt_folder(folder, RECIPIENT, out)
    assert [path.name for path in out.iterdir()] == ["keep.txt"]


def test_failed_decrypt_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = _bundle(tmp_path / "bundle")
    encrypt_folder_files(folder, list(RAW_EVIDENCE), RECIPIENT.public_key())
    with pytest.raises(UserError, match="cannot decrypt"):
        decrypt_folder(folder, OTHER, tmp_path / "out")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bundle"]


def test_encrypted_bundle_is_signed_and_verified(tmp_path: Path) -> None:
    """Encryption runs before the manifest, so the manifest vouches for the .enc files."""
    folder = _bundle(tmp_path / "bundle")
    encrypt_folder_files(folder, list(RAW_EVIDENCE), RECIPIENT.public_key())
    manifest = build_manifest(
        folder,
        scanner_version="0.1.0",
        configuration={},
        started_at="2025-01-02T03:04:05Z",
        finished_at="2025-01-02T03:09:00Z",
        previous_manifest_sha256=None,
    )
    assert "evidence/har/0001.har.enc" in [entry["path"] for entry in manifest["files"]]
    write_manifest(folder, manifest)
    sign_manifest(folder, Ed25519PrivateKey.generate())
    assert verify_bundle(folder).status == "ok"
