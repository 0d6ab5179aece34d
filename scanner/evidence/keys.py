"""Key pairs for evidence bundles, stored as PEM files the user can keep and share.

Two kinds, never interchangeable: Ed25519 keys sign manifests ("signing"), X25519 keys
receive encrypted evidence ("encryption"). Private keys are always written encrypted with a
passphrase, so a copied key file alone cannot sign or decrypt anything.

How much that protects depends on the passphrase: for PKCS8, ``BestAvailableEncryption``
in ``cryptography`` is PBKDF2-HMAC-SHA256 with only 2048 iterations (then AES-256-CBC),
cheap to brute-force offline, and the library offers no way to raise it for PKCS8. Long,
random passphrases are what keeps a stolen key file useless.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Literal, overload

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from scanner.errors import UserError

KeyKind = Literal["signing", "encryption"]
PrivateKey = Ed25519PrivateKey | X25519PrivateKey
PublicKey = Ed25519PublicKey | X25519PublicKey

_KEYGEN_PURPOSE: dict[str, str] = {"signing": "sign", "encryption": "encrypt"}
_NEEDED: dict[str, str] = {"signing": "an Ed25519 key", "encryption": "an X25519 key"}
_DESCRIPTION: dict[type, str] = {
    Ed25519PrivateKey: "an Ed25519 signing key",
    Ed25519PublicKey: "an Ed25519 signing key",
    X25519PrivateKey: "an X25519 encryption key",
    X25519PublicKey: "an X25519 encryption key",
}
_PEM_LABEL = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")


def generate_signing_key(passphrase: bytes) -> tuple[bytes, bytes]:
    """A new Ed25519 pair: (passphrase-encrypted PKCS8 PEM, SubjectPublicKeyInfo PEM)."""
    return _pem_pair(Ed25519PrivateKey.generate(), passphrase)


def generate_encryption_key(passphrase: bytes) -> tuple[bytes, bytes]:
    """A new X25519 pair for a recipient of encrypted evidence, as PEM like the signing pair."""
    return _pem_pair(X25519PrivateKey.generate(), passphrase)


def _pem_pair(key: PrivateKey, passphrase: bytes) -> tuple[bytes, bytes]:
    if not passphrase:
        raise UserError("the passphrase is empty; choose a passphrase to protect the private key")
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def key_fingerprint(public_key: PublicKey) -> str:
    """``SHA256:`` and the hex SHA-256 of the 32 raw public key bytes.

    Short enough to read out over the phone and compare with what ``verify`` prints, and
    independent of how the key file is encoded (PEM line breaks, headers). It is not the
    OpenSSH fingerprint format (base64 over the SSH wire encoding): do not compare the two.
    """
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + hashlib.sha256(raw).hexdigest()


def write_key_pair(prefix: Path, private_pem: bytes, public_pem: bytes) -> tuple[Path, Path]:
    """Write PREFIX.key (readable by the owner only) and PREFIX.pub; return both paths.

    Existing files are never overwritten: losing a private key loses the ability to sign
    or to decrypt everything encrypted for it.
    """
    key_path = prefix.with_name(prefix.name + ".key")
    pub_path = prefix.with_name(prefix.name + ".pub")
    for path in (key_path, pub_path):
        if path.exists() or path.is_symlink():
            raise UserError(f"{path} already exists; choose another name or move it away first")
    _create_new(key_path, private_pem, 0o600)
    try:
        _create_new(pub_path, public_pem, 0o644)
    except UserError:
        key_path.unlink()
        raise
    return key_path, pub_path


def _create_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` with ``mode`` from the start (no window where a key is world-readable)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise UserError(f"{path} already exists; choose another name or move it away") from None
    except OSError as error:
        raise UserError(f"cannot create {path}: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
    except OSError as error:
        path.unlink()
        raise UserError(f"cannot write {path}: {error.strerror}") from None


@overload
def load_private_key(
    path: Path, passphrase: bytes | None, kind: Literal["signing"]
) -> Ed25519PrivateKey: ...
@overload
def load_private_key(
    path: Path, passphrase: bytes | None, kind: Literal["encryption"]
) -> X25519PrivateKey: ...
def load_private_key(path: Path, passphrase: bytes | None, kind: KeyKind) -> PrivateKey:
    """The private key in ``path``, checked to be of ``kind``, or a UserError saying why not.

    A key stored without a passphrase (made with other tools) loads, passphrase or not.
    """
    data = _read_key_file(path, kind)
    label = _pem_label(data)
    if label is None or "PRIVATE KEY" not in label:
        if label is not None and "PUBLIC KEY" in label:
            raise UserError(f"{path} is a public key; give the private key (the .key file)")
        raise UserError(f"{path} is not a PEM private key; {_keygen_hint(kind)}")
    encrypted = label == "ENCRYPTED PRIVATE KEY" or b"Proc-Type: 4,ENCRYPTED" in data
    if encrypted and not passphrase:
        raise UserError(f"{path} is protected by a passphrase; give its passphrase")
    try:
        key = serialization.load_pem_private_key(data, passphrase if encrypted else None)
    except (ValueError, UnsupportedAlgorithm):
        if encrypted:
            raise UserError(f"wrong passphrase for {path} (or the key file is damaged)") from None
        raise UserError(
            f"{path} is damaged or not a supported private key; {_keygen_hint(kind)}"
        ) from None
    return _check_kind(key, path, kind)


@overload
def load_public_key(path: Path, kind: Literal["signing"]) -> Ed25519PublicKey: ...
@overload
def load_public_key(path: Path, kind: Literal["encryption"]) -> X25519PublicKey: ...
def load_public_key(path: Path, kind: KeyKind) -> PublicKey:
    """The public key in ``path``, checked to be of ``kind``, or a UserError saying why not."""
    data = _read_key_file(path, kind)
    label = _pem_label(data)
    if label != "PUBLIC KEY":
        if label is not None and "PRIVATE KEY" in label:
            raise UserError(f"{path} is a private key; give the public key (the .pub file)")
        raise UserError(f"{path} is not a PEM public key; give the .pub file of the key pair")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise UserError(f"{path} is damaged or not a supported public key") from None
    return _check_kind(key, path, kind)


def _read_key_file(path: Path, kind: KeyKind) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"key file {path} does not exist; {_keygen_hint(kind)}") from None
    except OSError as error:
        raise UserError(f"key file {path} cannot be read: {error.strerror}") from None


def _pem_label(data: bytes) -> str | None:
    """The label of the first PEM block ("ENCRYPTED PRIVATE KEY", "PUBLIC KEY"...), if any."""
    match = _PEM_LABEL.search(data)
    return match.group(1).decode("ascii") if match else None


def _check_kind(key: object, path: Path, kind: KeyKind) -> PrivateKey | PublicKey:
    """``key`` if it is of ``kind``; otherwise say what it is and how to make the right one."""
    wanted = (
        (Ed25519PrivateKey, Ed25519PublicKey)
        if kind == "signing"
        else (X25519PrivateKey, X25519PublicKey)
    )
    if isinstance(key, wanted):
        return key
    found = next(
        (text for cls, text in _DESCRIPTION.items() if isinstance(key, cls)),
        f"a key of type {type(key).__name__}",
    )
    raise UserError(f"{path} holds {found}, but {kind} needs {_NEEDED[kind]}; {_keygen_hint(kind)}")


def _keygen_hint(kind: KeyKind) -> str:
    return f"make one with `scanner keygen --purpose {_KEYGEN_PURPOSE[kind]}`"
