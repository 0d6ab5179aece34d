"""Scan settings: defaults, the TOML config file and command-line overrides.

Settings are one flat dataclass so that the config file (``[scan]`` table), the command
line and the scan result's record of "settings used" all speak the same names.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from scanner.consent_states import DEFAULT_STATES, state_problem
from scanner.errors import ConfigError, read_user_file
from scanner.hosts_file import check_host_map, read_hosts_file
from scanner.trust import certificate_hashes, is_spki_hash

TRACKING_PARAMETERS = (
    "utm_*",
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "fbclid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
)
SESSION_PARAMETERS = ("sessionid", "session_id", "sid", "jsessionid", "phpsessid", "aspsessionid")


@dataclass
class ScanSettings:
    """Everything that shapes a scan. Names are the config-file keys."""

    max_pages: int = 1000
    max_depth: int = 20
    concurrency: int = 6
    timeout: float = 30.0
    """Seconds a page may take to load before it is recorded as failed (timeout)."""
    min_dwell_ms: int = 3000
    """How long the visitor stays on a page after its load event before the network is
    watched for quiet: tracker SDKs load their configuration asynchronously and flush
    their batches on timers, so a visitor who leaves at once is not what real visitors
    see. Idle time: concurrency hides it."""
    settle_quiet_ms: int = 300
    """After the dwell, wait until the network has been quiet this long..."""
    settle_max_ms: int = 5000
    """...but no longer than this, so one chatty page cannot stall the crawl."""
    obey_robots: bool = True
    use_sitemap: bool = True
    include_hosts: list[str] = field(default_factory=list)
    exclude_hosts: list[str] = field(default_factory=list)
    include_paths: list[str] = field(default_factory=list)
    exclude_paths: list[str] = field(default_factory=list)
    strip_parameters: list[str] = field(
        default_factory=lambda: [*TRACKING_PARAMETERS, *SESSION_PARAMETERS]
    )
    max_per_pattern: int = 20
    """Pages per URL shape (dates and ids in the path folded, query values ignored):
    the guard against calendars, session ids and query-string explosion."""
    trap_max_growth_chain: int = 20
    """Pages in a row that each generate the next one (``/n/1`` -> ``/n/2`` -> ...)."""
    trap_max_numeric_run: int = 5
    """Number segments in a row in one path (``/a/1/2/3/4/5/6`` is a trap)."""
    trap_max_segment_repeats: int = 3
    """How often one path segment may repeat (a broken relative link's output)."""
    probe_http_port: int = 0
    """The port of plain http for the security probe when the start URL names a port of
    its own (a staging server on :8443 with http on :8080); 0: http is then not probed and
    the redirection test is not run. A start URL without a port is probed on 80 and 443."""
    browser_path: str = ""
    host_map: dict[str, str] = field(default_factory=dict)
    """Host name pattern -> IP address, for the browser and the crawler alike
    (like a hosts file; used to scan a staging server or the demo's fake hosts)."""
    trusted_spki: list[str] = field(default_factory=list)
    """Base64 SHA-256 of certificate public keys to trust although no CA vouches for them."""
    max_body_bytes: int = 65536
    max_value_chars: int = 4096
    user_agent: str = ""
    progress: str = "auto"
    consent: list[str] = field(default_factory=lambda: list(DEFAULT_STATES))
    """The visitor's consent states (scanner.consent_states): "before" crawls the site,
    each other state visits the pages it found as a visitor of its own."""
    screenshots: int = 100
    """Rendered HTML pages that get a screenshot of their first view (the viewport
    before any interaction), in the order they are captured: the crawl is breadth-first,
    so these are the pages nearest the start page. 0 turns screenshots off."""
    max_rate: float = 0.0
    """Requests per second per host at most (the crawl's own requests: pages, files,
    robots.txt, sitemaps), shared by the workers of a distributed crawl; 0: no limit."""
    max_host_concurrency: int = 0
    """Requests per host in flight at most, shared the same way; 0: no cap but
    ``concurrency``."""


_CHOICES = {"progress": ("auto", "always", "never")}
MAX_TIMEOUT_S = 86_400
MAX_PORT = 65_535
MAX_RATE = 10_000.0
MAX_MS = 86_400_000
"""Waits are capped at a day: the browser's timers overflow past about 24.8 days."""
FILE_SETTINGS = {"trust_cert": "trusted_spki", "hosts_file": "host_map"}
"""Config-file keys naming files, and the setting each file adds to."""


CONFIG_TABLES = ("scan", "rules", "report", "history")


def read_config_tables(path: Path) -> dict[str, dict[str, Any]]:
    """The ``[scan]``, ``[rules]``, ``[report]`` and ``[history]`` tables of a TOML config
    file (empty when absent)."""
    text = read_user_file(path, "config file", "check the --config path")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None
    unknown_tables = set(document) - set(CONFIG_TABLES)
    if unknown_tables:
        raise ConfigError(
            f"config file {path}: unknown table(s) {sorted(unknown_tables)}; "
            "put scan settings under [scan], rule settings under [rules], report and "
            "evidence settings under [report] and the audit history under [history]"
        )
    tables = {}
    for name in CONFIG_TABLES:
        table = document.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"config file {path}: '{name}' must be a table ([{name}])")
        tables[name] = table
    return tables


