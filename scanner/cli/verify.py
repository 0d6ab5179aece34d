"""``scanner verify DIR``: every file against the manifest, and the manifest's signature."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.errors import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = commands.add_parser("verify", help="check a scan folder against its manifest")
    verify.add_argument("folder", type=Path)
    verify.add_argument(
        "--public-key", type=Path, metavar="KEY", help="the signer's public key to trust"
    )
    verify.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from scanner.evidence.keys import load_public_key
    from scanner.evidence.verify import verify_bundle

    trusted = load_public_key(args.public_key, "signing") if args.public_key else None
    result = verify_bundle(args.folder, trusted)
    for problem in result.problems():
        print(f"TAMPERED {problem}")
    for note in result.notes():
        print(f"note: {note}")
    print(f"evidence fingerprint {result.evidence_fingerprint} (compare with the report cover)")
    if result.status == "ok":
        print(f"OK: every file matches manifest.json, signed by {result.key_fingerprint}")
        return EXIT_OK
    if result.status == "unsigned":
        print("UNSIGNED: every file matches manifest.json, but nothing proves who wrote it")
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS
