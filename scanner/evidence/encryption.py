"""Raw evidence encrypted at rest for one recipient, who alone can read it back.

Construction, per file:

- a fresh ephemeral X25519 key pair (so no two files share a key, and the scanner keeps
  no secret that could decrypt what it wrote);
- shared secret = X25519(ephemeral private, recipient public);
- key = HKDF-SHA256(shared secret, salt = ephemeral public || recipient public,
  info = b"scanner-evidence-v1", length 32): binds the key to both public keys;
- ChaCha20-Poly1305 with a random 12-byte nonce; the associated data is the file's relative
  POSIX path in the bundle (UTF-8), so an encrypted file moved or renamed to stand in for
  another one fails to decrypt.

File format: b"SCANENC1" || ephemeral public key (32 bytes) || nonce (12 bytes) ||
ciphertext with its 16-byte tag. Files are encrypted in one piece, not streamed: evidence
files are at most tens of megabytes.

The plaintext is deleted after encryption, which removes the name, not the bytes on disk:
on journaling filesystems and SSDs only full-disk encryption protects against that.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from scanner.errors import UserError
from scanner.evidence.manifest import PARTIAL_SUFFIX, list_entries, write_atomically

MAGIC = b"SCANENC1"
ENCRYPTED_SUFFIX = ".enc"
_INFO = b"scanner-evidence-v1"
_PUBLIC_LENGTH = 32
_NONCE_LENGTH = 12
_TAG_LENGTH = 16
_HEADER_LENGTH = len(MAGIC) + _PUBLIC_LENGTH + _NONCE_LENGTH


def encrypt_file(path: Path, relative_name: str, recipient_public: X25519PublicKey) -> Path:
    """Replace ``path`` by ``path.enc`` encrypted for the recipient; return the new path.

    ``relative_name`` is the file's path in the bundle before encryption (without .enc).
    """
    encrypted = path.with_name(path.name + ENCRYPTED_SUFFIX)
    try:
        plaintext = path.read_bytes()
        write_atomically(encrypted, _encrypt(plaintext, relative_name, recipient_public))
        path.unlink()
    except OSError as error:
        raise UserError(f"cannot encrypt {path}: {error.strerror}") from None
    return encrypted


def decrypt_file(enc_path: Path, relative_name: str, private_key: X25519PrivateKey) -> bytes:
    """The plaintext of ``enc_path``, whose path in the bundle was ``relative_name``."""
    try:
        data = enc_path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot decrypt {enc_path}: {error.strerror}") from None
    if not data.startswith(MAGIC):
        raise UserError(f"{enc_path} is not an encrypted evidence file (no SCANENC1 header)")
    cannot = f"cannot decrypt {enc_path}: it was encrypted for another key, or it was changed"
    if len(data) < _HEADER_LENGTH + _TAG_LENGTH:
        raise UserError(cannot)
    ephemeral_raw = data[len(MAGIC) : len(MAGIC) + _PUBLIC_LENGTH]
    nonce = data[len(MAGIC) + _PUBLIC_LENGTH : _HEADER_LENGTH]
    recipient_raw = _raw(private_key.public_key())
    try:
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
        key = _derive_key(shared, ephemeral_raw, recipient_raw)
        return ChaCha20Poly1305(key).decrypt(
            nonce, data[_HEADER_LENGTH:], relative_name.encode("utf-8")
        )
    except (InvalidTag, ValueError):
        raise UserError(cannot) from None


def encrypt_folder_files(
    folder: Path, relative_paths: list[str], recipient_public: X25519PublicKey
) -> list[str]:
    """Encrypt the given files of ``folder`` in place; return their new relative paths."""
    for relative in relative_paths:
        encrypt_file(folder / relative, relative, recipient_public)
    return [relative + ENCRYPTED_SUFFIX for relative in relative_paths]


def decrypt_folder(folder: Path, private_key: X25519PrivateKey, out: Path) -> list[str]:
    """Copy ``folder`` to ``out`` with every ``.enc`` file decrypted; return out's files.

    ``out`` must be new or empty, so decrypting never overwrites anything. The copy is
    built in a private temporary folder (owner-only: it holds the raw evidence) and moved
    into place at the end, so a file that fails to decrypt leaves no half-decrypted copy.
    """
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"{out} already exists and is not empty; choose a new output folder")
    entries = list_entries(folder)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        building = Path(
            tempfile.mkdtemp(prefix=f".{out.name}.", suffix=PARTIAL_SUFFIX, dir=out.parent)
        )
    except OSError as error:
        raise UserError(f"cannot create {out}: {error.strerror}") from None
    try:
        written = [_copy_decrypted(folder, relative, building, private_key) for relative in entries]
        os.replace(building, out)
    except OSError as error:
        raise UserError(f"cannot write the decrypted copy to {out}: {error.strerror}") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return written


def _copy_decrypted(folder: Path, relative: str, out: Path, private_key: X25519PrivateKey) -> str:
    """Copy one bundle file into ``out``, decrypted if it is a ``.enc``; return its new path."""
    source = folder / relative
    if source.is_symlink():
        raise UserError(f"{source} is a symbolic link; evidence must be plain files")
    encrypted = relative.endswith(ENCRYPTED_SUFFIX)
    relative = relative.removesuffix(ENCRYPTED_SUFFIX)
    target = out / relative
    if target.exists():
        raise UserError(f"{folder} holds both {relative} and {relative}.enc; remove one of them")
    target.parent.mkdir(parents=True, exist_ok=True)
    if encrypted:
        target.write_bytes(decrypt_file(source, relative, private_key))
    else:
        shutil.copyfile(source, target)
    return relative


def _encrypt(plaintext: bytes, relative_name: str, recipient_public: X25519PublicKey) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = _raw(ephemeral.public_key())
    key = _derive_key(ephemeral.exchange(recipient_public), ephemeral_raw, _raw(recipient_public))
    nonce = os.urandom(_NONCE_LENGTH)
    ciphertext = ChaCha20Poly1305(key).encrypt(nonce, plaintext, relative_name.encode("utf-8"))
    return MAGIC + ephemeral_raw + nonce + ciphertext


def _derive_key(shared: bytes, ephemeral_raw: bytes, recipient_raw: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral_raw + recipient_raw, info=_INFO
    ).derive(shared)


def _raw(public_key: X25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