def load_config_file(path: Path) -> dict[str, Any]:
    """Read the ``[scan]`` table of a TOML config file."""
    return read_config_tables(path)["scan"]


def build_settings(*sources: dict[str, Any], origin: str = "settings") -> ScanSettings:
    """Merge setting mappings (later ones win) into validated ScanSettings."""
    merged: dict[str, Any] = {}
    for source in sources:
        merged.update({key: value for key, value in source.items() if value is not None})
    hints = get_type_hints(ScanSettings)
    known = {f.name for f in dataclasses.fields(ScanSettings)}
    for key, value in merged.items():
        if key not in known:
            raise ConfigError(
                f"{origin}: unknown setting {key!r}; known settings: {', '.join(sorted(known))}"
            )
        merged[key] = _check_type(key, value, hints[key], origin)
    settings = ScanSettings(**merged)
    _check_ranges(settings, origin)
    return settings


def _check_type(key: str, value: Any, hint: Any, origin: str) -> Any:
    expected = get_origin(hint) or hint
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if ok and expected is list:
        ok = all(isinstance(item, str) for item in value)
    if ok and expected is dict:
        ok = all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    if not ok:
        wanted = {list: "a list of strings", dict: "a table of strings"}.get(
            expected, expected.__name__
        )
        raise ConfigError(f"{origin}: {key} must be {wanted}, got {value!r}")
    if get_args(hint) and expected is list:
        return list(value)
    return value


