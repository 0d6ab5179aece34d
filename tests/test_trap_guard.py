"""The crawler-trap guard (scanner.crawl.traps) and the frontier's use of it."""

from __future__ import annotations

import re
from collections import deque
from email.message import Message
from types import SimpleNamespace
from typing import Any

import pytest

from scanner.config import build_settings
from scanner.crawl.frontier import Frontier
from scanner.crawl.traps import TrapGuard, TrapLimits, url_shape
from scanner.testworld.hosts import HOSTILE, WorldUrls
from scanner.testworld.messages import Request
from scanner.testworld.sites import hostile

START = "https://www.example.com/"


def frontier(**settings: Any) -> Frontier:
    return Frontier(START, build_settings(settings))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # calendar shapes are dates
        (
            "https://example.com/blog/2024/05/17/launch",
            "example.com/blog/{date}/{date}/{date}/launch",
        ),
        ("https://example.com/cal/2024/5/", "example.com/cal/{date}/{date}/"),
        ("https://example.com/events/2024-05-17/", "example.com/events/{date}/"),
        ("https://example.com/events/2024_05", "example.com/events/{date}"),
        ("https://example.com/news/2024.05.17", "example.com/news/{date}"),
        ("https://example.com/events/20240517", "example.com/events/{date}"),
        ("https://example.com/calendar/202405", "example.com/calendar/{date}"),
        # a bare year, or a number starting with 19 or 20, is content
        ("https://example.com/p/1920", "example.com/p/1920"),
        ("https://example.com/p/2099", "example.com/p/2099"),
        ("https://example.com/archive/1999", "example.com/archive/1999"),
        ("https://example.com/product/201512", "example.com/product/201512"),
        ("https://example.com/order/20231105", "example.com/order/20231105"),
        ("https://example.com/news/2024/12345", "example.com/news/2024/12345"),
        # impossible months and days are not dates
        ("https://example.com/events/2023-13-01", "example.com/events/2023-13-01"),
        ("https://example.com/events/2023-02-30", "example.com/events/2023-02-30"),
        ("https://example.com/events/20231340", "example.com/events/20231340"),
        ("https://example.com/y/2023/13/", "example.com/y/2023/13/"),
        ("https://example.com/y/2023/02/30", "example.com/y/{date}/{date}/30"),
        # long hex (16+) and UUIDs, case-insensitive
        ("https://example.com/s/0123456789abcdef/x", "example.com/s/{id}/x"),
        ("https://example.com/s/0123456789ABCDEF0123/x", "example.com/s/{id}/x"),
        ("https://example.com/u/123e4567-e89b-12d3-a456-426614174000", "example.com/u/{id}"),
        ("https://example.com/products/0123456789abcde", "example.com/products/0123456789abcde"),
        # query: sorted distinct keys, values ignored
        ("https://example.com/cal?month=2024-05&view=grid", "example.com/cal?month&view"),
        ("https://example.com/s?color=red&size=m&color=blue", "example.com/s?color&size"),
        # host and port are part of the shape, scheme is not
        ("http://example.com:8080/a", "example.com:8080/a"),
    ],
)
def test_url_shape(url: str, expected: str) -> None:
    assert url_shape(url) == expected


def test_a_calendar_is_one_shape() -> None:
    shapes = {
        url_shape(f"https://example.com/cal/{year}/{month:02d}/{day:02d}")
        for year in (2023, 2024)
        for month in range(1, 13)
        for day in (1, 15, 28)
    }
    assert shapes == {"example.com/cal/{date}/{date}/{date}"}


def test_sitemap_years_are_all_admitted() -> None:
    f = frontier(max_per_pattern=20)
    listed = [f"https://www.example.com/p/{year}" for year in range(1900, 2100)]
    assert all(
        f.admit(url, 1, "https://www.example.com/sitemap.xml", listed=True) for url in listed
    )
    assert f.skip_counts == {}


def test_linked_years_and_date_like_numbers_are_admitted() -> None:
    f = frontier(max_per_pattern=20)
    years = [f"https://www.example.com/p/{year}" for year in range(1920, 2100)]
    products = [f"https://www.example.com/product/{n}" for n in range(201501, 201513)]
    orders = [f"https://www.example.com/order/202311{day:02d}" for day in range(1, 31)]
    for url in [*years, *products, *orders]:
        assert f.admit(url, 1, START) == url
    assert f.skip_counts == {}


def test_a_sitemap_listing_admits_a_url_refused_as_a_trap_before() -> None:
    f = frontier(max_per_pattern=2)
    cal = [f"https://www.example.com/cal/2024/{month:02d}" for month in (1, 2, 3)]
    assert [f.admit(url, 1, START) for url in cal] == [cal[0], cal[1], None]
    assert f.skip_counts == {"trap": 1}
    assert f.admit(cal[2], 1, "https://www.example.com/sitemap.xml", listed=True) == cal[2]
    assert f.skip_counts == {}
    assert f.skipped == []
    assert f.admit(cal[2], 1, "https://www.example.com/sitemap.xml", listed=True) is None


