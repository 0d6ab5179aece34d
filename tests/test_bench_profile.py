"""The realistic pages of bench.test (/r/<i>), served in-process without a browser: their
requests, counted from the HTML and from what each script and frame they load asks for,
number 30 to 80; several third parties and cookies; the binary tree; the profiles of
``scanner bench``."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from scanner.bench_baseline import bench_page_urls
from scanner.testworld.hosts import (
    AD_NETWORK,
    ANALYTICS_CDN,
    ANALYTICS_COLLECT,
    BENCH,
    FOURTH_PARTY,
    RETARGET_CDN,
    RETARGET_PIXEL,
    SOCIAL_CDN,
    SOCIAL_WIDGETS,
    TAG_MANAGER,
    WorldUrls,
)
from scanner.testworld.messages import Handler, Request, Response
from scanner.testworld.sites import build_sites
from scanner.testworld.sites.bench_realistic import subrequest_count
from tests.e2e_helpers import run_scanner, stderr_lines

PAGES = 120
URLS = WorldUrls(http_port=8080, https_port=8443)
Place = tuple[str, str]  # (host, path)

FOLLOW_UPS: dict[Place, list[Place]] = {
    (TAG_MANAGER, "/tm.js"): [(RETARGET_CDN, "/rt.js")],
    (RETARGET_CDN, "/rt.js"): [
        (RETARGET_PIXEL, "/sync"),
        (FOURTH_PARTY, "/match.js"),
        (RETARGET_PIXEL, "/unload"),  # its beacon as the visitor leaves
    ],
    (FOURTH_PARTY, "/match.js"): [(FOURTH_PARTY, "/pixel.gif")],
    (ANALYTICS_CDN, "/a.js"): [(ANALYTICS_COLLECT, "/c")],
    (AD_NETWORK, "/ad.js"): [(AD_NETWORK, "/creative.png")],
    (SOCIAL_WIDGETS, "/embed"): [(SOCIAL_WIDGETS, "/widget.js"), (SOCIAL_CDN, "/like.png")],
}
"""What each vendor's tag or frame requests in turn, as the test world's vendors are
written; each follow-up's path is checked to be in the tag's source."""

BEACON: Place = (BENCH, "/r/beacon")


class _Subresources(HTMLParser):
    """The URLs a page's markup loads by itself, and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.loads.append(values["src"] or "")
        elif tag == "link" and values.get("rel") == "stylesheet":
            self.loads.append(values["href"] or "")
        elif tag == "a":
            self.links.append(values["href"] or "")


def _parse(markup: str) -> _Subresources:
    parser = _Subresources()
    parser.feed(markup)
    return parser


@dataclass
class _Tally:
    """The requests of one page, with the hosts that answered with Set-Cookie."""

    places: list[Place] = field(default_factory=list)
    cookie_hosts: set[str] = field(default_factory=set)


class _World:
    """The world's sites in-process; requests go straight to the hosts' handlers."""

    def __init__(self, pages: int = PAGES) -> None:
        self.sites: dict[str, Handler] = build_sites(URLS, bench_pages=pages)

    def get(self, host: str, target: str, method: str = "GET") -> Response:
        path, _, query = target.partition("?")
        return self.sites[host](Request(method, "https", host, path, query, Message()))

    def page(self, i: int) -> Response:
        return self.get(BENCH, f"/r/{i}")

    def tally(self, i: int) -> _Tally:
        """Every request page i makes after its document, each script or frame followed."""
        tally = _Tally()
        page = self.page(i)
        assert page.status == 200
        base = URLS.https(BENCH, f"/r/{i}")
        for url in _parse(page.body.decode()).loads:
            self._follow(urljoin(base, url), tally)
        return tally

    def _follow(self, url: str, tally: _Tally) -> None:
        parts = urlsplit(url)
        assert parts.port == URLS.https_port, url
        host, path = parts.hostname or "", parts.path
        method = "POST" if (host, path) in (BEACON, (RETARGET_PIXEL, "/unload")) else "GET"
        response = self.get(host, f"{path}?{parts.query}" if parts.query else path, method)
        assert response.status in (200, 204), url
        tally.places.append((host, path))
        if any(name == "Set-Cookie" for name, _ in response.headers):
            tally.cookie_hosts.add(host)
        source = response.body.decode("utf-8", "replace")
        for follow_host, follow_path in self._follow_ups(host, path, source):
            assert follow_path in source, (url, follow_path)
            self._follow(URLS.https(follow_host, follow_path), tally)

    @staticmethod
    def _follow_ups(host: str, path: str, source: str) -> list[Place]:
        if host != BENCH:
            return FOLLOW_UPS.get((host, path), [])
        # the page's own files: only its site script (j0) asks for anything, the beacon
        if path.endswith("/j0.js"):
            return [BEACON]
        if path.endswith(".png"):
            return []
        for request in ("url(", "fetch(", "sendBeacon", "XMLHttpRequest", "src", "import"):
            assert request not in source, (path, request)
        return []


