"""Running the real ``scanner`` command and reading what it wrote, for end-to-end tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CLI_TIMEOUT_S = 300


@dataclass(frozen=True)
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    out_dir: Path

    @property
    def scan(self) -> dict[str, Any]:
        return json.loads((self.out_dir / "scan.json").read_text(encoding="utf-8"))


def run_scanner(
    *args: str,
    out_dir: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = CLI_TIMEOUT_S,
) -> CliRun:
    """Run ``python -m scanner ARGS [--out OUT_DIR]`` as a user would, without a terminal."""
    out = ["--out", str(out_dir)] if out_dir is not None else []
    result = subprocess.run(
        [sys.executable, "-m", "scanner", *args, *out],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return CliRun(result.returncode, result.stdout, result.stderr, out_dir or Path.cwd())


def where(url: str) -> str:
    """A URL without scheme and port: 'www.shop.test/products/1?x=1'."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.hostname}{parts.path}{query}"


def pages_by_place(scan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {where(page["url"]): page for page in scan["pages"]}


def third_party_hosts(page: dict[str, Any], site: str = "shop.test") -> set[str]:
    hosts = {urlsplit(request["url"]).hostname or "" for request in page["requests"]}
    return {host for host in hosts if host != site and not host.endswith("." + site)}


def request_to(page: dict[str, Any], place: str) -> dict[str, Any]:
    """The one request of the page whose URL, without scheme and port, starts with place."""
    found = [r for r in page["requests"] if where(r["url"]).startswith(place)]
    assert len(found) == 1, f"{len(found)} requests to {place}: {[r['url'] for r in found]}"
    return found[0]


def stderr_lines(run: CliRun) -> list[str]:
    """What the user sees on stderr, without the Debian Chromium wrapper's shell noise."""
    return [
        line
        for line in run.stderr.splitlines()
        if line.strip() and "unexpected operator" not in line
    ]
