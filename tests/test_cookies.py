"""Set-Cookie parsing, inferred refusals and per-write cookie attribution."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from scanner.capture.cookie_attribution import CookieWrite, attribute_cookies
from scanner.capture.cookies import (
    CookieRequest,
    inferred_refusal_reasons,
    is_public_suffix,
    parse_cookie_line,
)
from scanner.capture.header_bytes import as_devtools_text, escaped, wire_bytes, without_surrogates

NOW = 1735689600.0  # 2025-01-01T00:00:00Z
PAGE = "https://www.example.com/shop/cart"


def parse(line: str, url: str = PAGE) -> CookieRequest:
    cookie = parse_cookie_line(line, url, NOW)
    assert cookie is not None
    return cookie


# -- parse_cookie_line ----------------------------------------------------------------


def test_plain_session_cookie_defaults() -> None:
    assert parse("sid=abc123") == CookieRequest(
        name="sid",
        value="abc123",
        domain="www.example.com",
        host_only=True,
        path="/shop",
        secure=False,
        http_only=False,
        same_site=None,
        partitioned=False,
        lifetime_s=None,
    )


def test_all_attributes() -> None:
    cookie = parse(
        " id = v=1 ; Domain=Example.COM; Path=/app; Secure; HttpOnly; SameSite=lax; "
        "Partitioned; Max-Age=3600"
    )
    assert cookie == CookieRequest(
        name="id",
        value="v=1",
        domain=".example.com",
        host_only=False,
        path="/app",
        secure=True,
        http_only=True,
        same_site="Lax",
        partitioned=True,
        lifetime_s=3600.0,
    )
    assert cookie.deletion is False


@pytest.mark.parametrize(
    ("line", "name", "value"),
    [
        ("a=1", "a", "1"),
        ("a=", "a", ""),
        ("=1", "", "1"),
        ("novalue", "", "novalue"),  # no "=": the whole pair is the value
        ("a==b=", "a", "=b="),
        ("  a  =  1  ; Secure", "a", "1"),
    ],
)
def test_name_and_value(line: str, name: str, value: str) -> None:
    cookie = parse(line)
    assert (cookie.name, cookie.value) == (name, value)


@pytest.mark.parametrize("line", ["", "   ", "=", " = ; Secure", ";Path=/"])
def test_no_cookie_from_an_empty_pair(line: str) -> None:
    assert parse_cookie_line(line, PAGE, NOW) is None


@pytest.mark.parametrize(
    ("attribute", "domain", "host_only"),
    [
        ("", "www.example.com", True),
        ("; Domain=example.com", ".example.com", False),
        ("; Domain=.example.com", ".example.com", False),
        ("; domain=WWW.EXAMPLE.COM", ".www.example.com", False),
        ("; Domain=", "www.example.com", True),  # an empty Domain is ignored
        ("; Domain=.", ".", False),  # not empty: a Domain Chromium refuses
        ("; Domain=..example.com", "..example.com", False),  # only one dot is dropped
        ("; Domain=  example.com\t", ".example.com", False),
        ("; Domain=EXAMPLE.com; Domain=", "www.example.com", True),  # the empty one last
        # a Domain naming the host itself where no site can sit below it: host-only
        ("; Domain=www.example.com", ".www.example.com", False),
        ("; Domain=a.com; Domain=b.com", ".b.com", False),  # the last one wins
    ],
)
def test_domain(attribute: str, domain: str, host_only: bool) -> None:
    cookie = parse("a=1" + attribute)
    assert (cookie.domain, cookie.host_only) == (domain, host_only)


def test_host_only_domain_is_lower_case() -> None:
    assert parse("a=1", "https://WWW.Example.COM/").domain == "www.example.com"


@pytest.mark.parametrize(
    ("url", "attribute", "path"),
    [
        # default-path: the request path up to (not including) its last "/"
        ("https://e.com/shop/cart", "", "/shop"),
        ("https://e.com/shop/cart/", "", "/shop/cart"),
        ("https://e.com/shop/a/b?x=1", "", "/shop/a"),
        ("https://e.com/cart", "", "/"),
        ("https://e.com/", "", "/"),
        ("https://e.com", "", "/"),
        # an explicit Path starting with "/" wins
        ("https://e.com/shop/cart", "; Path=/", "/"),
        ("https://e.com/", "; Path=/deep/er", "/deep/er"),
        # a Path that is empty or relative falls back to the default path
        ("https://e.com/shop/cart", "; Path=", "/shop"),
        ("https://e.com/shop/cart", "; Path=relative", "/shop"),
    ],
)
def test_path(url: str, attribute: str, path: str) -> None:
    assert parse("a=1" + attribute, url).path == path


@pytest.mark.parametrize(
    ("attribute", "same_site"),
    [
        ("", None),
        ("; SameSite=Strict", "Strict"),
        ("; samesite=STRICT", "Strict"),
        ("; SameSite=lax", "Lax"),
        ("; SameSite=None", "None"),
        ("; SameSite=none", "None"),
        ("; SameSite=bogus", None),
        ("; SameSite", None),
    ],
)
def test_same_site(attribute: str, same_site: str | None) -> None:
    assert parse("a=1" + attribute).same_site == same_site


@pytest.mark.parametrize(
    ("attributes", "lifetime"),
    [
        ("", None),
        ("; Max-Age=3600", 3600.0),
        ("; max-age=0", 0.0),
        ("; Max-Age=-1", -1.0),
        # Max-Age takes precedence over Expires, in either order
        ("; Max-Age=60; Expires=Thu, 01 Jan 2026 00:00:00 GMT", 60.0),
        ("; Expires=Thu, 01 Jan 2026 00:00:00 GMT; Max-Age=60", 60.0),
        # an unusable Max-Age is ignored and Expires is used
        ("; Max-Age=soon; Expires=Thu, 01 Jan 2026 00:00:00 GMT", 31536000.0),
        ("; Max-Age=1_000; Expires=Thu, 01 Jan 2026 00:00:00 GMT", 31536000.0),
        ("; Max-Age=+5", None),
        ("; Max-Age=\u0663", None),  # an Arabic-Indic digit is no DIGIT
        ("; Max-Age=" + "9" * 1000, 1e15),  # too long to count: a finite stand-in
        ("; Max-Age=-" + "9" * 1000, -1e15),
        # Expires, relative to now
        ("; Expires=Thu, 01 Jan 2026 00:00:00 GMT", 31536000.0),
        ("; expires=Thu, 01-Jan-2026 00:00:00 GMT", 31536000.0),  # PHP's format
        ("; Expires=Wed, 01 Jan 2025 01:00:00 +0100", 3600.0),  # zones ignored: UTC
        ("; Expires=Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0 - NOW),
        # an unparseable date makes a session cookie
        ("; Expires=next tuesday", None),
        ("; Expires=", None),
    ],
)
def test_lifetime(attributes: str, lifetime: float | None) -> None:
    assert parse("a=1" + attributes).lifetime_s == lifetime


@pytest.mark.parametrize(
    ("attributes", "deletion"),
    [
        ("", False),
        ("; Max-Age=1", False),
        ("; Max-Age=0", True),
        ("; Max-Age=-5", True),
        ("; Expires=Thu, 01 Jan 1970 00:00:00 GMT", True),
        ("; Expires=Thu, 01 Jan 2026 00:00:00 GMT", False),
    ],
)
def test_deletion(attributes: str, deletion: bool) -> None:
    assert parse("a=1" + attributes).deletion is deletion


@pytest.fixture
def five_hours_west(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "XXX+05")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("five_hours_west")
def test_expires_without_zone_is_utc() -> None:
    assert parse("a=1; Expires=Thu, 01 Jan 2026 00:00:00").lifetime_s == 31536000.0


# -- inferred_refusal_reasons ---------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "url", "reasons"),
    [
        ("a=1", "https://www.example.com/", []),
        ("a=1; Secure; SameSite=None", "https://www.example.com/", []),
        ("a=1; SameSite=None", "https://www.example.com/", ["SameSiteNoneInsecure"]),
        ("a=1; Secure", "http://www.example.com/", ["SecureOnly"]),
        (
            "a=1; Secure; SameSite=None",
            "http://www.example.com/",
            ["SecureOnly"],
        ),
        # Domain must domain-match the host
        ("a=1; Domain=example.com", "https://www.example.com/", []),
        ("a=1; Domain=www.example.com", "https://www.example.com/", []),
        ("a=1; Domain=other.com", "https://www.example.com/", ["InvalidDomain"]),
        ("a=1; Domain=shop.example.com", "https://www.example.com/", ["InvalidDomain"]),
        ("a=1; Domain=ample.com", "https://www.example.com/", ["InvalidDomain"]),
        # __Secure- needs Secure from a secure origin
        ("__Secure-a=1; Secure", "https://www.example.com/", []),
        ("__Secure-a=1", "https://www.example.com/", ["InvalidPrefix"]),
        ("__Secure-a=1; Secure", "http://www.example.com/", ["SecureOnly", "InvalidPrefix"]),
        # __Host- also needs host-only and Path=/
        ("__Host-a=1; Secure; Path=/", "https://www.example.com/x/y", []),
        ("__Host-a=1; Secure", "https://www.example.com/", []),  # default path is "/"
        ("__Host-a=1; Secure", "https://www.example.com/x/y", ["InvalidPrefix"]),
        ("__Host-a=1; Path=/", "https://www.example.com/", ["InvalidPrefix"]),
        (
            "__Host-a=1; Secure; Path=/; Domain=www.example.com",
            "https://www.example.com/",
            ["InvalidPrefix"],
        ),
        # a Domain that is a public suffix (the list's default rule makes .test one)
        ("a=1; Domain=test", "https://www.shop.test/", ["InvalidDomain"]),
        ("a=1; Domain=.co.uk", "https://www.shop.co.uk/", ["InvalidDomain"]),
        ("a=1; Domain=github.io", "https://me.github.io/", ["InvalidDomain"]),
        ("a=1; Domain=shop.co.uk", "https://www.shop.co.uk/", []),
        ("a=1; Domain=me.github.io", "https://me.github.io/", []),
        # name and value together longer than 4096 bytes
        ("a=" + "v" * 4096, "https://www.example.com/", ["NameValuePairExceedsMaxSize"]),
        ("a=" + "v" * 4095, "https://www.example.com/", []),
        # several reasons at once, in a fixed order
        (
            "__Host-a=1; SameSite=None; Domain=other.com",
            "https://www.example.com/",
            ["SameSiteNoneInsecure", "InvalidDomain", "InvalidPrefix"],
        ),
    ],
)
def test_inferred_refusal_reasons(line: str, url: str, reasons: list[str]) -> None:
    assert inferred_refusal_reasons(parse(line, url), url) == reasons


# -- attribute_cookies ----------------------------------------------------------------

RESPONSE = "https://www.example.com/"


def header_write(
    raw: str,
    blocked: list[dict[str, Any]] | None = None,
    url: str = RESPONSE,
) -> CookieWrite:
    return CookieWrite(
        raw=raw,
        url=url,
        source="header",
        set_by_url=url,
        set_by_request=3,
        frame_url=url,
        browser_blocked=blocked,
    )


def jar_cookie(name: str, domain: str, path: str = "/", expires: float = -1) -> dict[str, Any]:
    return {"name": name, "value": "x", "domain": domain, "path": path, "expires": expires}


def test_stored_cookie_takes_its_expiry_from_the_jar() -> None:
    write = header_write("id=42; Max-Age=63072000; Secure; SameSite=Lax")
    jar = [jar_cookie("id", "www.example.com", expires=NOW + 34560000)]
    [record] = attribute_cookies([write], jar, NOW, 4096)
    assert record.name == "id"
    assert record.value == "42"
    assert record.domain == "www.example.com"
    assert record.host_only is True
    assert record.path == "/"
    assert record.source == "header"
    assert record.set_by_url == RESPONSE
    assert record.set_by_request == 3
    assert record.frame_url == RESPONSE
    assert record.raw == "id=42; Max-Age=63072000; Secure; SameSite=Lax"
    assert (record.secure, record.http_only, record.same_site) == (True, False, "Lax")
    assert record.stored is True
    assert record.session is False
    assert record.expires == NOW + 34560000  # the 400-day cap, not the 2 years asked for
    assert record.requested_lifetime_s == 63072000.0
    assert record.deletion is False
    assert record.refused_reasons == []
    assert record.refusal_source is None


def test_stored_session_cookie() -> None:
    jar = [jar_cookie("s", ".example.com")]
    [record] = attribute_cookies([header_write("s=1; Domain=example.com")], jar, NOW, 4096)
    assert (record.stored, record.session, record.expires) == (True, True, None)
    assert record.domain == ".example.com"


def test_jar_expiry_none_is_a_session_cookie() -> None:
    jar = [{"name": "s", "domain": "www.example.com", "path": "/", "expires": None}]
    [record] = attribute_cookies([header_write("s=1; Max-Age=60")], jar, NOW, 4096)
    assert (record.stored, record.session, record.expires) == (True, True, None)
    assert record.requested_lifetime_s == 60.0


def test_jar_lookup_needs_name_domain_and_path() -> None:
    jar = [
        jar_cookie("a", "example.com"),  # host-only on another host
        jar_cookie("a", "www.example.com", "/other"),
        jar_cookie("b", "www.example.com"),
    ]
    [record] = attribute_cookies([header_write("a=1; Max-Age=60")], jar, NOW, 4096)
    assert record.stored is False
    assert record.expires is None
    assert record.session is False
    # not in the shared jar, nothing deleted it, no rule explains it: not a refusal
    assert (record.outcome, record.refused_reasons, record.refusal_source) == (
        "not-in-jar",
        [],
        None,
    )


def test_browser_blocked_cookie_is_matched_by_cookie_line() -> None:
    raw = "t=1; SameSite=None"
    blocked = [
        {"cookieLine": "other=2", "blockedReasons": ["UserPreferences"]},
        {"cookieLine": raw, "blockedReasons": ["SameSiteNoneInsecure", "SecureOnly"]},
    ]
    [record] = attribute_cookies([header_write(raw, blocked)], [], NOW, 4096)
    assert record.refused_reasons == ["SameSiteNoneInsecure", "SecureOnly"]
    assert record.refusal_source == "browser"
    assert record.stored is False
    assert record.expires is None


def test_browser_saw_the_response_and_blocked_nothing() -> None:
    # DevTools saw it and blocked another line: no reason is inferred for this one
    write = header_write("t=1; SameSite=None", [{"cookieLine": "x=1", "blockedReasons": ["A"]}])
    [record] = attribute_cookies([write], None, NOW, 4096)
    assert record.refused_reasons == []
    assert record.refusal_source is None
    assert record.stored is True  # no jar: stored unless refused


def test_reasons_are_inferred_when_devtools_did_not_see_the_response() -> None:
    write = header_write("t=1; SameSite=None; Secure", None, url="http://www.example.com/")
    [record] = attribute_cookies([write], [], NOW, 4096)
    assert record.refused_reasons == ["SecureOnly"]
    assert record.refusal_source == "inferred"
    assert record.stored is False


def test_without_a_jar_stored_means_not_refused() -> None:
    good = header_write("a=1; Max-Age=100")
    bad = header_write("b=1; Domain=other.com; Max-Age=100")
    a, b = attribute_cookies([good, bad], None, NOW, 4096)
    assert (a.stored, a.session, a.expires) == (True, False, NOW + 100)
    assert (b.stored, b.expires, b.refused_reasons) == (False, None, ["InvalidDomain"])
    assert b.refusal_source == "inferred"


def test_deletion_write() -> None:
    jar: list[dict[str, Any]] = []
    [record] = attribute_cookies([header_write("a=; Max-Age=0")], jar, NOW, 4096)
    assert record.deletion is True
    assert record.stored is False
    assert record.requested_lifetime_s == 0.0
    assert record.expires is None


def test_script_write_and_one_record_per_write() -> None:
    script = CookieWrite(
        raw="_ga=GA1.2.3; path=/; max-age=63072000",
        url="https://www.example.com/page",
        source="script",
        set_by_url="https://www.googletagmanager.com/gtag/js",
        set_by_request=None,
        frame_url="https://www.example.com/page",
        browser_blocked=None,
    )
    writes = [script, header_write(""), header_write("a=1"), header_write("a=2")]
    jar = [jar_cookie("_ga", "www.example.com"), jar_cookie("a", "www.example.com")]
    records = attribute_cookies(writes, jar, NOW, 4096)
    assert [(r.name, r.value, r.source, r.stored) for r in records] == [
        ("_ga", "GA1.2.3", "script", True),
        ("a", "1", "header", True),
        ("a", "2", "header", True),
    ]
    assert records[0].set_by_url == "https://www.googletagmanager.com/gtag/js"
    assert records[0].set_by_request is None


def test_long_values_are_truncated() -> None:
    raw = "n" * 10 + "=" + "v" * 10
    [record] = attribute_cookies([header_write(raw)], None, NOW, 4)
    assert (record.name, record.value, record.raw) == ("nnnn", "vvvv", "nnnn")


def test_refused_write_is_not_stored_even_if_the_jar_has_that_cookie() -> None:
    raw = "t=new; SameSite=None"
    blocked = [{"cookieLine": raw, "blockedReasons": ["SameSiteNoneInsecure"]}]
    jar = [jar_cookie("t", "www.example.com", expires=NOW + 1000)]  # set on an earlier page
    [record] = attribute_cookies([header_write(raw, blocked)], jar, NOW, 4096)
    assert record.refused_reasons == ["SameSiteNoneInsecure"]
    assert record.stored is False
    assert record.expires is None


@pytest.mark.parametrize(
    ("domain", "suffix"),
    [("test", True), ("co.uk", True), ("uk", True), ("github.io", True),
     ("shop.test", False), ("shop.co.uk", False), ("me.github.io", False)],
)  # fmt: skip
def test_is_public_suffix(domain: str, suffix: bool) -> None:
    assert is_public_suffix(domain) is suffix


# -- outcomes: stored, refused, removed, deleted, probes -------------------------------

DOCUMENT = "https://a.b.shop.test/cart"
LIBRARY = "https://cdn.analytics.example/sdk.js"


def script_write(raw: str, url: str = DOCUMENT, by: str = LIBRARY) -> CookieWrite:
    return CookieWrite(
        raw=raw,
        url=url,
        source="script",
        set_by_url=by,
        set_by_request=None,
        frame_url=url,
        browser_blocked=None,
    )


def outcomes(records: list[Any]) -> list[tuple[str, str, str, bool, list[str]]]:
    return [(r.name, r.domain, r.outcome, r.probe, r.refused_reasons) for r in records]


def test_probe_across_three_domains_two_refused_one_stored_then_deleted() -> None:
    # the library looks for the widest domain it may use, from the top down
    writes = [
        script_write("_probe=1; Domain=test; Path=/"),
        script_write("_probe=1; Domain=other.test; Path=/"),
        script_write("_probe=1; Domain=shop.test; Path=/"),
        script_write("_probe=; Domain=shop.test; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
    ]
    records = attribute_cookies(writes, [], NOW, 4096)
    assert outcomes(records) == [
        ("_probe", ".test", "refused", True, ["InvalidDomain"]),
        ("_probe", ".other.test", "refused", True, ["InvalidDomain"]),
        ("_probe", ".shop.test", "removed-by-script", True, []),
        ("_probe", ".shop.test", "deleted", False, []),
    ]
    assert [r.stored for r in records] == [False, False, False, False]
    assert [r.refusal_source for r in records] == ["inferred", "inferred", None, None]


def test_domain_search_keeps_the_cookie_it_found() -> None:
    # the refused attempt is part of the search; the stored cookie is a real cookie
    writes = [
        script_write("_uid=9; Domain=test; Max-Age=100"),
        script_write("_uid=9; Domain=shop.test; Max-Age=100"),
    ]
    jar = [jar_cookie("_uid", ".shop.test", path="/")]
    records = attribute_cookies(writes, jar, NOW, 4096)
    assert outcomes(records) == [
        ("_uid", ".test", "refused", True, ["InvalidDomain"]),
        ("_uid", ".shop.test", "stored", False, []),
    ]


def test_refused_write_of_another_writer_or_name_is_no_probe() -> None:
    writes = [
        script_write("_uid=9; Domain=test", by="https://other.example/x.js"),
        script_write("_other=1; Domain=test"),
        script_write("_uid=9; Domain=shop.test"),
    ]
    records = attribute_cookies(writes, None, NOW, 4096)
    assert [(r.outcome, r.probe) for r in records] == [
        ("refused", False),
        ("refused", False),
        ("stored", False),
    ]


def test_written_deleted_and_written_again_is_stored() -> None:
    writes = [
        script_write("t=1; Path=/"),
        script_write("t=; Path=/; Max-Age=0"),
        script_write("t=2; Path=/"),
    ]
    jar = [jar_cookie("t", "a.b.shop.test")]
    records = attribute_cookies(writes, jar, NOW, 4096)
    assert [(r.value, r.outcome, r.probe, r.stored) for r in records] == [
        ("1", "removed-by-script", True, False),
        ("", "deleted", False, False),
        ("2", "stored", False, True),
    ]


def test_a_plain_deletion_is_deleted_and_nothing_else() -> None:
    [record] = attribute_cookies([script_write("old=; Path=/; Max-Age=-1")], [], NOW, 4096)
    assert (record.outcome, record.probe, record.stored, record.refused_reasons) == (
        "deleted",
        False,
        False,
        [],
    )


def test_header_cookie_deleted_by_a_script_is_removed_by_script() -> None:
    # another writer (a consent tool's script, say) deleting it: the cookie was set
    writes = [
        header_write("h=1; Path=/", [], url="https://a.b.shop.test/"),
        script_write("h=; Path=/; Max-Age=0", url="https://a.b.shop.test/"),
    ]
    header, deletion = attribute_cookies(writes, [], NOW, 4096)
    assert (header.outcome, header.probe) == ("removed-by-script", False)
    assert deletion.outcome == "deleted"


def test_script_cookie_deleted_by_a_later_response_is_removed_by_server() -> None:
    # header writes are listed first: their order to script writes is not known
    writes = [
        header_write("s=; Path=/; Max-Age=0", [], url="https://a.b.shop.test/"),
        script_write("s=1; Path=/", url="https://a.b.shop.test/"),
    ]
    deletion, written = attribute_cookies(writes, [], NOW, 4096)
    assert (written.outcome, written.probe, written.stored) == ("removed-by-server", False, False)
    assert deletion.outcome == "deleted"


def test_secure_cookie_from_an_insecure_page_is_refused() -> None:
    [record] = attribute_cookies(
        [script_write("s=1; Secure", url="http://www.shop.test/")], [], NOW, 4096
    )
    assert (record.outcome, record.refused_reasons, record.refusal_source) == (
        "refused",
        ["SecureOnly"],
        "inferred",
    )


def test_refused_public_suffix_header_cookie_reason_from_devtools() -> None:
    raw = "x=1; Domain=.co.uk"
    blocked = [{"cookieLine": raw, "blockedReasons": ["InvalidDomain"]}]
    [record] = attribute_cookies(
        [header_write(raw, blocked, url="https://www.shop.co.uk/")], [], NOW, 4096
    )
    assert (record.outcome, record.refused_reasons, record.refusal_source) == (
        "refused",
        ["InvalidDomain"],
        "browser",
    )


def test_overwritten_then_deleted_is_removed_and_a_refused_deletion_removes_nothing() -> None:
    writes = [
        script_write("t=1; Path=/"),
        script_write("t=2; Path=/"),
        script_write("t=; Path=/; Max-Age=0; Domain=elsewhere.example"),  # refused: other key
        script_write("t=; Path=/; Max-Age=0; Secure", url="http://a.b.shop.test/"),  # refused
        script_write("t=; Path=/; Max-Age=0"),
    ]
    records = attribute_cookies(writes, [], NOW, 4096)
    assert [r.outcome for r in records] == [
        "removed-by-script",
        "removed-by-script",
        "deleted",
        "deleted",
        "deleted",
    ]
    assert [r.refused_reasons for r in records[2:4]] == [["InvalidDomain"], ["SecureOnly"]]


def test_thousands_of_writes_are_attributed_in_linear_time() -> None:
    writes = [script_write(f"c{n % 500}={n}; Domain=test") for n in range(20_000)]
    writes += [script_write(f"d{n}={n}; Path=/") for n in range(20_000)]
    started = time.monotonic()
    records = attribute_cookies(writes, [], NOW, 4096)
    assert time.monotonic() - started < 5
    assert len(records) == 40_000
    assert records[0].outcome == "refused"
    assert records[0].probe is False  # a different cookie name was accepted, not this one


# -- Domain attributes and the Public Suffix List, as measured on Chromium 156 ---------


@pytest.mark.parametrize(
    ("line", "url", "reasons"),
    [
        ("a=1; Domain=.org", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=org", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=.ORG", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=org.", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=example.org.", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=..example.org", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=.", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=ex%61mple.org", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=www.example.org:80", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=*.example.org", "https://www.example.org/", ["InvalidDomain"]),
        ("a=1; Domain=example.org", "https://www.example.org/", []),
        ("a=1; Domain=uk", "https://www.shop.co.uk/", ["InvalidDomain"]),
        ("a=1; Domain=io", "https://me.github.io/", ["InvalidDomain"]),
        # the private section counts, as in Chromium
        ("a=1; Domain=blogspot.com", "https://foo.blogspot.com/", ["InvalidDomain"]),
        # wildcard and exception rules: *.kawasaki.jp, !city.kawasaki.jp
        ("a=1; Domain=foo.kawasaki.jp", "https://www.foo.kawasaki.jp/", ["InvalidDomain"]),
        ("a=1; Domain=kawasaki.jp", "https://www.city.kawasaki.jp/", ["InvalidDomain"]),
        ("a=1; Domain=city.kawasaki.jp", "https://www.city.kawasaki.jp/", []),
        # internationalised names: the Unicode form is turned into the ASCII one
        ("a=1; Domain=пример.рф", "https://www.xn--e1afmkfd.xn--p1ai/", []),
        ("a=1; Domain=рф", "https://www.xn--e1afmkfd.xn--p1ai/", ["InvalidDomain"]),
        ("a=1; Domain=xn--p1ai", "https://www.xn--e1afmkfd.xn--p1ai/", ["InvalidDomain"]),
        # a one-label name falls under the list's default rule
        ("a=1; Domain=intranet", "https://www.intranet/", ["InvalidDomain"]),
        # an IP address takes no Domain but its own
        ("a=1; Domain=0.0.1", "https://127.0.0.1/", ["InvalidDomain"]),
        ("a=1; Domain=127.0.0.1", "https://127.0.0.1/", []),
    ],
)
def test_domain_attribute_refusals(line: str, url: str, reasons: list[str]) -> None:
    assert inferred_refusal_reasons(parse(line, url), url) == reasons


@pytest.mark.parametrize(
    ("line", "url", "domain", "host_only"),
    [
        # a Domain naming a host no site can sit below makes a host-only cookie
        ("a=1; Domain=github.io", "https://github.io/", "github.io", True),
        ("a=1; Domain=localhost", "http://localhost/", "localhost", True),
        ("a=1; Domain=intranet", "http://intranet/", "intranet", True),
        ("a=1; Domain=.127.0.0.1", "http://127.0.0.1/", "127.0.0.1", True),
        ("a=1; Domain=me.github.io", "https://me.github.io/", ".me.github.io", False),
        (
            "a=1; Domain=ПРИМЕР.рф",
            "https://xn--e1afmkfd.xn--p1ai/",
            ".xn--e1afmkfd.xn--p1ai",
            False,
        ),
    ],
)
def test_domain_canonical_form(line: str, url: str, domain: str, host_only: bool) -> None:
    cookie = parse(line, url)
    assert (cookie.domain, cookie.host_only) == (domain, host_only)
    assert inferred_refusal_reasons(cookie, url) == []


@pytest.mark.parametrize(
    ("domain", "suffix"),
    [("org", True), ("org.", True), ("ORG", True), ("", True), ("kawasaki.jp", True),
     ("foo.kawasaki.jp", True), ("city.kawasaki.jp", False), ("blogspot.com", True),
     ("example.org", False), ("xn--p1ai", True)],
)  # fmt: skip
def test_public_suffixes(domain: str, suffix: bool) -> None:
    assert is_public_suffix(domain) is suffix


# -- names, values and attributes as Chromium reads them ---------------------------------


@pytest.mark.parametrize(
    ("line", "disallowed"),
    [
        ("a=b", False),
        ("a=b\tc", True),  # a tab inside the value (measured)
        ("a\tb=c", True),
        ("a=\tb\t", False),  # around it, a tab is whitespace
        ("a=b\x01", True),
        ("a=b\x7f", True),
        ("a=first\nsecond=2", True),  # no longer cut at the line break: refused
        ("a=b; Path=/\x1f", True),  # anywhere in the line
    ],
)
def test_control_characters(line: str, disallowed: bool) -> None:
    cookie = parse(line)
    assert cookie.disallowed_character is disallowed
    assert ("DisallowedCharacter" in inferred_refusal_reasons(cookie, PAGE)) is disallowed


def test_only_space_and_tab_are_trimmed() -> None:
    cookie = parse("\u00a0a\u2003=\u00a0b ; Path=/")
    assert (cookie.name, cookie.value) == ("\u00a0a\u2003", "\u00a0b")


def test_an_attribute_value_over_1024_bytes_is_ignored() -> None:
    cookie = parse("a=1; Path=/ok; Path=/" + "p" * 1100, "https://e.com/x/y")
    assert cookie.path == "/ok"
    assert parse("a=1; Path=/" + "p" * 1022, "https://e.com/x/y").path == "/" + "p" * 1022


def test_pieces_are_decoded_after_the_line_is_split() -> None:
    # a byte sequence that is not UTF-8 must not swallow the ";" after it
    cookie = parse_cookie_line("n=x\xc3; Path=/p", PAGE, NOW, lambda piece: piece.upper())
    assert cookie is not None
    assert (cookie.name, cookie.value, cookie.path) == ("N", "X\xc3", "/P")


# -- header bytes ------------------------------------------------------------------------


def devtools_form(data: bytes) -> str:
    """A header value as Chromium's DevTools gives it: windows-1252, undefined bytes kept."""
    return "".join(
        bytes([b]).decode("cp1252", "strict") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
        for b in data
    )


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("café".encode(), "café"),
        ("кука".encode(), "кука"),
        ("\U0001f36a\u202e".encode(), "\U0001f36a\u202e"),
        (bytes(range(0x80, 0xA0)), ""),  # continuation bytes alone: nothing
        # not UTF-8, as DevTools reports it (measured): lead byte and its claimed bytes go
        (b"ab\xffcd", "abcd"),
        (b"ab\xe9tz", "ab"),
        (b"\xc3\xa9ok\xc3", "éok"),
        (b"\xf0\x9f\x8d", ""),
        (b"\xc0\xafz", "z"),  # overlong
        (b"a\xed\xa0\x80b", "a\ufffdb"),  # a surrogate (DevTools keeps it; we cannot)
    ],
)
def test_header_bytes_read_as_the_jar_reads_them(data: bytes, text: str) -> None:
    assert wire_bytes(devtools_form(data)) == data
    assert as_devtools_text(data) == text


