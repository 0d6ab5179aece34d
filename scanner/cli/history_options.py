"""Where the audit history is and which approved list applies: options, the ``[history]``
table of the config file, ``$SCANNER_HISTORY``, then the per-user default."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from scanner.errors import ConfigError

HISTORY_ENV = "SCANNER_HISTORY"
HISTORY_KEYS = ("database", "approved")
KINDS_TEXT = "vendor,cookie,finding"


def history_options(parser: argparse.ArgumentParser, records: bool) -> None:
    """``--history`` and ``--approved``; ``--no-history`` where the command records."""
    group = parser.add_argument_group("audit history ([history] in the config file)")
    group.add_argument(
        "--history",
        metavar="FILE_OR_URL",
        help="the audit history: an SQLite file or a database URL such as "
        f"postgresql://user@host/db (default: ${HISTORY_ENV}, else "
        "~/.local/share/site-compliance-scanner/history.sqlite)",
    )
    if records:
        group.add_argument(
            "--no-history",
            action="store_true",
            help="do not record this audit in the history nor compare it with the last one",
        )
    group.add_argument(
        "--approved",
        type=Path,
        metavar="FILE",
        help="approved vendors and cookies (TOML or JSON): new items not on it come first",
    )


def history_location(args: argparse.Namespace, table: dict[str, Any], base: Path) -> str | None:
    """The history to use; None with --no-history."""
    from scanner.history.database import default_location

    _check_table(table)
    if getattr(args, "no_history", False):
        return None
    if args.history:
        return _checked(str(args.history), "--history")
    configured = table.get("database")
    if configured:
        if "://" in configured:
            return _checked(configured, "[history] database")
        return str(base / Path(configured).expanduser())
    return _checked(os.environ.get(HISTORY_ENV) or str(default_location()), f"${HISTORY_ENV}")


def _checked(location: str, origin: str) -> str:
    """A database URL must parse (a typo in its port is found before a crawl, not after)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from scanner.history.database import database_url, shown

    if "://" not in location:
        return location
    try:
        make_url(database_url(location))
    except (ArgumentError, ValueError) as error:
        raise ConfigError(
            f"{origin} {shown(location)}: not a database URL ({error}); write it as "
            "postgresql://USER@HOST[:PORT]/DB or sqlite:///FILE"
        ) from None
    return location


def approved_list(args: argparse.Namespace, table: dict[str, Any], base: Path) -> Any:
    from scanner.history.approved import ApprovedList, load_approved

    _check_table(table)
    path = args.approved or (base / table["approved"] if table.get("approved") else None)
    return load_approved(path) if path is not None else ApprovedList()


def check_history_inputs(args: argparse.Namespace, table: dict[str, Any], base: Path) -> None:
    """Read the [history] table and the approved list before a crawl: a mistake in them
    costs a second, not a crawl. (The database itself is opened after the crawl, and
    cannot fail the audit.)"""
    history_location(args, table, base)
    approved_list(args, table, base)


def _check_table(table: dict[str, Any]) -> None:
    unknown = set(table) - set(HISTORY_KEYS)
    if unknown:
        raise ConfigError(
            f"[history]: unknown setting(s) {sorted(unknown)}; known: {', '.join(HISTORY_KEYS)}"
        )
    for key in HISTORY_KEYS:
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"[history] {key} must be a string (a path or a URL)")


def kind_list(text: str) -> list[str]:
    """``--fail-on-new vendor,cookie``: the kinds, each checked."""
    kinds = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [kind for kind in kinds if kind not in KINDS_TEXT.split(",")]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give one or more of {KINDS_TEXT}, comma-separated"
        )
    return kinds
