"""``scanner diff A B``: what changed between two audits, and the pre-launch gate."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scanner.cli.history_options import (
    KINDS_TEXT,
    approved_list,
    history_location,
    history_options,
    kind_list,
)
from scanner.cli.inputs import config_base, config_tables
from scanner.errors import EXIT_FINDINGS, EXIT_OK, UserError


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = commands.add_parser(
        "diff", help="new, removed and changed vendors, cookies and findings between two audits"
    )
    diff.add_argument("before", help="the earlier audit: an id, previous, latest or a folder")
    diff.add_argument("after", help="the later audit (same forms)")
    diff.add_argument("--site", help="latest/previous of this site (default: the newest scan's)")
    diff.add_argument("--json", action="store_true", help="JSON instead of text")
    diff.add_argument(
        "--fail-on-new",
        type=kind_list,
        metavar="KINDS",
        help=f"exit with code 1 when the later audit has new items of these kinds ({KINDS_TEXT}"
        "): every new finding, new vendors and cookies unless approved (a pre-launch gate)",
    )
    diff.add_argument("--config", type=Path, help="TOML file with a [history] table")
    history_options(diff, records=False)
    diff.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from scanner.history.diff import diff_audits
    from scanner.history.refs import resolve_pair
    from scanner.history.render import count_text, diff_json, diff_text
    from scanner.history.store import History
    from scanner.report.text import clean

    tables = config_tables(args)
    base = config_base(args)
    approved = approved_list(args, tables["history"], base)
    history = History(history_location(args, tables["history"], base))
    try:
        before, after = resolve_pair(args.before, args.after, history, args.site)
    finally:
        history.close()
    if before.site != after.site:
        print(
            f"warning: comparing audits of two sites ({before.site} and {after.site})",
            file=sys.stderr,
        )
    diff = diff_audits(before, after, approved)
    if not diff.states:
        raise UserError(
            f"{before.label} ({', '.join(before.states)}) and {after.label} "
            f"({', '.join(after.states)}) have no consent state in common: nothing to compare"
        )
    if args.json:
        print(json.dumps(diff_json(diff), indent=1, ensure_ascii=False))
    else:
        print("\n".join(diff_text(diff)))
    failing = diff.gate_failures(args.fail_on_new or [])
    if not failing:
        return EXIT_OK
    detail = "; ".join(
        f"{count_text(len(changes), 'new', kind)} ({', '.join(clean(c.label) for c in changes[:5])}"
        f"{', ...' if len(changes) > 5 else ''})"
        for kind, changes in failing.items()
    )
    print(f"fail-on-new: {detail}", file=sys.stderr)
    return EXIT_FINDINGS
