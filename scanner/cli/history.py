"""``scanner history [SITE]``: the audits the history holds, newest first."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scanner.cli.history_options import history_location, history_options
from scanner.cli.inputs import config_base, config_tables
from scanner.errors import EXIT_OK


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = commands.add_parser("history", help="list the audits in the audit history")
    history.add_argument("site", nargs="?", help="only this site (as scan.json names it)")
    history.add_argument("--limit", type=int, default=50, help="newest N audits (50)")
    history.add_argument("--json", action="store_true", help="JSON instead of a table")
    history.add_argument("--config", type=Path, help="TOML file with a [history] table")
    history_options(history, records=False)
    history.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from scanner.history.render import history_json, history_table
    from scanner.history.store import History

    location = history_location(args, config_tables(args)["history"], config_base(args))
    history = History(location)
    try:
        rows = history.audits(args.site, limit=max(args.limit, 1))
    finally:
        history.close()
    if args.json:
        print(json.dumps(history_json(rows), indent=1, ensure_ascii=False))
    elif not rows:
        which = f" of {args.site}" if args.site else ""
        print(f"No audits{which} in the history {history.where} yet.")
    else:
        print("\n".join(history_table(rows)))
    return EXIT_OK