def test_header_bytes_kept_escaped_and_text_left_alone() -> None:
    assert escaped(b"inval\xff=x\xc3; Path=/") == "inval\\xff=x\\xc3; Path=/"
    assert escaped("café".encode()) == "café"
    assert wire_bytes("кука") is None  # already text: not one character per byte
    assert without_surrogates("a\ud800b\udfff") == "a\ufffdb\ufffd"


def test_header_cookie_with_utf8_bytes_matches_the_jar_and_devtools_refusals() -> None:
    stored = header_write(devtools_form("café=crème; Path=/".encode()), [])
    refused_line = "кука=1; Domain=other.example".encode()
    refused = header_write(
        devtools_form(refused_line),
        [{"cookieLine": refused_line.decode(), "blockedReasons": ["InvalidDomain"]}],
    )
    jar = [{"name": "café", "value": "crème", "domain": "www.example.com", "path": "/"}]
    good, bad = attribute_cookies([stored, refused], jar, NOW, 4096)
    assert (good.name, good.value, good.raw, good.outcome) == (
        "café",
        "crème",
        "café=crème; Path=/",
        "stored",
    )
    assert (bad.name, bad.outcome, bad.refused_reasons, bad.refusal_source) == (
        "кука",
        "refused",
        ["InvalidDomain"],
        "browser",
    )


def test_header_cookie_that_is_not_utf8_keeps_its_bytes() -> None:
    line = b"inval\xff\xfe=x\xc3; Path=/"
    jar = [{"name": "inval", "value": "x", "domain": "www.example.com", "path": "/"}]
    [record] = attribute_cookies([header_write(devtools_form(line), [])], jar, NOW, 4096)
    assert (record.name, record.value, record.path, record.outcome) == ("inval", "x", "/", "stored")
    assert record.raw == "inval\\xff\\xfe=x\\xc3; Path=/"


def test_script_cookie_with_a_lone_surrogate_is_stored_as_u_fffd() -> None:
    jar = [{"name": "js_\ud800", "value": "1", "domain": "a.b.shop.test", "path": "/"}]
    [record] = attribute_cookies([script_write("js_\ud800=1; path=/")], jar, NOW, 4096)
    assert (record.name, record.raw, record.outcome) == (
        "js_\ufffd",
        "js_\ufffd=1; path=/",
        "stored",
    )
