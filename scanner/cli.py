"""The ``scanner`` command line: thin, every error one clear line."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.config import ScanSettings, build_settings, read_config_tables
from scanner.errors import UserError
from scanner.findings.model import SEVERITIES

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_INTERNAL = 4
MIN_PASSPHRASE_BYTES = 12

EXIT_CODES_HELP = """exit codes:
  0  the scan completed; scanner verify: every hash and the signature are intact
  1  findings at or above --fail-on exist (summary on stderr);
     scanner dpa check: some DPA files have problems (each printed);
     scanner verify: the bundle was tampered with (each problem printed)
  2  bad input (URL, option, config file, key or passphrase) or no browser
  3  the scan was interrupted, left pages unvisited or could render no page:
     scan.json says which; scanner verify: hashes intact but the bundle is unsigned
  4  internal error: the scan result does not match its schema (please report)
"""


def _rules_options(parser: argparse.ArgumentParser) -> None:
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


def _report_options(parser: argparse.ArgumentParser) -> None:
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


def _crawl_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("crawl")
    group.add_argument("--config", type=Path, help="TOML file with a [scan] table of settings")
    group.add_argument("--max-pages", type=int, help="stop admitting pages after N (1000)")
    group.add_argument("--max-depth", type=int, help="links followed from the start page (20)")
    group.add_argument(
        "--concurrency", type=int, help=f"pages rendered at once ({ScanSettings.concurrency})"
    )
    group.add_argument("--timeout", type=float, help="seconds a page may take to load (30)")
    group.add_argument(
        "--dwell",
        type=int,
        dest="min_dwell_ms",
        metavar="MS",
        help="milliseconds the visitor stays on each loaded page before it is left "
        f"({ScanSettings.min_dwell_ms})",
    )
    group.add_argument(
        "--include-host",
        action="append",
        dest="include_hosts",
        metavar="HOST",
        help="also crawl this host (or *.domain); repeatable",
    )
    group.add_argument(
        "--exclude-host",
        action="append",
        dest="exclude_hosts",
        metavar="HOST",
        help="never crawl this host (or *.domain); repeatable",
    )
    group.add_argument(
        "--include-path",
        action="append",
        dest="include_paths",
        metavar="PREFIX",
        help="only crawl paths starting with PREFIX; repeatable",
    )
    group.add_argument(
        "--exclude-path",
        action="append",
        dest="exclude_paths",
        metavar="PREFIX",
        help="never crawl paths starting with PREFIX; repeatable",
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
        "--screenshots",
        type=int,
        metavar="N",
        help=f"screenshots of the first N pages, 0 for none ({ScanSettings.screenshots})",
    )
    group.add_argument("--browser", dest="browser_path", help="Chromium executable to drive")
    group.add_argument(
        "--map-host",
        action="append",
        dest="host_map_items",
        metavar="PATTERN=IP",
        help="resolve hosts matching PATTERN to IP, like a hosts file; repeatable",
    )
    group.add_argument(
        "--trust-spki",
        action="append",
        dest="trusted_spki",
        metavar="SHA256",
        help="trust a certificate by its public key hash (base64); repeatable",
    )
    group.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        help="progress line on stderr (auto: only on a terminal outside CI)",
    )


_NOT_SETTINGS = {
    "command", "out", "config", "url", "host_map_items", "handler", "scan_dir", "dpa_dir",
    "fail_on", "auditor", "previous", "sign_key", "passphrase_file", "encrypt_for",
    "show_personal_data",
}  # fmt: skip


def _config_tables(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    if args.config:
        return read_config_tables(args.config)
    return {"scan": {}, "rules": {}, "report": {}}


def _config_base(args: argparse.Namespace) -> Path:
    """Where paths in the config file are relative to."""
    return args.config.parent if args.config else Path.cwd()


def _bundle_options(args: argparse.Namespace, tables: dict[str, dict[str, Any]]) -> Any:
    from scanner.outputs.options import bundle_options

    return bundle_options(args, tables["report"], _config_base(args))


def _settings_from(
    args: argparse.Namespace, tables: dict[str, dict[str, Any]], extra: dict[str, Any] | None = None
) -> ScanSettings:
    from_args = {k: v for k, v in vars(args).items() if k not in _NOT_SETTINGS}
    if args.host_map_items:
        from_args["host_map"] = dict(_host_map_item(item) for item in args.host_map_items)
    origin = f"config file {args.config}" if args.config else "options"
    return build_settings(tables["scan"], extra or {}, from_args, origin=origin)


def _rule_settings_from(
    args: argparse.Namespace,
    tables: dict[str, dict[str, Any]],
    extra_vendor_files: list[Path],
    default_dpa_dir: Path | None = None,
) -> Any:
    from scanner.findings.catalog import RuleCatalog
    from scanner.findings.settings import build_rule_settings

    catalog = RuleCatalog.load()
    origin = f"config file {args.config} [rules]" if args.config else "[rules]"
    settings = build_rule_settings(tables["rules"], catalog, origin)
    base = _config_base(args)
    vendor_files = [str(base / path) for path in settings.vendor_files]
    vendor_files += [str(path) for path in extra_vendor_files]
    filter_lists = tuple(str(base / path) for path in settings.filter_lists)
    dpa_dir = getattr(args, "dpa_dir", None) or (
        str(base / settings.dpa_dir) if settings.dpa_dir else default_dpa_dir
    )
    settings = dataclasses.replace(
        settings,
        vendor_files=tuple(vendor_files),
        filter_lists=filter_lists,
        dpa_dir=str(dpa_dir) if dpa_dir else None,
    )
    return settings, catalog


def _analyse(
    args: argparse.Namespace,
    out_dir: Path,
    tables: Any,
    vendor_files: list[Path],
    default_dpa_dir: Path | None = None,
    bundle_options: Any = None,
) -> int:
    """Rules, then reports and the evidence manifest; the --fail-on verdict."""
    from scanner.findings.analysis import analyse_scan
    from scanner.outputs.bundle import finish_bundle
    from scanner.report.redaction import report_redactor

    rule_settings, catalog = _rule_settings_from(args, tables, vendor_files, default_dpa_dir)
    options = bundle_options or _bundle_options(args, tables)

    def redact(context: Any, document: Any) -> Any:
        return report_redactor(context, options.redact).document(document)

    analysis = analyse_scan(out_dir, rule_settings, catalog, redact)
    counts = Counter(finding.severity for finding in analysis.findings)
    summary = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts.get(s))
    print(
        f"{len(analysis.findings)} findings ({summary or 'none'}) -> {out_dir / 'findings.json'}",
        file=sys.stderr,
    )
    bundle = finish_bundle(out_dir, analysis, options)
    signed = f"signed by {bundle.key_fingerprint}" if bundle.key_fingerprint else "unsigned"
    print(
        f"Report ({bundle.report_pages} pages) -> {out_dir / 'report.pdf'} and report.html; "
        f"manifest.json {signed}, "
        f"evidence fingerprint {bundle.evidence_fingerprint} (sealed in "
        f"{bundle.sealing_seconds:.3f} s)",
        file=sys.stderr,
    )
    if bundle.encrypted:
        print(f"{len(bundle.encrypted)} raw evidence files encrypted (.enc)", file=sys.stderr)
    return _gate(getattr(args, "fail_on", None), counts)


def _gate(fail_on: str | None, counts: Counter[str]) -> int:
    """The pre-launch gate: findings at or above --fail-on make the command fail."""
    if fail_on is None:
        return EXIT_OK
    at_or_above = [s for s in SEVERITIES[: SEVERITIES.index(fail_on) + 1] if counts.get(s)]
    if not at_or_above:
        return EXIT_OK
    total = sum(counts[s] for s in at_or_above)
    detail = ", ".join(f"{counts[s]} {s}" for s in at_or_above)
    print(f"fail-on {fail_on}: {total} findings at {fail_on} or above ({detail})", file=sys.stderr)
    return EXIT_FINDINGS


def _host_map_item(item: str) -> tuple[str, str]:
    pattern, separator, address = item.partition("=")
    if not separator or not pattern or not address:
        raise UserError(f"--map-host {item!r}: write it as PATTERN=IP, e.g. '*.test=127.0.0.1'")
    return pattern, address


def _command_scan(args: argparse.Namespace) -> int:
    from scanner.scan import run_scan

    tables = _config_tables(args)
    _rule_settings_from(args, tables, [])  # bad settings and keys stop us before the crawl
    options = _bundle_options(args, tables)
    outcome = run_scan(args.url, args.out, _settings_from(args, tables))
    return _finish(args, outcome, tables, [], bundle_options=options)


def _command_demo(args: argparse.Namespace) -> int:
    from scanner.dpa.examples import EXAMPLE_DPAS
    from scanner.scan import run_scan
    from scanner.testworld import DEMO_VENDORS, running_test_world

    tables = _config_tables(args)
    options = _bundle_options(args, tables)
    with running_test_world() as world:
        demo = {"host_map": {"*": "127.0.0.1"}, "trusted_spki": [world.spki_sha256]}
        print(f"Demo site running at {world.start_url} (fake hosts on loopback)", file=sys.stderr)
        outcome = run_scan(world.start_url, args.out, _settings_from(args, tables, demo))
    return _finish(args, outcome, tables, [DEMO_VENDORS], EXAMPLE_DPAS, bundle_options=options)


def _finish(
    args: argparse.Namespace,
    outcome: Any,
    tables: Any,
    vendor_files: list[Path],
    default_dpa_dir: Path | None = None,
    bundle_options: Any = None,
) -> int:
    """Summarise the crawl, run the rules on what it saw, then give the verdict."""
    counts = outcome.outcomes
    print(
        f"Scanned {sum(counts.values())} pages ({counts.get('rendered', 0)} rendered, "
        f"{counts.get('failed', 0)} failed, {counts.get('not-html', 0)} not HTML) "
        f"-> {outcome.scan_file}",
        file=sys.stderr,
    )
    gate = EXIT_OK
    if outcome.scan_file.exists():
        gate = _analyse(
            args, outcome.scan_file.parent, tables, vendor_files, default_dpa_dir, bundle_options
        )
    verdict = _verdict(outcome)
    return verdict if verdict != EXIT_OK else gate


def _command_dpa_check(args: argparse.Namespace) -> int:
    from scanner.dpa import load_dpa_folder

    dpas = load_dpa_folder(args.folder)
    for problem in dpas.problems:
        print(f"error: {problem}", file=sys.stderr)
    vendors = ", ".join(dpas.vendors) or "none"
    print(f"{len(dpas)} usable DPA schemas (vendors: {vendors}), {len(dpas.problems)} problems")
    return EXIT_FINDINGS if dpas.problems else EXIT_OK


def _command_dpa_init(args: argparse.Namespace) -> int:
    import json

    from scanner.dpa.records import build_records
    from scanner.dpa.starter import starter_schema
    from scanner.findings.analysis import scan_context

    tables = _config_tables(args)
    rule_settings, _ = _rule_settings_from(args, tables, list(args.vendors or []))
    context = scan_context(args.scan, rule_settings)
    records = build_records(context)
    if args.vendor_id not in records:
        seen = ", ".join(records) or "none"
        raise UserError(
            f"vendor {args.vendor_id!r} was not seen in {args.scan / 'scan.json'}; "
            f"vendors seen: {seen}"
        )
    schema = starter_schema(records[args.vendor_id], context.scan["site"])
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if args.out:
        if args.out.exists():
            raise UserError(f"{args.out} exists; choose another --out or remove it first")
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}: edit its TODO clauses", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _command_report(args: argparse.Namespace) -> int:
    tables = _config_tables(args)
    return _analyse(args, args.scan_dir, tables, list(args.vendors or []))


def _command_keygen(args: argparse.Namespace) -> int:
    from scanner.evidence.keys import (
        generate_encryption_key,
        generate_signing_key,
        key_fingerprint,
        load_public_key,
        write_key_pair,
    )
    from scanner.outputs.options import read_passphrase

    purpose = "signing" if args.purpose == "sign" else "encryption"
    passphrase = read_passphrase(args.passphrase_file, f"the new {purpose} key", confirm=True)
    if len(passphrase) < MIN_PASSPHRASE_BYTES:
        raise UserError(
            f"the passphrase is too short: use at least {MIN_PASSPHRASE_BYTES} characters "
            "(the key file's encryption is only as strong as its passphrase)"
        )
    generate = generate_signing_key if purpose == "signing" else generate_encryption_key
    private_path, public_path = write_key_pair(args.out, *generate(passphrase))
    fingerprint = key_fingerprint(load_public_key(public_path, purpose))
    print(f"wrote {private_path} (keep it secret) and {public_path}; {fingerprint}")
    return EXIT_OK


def _command_verify(args: argparse.Namespace) -> int:
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


def _command_decrypt(args: argparse.Namespace) -> int:
    from scanner.evidence.encryption import decrypt_folder
    from scanner.evidence.keys import load_private_key
    from scanner.outputs.options import read_passphrase

    passphrase = read_passphrase(args.passphrase_file, str(args.key))
    key = load_private_key(args.key, passphrase, "encryption")
    written = decrypt_folder(args.folder, key, args.out)
    print(f"decrypted {args.folder} into {args.out} ({len(written)} files)")
    return EXIT_OK


def _command_bench(args: argparse.Namespace) -> int:
    from scanner.bench import run_bench

    if any(n < 1 for n in args.pages) or args.runs < 1 or args.concurrency < 1:
        raise UserError("bench: --pages, --runs and --concurrency must be at least 1")
    if args.dwell < 0:
        raise UserError("bench: --dwell must not be negative")
    on_scan = args.rules_on or args.report_on
    if on_scan:
        from scanner.bench import bench_report, bench_rules

        scan_file = on_scan / "scan.json"
        if not scan_file.exists():
            raise UserError(f"{scan_file} does not exist; give the folder of a finished scan")
        for pages in args.pages:
            (bench_rules if args.rules_on else bench_report)(scan_file, pages, args.runs)
        return EXIT_OK
    run_bench(args.pages, args.runs, args.concurrency, args.dwell, sign=args.sign)
    return EXIT_OK


def _verdict(outcome: Any) -> int:
    counts = outcome.outcomes
    if outcome.schema_problems:
        print(
            f"error: scan.json does not match its schema ({outcome.schema_problems[0]}); "
            "this is a scanner bug, please report it with the scan folder",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    if not counts.get("rendered"):
        hint = f" ({outcome.first_error})" if outcome.first_error else ""
        print(f"error: no page could be rendered{hint}", file=sys.stderr)
        if outcome.first_error and outcome.first_error.startswith("tls:"):
            print(
                "hint: if you trust this server, pass its key hash with --trust-spki",
                file=sys.stderr,
            )
        return EXIT_INCOMPLETE
    if not outcome.complete:
        print(
            f"warning: the scan is incomplete ({outcome.finish_reason}); "
            "scan.json lists the pages not visited",
            file=sys.stderr,
        )
        return EXIT_INCOMPLETE
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scanner",
        description="Website privacy and security compliance scanner.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scan = commands.add_parser("scan", help="crawl a website and record what it does")
    scan.add_argument("url", help="start URL, e.g. https://www.example.com/")
    scan.add_argument("--out", type=Path, required=True, help="output folder")
    _crawl_options(scan)
    _rules_options(scan)
    _report_options(scan)
    scan.set_defaults(handler=_command_scan)

    demo = commands.add_parser("demo", help="scan the bundled demo site (served on loopback)")
    demo.add_argument("--out", type=Path, default=Path("demo-output"), help="output folder")
    _crawl_options(demo)
    _rules_options(demo)
    _report_options(demo)
    demo.set_defaults(handler=_command_demo)

    report = commands.add_parser(
        "report",
        help="re-run the rules and rewrite every output of a finished scan (no crawling)",
    )
    report.add_argument("scan_dir", type=Path, help="folder holding scan.json")
    report.add_argument("--config", type=Path, help="TOML file with a [rules] table")
    report.add_argument(
        "--vendors", type=Path, action="append", help="extra vendor catalog file; repeatable"
    )
    _rules_options(report)
    _report_options(report)
    report.set_defaults(handler=_command_report)

    keygen = commands.add_parser("keygen", help="make a key pair (passphrase-protected PEM)")
    keygen.add_argument(
        "--out", type=Path, required=True, help="writes OUT.key (private) and OUT.pub"
    )
    keygen.add_argument(
        "--purpose",
        choices=("sign", "encrypt"),
        default="sign",
        help="sign: Ed25519, to sign manifests; encrypt: X25519, to receive evidence (sign)",
    )
    keygen.add_argument("--passphrase-file", type=Path, metavar="FILE")
    keygen.set_defaults(handler=_command_keygen)

    verify = commands.add_parser("verify", help="check a scan folder against its manifest")
    verify.add_argument("folder", type=Path)
    verify.add_argument(
        "--public-key", type=Path, metavar="KEY", help="the signer's public key to trust"
    )
    verify.set_defaults(handler=_command_verify)

    evidence = commands.add_parser("evidence", help="encrypted raw evidence")
    evidence_commands = evidence.add_subparsers(
        dest="evidence_command", required=True, metavar="ACTION"
    )
    decrypt = evidence_commands.add_parser("decrypt", help="decrypt a bundle into a new folder")
    decrypt.add_argument("folder", type=Path)
    decrypt.add_argument("--key", type=Path, required=True, help="the recipient's private key")
    decrypt.add_argument("--out", type=Path, required=True, help="new folder for the copy")
    decrypt.add_argument("--passphrase-file", type=Path, metavar="FILE")
    decrypt.set_defaults(handler=_command_decrypt)

    dpa = commands.add_parser("dpa", help="data-processing agreement schemas")
    dpa_commands = dpa.add_subparsers(dest="dpa_command", required=True, metavar="ACTION")
    check = dpa_commands.add_parser("check", help="validate a folder of DPA schemas")
    check.add_argument("folder", type=Path)
    check.set_defaults(handler=_command_dpa_check)
    init = dpa_commands.add_parser(
        "init", help="write a starting DPA schema for a vendor from what a scan saw"
    )
    init.add_argument("vendor_id", help="the vendor's id, as in findings.json")
    init.add_argument("--scan", type=Path, required=True, help="folder of a finished scan")
    init.add_argument("--out", type=Path, help="file to write (default: standard output)")
    init.add_argument("--config", type=Path, help="TOML file with a [rules] table")
    init.add_argument(
        "--vendors", type=Path, action="append", help="extra vendor catalog file; repeatable"
    )
    init.set_defaults(handler=_command_dpa_init)

    bench = commands.add_parser(
        "bench", help="measure pages/s and peak memory on a generated N-page site"
    )
    bench.add_argument(
        "--pages", type=int, nargs="+", default=[200, 1000], help="site sizes N (200 1000)"
    )
    bench.add_argument("--runs", type=int, default=3, help="runs per N; medians reported (3)")
    bench.add_argument(
        "--rules-on",
        type=Path,
        metavar="SCAN_DIR",
        help="time the rules instead: on this scan's pages repeated to N pages",
    )
    bench.add_argument(
        "--report-on",
        type=Path,
        metavar="SCAN_DIR",
        help="time scanner report (PDF included) on this scan's pages repeated to N",
    )
    bench.add_argument(
        "--sign",
        action="store_true",
        help="sign each scan's manifest and report the share of time spent sealing",
    )
    bench.add_argument(
        "--concurrency",
        type=int,
        default=ScanSettings.concurrency,
        help=f"pages rendered at once ({ScanSettings.concurrency})",
    )
    bench.add_argument(
        "--dwell",
        type=int,
        default=ScanSettings.min_dwell_ms,
        metavar="MS",
        help=f"the visitor's dwell on each page, in ms ({ScanSettings.min_dwell_ms})",
    )
    bench.set_defaults(handler=_command_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
