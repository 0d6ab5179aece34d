"""What the commands read: the config file's tables, the options, and the settings made
of both, each checked before any crawl starts."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from scanner.cli.options import NOT_SETTINGS
from scanner.config import (
    ScanSettings,
    build_settings,
    expand_file_settings,
    mapped_hosts,
    read_config_tables,
    trusted_hashes,
)
from scanner.errors import ConfigError, UserError

Tables = dict[str, dict[str, Any]]


def config_tables(args: argparse.Namespace) -> Tables:
    if args.config:
        return read_config_tables(args.config)
    return {"scan": {}, "rules": {}, "report": {}, "history": {}}


def config_base(args: argparse.Namespace) -> Path:
    """Where paths in the config file are relative to."""
    return args.config.parent if args.config else Path.cwd()


def bundle_options(args: argparse.Namespace, tables: Tables) -> Any:
    from scanner.outputs.options import bundle_options as from_table_and_args

    return from_table_and_args(args, tables["report"], config_base(args))


def scan_settings(
    args: argparse.Namespace, tables: Tables, extra: dict[str, Any] | None = None
) -> ScanSettings:
    """The config file's ``[scan]`` table, then ``extra``, then the options (which win)."""
    origin = f"config file {args.config}" if args.config else "options"
    from_file = expand_file_settings(tables["scan"], config_base(args), origin)
    from_args = {k: v for k, v in vars(args).items() if k not in NOT_SETTINGS}
    if args.trust_certs:
        from_args["trusted_spki"] = trusted_hashes(
            args.trusted_spki or [], args.trust_certs, "--trust-cert"
        )
    if args.host_map_items or args.hosts_files:
        items = dict(_host_map_item(item) for item in args.host_map_items or [])
        from_args["host_map"] = mapped_hosts(args.hosts_files or [], items, "--hosts-file")
    return build_settings(from_file, extra or {}, from_args, origin=origin)


def _host_map_item(item: str) -> tuple[str, str]:
    pattern, separator, address = item.partition("=")
    if not separator or not pattern or not address:
        raise UserError(f"--map-host {item!r}: write it as PATTERN=IP, e.g. '*.test=127.0.0.1'")
    return pattern, address


def rule_settings(
    args: argparse.Namespace,
    tables: Tables,
    extra_vendor_files: list[Path],
    default_dpa_dir: Path | None = None,
) -> Any:
    """The ``[rules]`` table with its paths made absolute, and the rule catalog."""
    from scanner.findings.catalog import RuleCatalog
    from scanner.findings.settings import build_rule_settings

    catalog = RuleCatalog.load()
    origin = f"config file {args.config} [rules]" if args.config else "[rules]"
    settings = build_rule_settings(tables["rules"], catalog, origin)
    base = config_base(args)
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


def check_rule_inputs(settings: Any) -> None:
    """Read the vendor files and the DPA folder now, so that a mistake in them stops the
    scan before the crawl instead of after it; filter lists must at least be files."""
    from scanner.classify.vendors import read_catalog_file
    from scanner.dpa import load_dpa_folder

    for path in settings.vendor_files:
        try:
            read_catalog_file(Path(path))
        except RecursionError:
            raise ConfigError(f"vendor catalog {path} nests its JSON too deeply") from None
    for path in map(Path, settings.filter_lists):
        if not path.is_file():
            raise ConfigError(f"[rules] filter list {path} is not a file; check the path")
    if settings.dpa_dir:
        load_dpa_folder(Path(settings.dpa_dir))  # a file it cannot use is a finding
