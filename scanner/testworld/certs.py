"""A throw-away self-signed TLS certificate for the world's https listener.

Chromium is told to trust it with ``--ignore-certificate-errors-spki-list=<spki_sha256>``,
which takes the base64 SHA-256 of the certificate's SubjectPublicKeyInfo (DER).
"""

import datetime
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from scanner.trust import spki_sha256

VALIDITY = datetime.timedelta(days=30)


@dataclass(frozen=True)
class CertificateFiles:
    """PEM files of a generated certificate and its key, and the certificate's SPKI hash."""

    directory: Path
    cert_path: Path
    key_path: Path
    spki_sha256: str


def make_certificate(
    dns_names: Iterable[str],
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed EC P-256 certificate for ``dns_names``, valid from yesterday for 30 days."""
    names = list(dict.fromkeys(dns_names))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Scanner Test World")])
    not_before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + VALIDITY)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def write_certificate(dns_names: Iterable[str]) -> CertificateFiles:
    """Generate a certificate for ``dns_names`` and write cert and key PEM into a new temp dir.

    The caller owns the directory and should remove it when done.
    """
    certificate, key = make_certificate(dns_names)
    directory = Path(tempfile.mkdtemp(prefix="scanner-testworld-"))
    cert_path = directory / "cert.pem"
    key_path = directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return CertificateFiles(directory, cert_path, key_path, spki_sha256(certificate))
