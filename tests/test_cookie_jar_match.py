"""End to end: the scanner's cookie records say what Chromium's own cookie jar holds.

www.cookiejar.test sets hostile cookies from Set-Cookie bytes and from a script (UTF-8 and
non-UTF-8 names and values, U+202E, control characters, quotes, sizes past the limits, a
line repeated 200 times). The page is scanned with ``scanner scan``; then a fresh Chromium,
launched as the scanner launches it, visits the same page and its jar is read with
Playwright (``context.cookies()``, DevTools' ``Storage.getCookies``). Per cookie (name,
domain, path) the scanner must have a stored record with the jar's value, and nothing the
jar holds may be recorded as not stored; a write that was not stored must say why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from scanner.testworld import TestWorld, running_test_world
from scanner.testworld.hosts import COOKIE_JAR
from scanner.testworld.sites.cookie_jar import HEADER_LINES, REPEATS, SCRIPT_WRITES
from tests.browser_helpers import scanner_chromium
from tests.e2e_helpers import CliRun, run_scanner

pytestmark = pytest.mark.browser

Key = tuple[str, str, str]
SETTLE_S = 1.0


@pytest.fixture(scope="module")
def world() -> Iterator[TestWorld]:
    with running_test_world() as running:
        yield running


@pytest.fixture(scope="module")
def scanned(world: TestWorld, tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    run = run_scanner(
        "scan",
        world.url(COOKIE_JAR, "/"),
        "--map-host",
        "*=127.0.0.1",
        "--trust-spki",
        world.spki_sha256,
        "--no-sitemap",
        "--max-pages",
        "1",
        "--screenshots",
        "0",
        "--dwell",
        "500",
        "--progress",
        "never",
        out_dir=tmp_path_factory.mktemp("cookie-jar"),
    )
    assert run.returncode in (0, 1), run.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def browser_jar(world: TestWorld) -> list[dict[str, Any]]:
    """Chromium's jar after a visit of the page, read by Playwright and by DevTools."""
    return asyncio.run(_visit(world))


async def _visit(world: TestWorld) -> list[dict[str, Any]]:
    async with scanner_chromium({"*": "127.0.0.1"}, [world.spki_sha256]) as context:
        page = await context.new_page()
        await page.goto(world.url(COOKIE_JAR, "/"), wait_until="load")
        await asyncio.sleep(SETTLE_S)
        jar = await context.cookies()
        session = await context.new_cdp_session(page)
        devtools = (await session.send("Storage.getCookies"))["cookies"]
    by_playwright = {_jar_key(c): c["value"] for c in jar}
    by_devtools = {_jar_key(c): c["value"] for c in devtools}
    assert by_playwright == by_devtools  # two readings of one jar
    return jar


def _jar_key(cookie: dict[str, Any]) -> Key:
    # DevTools can report a lone surrogate for bytes that are not UTF-8; records use U+FFFD
    name = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in cookie["name"])
    return (name, cookie["domain"], cookie["path"])


def _records(run: CliRun) -> list[dict[str, Any]]:
    [page] = run.scan["pages"]
    return page["cookies"]


def _stored(records: list[dict[str, Any]]) -> dict[Key, str]:
    """The value each (name, domain, path) was left with, from records marked stored."""
    stored: dict[Key, str] = {}
    for record in records:
        if record["stored"]:
            stored[(record["name"], record["domain"], record["path"])] = record["value"]
    return stored


def test_every_cookie_in_chromiums_jar_is_recorded_as_stored_with_its_value(
    scanned: CliRun, browser_jar: list[dict[str, Any]]
) -> None:
    jar = {_jar_key(c): c["value"] for c in browser_jar}
    assert len(jar) >= 25  # the page's cookies reached the jar: the comparison means something
    assert _stored(_records(scanned)) == jar


def test_no_write_is_left_unexplained(scanned: CliRun, browser_jar: list[dict[str, Any]]) -> None:
    jar = {_jar_key(c) for c in browser_jar}
    for record in _records(scanned):
        key = (record["name"], record["domain"], record["path"])
        if record["stored"]:
            continue
        assert key not in jar or record["outcome"] == "deleted", record
        assert record["outcome"] in ("refused", "deleted"), record
        if record["outcome"] == "refused":
            assert record["refused_reasons"], record


def test_names_are_read_as_utf8_and_every_byte_is_kept(scanned: CliRun) -> None:
    records = {r["name"]: r for r in _records(scanned)}
    assert records["café"]["value"] == "crème brûlée"
    assert records["кука"]["stored"] is True
    assert records["invoice\u202egpj.exe"]["stored"] is True
    assert records["js_café"]["source"] == "script"
    assert not any("Ã" in name or "Ð" in name for name in records)  # no Latin-1 reading
    # bytes that are not UTF-8: the name as the jar shows it, every byte in raw
    assert records["inval"]["raw"] == "inval\\xff\\xfe=x\\xc3; Path=/"
    assert records["latin1"]["raw"] == "latin1=\\xe9t\\xe9; Path=/"


def test_refusals_carry_chromiums_reasons(scanned: CliRun) -> None:
    reasons = {
        r["name"][:20]: (r["refused_reasons"], r["refusal_source"])
        for r in _records(scanned)
        if r["outcome"] == "refused"
    }
    assert reasons["ctl"] == (["DisallowedCharacter"], "browser")
    assert reasons["tab"] == (["DisallowedCharacter"], "browser")
    assert reasons["n" * 20] == (["NameValuePairExceedsMaxSize"], "browser")
    assert reasons["wide"] == (["InvalidDomain"], "browser")
    assert reasons["elsewhere"] == (["InvalidDomain"], "browser")
    assert reasons["js_wide"] == (["InvalidDomain"], "inferred")
    assert reasons["js_ctl"] == (["DisallowedCharacter"], "inferred")
    assert reasons["js_line"] == (["DisallowedCharacter"], "inferred")
    assert reasons["js_" + "l" * 17] == (["NameValuePairExceedsMaxSize"], "inferred")


def test_a_cookie_date_only_rfc_6265_reads_makes_a_persistent_cookie(
    scanned: CliRun, browser_jar: list[dict[str, Any]]
) -> None:
    [jar_cookie] = [c for c in browser_jar if c["name"] == "odd_date"]
    [record] = [r for r in _records(scanned) if r["name"] == "odd_date"]
    assert jar_cookie["expires"] > 0  # Chromium read "15 Apr 21:01:22 2037" as a date
    assert record["session"] is False
    assert record["requested_lifetime_s"] is not None and record["requested_lifetime_s"] > 0


def test_every_write_is_one_record(scanned: CliRun) -> None:
    records = _records(scanned)
    headers = [r for r in records if r["source"] == "header"]
    scripts = [r for r in records if r["source"] == "script"]
    assert len(headers) == len(HEADER_LINES) + REPEATS
    assert len(scripts) == len(SCRIPT_WRITES)
    repeated = [r for r in headers if r["name"] == "repeated"]
    assert len(repeated) == REPEATS and all(r["stored"] for r in repeated)
