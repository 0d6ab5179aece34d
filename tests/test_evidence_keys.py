"""Key pairs: generated, written, loaded back, and every mistake a user can make with them."""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from scanner.errors import UserError
from scanner.evidence.keys import (
    generate_encryption_key,
    generate_signing_key,
    key_fingerprint,
    load_private_key,
    load_public_key,
    write_key_pair,
)

PASSPHRASE = b"correct horse battery staple"


def _key_pair(tmp_path: Path, purpose: str, name: str = "scan") -> tuple[Path, Path]:
    generate = generate_signing_key if purpose == "signing" else generate_encryption_key
    return write_key_pair(tmp_path / name, *generate(PASSPHRASE))


def _user_error(call, *args) -> str:
    """The message of the UserError ``call(*args)`` raises, checked to be one line."""
    with pytest.raises(UserError) as raised:
        call(*args)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_signing_key_round_trip(tmp_path: Path) -> None:
    key_path, pub_path = _key_pair(tmp_path, "signing")
    assert (key_path.name, pub_path.name) == ("scan.key", "scan.pub")
    private_key = load_private_key(key_path, PASSPHRASE, "signing")
    public_key = load_public_key(pub_path, "signing")
    assert key_fingerprint(private_key.public_key()) == key_fingerprint(public_key)
    public_key.verify(private_key.sign(b"manifest"), b"manifest")


def test_encryption_key_round_trip(tmp_path: Path) -> None:
    key_path, pub_path = _key_pair(tmp_path, "encryption")
    private_key = load_private_key(key_path, PASSPHRASE, "encryption")
    public_key = load_public_key(pub_path, "encryption")
    assert key_fingerprint(private_key.public_key()) == key_fingerprint(public_key)


def test_private_key_is_encrypted_and_owner_only(tmp_path: Path) -> None:
    key_path, pub_path = _key_pair(tmp_path, "signing")
    assert key_path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert pub_path.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_fingerprint_is_sha256_of_the_raw_public_key(tmp_path: Path) -> None:
    public_key = load_public_key(_key_pair(tmp_path, "signing")[1], "signing")
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    fingerprint = key_fingerprint(public_key)
    assert re.fullmatch(r"SHA256:[0-9a-f]{64}", fingerprint)
    assert fingerprint == "SHA256:" + hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("generate", [generate_signing_key, generate_encryption_key])
def test_empty_passphrase_is_refused(generate) -> None:
    assert "passphrase is empty" in _user_error(generate, b"")


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    key_path, pub_path = _key_pair(tmp_path, "signing")
    before = key_path.read_bytes()
    message = _user_error(write_key_pair, tmp_path / "scan", *generate_signing_key(PASSPHRASE))
    assert str(key_path) in message
    assert "already exists" in message
    assert key_path.read_bytes() == before
    pub_path.unlink()
    _user_error(write_key_pair, tmp_path / "scan", *generate_signing_key(PASSPHRASE))
    assert not pub_path.exists(), "half a pair was written"


def test_wrong_passphrase(tmp_path: Path) -> None:
    key_path, _ = _key_pair(tmp_path, "signing")
    message = _user_error(load_private_key, key_path, b"not the passphrase", "signing")
    assert message.startswith(f"wrong passphrase for {key_path}")


@pytest.mark.parametrize("passphrase", [None, b""])
def test_missing_passphrase(tmp_path: Path, passphrase: bytes | None) -> None:
    key_path, _ = _key_pair(tmp_path, "signing")
    assert "protected by a passphrase" in _user_error(
        load_private_key, key_path, passphrase, "signing"
    )


def test_encryption_key_given_for_signing(tmp_path: Path) -> None:
    key_path, pub_path = _key_pair(tmp_path, "encryption")
    message = _user_error(load_private_key, key_path, PASSPHRASE, "signing")
    assert "X25519" in message
    assert "scanner keygen --purpose sign`" in message
    assert "scanner keygen --purpose sign`" in _user_error(load_public_key, pub_path, "signing")


def test_signing_key_given_for_encryption(tmp_path: Path) -> None:
    key_path, pub_path = _key_pair(tmp_path, "signing")
    message = _user_error(load_private_key, key_path, PASSPHRASE, "encryption")
    assert "Ed25519" in message
    assert "scanner keygen --purpose encrypt`" in message
    assert "--purpose encrypt" in _user_error(load_public_key, pub_path, "encryption")


def test_public_and_private_key_files_swapped(tmp_path: Path) -> None:
    key_path, pub_path = _key_pair(tmp_path, "signing")
    assert "is a public key" in _user_error(load_private_key, pub_path, PASSPHRASE, "signing")
    assert "is a private key" in _user_error(load_public_key, key_path, "signing")


def test_missing_key_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.key"
    message = _user_error(load_private_key, missing, PASSPHRASE, "signing")
    assert str(missing) in message
    assert "does not exist" in message
    assert "does not exist" in _user_error(load_public_key, tmp_path / "nowhere.pub", "signing")


@pytest.mark.parametrize(
    "content",
    [
        b"not a key at all",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ],
)
def test_not_a_key(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.key"
    path.write_bytes(content)
    assert str(path) in _user_error(load_private_key, path, PASSPHRASE, "signing")
    assert str(path) in _user_error(load_public_key, path, "signing")
