"""End to end on the hostile test site: no real page is lost as a trap, every trap ends,
what is not visited says why, the URL linked is the URL visited, and failure durations
do not include queue time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.crawl.losses import URL_TOO_LONG
from scanner.testworld import TestWorld, running_test_world
from scanner.testworld.hosts import HOSTILE
from scanner.testworld.sites import hostile
from tests.e2e_helpers import CliRun, pages_by_place, run_scanner, stderr_lines, where

pytestmark = pytest.mark.browser

REQUEST_LOG = "requests.jsonl"


@pytest.fixture(scope="module")
def world_and_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestWorld, Path]]:
    log = tmp_path_factory.mktemp("hostile") / REQUEST_LOG
    with running_test_world(request_log=log) as running:
        yield running, log


def scan(world: TestWorld, path: str, out: Path, *extra: str) -> CliRun:
    return run_scanner(
        "scan",
        world.url(HOSTILE, path),
        "--progress",
        "never",
        "--dwell",
        "0",
        "--map-host",
        "*=127.0.0.1",
        "--trust-spki",
        world.spki_sha256,
        *extra,
        out_dir=out,
    )


@pytest.fixture(scope="module")
def crawl(
    world_and_log: tuple[TestWorld, Path], tmp_path_factory: pytest.TempPathFactory
) -> CliRun:
    world, _ = world_and_log
    return scan(world, "/", tmp_path_factory.mktemp("crawl"), "--max-per-pattern", "5")


def test_no_real_page_is_skipped_as_a_trap(crawl: CliRun) -> None:
    visited = set(pages_by_place(crawl.scan))
    real = {f"{HOSTILE}/p/{year}" for year in hostile.SITEMAP_YEARS}
    real |= {f"{HOSTILE}{path}" for path in ("/product/201512", "/order/20231105")}
    real.add(f"{HOSTILE}/archive/2023/11/05/")
    assert real <= visited
    skipped = {where(s["url"]) for s in crawl.scan["skipped"]}
    assert not real & skipped


def test_every_trap_ends_before_the_page_limit(crawl: CliRun) -> None:
    places = list(pages_by_place(crawl.scan))
    assert crawl.scan["summary"]["skipped"]["trap"] > 0
    assert "max-pages" not in crawl.scan["summary"]["skipped"]
    assert sum(place.startswith(f"{HOSTILE}/cal/") for place in places) <= 1 + 5
    assert sum(place.startswith(f"{HOSTILE}/n/") for place in places) <= 1 + 20
    assert sum(place.startswith(f"{HOSTILE}/tree/") for place in places) <= 31


def test_a_url_too_long_is_not_visited_with_its_reason_and_exit_3(crawl: CliRun) -> None:
    [lost] = crawl.scan["not_visited"]
    assert where(lost["url"]) == f"{HOSTILE}/long/{'a' * hostile.LONG_LINK_CHARS}"
    assert lost["reason"] == URL_TOO_LONG
    assert crawl.scan["complete"] is False
    assert crawl.returncode == 3
    assert (
        "warning: the scan is incomplete (finished): 1 page not visited (1 url-too-long); "
        "scan.json lists the pages not visited"
    ) in stderr_lines(crawl)


def test_the_url_linked_is_the_url_visited(
    crawl: CliRun, world_and_log: tuple[TestWorld, Path]
) -> None:
    _, log = world_and_log
    linked = f"{hostile.NON_UTF8_PATH}?{hostile.NON_UTF8_QUERY}"
    assert f"{HOSTILE}{linked}" in pages_by_place(crawl.scan)
    received = [json.loads(line) for line in log.read_text().splitlines()]
    bytes_paths = {e["target"] for e in received if e["target"].startswith("/bytes/")}
    assert bytes_paths == {linked}


def test_failure_durations_do_not_include_queue_time(
    world_and_log: tuple[TestWorld, Path], tmp_path: Path
) -> None:
    world, _ = world_and_log
    run = scan(world, "/queue", tmp_path, "--no-sitemap", "--concurrency", "1", "--timeout", "2")
    pages = {where(page["url"]).removeprefix(HOSTILE): page for page in run.scan["pages"]}
    assert {path: page["outcome"] for path, page in pages.items()} == {
        "/queue": "rendered",
        "/hang/1": "failed",
        "/hang/2": "failed",
        "/hang-file.pdf": "failed",
    }
    # one page at a time: the file waited for both late pages (2 s each) in the queue
    assert pages["/hang/2"]["duration_ms"] < 3500
    assert pages["/hang-file.pdf"]["duration_ms"] < 1500
