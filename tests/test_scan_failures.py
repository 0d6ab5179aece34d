"""End to end: what a scan records and says when pages fail, input is bad or it is stopped."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.testworld import TestWorld, running_test_world
from scanner.testworld.sites.consent_shop_tags import KLARO_PATH
from tests.e2e_helpers import CliRun, run_scanner, stderr_lines, where

pytestmark = pytest.mark.browser

SHOP = "www.shop.test"


@pytest.fixture(scope="module")
def world() -> Iterator[TestWorld]:
    with running_test_world() as running:
        yield running


def scan(world: TestWorld, path: str, out: Path, *extra: str, trusted: bool = True) -> CliRun:
    args = ["scan", world.url(SHOP, path), "--progress", "never", "--no-sitemap", *extra]
    if trusted:
        args += ["--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256]
    return run_scanner(*args, out_dir=out)


def only_page(run: CliRun) -> dict:
    pages = run.scan["pages"]
    assert len(pages) == 1, [page["url"] for page in pages]
    return pages[0]


def test_a_page_slower_than_the_timeout_is_failed_with_what_was_seen(
    world: TestWorld, tmp_path: Path
) -> None:
    run = scan(world, "/slow", tmp_path, "--timeout", "2", "--max-pages", "1")
    page = only_page(run)
    assert page["outcome"] == "failed"
    assert page["error"]["kind"] == "timeout"
    # the document, and the cookie banner's script its head asked for before the stall
    assert [where(r["url"]) for r in page["requests"]] == [f"{SHOP}/slow", f"{SHOP}{KLARO_PATH}"]
    assert "the page did not finish loading: partial capture" in page["capture_errors"]
    assert run.returncode == 3
    assert stderr_lines(run)[-1].startswith("error: no page could be rendered (timeout: ")


def test_an_untrusted_certificate_is_a_tls_failure_with_a_hint(
    world: TestWorld, tmp_path: Path
) -> None:
    run = scan(world, "/", tmp_path, "--map-host", "*=127.0.0.1", trusted=False)
    page = only_page(run)
    assert page["error"]["kind"] == "tls"
    assert "ERR_CERT_AUTHORITY_INVALID" in page["error"]["message"]
    assert run.returncode == 3
    assert stderr_lines(run)[-1] == (
        "hint: if you trust this server, pass its key hash with --trust-spki"
    )


def test_a_name_that_does_not_resolve_is_a_dns_failure(world: TestWorld, tmp_path: Path) -> None:
    run = scan(world, "/", tmp_path, trusted=False)
    assert only_page(run)["error"]["kind"] == "dns"
    assert run.returncode == 3


def test_robots_txt_is_honoured_unless_the_owner_says_otherwise(
    world: TestWorld, tmp_path: Path
) -> None:
    polite = scan(world, "/private/", tmp_path / "polite", "--include-path", "/private/")
    assert polite.scan["pages"] == []
    assert [(where(s["url"]), s["reason"]) for s in polite.scan["skipped"]] == [
        (f"{SHOP}/private/", "robots")
    ]
    owner = scan(
        world, "/private/", tmp_path / "owner", "--include-path", "/private/", "--ignore-robots"
    )
    assert owner.returncode == 0
    assert only_page(owner)["outcome"] == "rendered"


def test_scope_options_keep_the_crawl_inside_a_path(world: TestWorld, tmp_path: Path) -> None:
    run = scan(world, "/blog/", tmp_path, "--include-path", "/blog/")
    assert run.returncode == 0
    assert {where(page["url"]) for page in run.scan["pages"]} == {
        f"{SHOP}/blog/",
        f"{SHOP}/blog/1",
        f"{SHOP}/blog/2",
        f"{SHOP}/blog/3",
    }


def test_max_pages_stops_admitting_and_records_the_rest(world: TestWorld, tmp_path: Path) -> None:
    run = scan(world, "/", tmp_path, "--max-pages", "3")
    assert len(run.scan["pages"]) == 3
    assert run.scan["summary"]["skipped"]["max-pages"] > 0
    assert run.returncode == 0


def test_an_interrupted_crawl_keeps_what_it_saw(tmp_path: Path) -> None:
    journal = tmp_path / "scan.pages.jsonl"
    command = [sys.executable, "-m", "scanner", "demo", "--out", str(tmp_path)]
    process = subprocess.Popen(
        [*command, "--progress", "never"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if journal.exists() and len(journal.read_text().splitlines()) >= 5:
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 3, stderr
    result = json.loads((tmp_path / "scan.json").read_text())
    assert (result["complete"], result["finish_reason"]) == (False, "shutdown")
    assert len(result["pages"]) >= 5
    assert result["not_visited"], "pages queued when Ctrl-C came must be listed"
    assert {entry["reason"] for entry in result["not_visited"]} == {"shutdown"}
    assert journal.exists() and (tmp_path / ".scan-state" / "run.json").exists()  # to resume
    not_visited = len(result["not_visited"])
    assert (
        f"warning: the scan is incomplete (shutdown): {not_visited} "
        f"page{'s' if not_visited > 1 else ''} not visited ({not_visited} shutdown)"
    ).encode() in stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["scan", "ftp://example.com/"],
            {},
            "error: start URL 'ftp://example.com/' is not an http(s) URL with a host; "
            "give a full address such as https://www.example.com/",
        ),
        (
            ["scan", "https://www.example.com/"],
            {"SCANNER_CHROMIUM": "/nonexistent/chromium"},
            "error: browser '/nonexistent/chromium' is not an executable file; fix browser_path "
            "/ $SCANNER_CHROMIUM or install Chromium (apt-get install chromium)",
        ),
        (
            ["scan", "https://www.example.com/", "--max-pages", "0"],
            {},
            "error: options: max_pages must be at least 1",
        ),
        (
            ["scan", "https://www.example.com/", "--map-host", "localhost"],
            {},
            "error: --map-host 'localhost': write it as PATTERN=IP, e.g. '*.test=127.0.0.1'",
        ),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    run = run_scanner(*args, out_dir=tmp_path / "out", env=env)
    assert (run.returncode, stderr_lines(run)) == (2, [message])
    assert not (tmp_path / "out" / "scan.json").exists()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[scan]\nmax_pagez = 3\n", "unknown setting 'max_pagez'; known settings: "),
        ("[scan]\nmax_pages = 'many'\n", "max_pages must be int, got 'many'"),
        ("[scan\n", "is not valid TOML"),
        ("[crawl]\nmax_pages = 3\n", "unknown table(s) ['crawl']; put scan settings under [scan]"),
    ],
)
def test_a_bad_config_file_is_one_clear_line_naming_the_file(
    tmp_path: Path, config: str, message: str
) -> None:
    config_file = tmp_path / "scanner.toml"
    config_file.write_text(config)
    run = run_scanner(
        "scan", "https://www.example.com/", "--config", str(config_file), out_dir=tmp_path / "out"
    )
    lines = stderr_lines(run)
    assert run.returncode == 2 and len(lines) == 1
    assert lines[0].startswith(f"error: config file {config_file}")
    assert message in lines[0]


def test_config_file_settings_apply_and_options_override_them(
    world: TestWorld, tmp_path: Path
) -> None:
    config_file = tmp_path / "scanner.toml"
    config_file.write_text('[scan]\nmax_pages = 2\ninclude_paths = ["/blog/"]\n')
    from_file = scan(world, "/blog/", tmp_path / "a", "--config", str(config_file))
    assert len(from_file.scan["pages"]) == 2
    assert from_file.scan["settings"]["include_paths"] == ["/blog/"]
    overridden = scan(
        world, "/blog/", tmp_path / "b", "--config", str(config_file), "--max-pages", "4"
    )
    assert len(overridden.scan["pages"]) == 4


def test_progress_line_when_asked_for(world: TestWorld, tmp_path: Path) -> None:
    args = ["scan", world.url(SHOP, "/about"), "--no-sitemap", "--max-pages", "2"]
    args += ["--consent", "before"]  # the crawl's own line, without the visitors' pages
    args += ["--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256]
    shown = run_scanner(*args, "--progress", "always", out_dir=tmp_path / "shown")
    assert "  2 pages done, 0 failed, 0 queued, " in shown.stderr
    quiet = run_scanner(*args, out_dir=tmp_path / "quiet")  # not a terminal: no progress
    assert "pages done" not in quiet.stderr
