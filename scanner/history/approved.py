"""Approved lists: the vendors and cookies an organisation has approved, who did and why.

A TOML or JSON file::

    [[vendor]]
    vendor = "analytics-example"      # vendor id or name, as the report names it
    approved_by = "J. Doe, DPO"
    reason = "DPA signed 2026-03-01"

    [[cookie]]
    name = "_ga*"                     # a shell pattern: * and ? match
    domain = "shop.example"           # optional: any domain when absent
    approved_by = "J. Doe, DPO"
    reason = "analytics, consent-gated"

New items that are not approved come first in a diff and fail ``--fail-on-new``.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from scanner.errors import ConfigError, read_user_file

REQUIRED = {
    "vendor": ("vendor", "approved_by", "reason"),
    "cookie": ("name", "approved_by", "reason"),
}
OPTIONAL = {"vendor": (), "cookie": ("domain",)}


@dataclass(frozen=True)
class Approval:
    kind: str
    pattern: str
    """Vendor id or name; for a cookie, its name pattern."""
    approved_by: str
    reason: str
    domain: str | None = None

    def covers(self, kind: str, key: str, name: str, domain: str | None = None) -> bool:
        if kind != self.kind:
            return False
        if kind == "vendor":
            return self.pattern.lower() in (key.lower(), name.lower())
        if self.domain is not None and (domain or "").lstrip(".").lower() != self.domain:
            return False
        return fnmatchcase(name, self.pattern)


@dataclass(frozen=True)
class ApprovedList:
    approvals: tuple[Approval, ...] = ()
    source: str | None = None

    def approval(
        self, kind: str, key: str, name: str, domain: str | None = None
    ) -> Approval | None:
        return next((a for a in self.approvals if a.covers(kind, key, name, domain)), None)


def load_approved(path: Path) -> ApprovedList:
    """Read an approved list; a ConfigError names the file and the entry that is wrong."""
    text = read_user_file(path, "approved list", "check the --approved path")
    try:
        document = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise ConfigError(f"approved list {path} is not valid {kind}: {error}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"approved list {path}: expected 'vendor' and 'cookie' lists at the top")
    unknown = set(document) - set(REQUIRED)
    if unknown:
        raise ConfigError(
            f"approved list {path}: unknown key(s) {sorted(unknown)}; use [[vendor]] and [[cookie]]"
        )
    approvals = []
    for kind in REQUIRED:
        entries = document.get(kind, [])
        if not isinstance(entries, list):
            raise ConfigError(f"approved list {path}: '{kind}' must be a list of entries")
        approvals += [_approval(path, kind, n, entry) for n, entry in enumerate(entries, 1)]
    return ApprovedList(tuple(approvals), str(path))


def _approval(path: Path, kind: str, number: int, entry: Any) -> Approval:
    where = f"approved list {path}: {kind} entry {number}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table of {', '.join(REQUIRED[kind])}")
    unknown = set(entry) - set(REQUIRED[kind]) - set(OPTIONAL[kind])
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}")
    for key in (*REQUIRED[kind], *OPTIONAL[kind]):
        value = entry.get(key)
        if key in REQUIRED[kind] and not (isinstance(value, str) and value.strip()):
            raise ConfigError(f"{where}: '{key}' is required (a non-empty string)")
        if key in entry and not isinstance(value, str):
            raise ConfigError(f"{where}: '{key}' must be a string")
    domain = entry.get("domain")
    return Approval(
        kind=kind,
        pattern=entry[REQUIRED[kind][0]].strip(),
        approved_by=entry["approved_by"].strip(),
        reason=entry["reason"].strip(),
        domain=domain.strip().lstrip(".").lower() if domain else None,
    )
