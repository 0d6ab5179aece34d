"""The frontier's decision log: replaying it rebuilds the frontier exactly, torn or not."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from scanner.config import ScanSettings, build_settings
from scanner.crawl.frontier import Frontier
from scanner.crawl.frontier_journal import (
    JOURNALED_METHODS,
    READ_ONLY_METHODS,
    ROBOTS,
    SITEMAP,
    CrawlLog,
    JournaledFrontier,
    SpiderLog,
    read_events,
    replay,
)

START = "https://www.shop.test/"


def small_settings() -> ScanSettings:
    return build_settings({"max_pages": 8, "max_depth": 2, "max_per_pattern": 2})


def state(frontier: Frontier) -> dict[str, Any]:
    """Everything the frontier holds, whatever its attributes are now or later."""
    return {k: _plain(v) for k, v in vars(frontier).items() if k not in ("log", "_depth")}


def _plain(value: Any) -> Any:
    """Objects the frontier holds (such as its trap guard) as comparable dicts."""
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return {k: _plain(v) for k, v in vars(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def crawl_something(frontier: JournaledFrontier, spider: SpiderLog) -> None:
    """A crawl's worth of decisions: every kind of admission, skip and drop."""
    frontier.admit(START, 0, None)
    spider.support_queued("https://www.shop.test/robots.txt", ROBOTS)
    spider.support_queued("https://www.shop.test/sitemap.xml", SITEMAP)
    spider.following("link")
    for url in (
        "https://www.shop.test/about#team",
        "https://www.shop.test/about/",  # the same page
        "https://cdn.example/lib.js",  # another site: counted as an external host
        "https://cdn.example/other.js",
        "mailto:shop@shop.test",
        "https://www.shop.test/blog/2024-01-01",
        "https://www.shop.test/blog/2024-01-02",
        "https://www.shop.test/blog/2024-01-03",  # a third of one shape: a trap
        "https://www.shop.test/blog/2024-01-04",  # a trap too, and it stays one
        "https://www.shop.test:bad/",  # no port: nothing to fetch
    ):
        frontier.admit(url, 1, START)
    frontier.admit("https://www.shop.test/deep", 3, "https://www.shop.test/about")  # max-depth
    frontier.mark_seen("https://www.shop.test/moved-here")
    spider.support_done("https://www.shop.test/robots.txt")
    spider.following("sitemap")
    sitemap = "https://www.shop.test/sitemap.xml"
    frontier.admit("https://www.shop.test/blog/2024-01-03", 1, sitemap, listed=True)  # un-trapped
    for number in range(5):
        frontier.admit(f"https://www.shop.test/p/{number}", 1, sitemap, listed=True)
    frontier.release("https://www.shop.test/p/0", "robots", "https://www.shop.test/sitemap.xml")
    frontier.skip("https://www.shop.test/" + "x" * 3000, "url-too-long", START)


def logged_crawl(path: Path) -> JournaledFrontier:
    log = CrawlLog(path)
    frontier = JournaledFrontier(START, small_settings(), log)
    crawl_something(frontier, SpiderLog(log))
    log.close()
    return frontier


def test_replaying_the_log_rebuilds_the_frontier_exactly(tmp_path: Path) -> None:
    original = logged_crawl(tmp_path / "frontier.jsonl")
    replayed = replay(tmp_path / "frontier.jsonl", START, small_settings()).frontier
    assert state(replayed) == state(original)
    # the crawl above reached every kind of state, so equality means something
    assert original.skip_counts == {"trap": 1, "max-depth": 1, "max-pages": 2, "robots": 1,
                                    "url-too-long": 1}  # fmt: skip
    assert original.external_hosts == {"cdn.example": 2}
    assert len(original.admitted_urls) == 7
    assert "https://www.shop.test/blog/2024-01-03" in original.admitted_urls  # listed after all


def test_calls_the_frontier_makes_on_itself_are_not_logged_twice(tmp_path: Path) -> None:
    path = tmp_path / "frontier.jsonl"
    log = CrawlLog(path)
    frontier = JournaledFrontier(START, small_settings(), log)
    frontier.admit("https://www.shop.test/deep", 3, START)  # admit calls skip (max-depth)
    log.close()
    assert [(e["m"], e["a"]) for e in read_events(path)] == [
        ("admit", ["https://www.shop.test/deep", 3, START])
    ]
    assert replay(path, START, small_settings()).frontier.skip_counts == {"max-depth": 1}


def test_a_torn_last_line_is_skipped_and_cut_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "frontier.jsonl"
    original = logged_crawl(path)
    with path.open("a", encoding="utf-8") as log:  # a kill in the middle of a write
        log.write('{"e": "call", "m": "admit", "a": ["https://www.shop.test/torn", 1')
    assert state(replay(path, START, small_settings()).frontier) == state(original)

    resumed = replay(path, START, small_settings()).frontier
    resumed.log = CrawlLog(path)
    resumed.admit("https://www.shop.test/after", 1, START)
    resumed.log.close()
    assert path.read_text(encoding="utf-8").endswith("\n")
    again = replay(path, START, small_settings()).frontier
    assert state(again) == state(resumed)
    assert "https://www.shop.test/after" in again.admitted_urls
    assert "https://www.shop.test/torn" not in again.admitted_urls


def test_a_log_that_is_one_torn_line_replays_as_a_fresh_crawl(tmp_path: Path) -> None:
    path = tmp_path / "frontier.jsonl"
    path.write_text('{"e": "call", "m": "adm', encoding="utf-8")
    assert state(replay(path, START, small_settings()).frontier) == state(
        Frontier(START, small_settings())
    )
    CrawlLog(path).close()
    assert path.read_bytes() == b""


def test_admissions_say_how_each_page_was_found(tmp_path: Path) -> None:
    logged_crawl(tmp_path / "frontier.jsonl")
    crawl = replay(tmp_path / "frontier.jsonl", START, small_settings())
    found = {url: (a.depth, a.via, a.found_on) for url, a in crawl.admissions.items()}
    assert found[START] == (0, "start", None)
    assert found["https://www.shop.test/about"] == (1, "link", START)
    assert found["https://www.shop.test/p/1"] == (1, "sitemap", "https://www.shop.test/sitemap.xml")
    assert set(crawl.frontier.admitted_urls) <= set(found)


def test_support_files_not_done_are_outstanding(tmp_path: Path) -> None:
    logged_crawl(tmp_path / "frontier.jsonl")
    crawl = replay(tmp_path / "frontier.jsonl", START, small_settings())
    assert crawl.support_outstanding() == {"https://www.shop.test/sitemap.xml": SITEMAP}


def test_every_log_line_is_one_json_object(tmp_path: Path) -> None:
    logged_crawl(tmp_path / "frontier.jsonl")
    lines = (tmp_path / "frontier.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)


def test_every_public_frontier_method_is_journaled_or_read_only() -> None:
    """A new state-changing Frontier method must be journaled, or a resume loses it."""
    public = {
        name
        for name, member in inspect.getmembers(Frontier, inspect.isfunction)
        if not name.startswith("_")
    }
    assert public == set(JOURNALED_METHODS) | set(READ_ONLY_METHODS)
