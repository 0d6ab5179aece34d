"""The ``scanner`` entry point: the parser of every command, run under the guard."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from scanner import __version__
from scanner.cli import (
    bench,
    diff,
    dpa,
    evidence,
    history,
    keygen,
    report,
    scan,
    verify,
    worker,
)
from scanner.cli.guard import GUARD

EXIT_CODES_HELP = """exit codes:
  0    the scan completed; scanner verify: every hash and the signature are intact
  1    findings at or above --fail-on exist (summary on stderr);
       scanner dpa check: some DPA files have problems (each printed);
       scanner verify: the bundle was tampered with (each problem printed);
       scanner diff --fail-on-new: the later audit has new items of those kinds
  2    bad input (URL, option, config file, DPA folder, key or passphrase, an output
       folder that holds an audit or cannot be written) or no browser; scanner
       history/diff: the history database cannot be used
  3    the scan was interrupted, left pages unvisited or could render no page:
       scan.json says which; scanner verify: hashes intact but the bundle is unsigned
  4    internal error: a scanner bug (one line, the traceback in a log file), or the
       scan result does not match its schema (please report)
  130  interrupted by Ctrl-C outside the crawl; what was written is kept
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scanner",
        description="Website privacy and security compliance scanner.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    scan.add_parsers(commands)
    for command in (report, history, diff, keygen, verify, evidence, dpa, bench, worker):
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return GUARD.run(handler, args)
