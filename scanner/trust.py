"""Trusting a staging server's certificate: SPKI hashes, from the user or from a PEM file.

Chromium's ``--ignore-certificate-errors-spki-list`` takes the base64 SHA-256 of a
certificate's SubjectPublicKeyInfo (DER). Users rarely have that hash at hand, so a PEM
file (the server's certificate, or a bundle of several) can be given instead and every
certificate in it contributes its hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from scanner.errors import ConfigError

SHA256_BYTES = 32
MAX_CERT_FILE_BYTES = 1024 * 1024
"""A certificate bundle is kilobytes; a bigger file is not one."""


def spki_sha256(certificate: x509.Certificate) -> str:
    """Base64 SHA-256 of the certificate's SubjectPublicKeyInfo in DER form."""
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def is_spki_hash(value: str) -> bool:
    """Whether ``value`` is the base64 form of a SHA-256 digest (what Chromium expects)."""
    try:
        return len(base64.b64decode(value, validate=True)) == SHA256_BYTES
    except (binascii.Error, ValueError):
        return False


def certificate_hashes(path: Path, what: str = "--trust-cert") -> list[str]:
    """The SPKI hash of every certificate in the PEM file ``path``, in file order."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CERT_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{what} {path} does not exist; check the path") from None
    except OSError as error:
        raise ConfigError(f"{what} {path} cannot be read: {error.strerror}") from None
    if len(data) > MAX_CERT_FILE_BYTES:
        raise ConfigError(f"{what} {path} is over 1 MiB: not a certificate file")
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise ConfigError(
            f"{what} {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the "
            "server's certificate or its CA in PEM form"
        ) from None
    return list(dict.fromkeys(spki_sha256(certificate) for certificate in certificates))
