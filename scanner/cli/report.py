"""``scanner report DIR``: re-run the rules and rewrite every output of a finished scan."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.cli.history_options import history_options
from scanner.cli.inputs import config_tables
from scanner.cli.options import report_options, rules_options
from scanner.cli.outcome import analyse


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report",
        help="re-run the rules and rewrite every output of a finished scan (no crawling)",
    )
    report.add_argument("scan_dir", type=Path, help="folder holding scan.json")
    report.add_argument("--config", type=Path, help="TOML file with a [rules] table")
    report.add_argument(
        "--vendors", type=Path, action="append", help="extra vendor catalog file; repeatable"
    )
    rules_options(report)
    report_options(report)
    history_options(report, records=True)
    report.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return analyse(
        args, args.scan_dir, config_tables(args), list(args.vendors or []), origin="report"
    )
