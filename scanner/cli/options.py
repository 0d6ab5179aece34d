"""Option groups shared by several commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from scanner.config import ScanSettings
from scanner.consent_states import DEFAULT_STATES, STATES
from scanner.findings.model import SEVERITIES

NOT_SETTINGS = {
    "command", "out", "overwrite", "config", "url", "host_map_items", "hosts_files",
    "trust_certs", "handler", "scan_dir", "dpa_dir", "fail_on", "auditor", "previous",
    "sign_key", "passphrase_file", "encrypt_for", "show_personal_data", "resume",
    "option_flags", "history", "no_history", "approved", "redis", "workers", "lease",
}  # fmt: skip
"""Parsed options that are not ScanSettings (or are turned into them first)."""


def output_options(
    parser: argparse.ArgumentParser, default: Path | None = None, required: bool = True
) -> None:
    if default is None:
        parser.add_argument("--out", type=Path, required=required, help="output folder")
    else:
        parser.add_argument("--out", type=Path, default=default, help=f"output folder ({default})")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the audit already in --out, once the new scan has results "
        "(until then the old one is untouched)",
    )


def rules_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rules")
    group.add_argument(
        "--dpa-dir",
        type=Path,
        help="folder of the vendors' DPA schemas (overrides dpa_dir in [rules])",
    )
    group.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="exit with code 1 when findings at or above this severity exist (a CI gate)",
    )


def report_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("report and evidence ([report] in the config file)")
    group.add_argument("--auditor", help="who ran the audit, for the report cover (your login)")
    group.add_argument(
        "--previous",
        type=Path,
        metavar="DIR",
        help="folder of the previous audit: change since then, and the manifest chain",
    )
    group.add_argument(
        "--sign-key", type=Path, metavar="KEY", help="sign the manifest (scanner keygen)"
    )
    group.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="file holding the key's passphrase (or set SCANNER_KEY_PASSPHRASE)",
    )
    group.add_argument(
        "--encrypt-for",
        type=Path,
        metavar="PUBKEY",
        help="encrypt the raw evidence for this recipient (scanner keygen --purpose encrypt)",
    )
    group.add_argument(
        "--show-personal-data",
        action="store_true",
        help="do not redact personal data in the reports and results.sarif",
    )


def crawl_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("crawl")
    group.add_argument("--config", type=Path, help="TOML file with a [scan] table of settings")
    group.add_argument("--max-pages", type=int, help="stop admitting pages after N (1000)")
    group.add_argument("--max-depth", type=int, help="links followed from the start page (20)")
    group.add_argument(
        "--concurrency", type=int, help=f"pages rendered at once ({ScanSettings.concurrency})"
    )
    group.add_argument("--timeout", type=float, help="seconds a page may take to load (30)")
    group.add_argument(
        "--max-rate",
        type=float,
        metavar="R",
        help="at most R requests per second to each host, shared by all workers (no limit)",
    )
    group.add_argument(
        "--max-host-concurrency",
        type=int,
        metavar="N",
        help="at most N requests to each host at once, shared by all workers (no cap)",
    )
    group.add_argument(
        "--dwell",
        type=int,
        dest="min_dwell_ms",
        metavar="MS",
        help="milliseconds the visitor stays on each loaded page before it is left "
        f"({ScanSettings.min_dwell_ms})",
    )
    _repeatable(
        group, "--include-host", "include_hosts", "HOST", "also crawl this host (or *.domain)"
    )
    _repeatable(
        group, "--exclude-host", "exclude_hosts", "HOST", "never crawl this host (or *.domain)"
    )
    _repeatable(
        group, "--include-path", "include_paths", "PREFIX", "only crawl paths starting with PREFIX"
    )
    _repeatable(
        group, "--exclude-path", "exclude_paths", "PREFIX", "never crawl paths starting with PREFIX"
    )
    group.add_argument(
        "--max-per-pattern",
        type=int,
        help="pages per URL shape, the crawler-trap guard (20)",
    )
    group.add_argument(
        "--ignore-robots",
        action="store_false",
        dest="obey_robots",
        default=None,
        help="crawl what robots.txt disallows (for an owner's own audit)",
    )
    group.add_argument(
        "--no-sitemap",
        action="store_false",
        dest="use_sitemap",
        default=None,
        help="do not read robots.txt / sitemap.xml for pages",
    )
    group.add_argument(
        "--consent",
        type=_state_list,
        metavar="STATES",
        help="consent states to visit the site in, comma-separated, from "
        f"{','.join(STATES)} (default {','.join(DEFAULT_STATES)}: what happens after each "
        "choice; 'before' alone crawls once, without the visitors; a visitor that chooses "
        "does not visit a site where no page shows a consent banner)",
    )
    group.add_argument(
        "--screenshots",
        type=int,
        metavar="N",
        help=f"screenshots of the first N pages, 0 for none ({ScanSettings.screenshots})",
    )
    group.add_argument("--browser", dest="browser_path", help="Chromium executable to drive")
    _repeatable(
        group, "--map-host", "host_map_items", "PATTERN=IP",
        "resolve hosts matching PATTERN to IP, like a hosts file",
    )  # fmt: skip
    _repeatable(
        group, "--hosts-file", "hosts_files", "FILE",
        "resolve hosts as this file says (hosts-file syntax: IP name [name...]); "
        "--map-host wins over it",
        kind=Path,
    )  # fmt: skip
    _repeatable(
        group, "--trust-spki", "trusted_spki", "SHA256",
        "trust a certificate by its public key hash (base64)",
    )  # fmt: skip
    _repeatable(
        group, "--trust-cert", "trust_certs", "FILE",
        "trust the certificates in this PEM file (the server's own, or one of the chain "
        "it sends); their public key hashes are computed for you",
        kind=Path,
    )  # fmt: skip
    group.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        help="progress line on stderr (auto: only on a terminal outside CI)",
    )


def _state_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _repeatable(
    group: argparse._ArgumentGroup,
    flag: str,
    dest: str,
    metavar: str,
    text: str,
    kind: type = str,
) -> None:
    group.add_argument(
        flag, action="append", dest=dest, metavar=metavar, type=kind, help=f"{text}; repeatable"
    )
