"""``scanner scan URL`` and ``scanner demo``: crawl, then the rules, reports and manifest.

Everything is checked before the browser starts: settings, rule inputs (vendor files,
the DPA folder), keys, the start URL, the browser and the output folder. An audit
already in the output folder is replaced only by a scan that rendered pages and was not
interrupted, and only once its own audit is complete (see scanner.audit_folder).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from scanner.audit_folder import OutputFolder, claim_output_folder
from scanner.cli.guard import GUARD
from scanner.cli.history_options import check_history_inputs, history_options
from scanner.cli.inputs import (
    Tables,
    bundle_options,
    check_rule_inputs,
    config_base,
    config_tables,
    rule_settings,
    scan_settings,
)
from scanner.cli.options import crawl_options, output_options, report_options, rules_options
from scanner.cli.outcome import analyse, crawl_summary, say, verdict
from scanner.cli.redis_options import distribution, redis_options
from scanner.config import check_start_url
from scanner.errors import EXIT_OK, UserError
from scanner.evidence.manifest import read_manifest

RESUME_MAY_CHANGE = {
    "help", "resume", "progress", "config", "dpa_dir", "fail_on", "auditor", "previous",
    "sign_key", "passphrase_file", "encrypt_for", "show_personal_data", "history",
    "no_history", "approved",
}  # fmt: skip
"""Options of ``scan --resume``: the crawl goes on as started, only these may differ."""
USER_STOPS = ("shutdown", "interrupted")
"""Finish reasons of a crawl stopped by Ctrl-C (or a signal): it replaces no audit."""


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scan = commands.add_parser("scan", help="crawl a website and record what it does")
    scan.add_argument("url", nargs="?", help="start URL, e.g. https://www.example.com/")
    scan.add_argument(
        "--resume",
        type=Path,
        metavar="DIR",
        help="continue the interrupted scan in DIR (after a kill, a crash, Ctrl-C or a "
        "reboot) with the settings it was started with: no URL, --out or crawl options",
    )
    output_options(scan, required=False)
    _scan_options(scan)
    redis_options(scan)
    flags = {a.dest: (a.option_strings[0], a.default) for a in scan._actions if a.option_strings}
    scan.set_defaults(handler=run_scan_command, option_flags=flags)

    demo = commands.add_parser("demo", help="scan the bundled demo site (served on loopback)")
    output_options(demo, default=Path("demo-output"))
    _scan_options(demo)
    demo.set_defaults(handler=run_demo_command)


def _scan_options(parser: argparse.ArgumentParser) -> None:
    crawl_options(parser)
    rules_options(parser)
    report_options(parser)
    history_options(parser, records=True)


def run_scan_command(args: argparse.Namespace) -> int:
    if args.resume is not None:
        return _resume(args, config_tables(args))
    if args.url is None or args.out is None:
        raise UserError(
            "scan needs a start URL and --out DIR (or --resume DIR to continue an interrupted scan)"
        )
    return _scan(args, config_tables(args), args.url, {}, [])


def _resume(args: argparse.Namespace, tables: Tables) -> int:
    """``scanner scan --resume DIR``: the interrupted scan in DIR, continued in DIR."""
    from scanner.result.resume import resume_state
    from scanner.scan import find_scan_browser, resume_scan

    given = resume_conflicts(args, tables)
    if given:
        raise UserError(
            "--resume continues a scan with the settings it was started with; "
            f"drop {', '.join(given)}"
        )
    rules, _ = rule_settings(args, tables, [], None)
    check_rule_inputs(rules)
    check_history_inputs(args, tables["history"], config_base(args))
    options = bundle_options(args, tables)
    if options.previous_dir is not None:
        read_manifest(options.previous_dir)
    state = resume_state(args.resume)  # one line if DIR holds nothing to resume
    browser = find_scan_browser(state.record.settings)
    GUARD.work_dir = args.resume
    outcome = resume_scan(args.resume, browser, args.progress)
    folder = OutputFolder(final=args.resume, work=args.resume)
    return _conclude(args, folder, outcome, tables, [], None, options)


def resume_conflicts(args: argparse.Namespace, tables: Tables) -> list[str]:
    """What was given with --resume that would change the crawl (only how it is shown,
    the rules and the report may)."""
    given = ["the start URL"] if args.url is not None else []
    for name, (flag, default) in args.option_flags.items():
        if name not in RESUME_MAY_CHANGE and getattr(args, name) != default:
            given.append(flag)
    if tables["scan"]:
        given.append(f"the [scan] table of {args.config}")
    return given


def run_demo_command(args: argparse.Namespace) -> int:
    from scanner.dpa.examples import EXAMPLE_DPAS
    from scanner.testworld import DEMO_VENDORS, running_test_world

    tables = config_tables(args)
    with running_test_world() as world:
        demo = {
            "host_map": {"*": "127.0.0.1"},
            "trusted_spki": [world.spki_sha256],
            "probe_http_port": world.http_port,
        }
        say(f"Demo site running at {world.start_url} (fake hosts on loopback)")
        return _scan(args, tables, world.start_url, demo, [DEMO_VENDORS], EXAMPLE_DPAS)


def _scan(
    args: argparse.Namespace,
    tables: Tables,
    start_url: str,
    extra_settings: dict[str, Any],
    vendor_files: list[Path],
    default_dpa_dir: Path | None = None,
) -> int:
    from scanner.scan import find_scan_browser, run_scan

    rules, _ = rule_settings(args, tables, vendor_files, default_dpa_dir)
    check_rule_inputs(rules)
    check_history_inputs(args, tables["history"], config_base(args))
    options = bundle_options(args, tables)  # keys and passphrases too
    if options.previous_dir is not None:
        read_manifest(options.previous_dir)  # the chain's link is read after the crawl
    settings = scan_settings(args, tables, extra_settings)
    check_start_url(start_url)
    browser = find_scan_browser(settings)
    distributed = distribution(args, settings, browser.executable)
    folder = claim_output_folder(args.out, args.overwrite)
    GUARD.work_dir = folder.work
    try:
        outcome = run_scan(start_url, folder.work, settings, browser, distributed)
    except BaseException:
        folder.discard(only_if_empty=True)
        raise
    return _conclude(args, folder, outcome, tables, vendor_files, default_dpa_dir, options)


def _conclude(
    args: argparse.Namespace,
    folder: OutputFolder,
    outcome: Any,
    tables: Tables,
    vendor_files: list[Path],
    default_dpa_dir: Path | None,
    options: Any,
) -> int:
    """Analyse what the crawl saw; put the new audit in place, or say why not."""
    rendered = outcome.outcomes.get("rendered", 0)
    if folder.replaces and not rendered:
        folder.discard()
        say(f"{crawl_summary(outcome, None)}; the audit in {folder.final} is unchanged")
        return verdict(outcome)
    keep_old = folder.replaces and outcome.finish_reason in USER_STOPS
    shown = folder.work if keep_old else folder.final
    say(crawl_summary(outcome, shown))
    gate = EXIT_OK
    if outcome.scan_file.exists():
        gate = analyse(
            args, folder.work, tables, vendor_files, default_dpa_dir, options, shown_dir=shown
        )
    if keep_old:
        say(
            f"the scan was interrupted, so the audit in {folder.final} is unchanged; "
            f"this scan's audit is in {folder.work}"
        )
    else:
        folder.commit()
        GUARD.work_dir = folder.final
    code = verdict(outcome)
    return code if code != EXIT_OK else gate
