"""``scanner keygen``: a passphrase-protected key pair, to sign manifests or receive evidence."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.errors import EXIT_OK, UserError

MIN_PASSPHRASE_BYTES = 12


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keygen = commands.add_parser("keygen", help="make a key pair (passphrase-protected PEM)")
    keygen.add_argument(
        "--out", type=Path, required=True, help="writes OUT.key (private) and OUT.pub"
    )
    keygen.add_argument(
        "--purpose",
        choices=("sign", "encrypt"),
        default="sign",
        help="sign: Ed25519, to sign manifests; encrypt: X25519, to receive evidence (sign)",
    )
    keygen.add_argument("--passphrase-file", type=Path, metavar="FILE")
    keygen.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from scanner.evidence.keys import (
        generate_encryption_key,
        generate_signing_key,
        key_fingerprint,
        load_public_key,
        write_key_pair,
    )
    from scanner.outputs.options import read_passphrase

    purpose = "signing" if args.purpose == "sign" else "encryption"
    passphrase = read_passphrase(args.passphrase_file, f"the new {purpose} key", confirm=True)
    if len(passphrase) < MIN_PASSPHRASE_BYTES:
        raise UserError(
            f"the passphrase is too short: use at least {MIN_PASSPHRASE_BYTES} characters "
            "(the key file's encryption is only as strong as its passphrase)"
        )
    generate = generate_signing_key if purpose == "signing" else generate_encryption_key
    private_path, public_path = write_key_pair(args.out, *generate(passphrase))
    fingerprint = key_fingerprint(load_public_key(public_path, purpose))
    print(f"wrote {private_path} (keep it secret) and {public_path}; {fingerprint}")
    return EXIT_OK
