"""URL normalisation and de-duplication keys (scanner.crawl.urls)."""

from __future__ import annotations

import pytest
import scrapy

from scanner.config import SESSION_PARAMETERS, TRACKING_PARAMETERS
from scanner.crawl.urls import dedup_key, normalise

STRIP = [*TRACKING_PARAMETERS, *SESSION_PARAMETERS]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme and host lower-cased, path case kept
        ("HTTPS://WWW.Example.COM/Path/Page", "https://www.example.com/Path/Page"),
        # default ports dropped, other ports kept
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        # empty path becomes "/"
        ("https://example.com", "https://example.com/"),
        ("https://example.com?b=1", "https://example.com/?b=1"),
        # fragment dropped
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?x=1#frag", "https://example.com/a?x=1"),
        # query sorted by key, then value
        ("https://example.com/a?b=2&a=1&c=3", "https://example.com/a?a=1&b=2&c=3"),
        ("https://example.com/a?k=2&k=1", "https://example.com/a?k=1&k=2"),
        # blank values kept, as "key="
        ("https://example.com/a?k=&j", "https://example.com/a?j=&k="),
        # surrounding whitespace ignored
        ("  https://example.com/a \n", "https://example.com/a"),
        # user info is not part of the page address
        ("https://user:secret@example.com/x", "https://example.com/x"),
    ],
)
def test_normalise_shape(url: str, expected: str) -> None:
    assert normalise(url, STRIP) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # tracking parameters, including the utm_* wildcard
        (
            "https://example.com/p?utm_source=news&utm_medium=mail&id=7",
            "https://example.com/p?id=7",
        ),
        ("https://example.com/p?gclid=abc&fbclid=def&msclkid=g&q=x", "https://example.com/p?q=x"),
        ("https://example.com/p?_ga=1.2.3&_gl=xyz&mc_cid=1&mc_eid=2", "https://example.com/p"),
        # session parameters
        (
            "https://example.com/p?sid=1&sessionid=2&PHPSESSID=3&page=2",
            "https://example.com/p?page=2",
        ),
        # parameter names are matched case-insensitively
        ("https://example.com/p?UTM_Campaign=x&GCLID=y&Sid=z&a=1", "https://example.com/p?a=1"),
        # names that merely contain a stripped name are kept
        ("https://example.com/p?side=1&xsid=2&utm=3", "https://example.com/p?side=1&utm=3&xsid=2"),
    ],
)
def test_normalise_strips_tracking_and_session_parameters(url: str, expected: str) -> None:
    assert normalise(url, STRIP) == expected


def test_normalise_uses_the_given_patterns_only() -> None:
    url = "https://example.com/p?utm_source=x&ref=home&b=1"
    assert normalise(url, []) == "https://example.com/p?b=1&ref=home&utm_source=x"
    assert normalise(url, ["ref"]) == "https://example.com/p?b=1&utm_source=x"
    assert normalise(url, ["r?f", "utm_*"]) == "https://example.com/p?b=1"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/shop;jsessionid=ABC123?x=1", "https://example.com/shop?x=1"),
        ("https://example.com/shop;JSESSIONID=ABC123", "https://example.com/shop"),
        ("https://example.com/a;phpsessid=f00/b", "https://example.com/a/b"),
        ("https://example.com/a;sid=1/b;sessionid=2", "https://example.com/a/b"),
        # other path parameters stay
        ("https://example.com/a;version=2", "https://example.com/a;version=2"),
    ],
)
def test_normalise_removes_session_path_parameters(url: str, expected: str) -> None:
    assert normalise(url, STRIP) == expected


def test_normalise_is_idempotent() -> None:
    once = normalise("HTTP://Example.com:80/a;jsessionid=1?z=1&utm_x=2&a=b#f", STRIP)
    assert once == "http://example.com/a?a=b&z=1"
    assert normalise(once, STRIP) == once


@pytest.mark.parametrize(
    "url",
    [
        # percent-encoded bytes that are not UTF-8 (Latin-1 here) stay as linked
        "https://example.com/caf%E9?q=%FF%FE&x=%E9t%E9",
        # reserved characters and '+' in values are not re-encoded
        "https://example.com/login?next=/account/orders&q=a+b",
        "https://example.com/s?q=%2F%3A%26",
    ],
)
def test_normalise_keeps_the_links_own_bytes(url: str) -> None:
    assert normalise(url, STRIP) == url


def test_normalise_strips_percent_encoded_parameter_names() -> None:
    assert normalise("https://example.com/p?utm%5Fsource=x&a=%E9", STRIP) == (
        "https://example.com/p?a=%E9"
    )


def test_normalise_keeps_ipv6_brackets() -> None:
    assert normalise("http://[::1]:8080/a", STRIP) == "http://[::1]:8080/a"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a/", "https://example.com/a"),
        ("https://example.com/a", "https://example.com/a"),
        ("https://example.com/a//", "https://example.com/a"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a/?x=1", "https://example.com/a?x=1"),
        ("https://example.com/a/#top", "https://example.com/a"),
    ],
)
def test_dedup_key(url: str, expected: str) -> None:
    assert dedup_key(url) == expected


def test_dedup_key_keeps_scheme_host_and_query_apart() -> None:
    keys = {
        dedup_key("https://example.com/a/"),
        dedup_key("http://example.com/a"),
        dedup_key("https://www.example.com/a"),
        dedup_key("https://example.com/a?x=1"),
    }
    assert len(keys) == 4


@pytest.mark.parametrize(
    "url",
    [
        "https://Bücher.example/a b?x=é&y=%E9",
        "https://example.com/caf%E9?q=%FF",
        'https://example.com/p?q=<script>&r="x"',
    ],
)
def test_the_normalised_url_is_the_url_requested(url: str) -> None:
    normalised = normalise(url, STRIP)
    assert scrapy.Request(normalised).url == normalised
    assert normalise(normalised, STRIP) == normalised
