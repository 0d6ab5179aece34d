"""Scan settings: merging, validation messages, the TOML config file and the start URL."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from scanner.config import (
    SESSION_PARAMETERS,
    TRACKING_PARAMETERS,
    ScanSettings,
    build_settings,
    check_start_url,
    load_config_file,
)
from scanner.errors import ConfigError, UserError

ALL_NAMES = (
    "browser_path, concurrency, consent, exclude_hosts, exclude_paths, host_map, include_hosts, "
    "include_paths, max_body_bytes, max_depth, max_host_concurrency, max_pages, "
    "max_per_pattern, max_rate, max_value_chars, "
    "min_dwell_ms, obey_robots, probe_http_port, progress, screenshots, settle_max_ms, "
    "settle_quiet_ms, "
    "strip_parameters, timeout, trap_max_growth_chain, trap_max_numeric_run, "
    "trap_max_segment_repeats, trusted_spki, use_sitemap, user_agent"
)

# -- build_settings -------------------------------------------------------------------


def test_no_sources_gives_the_defaults() -> None:
    settings = build_settings()
    assert settings == ScanSettings()
    assert settings.max_pages == 1000
    assert settings.max_depth == 20
    assert settings.concurrency == 6
    assert settings.timeout == 30.0
    assert settings.max_per_pattern == 20
    assert settings.progress == "auto"
    assert settings.strip_parameters == [*TRACKING_PARAMETERS, *SESSION_PARAMETERS]


def test_defaults_are_not_shared_between_instances() -> None:
    first, second = build_settings(), build_settings()
    first.strip_parameters.append("ref")
    first.host_map["a"] = "1.2.3.4"
    assert "ref" not in second.strip_parameters
    assert second.host_map == {}


def test_later_sources_win_and_none_is_ignored() -> None:
    settings = build_settings(
        {"max_pages": 10, "max_depth": 3, "user_agent": "file"},
        {"max_pages": 50, "max_depth": None, "user_agent": None},
        {"concurrency": None},
    )
    assert settings.max_pages == 50
    assert settings.max_depth == 3
    assert settings.user_agent == "file"
    assert settings.concurrency == 6


def test_none_does_not_override_with_default() -> None:
    assert build_settings({"timeout": 12.5}, {"timeout": None}).timeout == 12.5


def test_sources_are_not_modified() -> None:
    source: dict[str, Any] = {"include_hosts": ["a.com"], "timeout": 5, "user_agent": None}
    settings = build_settings(source)
    assert source == {"include_hosts": ["a.com"], "timeout": 5, "user_agent": None}
    assert settings.timeout == 5.0
    assert settings.include_hosts is not source["include_hosts"]


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("timeout", 5, 5.0),
        ("timeout", 2.5, 2.5),
        ("max_pages", 1, 1),
        ("obey_robots", False, False),
        ("include_hosts", ["*.cdn.net", "a.com"], ["*.cdn.net", "a.com"]),
        ("strip_parameters", [], []),
        ("host_map", {"*.test": "127.0.0.1"}, {"*.test": "127.0.0.1"}),
        ("progress", "never", "never"),
        ("user_agent", "AuditBot/1.0", "AuditBot/1.0"),
    ],
)
def test_accepted_values(key: str, value: Any, stored: Any) -> None:
    settings = build_settings({key: value})
    assert getattr(settings, key) == stored
    assert type(getattr(settings, key)) is type(stored)


def test_list_settings_are_copied_to_lists() -> None:
    hosts = ["a.com"]
    settings = build_settings({"exclude_hosts": hosts})
    hosts.append("b.com")
    assert settings.exclude_hosts == ["a.com"]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("max_pages", "10", "cfg.toml: max_pages must be int, got '10'"),
        ("max_pages", 10.0, "cfg.toml: max_pages must be int, got 10.0"),
        ("max_pages", True, "cfg.toml: max_pages must be int, got True"),
        ("timeout", "30", "cfg.toml: timeout must be float, got '30'"),
        ("timeout", True, "cfg.toml: timeout must be float, got True"),
        ("obey_robots", 1, "cfg.toml: obey_robots must be bool, got 1"),
        ("obey_robots", "yes", "cfg.toml: obey_robots must be bool, got 'yes'"),
        ("user_agent", 5, "cfg.toml: user_agent must be str, got 5"),
        (
            "include_hosts",
            "a.com",
            "cfg.toml: include_hosts must be a list of strings, got 'a.com'",
        ),
        (
            "include_hosts",
            ["a.com", 1],
            "cfg.toml: include_hosts must be a list of strings, got ['a.com', 1]",
        ),
        ("host_map", ["a"], "cfg.toml: host_map must be a table of strings, got ['a']"),
        (
            "host_map",
            {"a.test": 127},
            "cfg.toml: host_map must be a table of strings, got {'a.test': 127}",
        ),
    ],
)
def test_type_errors_name_the_setting(key: str, value: Any, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        build_settings({key: value}, origin="cfg.toml")
    assert str(raised.value) == message


def test_unknown_setting_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as raised:
        build_settings({"max_page": 5}, origin="config file scan.toml")
    assert str(raised.value) == (
        f"config file scan.toml: unknown setting 'max_page'; known settings: {ALL_NAMES}"
    )


def test_known_names_match_the_dataclass() -> None:
    names = sorted(field.name for field in dataclasses.fields(ScanSettings))
    assert ", ".join(names) == ALL_NAMES


def test_default_origin_in_messages() -> None:
    with pytest.raises(ConfigError, match=r"^settings: max_depth must be int, got 'x'$"):
        build_settings({"max_depth": "x"})


@pytest.mark.parametrize(
    "name", ["max_pages", "max_depth", "concurrency", "max_per_pattern", "max_body_bytes"]
)
@pytest.mark.parametrize("value", [0, -1])
def test_positive_settings(name: str, value: int) -> None:
    with pytest.raises(ConfigError) as raised:
        build_settings({name: value}, origin="--cli")
    assert str(raised.value) == f"--cli: {name} must be at least 1"
    assert getattr(build_settings({name: 1}), name) == 1


@pytest.mark.parametrize("value", [0, 0.0, -1.5])
def test_timeout_must_be_positive(value: float) -> None:
    with pytest.raises(ConfigError) as raised:
        build_settings({"timeout": value}, origin="cfg")
    assert str(raised.value) == "cfg: timeout must be a positive number of seconds"


def test_timeout_tiny_but_positive_is_accepted() -> None:
    assert build_settings({"timeout": 0.001}).timeout == 0.001


def test_progress_choices() -> None:
    for choice in ("auto", "always", "never"):
        assert build_settings({"progress": choice}).progress == choice
    with pytest.raises(ConfigError) as raised:
        build_settings({"progress": "sometimes"}, origin="cfg")
    assert str(raised.value) == "cfg: progress must be one of auto, always, never"


def test_config_error_is_a_user_error() -> None:
    assert issubclass(ConfigError, UserError)


@pytest.mark.parametrize("name", ["max_value_chars", "settle_quiet_ms", "settle_max_ms"])
def test_negative_limits_are_rejected(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        build_settings({name: -1}, origin="cfg")


def test_screenshots_default_zero_and_negative() -> None:
    assert build_settings().screenshots == 100
    assert build_settings({"screenshots": 0}).screenshots == 0  # off
    assert build_settings({"screenshots": 5000}).screenshots == 5000
    with pytest.raises(ConfigError) as raised:
        build_settings({"screenshots": -1}, origin="cfg")
    assert str(raised.value) == "cfg: screenshots must not be negative"


@pytest.mark.parametrize("value", [True, 2.5, "10"])
def test_screenshots_must_be_a_whole_number(value: Any) -> None:
    with pytest.raises(ConfigError) as raised:
        build_settings({"screenshots": value}, origin="cfg")
    assert str(raised.value) == f"cfg: screenshots must be int, got {value!r}"


# -- load_config_file -----------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "scan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_scan_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[scan]\nmax_pages = 25\ntimeout = 10\ninclude_hosts = ["*.cdn.net"]\n'
        '[scan.host_map]\n"*.test" = "127.0.0.1"\n',
    )
    table = load_config_file(path)
    assert table == {
        "max_pages": 25,
        "timeout": 10,
        "include_hosts": ["*.cdn.net"],
        "host_map": {"*.test": "127.0.0.1"},
    }
    settings = build_settings(table, origin=f"config file {path}")
    assert (settings.max_pages, settings.timeout) == (25, 10.0)
    assert settings.host_map == {"*.test": "127.0.0.1"}


@pytest.mark.parametrize("text", ["", "# only a comment\n", "[scan]\n"])
def test_empty_config_gives_an_empty_table(tmp_path: Path, text: str) -> None:
    assert load_config_file(write(tmp_path, text)) == {}


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as raised:
        load_config_file(path)
    assert str(raised.value) == f"config file {path} does not exist; check the --config path"


def test_invalid_toml_names_the_file_and_the_position(tmp_path: Path) -> None:
    path = write(tmp_path, "[scan]\nmax_pages = \n")
    with pytest.raises(ConfigError) as raised:
        load_config_file(path)
    message = str(raised.value)
    assert message.startswith(f"config file {path} is not valid TOML: ")
    assert "line 2" in message


WHERE_SETTINGS_GO = (
    "put scan settings under [scan], rule settings under [rules], report and "
    "evidence settings under [report] and the audit history under [history]"
)


def test_unknown_tables(tmp_path: Path) -> None:
    path = write(tmp_path, "[scan]\nmax_pages = 1\n[reports]\n[crawl]\n")
    with pytest.raises(ConfigError) as raised:
        load_config_file(path)
    assert str(raised.value) == (
        f"config file {path}: unknown table(s) ['crawl', 'reports']; " + WHERE_SETTINGS_GO
    )


def test_settings_outside_the_scan_table(tmp_path: Path) -> None:
    path = write(tmp_path, "max_pages = 5\n")
    with pytest.raises(ConfigError) as raised:
        load_config_file(path)
    assert str(raised.value) == (
        f"config file {path}: unknown table(s) ['max_pages']; " + WHERE_SETTINGS_GO
    )


def test_scan_that_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "scan = 5\n")
    with pytest.raises(ConfigError) as raised:
        load_config_file(path)
    assert str(raised.value) == f"config file {path}: 'scan' must be a table ([scan])"


def test_unknown_key_in_the_file_is_reported_by_build_settings(tmp_path: Path) -> None:
    path = write(tmp_path, "[scan]\nmax_pagez = 5\n")
    with pytest.raises(ConfigError, match=r"unknown setting 'max_pagez'; known settings: "):
        build_settings(load_config_file(path), origin=f"config file {path}")


@pytest.mark.parametrize("kind", ["utf-16", "directory"])
def test_unreadable_config_file_is_a_config_error(tmp_path: Path, kind: str) -> None:
    if kind == "directory":
        path = tmp_path / "conf.d"
        path.mkdir()
    else:
        path = tmp_path / "scan.toml"
        path.write_text("[scan]\nmax_pages = 5\n", encoding="utf-16")
    with pytest.raises(ConfigError, match=str(path)):
        load_config_file(path)


# -- check_start_url ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["https://www.example.com/", "http://localhost:8000", "https://127.0.0.1/a?b=1"]
)
def test_check_start_url_accepts(url: str) -> None:
    assert check_start_url(url) == url


@pytest.mark.parametrize(
    "url", ["www.example.com", "ftp://example.com/", "https://", "mailto:a@example.com", ""]
)
def test_check_start_url_rejects(url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check_start_url(url)
    assert str(raised.value) == (
        f"start URL {url!r} is not an http(s) URL with a host; "
        "give a full address such as https://www.example.com/"
    )


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_timeout_must_be_a_finite_number(value: float) -> None:
    with pytest.raises(ConfigError) as raised:
        build_settings({"timeout": value}, origin="cfg")
    assert str(raised.value) == "cfg: timeout must be a positive number of seconds"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, 10_001.0])
def test_max_rate_is_a_finite_number_of_requests_a_second(value: float) -> None:
    with pytest.raises(ConfigError) as raised:
        build_settings({"max_rate": value}, origin="cfg")
    assert str(raised.value) == "cfg: max_rate must be 0 (no limit) to 10000 a second"
    assert build_settings({"max_rate": 2, "max_host_concurrency": 3}).max_rate == 2.0
    with pytest.raises(ConfigError, match=r"^cfg: max_host_concurrency must not be negative"):
        build_settings({"max_host_concurrency": -1}, origin="cfg")


def test_waits_are_capped_at_a_day() -> None:
    assert build_settings({"timeout": 86_400, "settle_max_ms": 86_400_000}).timeout == 86_400
    with pytest.raises(ConfigError) as raised:
        build_settings({"timeout": 86_401}, origin="cfg")
    assert str(raised.value) == "cfg: timeout must be at most 86400 seconds (a day)"
    with pytest.raises(ConfigError) as raised:
        build_settings({"min_dwell_ms": 2**63 - 1}, origin="cfg")
    assert str(raised.value) == "cfg: min_dwell_ms must be at most 86400000 (a day)"


@pytest.mark.parametrize(
    "url", ["https://www.example.com:99999/", "https://www.example.com:0/", "http://a.test:-1/"]
)
def test_check_start_url_rejects_ports_out_of_range(url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check_start_url(url)
    assert str(raised.value).startswith(f"start URL {url!r} has ")
    assert str(raised.value).endswith("a port is a number from 1 to 65535")


def test_check_start_url_accepts_the_highest_port() -> None:
    assert check_start_url("https://a.test:65535/") == "https://a.test:65535/"


def test_consent_states_default_to_before_reject_and_accept() -> None:
    assert build_settings({}).consent == ["before", "reject", "accept"]
    assert build_settings({"consent": ["before", "gpc"]}).consent == ["before", "gpc"]


@pytest.mark.parametrize(
    ("states", "problem"),
    [
        (["reject"], "must include 'before'"),
        (["before", "refuse"], "unknown state 'refuse' (choose from before, reject, accept, gpc)"),
        (["before", "reject", "reject"], "a state is listed twice"),
    ],
)
def test_consent_states_that_cannot_be_scanned_say_why(states: list[str], problem: str) -> None:
    with pytest.raises(ConfigError, match=r"^cfg: consent ") as raised:
        build_settings({"consent": states}, origin="cfg")
    assert problem in str(raised.value)


@pytest.mark.parametrize("port", [-1, 65_536])
def test_probe_http_port_must_be_a_port(port: int) -> None:
    with pytest.raises(ConfigError, match="probe_http_port must be a port number"):
        build_settings({"probe_http_port": port}, origin="cfg")
    assert build_settings({"probe_http_port": 8080}).probe_http_port == 8080