@pytest.fixture(scope="module")
def world() -> _World:
    return _World()


def test_every_realistic_page_makes_30_to_80_requests_as_planned(world: _World) -> None:
    counts = [len(world.tally(i).places) for i in range(PAGES)]
    assert all(30 <= count <= 80 for count in counts), counts
    # the generator's own figure (what the bench reports) is the counted one
    assert counts == [subrequest_count(i) for i in range(PAGES)]
    assert min(counts) == 30 and max(counts) == 80
    assert len(set(counts)) == 51  # every count from 30 to 80 occurs


def test_a_realistic_page_loads_first_party_files_vendors_and_a_beacon(world: _World) -> None:
    tally = world.tally(7)
    first_party = [path for host, path in tally.places if host == BENCH]
    kinds = {path.rsplit(".", 1)[-1] for path in first_party if path.startswith("/r/7/")}
    assert kinds == {"css", "js", "png"}
    assert sum(path.endswith(".css") for path in first_party) >= 2
    assert sum(path.endswith(".js") for path in first_party) >= 3
    assert first_party.count("/r/beacon") == 1
    tagged = {urlsplit(url).hostname for url in _parse(world.page(7).body.decode()).loads}
    assert tagged - {None} >= {TAG_MANAGER, ANALYTICS_CDN, AD_NETWORK, SOCIAL_WIDGETS}
    third_parties = {host for host, _ in tally.places} - {BENCH}
    assert len(third_parties) == 9  # the four tags bring five more hosts, a fourth party too
    assert FOURTH_PARTY in third_parties
    assert tally.cookie_hosts >= {ANALYTICS_COLLECT, AD_NETWORK, RETARGET_PIXEL, SOCIAL_WIDGETS}


def test_a_realistic_page_sets_first_party_cookies_in_its_response_and_its_script(
    world: _World,
) -> None:
    page = world.page(5)
    cookies = [value for name, value in page.headers if name == "Set-Cookie"]
    assert [cookie.split("=", 1)[0] for cookie in cookies] == ["bench_sid", "bench_ab"]
    assert all("Domain=" not in cookie and "Secure" in cookie for cookie in cookies)
    script = world.get(BENCH, "/r/5/j0.js").body.decode()
    assert 'document.cookie = "bench_seen=5;' in script
    assert 'navigator.sendBeacon("/r/beacon"' in script
    assert world.get(*BEACON, method="POST").status == 204
    assert world.get(*BEACON).status == 405


def test_realistic_pages_are_the_same_every_time(world: _World) -> None:
    other = _World()
    for target in ("/r/0", "/r/41", "/r/41/s1.css", "/r/41/j0.js", "/r/41/j2.js", "/r/41/i3.png"):
        one, two = world.get(BENCH, target), other.get(BENCH, target)
        assert one.status == 200, target
        assert (one.body, one.headers) == (two.body, two.headers), target


def test_realistic_pages_form_the_binary_tree_and_stop_at_n() -> None:
    pages = 9
    world = _World(pages)
    seen, queue = set(), [0]
    while queue:
        i = queue.pop()
        seen.add(i)
        links = _parse(world.page(i).body.decode()).links
        assert links == [f"/r/{c}" for c in (2 * i + 1, 2 * i + 2) if c < pages], i
        queue += [int(link.rsplit("/", 1)[1]) for link in links]
    assert seen == set(range(pages))
    for target in (f"/r/{pages}", f"/r/{pages}/s0.css", "/r/01", "/r/1/j01.js", "/r/1/s99.css"):
        assert world.get(BENCH, target).status == 404, target
    # the simple pages link among themselves only, as before
    simple = world.get(BENCH, "/p/0").body.decode()
    assert _parse(simple).links == ["/p/1", "/p/2"]


def test_the_bare_browser_loads_each_profiles_pages() -> None:
    start = URLS.https(BENCH, "/p/0")
    assert bench_page_urls(start, 3) == [URLS.https(BENCH, f"/p/{i}") for i in range(3)]
    assert bench_page_urls(start, 3, "realistic") == [
        URLS.https(BENCH, f"/r/{i}") for i in range(3)
    ]


def test_an_unknown_profile_is_one_line_before_anything_runs() -> None:
    run = run_scanner("bench", "--pages", "1", "--runs", "1", "--profile", "heavy")
    message = "error: bench: --profile heavy: unknown profile (choose from simple, realistic)"
    assert (run.returncode, stderr_lines(run), run.stdout) == (2, [message], "")
