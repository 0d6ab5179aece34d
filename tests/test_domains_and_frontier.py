"""Registrable domains, host patterns and the crawl frontier's scope and limits."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.config import build_settings
from scanner.crawl.frontier import MAX_RECORDED_SKIPS, Frontier, SkippedUrl
from scanner.domains import host_matches, is_top_level_domain, registrable_domain

# -- registrable_domain ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.com", "example.com"),
        ("www.example.com", "example.com"),
        ("a.b.c.example.com", "example.com"),
        ("www.shop.co.uk", "shop.co.uk"),
        ("shop.co.uk", "shop.co.uk"),
        # PSL private suffixes: each user site is its own site
        ("alice.github.io", "alice.github.io"),
        ("docs.alice.github.io", "alice.github.io"),
        ("x.blogspot.com", "x.blogspot.com"),
        # a bare public suffix is its own site
        ("github.io", "github.io"),
        ("co.uk", "co.uk"),
        # case and a trailing dot do not matter
        ("WWW.Example.COM.", "example.com"),
        # unknown TLDs fall back to the last two labels
        ("www.shop.example.test", "example.test"),
        ("example.test", "example.test"),
        ("a.b.unknowntld", "b.unknowntld"),
        ("localhost", "localhost"),
        # IP addresses are their own site
        ("127.0.0.1", "127.0.0.1"),
        ("192.168.10.20", "192.168.10.20"),
        ("::1", "::1"),
        ("[2001:DB8::1]", "2001:db8::1"),
    ],
)
def test_registrable_domain(host: str, expected: str) -> None:
    assert registrable_domain(host) == expected


@pytest.mark.parametrize(
    ("host", "pattern", "expected"),
    [
        ("example.com", "example.com", True),
        ("Example.COM", "example.com", True),
        ("example.com", "EXAMPLE.com", True),
        ("www.example.com", "example.com", False),
        # *.domain: the domain itself and every subdomain
        ("example.com", "*.example.com", True),
        ("cdn.example.com", "*.example.com", True),
        ("a.b.example.com", "*.example.com", True),
        ("badexample.com", "*.example.com", False),
        ("example.com.evil.net", "*.example.com", False),
        # other glob patterns
        ("cdn1.example.com", "cdn?.example.com", True),
        ("cdn12.example.com", "cdn?.example.com", False),
        ("tracker.ads.net", "*ads*", True),
    ],
)
def test_host_matches(host: str, pattern: str, expected: bool) -> None:
    assert host_matches(host, pattern) is expected


# -- Frontier -------------------------------------------------------------------------

START = "https://www.example.com/"


def frontier(start: str = START, **settings: Any) -> Frontier:
    return Frontier(start, build_settings(settings))


def test_start_url_is_normalised_and_site_is_registrable_domain() -> None:
    f = frontier("HTTPS://WWW.Example.com:443/?utm_source=x#top")
    assert f.start_url == "https://www.example.com/"
    assert f.site == "example.com"
    assert f.admit(f.start_url, 0, None) == "https://www.example.com/"
    assert f.admitted_urls == ["https://www.example.com/"]
    assert f.admitted == 1


def test_admit_returns_the_normalised_url() -> None:
    f = frontier()
    got = f.admit("https://WWW.example.com/b?z=1&a=2&gclid=x#f", 1, START)
    assert got == "https://www.example.com/b?a=2&z=1"
    assert f.admitted_urls == ["https://www.example.com/b?a=2&z=1"]


def test_other_hosts_of_the_site_are_in_scope() -> None:
    f = frontier()
    assert f.admit("https://shop.example.com/a", 1, START) == "https://shop.example.com/a"
    assert f.admit("http://example.com/b", 1, START) == "http://example.com/b"
    assert f.external_hosts == {}


def test_out_of_scope_hosts_are_counted_not_skipped() -> None:
    f = frontier()
    assert f.admit("https://cdn.other.net/x", 1, START) is None
    assert f.admit("https://cdn.other.net/y", 1, START) is None
    assert f.admit("https://example.org/", 1, START) is None
    assert f.external_hosts == {"cdn.other.net": 2, "example.org": 1}
    assert f.skipped == []
    assert f.skip_counts == {}
    assert f.admitted == 0


@pytest.mark.parametrize(
    "url", ["mailto:someone@example.com", "javascript:void(0)", "ftp://www.example.com/f", "tel:1"]
)
def test_non_http_urls_are_ignored_silently(url: str) -> None:
    f = frontier()
    assert f.scope_reason(url) == "not-http"
    assert f.admit(url, 1, START) is None
    assert f.skipped == []
    assert f.external_hosts == {}


def test_include_hosts_widen_the_scope() -> None:
    f = frontier(include_hosts=["*.partner.net", "docs.other.org"])
    assert f.admit("https://partner.net/a", 1, START) == "https://partner.net/a"
    assert f.admit("https://x.partner.net/b", 1, START) == "https://x.partner.net/b"
    assert f.admit("https://docs.other.org/c", 1, START) == "https://docs.other.org/c"
    assert f.admit("https://www.other.org/d", 1, START) is None
    assert f.external_hosts == {"www.other.org": 1}


def test_exclude_hosts_win_over_the_site() -> None:
    f = frontier(exclude_hosts=["*.admin.example.com", "legacy.example.com"])
    assert f.scope_reason("https://admin.example.com/") == "excluded"
    assert f.scope_reason("https://x.admin.example.com/") == "excluded"
    assert f.scope_reason("https://legacy.example.com/") == "excluded"
    assert f.scope_reason("https://www.example.com/") is None
    assert f.admit("https://legacy.example.com/old", 2, START) is None
    assert f.skipped == [
        SkippedUrl(url="https://legacy.example.com/old", reason="excluded", found_on=START)
    ]
    assert f.skip_counts == {"excluded": 1}


def test_exclude_hosts_win_over_include_hosts() -> None:
    f = frontier(include_hosts=["*.partner.net"], exclude_hosts=["ads.partner.net"])
    assert f.scope_reason("https://ads.partner.net/") == "excluded"
    assert f.scope_reason("https://www.partner.net/") is None


def test_path_filters() -> None:
    f = frontier(include_paths=["/docs", "/blog/"], exclude_paths=["/docs/private"])
    assert f.scope_reason("https://www.example.com/docs") is None
    assert f.scope_reason("https://www.example.com/docs/a") is None
    assert f.scope_reason("https://www.example.com/blog/x") is None
    assert f.scope_reason("https://www.example.com/blog") == "excluded"
    assert f.scope_reason("https://www.example.com/docs/private/x") == "excluded"
    assert f.scope_reason("https://www.example.com/") == "excluded"
    assert f.scope_reason("https://www.example.com") == "excluded"


def test_path_filters_do_not_turn_external_hosts_into_skips() -> None:
    f = frontier(exclude_paths=["/"])
    assert f.scope_reason("https://other.net/a") == "out-of-scope"


def test_duplicates_are_admitted_once() -> None:
    f = frontier()
    assert f.admit("https://www.example.com/a", 1, START) == "https://www.example.com/a"
    assert f.admit("https://www.example.com/a/", 1, START) is None
    assert f.admit("https://WWW.example.com/a#x", 2, START) is None
    assert f.admit("https://www.example.com/a?utm_source=x", 2, START) is None
    assert f.admitted_urls == ["https://www.example.com/a"]
    assert f.skipped == []


def test_duplicates_of_skipped_urls_are_not_skipped_again() -> None:
    f = frontier(exclude_paths=["/x"])
    assert f.admit("https://www.example.com/x", 1, "p1") is None
    assert f.admit("https://www.example.com/x/", 1, "p2") is None
    assert f.skip_counts == {"excluded": 1}
    assert f.skipped == [SkippedUrl("https://www.example.com/x", "excluded", "p1")]


def test_max_depth() -> None:
    f = frontier(max_depth=2)
    assert f.admit("https://www.example.com/d2", 2, START) == "https://www.example.com/d2"
    assert f.admit("https://www.example.com/d3", 3, "https://www.example.com/d2") is None
    assert f.skipped == [
        SkippedUrl("https://www.example.com/d3", "max-depth", "https://www.example.com/d2")
    ]
    assert f.skip_counts == {"max-depth": 1}


def test_max_pages() -> None:
    f = frontier(max_pages=2)
    assert f.admit(START, 0, None) == START
    assert f.admit("https://www.example.com/a", 1, START) == "https://www.example.com/a"
    assert f.admit("https://www.example.com/b", 1, START) is None
    assert f.admit("https://www.example.com/c", 1, START) is None
    assert f.admitted == 2
    assert f.skip_counts == {"max-pages": 2}
    assert [s.url for s in f.skipped] == ["https://www.example.com/b", "https://www.example.com/c"]


def test_trap_cap_per_url_shape() -> None:
    f = frontier(max_per_pattern=3)
    admitted = [
        f.admit(f"https://www.example.com/cal/2024/{month:02d}", 1, START) for month in range(1, 6)
    ]
    assert admitted == [
        "https://www.example.com/cal/2024/01",
        "https://www.example.com/cal/2024/02",
        "https://www.example.com/cal/2024/03",
        None,
        None,
    ]
    assert f.skip_counts == {"trap": 2}
    # another shape is not affected
    assert (
        f.admit("https://www.example.com/cal/list", 1, START) == "https://www.example.com/cal/list"
    )


def test_trap_cap_counts_query_values_as_one_shape() -> None:
    f = frontier(max_per_pattern=2)
    results = [f.admit(f"https://www.example.com/s?page={n}", 1, START) for n in range(4)]
    assert results == [
        "https://www.example.com/s?page=0",
        "https://www.example.com/s?page=1",
        None,
        None,
    ]
    assert f.skip_counts == {"trap": 2}


def test_limits_are_checked_in_order_depth_pages_trap() -> None:
    f = frontier(max_depth=1, max_pages=1, max_per_pattern=1)
    assert f.admit("https://www.example.com/a", 1, START) == "https://www.example.com/a"
    assert f.admit("https://www.example.com/b", 5, START) is None
    assert f.admit("https://www.example.com/c", 1, START) is None
    assert f.skip_counts == {"max-depth": 1, "max-pages": 1}


def test_release_frees_a_page_slot_and_records_the_skip() -> None:
    f = frontier(max_pages=1)
    assert f.admit("https://www.example.com/private", 1, START) == "https://www.example.com/private"
    f.release("https://www.example.com/private", "robots", START)
    assert f.admitted_urls == []
    assert f.admitted == 0
    assert f.skipped == [SkippedUrl("https://www.example.com/private", "robots", START)]
    assert f.skip_counts == {"robots": 1}
    # the freed slot is used by the next URL; the released one stays seen
    assert f.admit("https://www.example.com/private", 1, START) is None
    assert f.admit("https://www.example.com/public", 1, START) == "https://www.example.com/public"


def test_release_of_an_unknown_url_only_records_the_skip() -> None:
    f = frontier()
    f.admit("https://www.example.com/a", 1, START)
    f.release("https://www.example.com/other", "robots", None)
    assert f.admitted_urls == ["https://www.example.com/a"]
    assert f.skip_counts == {"robots": 1}


def test_mark_seen() -> None:
    f = frontier()
    assert f.mark_seen("https://www.example.com/target/") is True
    assert f.mark_seen("https://www.example.com/target?utm_source=x") is False
    assert f.admit("https://www.example.com/target", 1, START) is None
    f.admit("https://www.example.com/a", 1, START)
    assert f.mark_seen("https://WWW.EXAMPLE.COM/a#x") is False
    assert f.admitted_urls == ["https://www.example.com/a"]


def test_recorded_skips_are_capped_but_counted() -> None:
    f = frontier()
    for n in range(MAX_RECORDED_SKIPS + 3):
        f.skip(f"https://www.example.com/{n}", "trap", None)
    assert len(f.skipped) == MAX_RECORDED_SKIPS
    assert f.skipped[-1].url == f"https://www.example.com/{MAX_RECORDED_SKIPS - 1}"
    assert f.skip_counts == {"trap": MAX_RECORDED_SKIPS + 3}


def test_ip_address_start_url() -> None:
    f = frontier("http://127.0.0.1:8000/")
    assert f.site == "127.0.0.1"
    assert f.admit("http://127.0.0.1:8000/a", 1, None) == "http://127.0.0.1:8000/a"
    assert f.admit("http://127.0.0.2:8000/a", 1, None) is None
    assert f.external_hosts == {"127.0.0.2": 1}


def test_ipv6_start_url_can_be_admitted() -> None:
    f = frontier("http://[::1]:8080/")
    assert f.admit(f.start_url, 0, None) == "http://[::1]:8080/"


def test_invalid_port_is_ignored_not_raised() -> None:
    f = frontier()
    assert f.admit("https://www.example.com:notaport/x", 1, START) is None
    assert f.admit("https://www.example.com/y", 1, START) == "https://www.example.com/y"


@pytest.mark.parametrize(
    ("label", "known"),
    [("com", True), ("CO", True), ("shop", True), ("example", True), ("test", True),
     ("examplez", False), ("comz", False), ("corpnet", False)],
)  # fmt: skip
def test_top_level_domains_are_the_public_suffix_list_and_special_use_names(
    label: str, known: bool
) -> None:
    assert is_top_level_domain(label) is known
