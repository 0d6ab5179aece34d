"""Host mappings: validation, and reading them from a file in hosts-file syntax.

A mapping sends a host name pattern to an IP address, for the browser
(``--host-resolver-rules``) and the crawler's own requests alike. The address is an IP
address only: the URL's port is always kept, so a port cannot be mapped.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from scanner.errors import ConfigError, read_user_file

HOST_PATTERN = re.compile(r"[A-Za-z0-9_.*?-]+")
"""Name characters and wildcards: nothing that could end one Chromium rule and start another."""
HOST_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?")
MAX_RULES_CHARS = 100_000
"""Chromium gets the map as one command-line argument; Linux caps one at 128 KiB."""


def check_address(address: str) -> str | None:
    """Why ``address`` cannot be mapped to, or None when it is an IP address."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        port_hint = " (the URL's port is kept: map to an address only)" if ":" in address else ""
        return f"{address!r} is not an IP address{port_hint}"
    return None


def check_host_map(host_map: dict[str, str]) -> str | None:
    """Why a host map cannot be used, or None when every entry can."""
    for pattern, address in host_map.items():
        if not HOST_PATTERN.fullmatch(pattern):
            return (
                f"{pattern!r} is not a host name pattern: use letters, digits, '.', '-', '_' "
                "and the wildcards * and ?"
            )
        problem = check_address(address)
        if problem:
            return f"{pattern!r} = {address!r}: {problem}"
    size = sum(len(pattern) + len(address) + 6 for pattern, address in host_map.items())
    if size > MAX_RULES_CHARS:
        return (
            f"{len(host_map)} mappings are too many for the browser's command line; "
            "keep those the scan needs (wildcards such as *.example.test help)"
        )
    return None


def read_hosts_file(path: Path, what: str = "hosts file") -> dict[str, str]:
    """Name -> address from ``IP name [name...]`` lines; ``#`` starts a comment.

    As in /etc/hosts, the first line naming a host wins. Errors give file:line.
    """
    text = read_user_file(path, what, "check the path")
    mapping: dict[str, str] = {}
    for number, raw_line in enumerate(text.splitlines(), start=1):
        fields = raw_line.split("#", 1)[0].split()
        if not fields:
            continue
        where = f"{what} {path}:{number}"
        address, names = fields[0], fields[1:]
        problem = check_address(address)
        if problem:
            raise ConfigError(f"{where}: {problem}; write 'IP name [name...]'")
        if not names:
            raise ConfigError(f"{where}: {address} names no host; write 'IP name [name...]'")
        for name in names:
            if not HOST_NAME.fullmatch(name):
                raise ConfigError(f"{where}: {name!r} is not a host name")
            mapping.setdefault(name.lower(), address)
    return mapping