def _check_ranges(settings: ScanSettings, origin: str) -> None:
    positive = (
        "max_pages",
        "max_depth",
        "concurrency",
        "max_per_pattern",
        "max_body_bytes",
        "trap_max_growth_chain",
        "trap_max_numeric_run",
        "trap_max_segment_repeats",
    )
    for name in positive:
        if getattr(settings, name) < 1:
            raise ConfigError(f"{origin}: {name} must be at least 1")
    never_negative = (
        "max_value_chars",
        "min_dwell_ms",
        "settle_quiet_ms",
        "settle_max_ms",
        "screenshots",
    )
    for name in never_negative:
        if getattr(settings, name) < 0:
            raise ConfigError(f"{origin}: {name} must not be negative")
    for name in ("min_dwell_ms", "settle_quiet_ms", "settle_max_ms"):
        if getattr(settings, name) > MAX_MS:
            raise ConfigError(f"{origin}: {name} must be at most {MAX_MS} (a day)")
    if not 0 <= settings.probe_http_port <= MAX_PORT:
        raise ConfigError(f"{origin}: probe_http_port must be a port number (1-{MAX_PORT}) or 0")
    if not (math.isfinite(settings.max_rate) and 0 <= settings.max_rate <= MAX_RATE):
        raise ConfigError(f"{origin}: max_rate must be 0 (no limit) to {MAX_RATE:.0f} a second")
    if settings.max_host_concurrency < 0:
        raise ConfigError(f"{origin}: max_host_concurrency must not be negative (0: no cap)")
    if not math.isfinite(settings.timeout) or settings.timeout <= 0:
        raise ConfigError(f"{origin}: timeout must be a positive number of seconds")
    if settings.timeout > MAX_TIMEOUT_S:
        raise ConfigError(f"{origin}: timeout must be at most {MAX_TIMEOUT_S} seconds (a day)")
    for value in settings.trusted_spki:
        if not is_spki_hash(value):
            raise ConfigError(
                f"{origin}: trusted_spki {value!r} is not a base64 SHA-256 hash (44 characters); "
                "give the server's certificate instead with --trust-cert FILE"
            )
    problem = check_host_map(settings.host_map)
    if problem:
        raise ConfigError(f"{origin}: host_map {problem}")
    consent_problem = state_problem(settings.consent)
    if consent_problem:
        raise ConfigError(f"{origin}: consent {consent_problem}")
    for name, choices in _CHOICES.items():
        if getattr(settings, name) not in choices:
            raise ConfigError(f"{origin}: {name} must be one of {', '.join(choices)}")


def expand_file_settings(table: dict[str, Any], base: Path, origin: str) -> dict[str, Any]:
    """A ``[scan]`` table with ``trust_cert`` and ``hosts_file`` (a path or a list of
    paths, relative to ``base``) replaced by the hashes and mappings their files give,
    added to the table's own ``trusted_spki`` and ``host_map``."""
    expanded = {key: value for key, value in table.items() if key not in FILE_SETTINGS}
    if "trust_cert" in table:
        own = _check_type("trusted_spki", table.get("trusted_spki", []), list[str], origin)
        files = [base / path for path in _path_list(table["trust_cert"], "trust_cert", origin)]
        expanded["trusted_spki"] = trusted_hashes(own, files, "trust_cert")
    if "hosts_file" in table:
        own = _check_type("host_map", table.get("host_map", {}), dict[str, str], origin)
        files = [base / path for path in _path_list(table["hosts_file"], "hosts_file", origin)]
        expanded["host_map"] = mapped_hosts(files, own, "hosts_file")
    return expanded


def trusted_hashes(hashes: list[str], cert_files: list[Path], what: str) -> list[str]:
    """``hashes`` and then the SPKI hashes of the certificates in ``cert_files``, once each."""
    found = [*hashes]
    for path in cert_files:
        found += certificate_hashes(path, what)
    return list(dict.fromkeys(found))


def mapped_hosts(hosts_files: list[Path], host_map: dict[str, str], what: str) -> dict[str, str]:
    """The mappings of ``hosts_files`` (the first file naming a host wins), then
    ``host_map``, which wins over them."""
    found: dict[str, str] = {}
    for path in hosts_files:
        found = {**read_hosts_file(path, what), **found}
    return {**found, **host_map}


def _path_list(value: Any, key: str, origin: str) -> list[str]:
    paths = [value] if isinstance(value, str) else value
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        raise ConfigError(f"{origin}: {key} must be a file name or a list of them, got {value!r}")
    return paths


def check_start_url(url: str) -> str:
    """Return the start URL if it can be crawled, else explain what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"start URL {url!r} is not an http(s) URL with a host; "
            "give a full address such as https://www.example.com/"
        )
    try:
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError:
        raise ConfigError(
            f"start URL {url!r} has an invalid port; a port is a number from 1 to 65535"
        ) from None
    if parts.port == 0:
        raise ConfigError(f"start URL {url!r} has port 0; a port is a number from 1 to 65535")
    return url
