"""``scanner evidence decrypt``: a decrypted copy of a bundle's encrypted raw evidence."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.errors import EXIT_OK


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evidence = commands.add_parser("evidence", help="encrypted raw evidence")
    actions = evidence.add_subparsers(dest="evidence_command", required=True, metavar="ACTION")
    decrypt = actions.add_parser("decrypt", help="decrypt a bundle into a new folder")
    decrypt.add_argument("folder", type=Path)
    decrypt.add_argument("--key", type=Path, required=True, help="the recipient's private key")
    decrypt.add_argument("--out", type=Path, required=True, help="new folder for the copy")
    decrypt.add_argument("--passphrase-file", type=Path, metavar="FILE")
    decrypt.set_defaults(handler=run_decrypt)


def run_decrypt(args: argparse.Namespace) -> int:
    from scanner.evidence.encryption import decrypt_folder
    from scanner.evidence.keys import load_private_key
    from scanner.outputs.options import read_passphrase

    passphrase = read_passphrase(args.passphrase_file, str(args.key))
    key = load_private_key(args.key, passphrase, "encryption")
    written = decrypt_folder(args.folder, key, args.out)
    print(f"decrypted {args.folder} into {args.out} ({len(written)} files)")
    return EXIT_OK