def test_a_chain_of_next_links_is_stopped_by_growth() -> None:
    f = frontier(max_per_pattern=1000)
    admitted, page = [], "https://www.example.com/n/1"
    assert f.admit(page, 1, START) == page
    for number in range(2, 200):
        url = f"https://www.example.com/n/{number}"
        if f.admit(url, 2, page) is None:
            break
        admitted.append(url)
        page = url
    assert len(admitted) == TrapLimits().max_growth_chain
    assert f.skip_counts == {"trap": 1}


def test_a_wide_tree_of_numbered_pages_is_no_trap() -> None:
    """The benchmark site's shape: /p/i links /p/2i+1 and /p/2i+2 (1,000 pages)."""
    f = frontier(max_per_pattern=10_000, max_pages=10_000)
    assert f.admit("https://www.example.com/p/0", 1, START)
    for i in range(500):
        parent = f"https://www.example.com/p/{i}"
        for child in (2 * i + 1, 2 * i + 2):
            assert f.admit(f"https://www.example.com/p/{child}", 2, parent), child
    assert f.skip_counts == {}


def test_a_listing_of_many_numbered_pages_is_not_growth() -> None:
    f = frontier(max_per_pattern=1000)
    listing = "https://www.example.com/shop/all"
    for n in range(300):
        assert f.admit(f"https://www.example.com/products/{n}", 2, listing)
    assert f.skip_counts == {}


@pytest.mark.parametrize(
    ("url", "trap"),
    [
        ("https://example.com/a/1/2/3/4/5", False),
        ("https://example.com/a/1/2/3/4/5/6", True),
        ("https://example.com/blog/2024/05/17/1/2", False),
        ("https://example.com/a/b/a/b/a/b", False),
        ("https://example.com/a/b/a/b/a/b/a/b", True),
        ("https://example.com/x/x/x/x", True),
    ],
)
def test_pathological_paths_are_traps_at_once(url: str, trap: bool) -> None:
    assert TrapGuard(TrapLimits()).is_trap(url, None) is trap


def test_limits_are_configurable() -> None:
    guard = TrapGuard(TrapLimits(max_numeric_run=8, max_segment_repeats=5))
    assert not guard.is_trap("https://example.com/a/1/2/3/4/5/6", None)
    assert not guard.is_trap("https://example.com/x/x/x/x", None)
    settings = SimpleNamespace(
        max_per_pattern=7,
        trap_max_growth_chain=3,
        trap_max_numeric_run=2,
        trap_max_segment_repeats=4,
    )
    assert TrapLimits.from_settings(settings) == TrapLimits(7, 3, 2, 4)
    assert TrapLimits.from_settings(build_settings({})) == TrapLimits()


# -- the hostile test site's link graph, crawled through the frontier ----------------

_HREF = re.compile(r'href="([^"]+)"')
URLS = WorldUrls(http_port=80, https_port=443)


def _links(site: Any, url: str) -> list[str]:
    path, _, query = url.removeprefix(f"https://{HOSTILE}").partition("?")
    request = Request("GET", "https", HOSTILE, path, query, Message())
    response = site(request)
    if response.status != 200 or not response.content_type.startswith("text/html"):
        return []
    return [f"https://{HOSTILE}{href}" for href in _HREF.findall(response.body.decode())]


def test_the_hostile_site_loses_no_real_page_and_ends_every_trap() -> None:
    site = hostile.routes(URLS)[HOSTILE]
    start = f"https://{HOSTILE}/"
    f = Frontier(start, build_settings({"max_pages": 5000}))
    queue = deque([(f.admit(start, 0, None), 0)])
    for year in hostile.SITEMAP_YEARS:
        queue.append((f.admit(f"{start}p/{year}", 1, f"{start}sitemap.xml", listed=True), 1))
    visited = []
    while queue:
        url, depth = queue.popleft()
        if url is None or url.startswith(f"{start}long/") or "/hang" in url:
            continue
        visited.append(url.removeprefix(start[:-1]))
        queue.extend((f.admit(link, depth + 1, url), depth + 1) for link in _links(site, url))
    real = {f"/p/{year}" for year in hostile.SITEMAP_YEARS}
    real |= {"/", "/product/201512", "/order/20231105", "/archive/2023/11/05/", "/bytes"}
    assert real <= set(visited)
    traps = {
        prefix: sum(path.startswith(prefix) for path in visited)
        for prefix in ("/tree/", "/n/", "/cal/")
    }
    assert traps["/n/"] <= 1 + TrapLimits().max_growth_chain
    assert traps["/cal/"] <= 1 + TrapLimits().max_per_pattern
    assert traps["/tree/"] < 2 ** (TrapLimits().max_numeric_run + 1)  # depth-capped binary tree
    assert f.skip_counts["trap"] > 0
    assert "max-pages" not in f.skip_counts
