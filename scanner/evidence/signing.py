"""manifest.sig: an Ed25519 signature over the exact bytes of manifest.json.

The signature file carries the signer's public key, so a bundle can be checked without any
key file. That check proves only that nothing changed since *someone* signed: whoever
edits the bundle can re-sign it with their own key. Proof of *who* signed needs the
signer's public key from a trusted source (``--public-key``), compared here by fingerprint.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from scanner.evidence.keys import key_fingerprint
from scanner.evidence.manifest import (
    MANIFEST_FILE,
    SIGNATURE_FILE,
    read_manifest,
    write_atomically,
)

ALGORITHM = "Ed25519"
_SIGNATURE_LENGTH = 64


def sign_manifest(folder: Path, private_key: Ed25519PrivateKey) -> None:
    """Sign ``folder``'s manifest.json as it is on disk and write manifest.sig next to it."""
    manifest_bytes, _ = read_manifest(folder)
    public_key = private_key.public_key()
    record = {
        "algorithm": ALGORITHM,
        "key_fingerprint": key_fingerprint(public_key),
        "public_key": public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii"),
        "signature": base64.b64encode(private_key.sign(manifest_bytes)).decode("ascii"),
    }
    text = json.dumps(record, indent=1, sort_keys=True) + "\n"
    write_atomically(folder / SIGNATURE_FILE, text.encode("utf-8"))


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of checking manifest.sig against manifest.json."""

    status: str
    """'valid', 'invalid', 'missing' or 'key-mismatch'."""
    key_fingerprint: str | None
    """The fingerprint of the key that signed, when manifest.sig names a usable one."""
    problem: str | None
    """One sentence saying what is wrong, or None when nothing is."""


def check_signature(
    folder: Path, manifest_bytes: bytes, trusted_key: Ed25519PublicKey | None = None
) -> SignatureCheck:
    """Check ``folder``'s manifest.sig over ``manifest_bytes``, and the signer if trusted_key.

    A damaged manifest.sig is an 'invalid' signature, never a crash: a bundle that was
    tampered with is exactly when the file may be garbage.
    """
    path = folder / SIGNATURE_FILE
    if not path.exists() and not path.is_symlink():
        if trusted_key is None:
            return SignatureCheck("missing", None, None)
        return SignatureCheck(
            "missing",
            None,
            f"{SIGNATURE_FILE} is missing but --public-key was given "
            "(the bundle was never signed, or its signature was removed)",
        )
    try:
        signer, signature = _read_signature_file(path)
    except ValueError as error:
        return SignatureCheck("invalid", None, f"{SIGNATURE_FILE} is damaged ({error})")
    fingerprint = key_fingerprint(signer)
    try:
        signer.verify(signature, manifest_bytes)
    except InvalidSignature:
        return SignatureCheck(
            "invalid",
            fingerprint,
            f"{SIGNATURE_FILE} does not match {MANIFEST_FILE} "
            "(the manifest was changed or re-signed with another key)",
        )
    if trusted_key is not None and key_fingerprint(trusted_key) != fingerprint:
        return SignatureCheck(
            "key-mismatch",
            fingerprint,
            f"signed by {fingerprint} but --public-key is {key_fingerprint(trusted_key)}",
        )
    return SignatureCheck("valid", fingerprint, None)


def _read_signature_file(path: Path) -> tuple[Ed25519PublicKey, bytes]:
    """The signer's key and the signature in manifest.sig; ValueError saying what is wrong."""
    try:
        record = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise ValueError(f"cannot be read: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("not valid JSON") from None
    if not isinstance(record, dict) or record.get("algorithm") != ALGORITHM:
        raise ValueError(f"not an {ALGORITHM} signature record")
    fields = (record.get("public_key"), record.get("signature"), record.get("key_fingerprint"))
    if not all(isinstance(field, str) for field in fields):
        raise ValueError("public_key, signature or key_fingerprint is missing")
    public_pem, signature_text, recorded_fingerprint = fields
    try:
        signer = serialization.load_pem_public_key(public_pem.encode("utf-8"))
    except (ValueError, UnsupportedAlgorithm):
        raise ValueError("its public_key is not a PEM public key") from None
    if not isinstance(signer, Ed25519PublicKey):
        raise ValueError(f"its public_key is not an {ALGORITHM} key")
    if recorded_fingerprint != key_fingerprint(signer):
        raise ValueError("its key_fingerprint does not belong to its public_key")
    try:
        signature = base64.b64decode(signature_text, validate=True)
    except binascii.Error:
        raise ValueError("its signature is not base64") from None
    if base64.b64encode(signature).decode("ascii") != signature_text:
        raise ValueError("its signature is not in canonical base64")
    if len(signature) != _SIGNATURE_LENGTH:
        raise ValueError(f"its signature is not {_SIGNATURE_LENGTH} bytes long")
    return signer, signature
