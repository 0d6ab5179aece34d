"""Report and evidence options: the ``[report]`` config table, its command-line
overrides, and the passphrase of a signing key.

Keys are loaded (and their passphrases checked) before the crawl starts, so a typo in a
passphrase costs a second, not an hour of crawling.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from scanner.errors import ConfigError, UserError
from scanner.evidence.keys import load_private_key, load_public_key
from scanner.outputs.bundle import BundleOptions

PASSPHRASE_ENV = "SCANNER_KEY_PASSPHRASE"
REPORT_KEYS: dict[str, type] = {
    "auditor": str,
    "sign_key": str,
    "encrypt_for": str,
    "redact_personal_data": bool,
}


def read_passphrase(passphrase_file: Path | None, purpose: str, confirm: bool = False) -> bytes:
    """The passphrase from --passphrase-file, $SCANNER_KEY_PASSPHRASE or the terminal."""
    if passphrase_file is not None:
        try:
            text = passphrase_file.read_text(encoding="utf-8")
        except OSError as error:
            raise UserError(f"--passphrase-file {passphrase_file}: {error.strerror}") from None
        return text.rstrip("\r\n").encode("utf-8")
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV].encode("utf-8")
    if not sys.stdin.isatty():
        raise UserError(
            f"{purpose} needs a passphrase: set {PASSPHRASE_ENV} or give --passphrase-file"
        )
    first = getpass.getpass(f"Passphrase for {purpose}: ")
    if confirm and getpass.getpass("Repeat the passphrase: ") != first:
        raise UserError("the two passphrases differ; run the command again")
    return first.encode("utf-8")


def bundle_options(args: Any, table: dict[str, Any], base: Path) -> BundleOptions:
    """Options from the [report] table (paths relative to the config file) and the
    command line (which wins)."""
    unknown = set(table) - set(REPORT_KEYS)
    if unknown:
        raise ConfigError(
            f"[report]: unknown setting(s) {sorted(unknown)}; known: {', '.join(REPORT_KEYS)}"
        )
    for key, kind in REPORT_KEYS.items():
        if key in table and not isinstance(table[key], kind):
            raise ConfigError(f"[report] {key} must be a {kind.__name__}")
    sign_path = _path(getattr(args, "sign_key", None), table.get("sign_key"), base)
    recipient_path = _path(getattr(args, "encrypt_for", None), table.get("encrypt_for"), base)
    sign_key = None
    if sign_path is not None:
        passphrase = read_passphrase(getattr(args, "passphrase_file", None), str(sign_path))
        sign_key = load_private_key(sign_path, passphrase, "signing")
    redact = table.get("redact_personal_data", True)
    if getattr(args, "show_personal_data", False):
        redact = False
    return BundleOptions(
        auditor=getattr(args, "auditor", None) or table.get("auditor") or _user_name(),
        redact=redact,
        sign_key=sign_key,
        encrypt_for=load_public_key(recipient_path, "encryption") if recipient_path else None,
        previous_dir=getattr(args, "previous", None),
    )


def _path(given: Path | None, configured: str | None, base: Path) -> Path | None:
    if given is not None:
        return given
    return base / configured if configured else None


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
