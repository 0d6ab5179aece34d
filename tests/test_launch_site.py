"""www.launch.test changes release while the world runs (scanner/testworld/sites/launch.py).

Checked over real sockets against the world's subprocess, with the standard library only:
the release switch over plain http, the pages and cookies over https.
"""

import http.client
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

import pytest

from scanner.testworld import TestWorld, running_test_world

LAUNCH = "www.launch.test"
PAGES = ("/", "/offers", "/about")
SOCIAL_EMBED = ("widgets.social.example", "/embed")
AD_TAG = ("ads.adnet.example", "/ad.js")
ANALYTICS_TAG = ("cdn.analytics.example", "/a.js")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: str

    def cookies(self) -> dict[str, tuple[str, set[str]]]:
        """Set-Cookie headers as name -> (value, lower-cased attributes like 'max-age=1')."""
        found = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            pair, *attributes = (part.strip() for part in header.split(";"))
            name, _, value = pair.partition("=")
            found[name] = (value, {a.lower() for a in attributes})
        return found


@dataclass(frozen=True)
class PageView:
    """What matters of one page: its tags, its links and the cookies it sets."""

    social: bool
    ads: bool
    analytics: bool
    links: frozenset[str]
    cookies: dict[str, tuple[str, set[str]]]


def _unverified_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def get(world: TestWorld, path: str, *, secure: bool = True) -> Reply:
    """GET ``path`` from www.launch.test (as the Host header) on 127.0.0.1."""
    connection: http.client.HTTPConnection
    if secure:
        port = world.https_port
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=15, context=_unverified_tls()
        )
    else:
        port = world.http_port
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path, headers={"Host": f"{LAUNCH}:{port}"})
        response = connection.getresponse()
        return Reply(response.status, response.msg, response.read().decode("utf-8"))
    finally:
        connection.close()


def switch(world: TestWorld, release: int) -> Reply:
    return get(world, f"/__release/{release}", secure=False)


def view(world: TestWorld, path: str) -> PageView:
    reply = get(world, path)
    assert reply.status == 200, reply.body
    return PageView(
        social=world.url(*SOCIAL_EMBED) in reply.body,
        ads=world.url(*AD_TAG) in reply.body,
        analytics=world.url(*ANALYTICS_TAG) in reply.body,
        links=frozenset(re.findall(r'<a href="([^"]*)"', reply.body)),
        cookies=reply.cookies(),
    )


def site(world: TestWorld) -> dict[str, PageView]:
    return {path: view(world, path) for path in PAGES}


@pytest.fixture(scope="module")
def world() -> Iterator[TestWorld]:
    with running_test_world() as running:
        yield running


@pytest.fixture(autouse=True)
def back_to_first_release(world: TestWorld) -> Iterator[None]:
    yield
    assert switch(world, 1).status == 200


def assert_release_1(pages: dict[str, PageView]) -> None:
    for path, page in pages.items():
        assert page.social and not page.ads and page.analytics, path
        assert set(page.cookies) == {"ls_session"}, path
        value, attributes = page.cookies["ls_session"]
        assert value
        assert "secure" not in attributes, path
        assert {"httponly", "samesite=lax", "path=/"} <= attributes, path
        assert page.links == set(PAGES), path


def test_a_new_world_starts_at_release_1() -> None:
    with running_test_world() as fresh:
        assert_release_1(site(fresh))


def test_release_1_serves_social_and_an_insecure_session(world: TestWorld) -> None:
    reply = switch(world, 1)
    assert (reply.status, reply.body) == (200, "release 1")
    assert_release_1(site(world))


def test_release_2_swaps_social_for_ads_and_fixes_the_session(world: TestWorld) -> None:
    first = site(world)
    reply = switch(world, 2)
    assert (reply.status, reply.body) == (200, "release 2")
    second = site(world)
    for path, page in second.items():
        assert not page.social and page.analytics, path
        assert page.ads == (path in {"/", "/offers"}), path
        assert page.links == set(PAGES), path
        value, attributes = page.cookies["ls_session"]
        assert value == first[path].cookies["ls_session"][0]
        assert attributes == first[path].cookies["ls_session"][1] | {"secure"}, path
    assert set(second["/"].cookies) == set(second["/about"].cookies) == {"ls_session"}
    assert set(second["/offers"].cookies) == {"ls_session", "campaign_ref"}
    value, attributes = second["/offers"].cookies["campaign_ref"]
    assert value
    assert attributes == {"path=/", "max-age=2592000", "secure", "httponly", "samesite=lax"}


def test_switching_back_restores_release_1_exactly(world: TestWorld) -> None:
    before = site(world)
    assert switch(world, 2).status == 200
    assert site(world) != before
    assert switch(world, 1).status == 200
    assert site(world) == before
    assert_release_1(before)


@pytest.mark.parametrize("path", ["/__release/9", "/__release/0", "/__release/x", "/__release/"])
def test_an_unknown_release_is_404_and_keeps_the_state(world: TestWorld, path: str) -> None:
    assert switch(world, 2).status == 200
    before = site(world)
    assert get(world, path, secure=False).status == 404
    assert get(world, path).status == 404
    assert site(world) == before


def test_the_site_is_deterministic(world: TestWorld) -> None:
    for release in (1, 2):
        assert switch(world, release).status == 200
        assert [get(world, path).body for path in PAGES] == [
            get(world, path).body for path in PAGES
        ]
        assert site(world) == site(world)


def test_plain_http_redirects_everything_but_the_switch(world: TestWorld) -> None:
    for path in (*PAGES, "/offers?x=1", "/robots.txt"):
        reply = get(world, path, secure=False)
        assert reply.status == 301, path
        assert reply.headers["Location"] == f"https://{LAUNCH}:{world.https_port}{path}"
