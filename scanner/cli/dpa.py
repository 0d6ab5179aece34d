"""``scanner dpa check`` and ``scanner dpa init``: data-processing agreement schemas."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scanner.cli.inputs import config_tables, rule_settings
from scanner.errors import EXIT_FINDINGS, EXIT_OK, UserError


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dpa = commands.add_parser("dpa", help="data-processing agreement schemas")
    actions = dpa.add_subparsers(dest="dpa_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate a folder of DPA schemas")
    check.add_argument("folder", type=Path)
    check.set_defaults(handler=run_check)
    init = actions.add_parser(
        "init", help="write a starting DPA schema for a vendor from what a scan saw"
    )
    init.add_argument("vendor_id", help="the vendor's id, as in findings.json")
    init.add_argument("--scan", type=Path, required=True, help="folder of a finished scan")
    init.add_argument("--out", type=Path, help="file to write (default: standard output)")
    init.add_argument("--config", type=Path, help="TOML file with a [rules] table")
    init.add_argument(
        "--vendors", type=Path, action="append", help="extra vendor catalog file; repeatable"
    )
    init.set_defaults(handler=run_init)


def run_check(args: argparse.Namespace) -> int:
    from scanner.dpa import load_dpa_folder

    dpas = load_dpa_folder(args.folder)
    for problem in dpas.problems:
        print(f"error: {problem}", file=sys.stderr)
    vendors = ", ".join(dpas.vendors) or "none"
    print(f"{len(dpas)} usable DPA schemas (vendors: {vendors}), {len(dpas.problems)} problems")
    return EXIT_FINDINGS if dpas.problems else EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    from scanner.dpa.records import build_records
    from scanner.dpa.starter import starter_schema
    from scanner.findings.analysis import scan_context

    settings, _ = rule_settings(args, config_tables(args), list(args.vendors or []))
    context = scan_context(args.scan, settings)
    # the crawl's record first; a vendor loaded only after "accept" has only that state's
    by_state = [build_records(context.in_state(state)) for state in context.states]
    record = next(
        (records[args.vendor_id] for records in by_state if args.vendor_id in records), None
    )
    if record is None:
        seen = ", ".join(sorted({vendor for records in by_state for vendor in records})) or "none"
        raise UserError(
            f"vendor {args.vendor_id!r} was not seen in {args.scan / 'scan.json'}; "
            f"vendors seen: {seen}"
        )
    schema = starter_schema(record, context.scan["site"])
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if args.out:
        if args.out.exists():
            raise UserError(f"{args.out} exists; choose another --out or remove it first")
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}: edit its TODO clauses", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
