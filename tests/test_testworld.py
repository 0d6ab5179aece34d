"""The test world serves exactly what the end-to-end tests and the demo rely on.

Everything is checked over real sockets against the subprocess started by
``running_test_world``, with the standard library only.
"""

import base64
import contextlib
import dataclasses
import hashlib
import http.client
import json
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from scanner.testworld import ALL_HOSTS, TestWorld, running_test_world
from scanner.testworld.sites.consent_shop_tags import KLARO_PATH

BENCH_PAGES = 5
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def world() -> Iterator[TestWorld]:
    with running_test_world(bench_pages=BENCH_PAGES) as running:
        yield running


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def _connection(world: TestWorld, secure: bool) -> http.client.HTTPConnection:
    if secure:
        return http.client.HTTPSConnection(
            "127.0.0.1", world.https_port, timeout=15, context=_tls_context()
        )
    return http.client.HTTPConnection("127.0.0.1", world.http_port, timeout=15)


def fetch(
    world: TestWorld,
    host: str,
    path: str,
    *,
    secure: bool = True,
    method: str = "GET",
    body: bytes | None = None,
) -> Reply:
    """One request to ``host`` (sent as the Host header, with the port) on 127.0.0.1."""
    port = world.https_port if secure else world.http_port
    connection = _connection(world, secure)
    try:
        connection.request(method, path, body=body, headers={"Host": f"{host}:{port}"})
        response = connection.getresponse()
        return Reply(response.status, response.msg, response.read())
    finally:
        connection.close()


def hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'<a href="([^"]*)"', html)]


# The JSON line and the dataclass -----------------------------------------------------------


def test_world_describes_where_it_listens(world: TestWorld) -> None:
    assert isinstance(world.http_port, int) and world.http_port > 0
    assert isinstance(world.https_port, int) and world.https_port > 0
    assert world.http_port != world.https_port
    assert world.start_url == f"https://www.shop.test:{world.https_port}/"
    assert world.bench_start_url == f"https://bench.test:{world.https_port}/p/0"
    assert len(base64.b64decode(world.spki_sha256, validate=True)) == 32
    assert world.url("cdn.analytics.example", "/a.js") == (
        f"https://cdn.analytics.example:{world.https_port}/a.js"
    )
    assert world.url("shop.test", "/x", secure=False) == f"http://shop.test:{world.http_port}/x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        world.http_port = 1  # type: ignore[misc]


def test_certificate_lists_every_host_and_matches_reported_spki(world: TestWorld) -> None:
    with (
        socket.create_connection(("127.0.0.1", world.https_port), timeout=10) as raw,
        _tls_context().wrap_socket(raw, server_hostname="www.shop.test") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    certificate = x509.load_der_x509_certificate(der)
    san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) == {*ALL_HOSTS, "*.bench.test"}
    for host in ("www.shop.test", "shop.test", "static.shop.test", "bench.test"):
        assert host in ALL_HOSTS
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert base64.b64encode(hashlib.sha256(spki).digest()).decode() == world.spki_sha256
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert lifetime.days == 30
    age = time.time() - certificate.not_valid_before_utc.timestamp()
    assert 23 * 3600 < age < 25 * 3600  # valid from yesterday


# First-party redirects -------------------------------------------------------------------


def test_apex_over_http_redirects_to_https_www_keeping_the_path(world: TestWorld) -> None:
    reply = fetch(world, "shop.test", "/old-home?x=1", secure=False)
    assert reply.status == 301
    assert reply.headers["Location"] == f"https://www.shop.test:{world.https_port}/old-home?x=1"
    # ... where /old-home redirects to the home page.
    reply = fetch(world, "www.shop.test", "/old-home")
    assert reply.status == 301
    assert reply.headers["Location"] == f"https://www.shop.test:{world.https_port}/"


def test_www_over_http_redirects_except_the_subscribe_form_target(world: TestWorld) -> None:
    reply = fetch(world, "www.shop.test", "/about", secure=False)
    assert reply.status == 301
    assert reply.headers["Location"] == f"https://www.shop.test:{world.https_port}/about"
    reply = fetch(world, "www.shop.test", "/subscribe", secure=False, method="POST", body=b"e=1")
    assert (reply.status, reply.text) == (200, "ok")


# Shop pages --------------------------------------------------------------------------------


def test_home_page_headers_cookie_and_links(world: TestWorld) -> None:
    reply = fetch(world, "www.shop.test", "/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert reply.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    for absent in ("Referrer-Policy", "Content-Security-Policy", "X-Frame-Options"):
        assert absent not in reply.headers
    (cookie,) = reply.headers.get_all("Set-Cookie")
    assert re.fullmatch(r"session=[0-9a-f]{32}; Path=/; Secure; HttpOnly; SameSite=Lax", cookie)

    page = reply.text
    assert page.startswith('<!doctype html>\n<html lang="en">')
    assert "<title>Demo Shop \u2013 Home</title>" in page
    port = world.https_port
    assert f'<script src="https://tags.tagmgr.example:{port}/tm.js" async></script>' in page
    assert f'<script src="https://cdn.analytics.example:{port}/a.js"></script>' in page
    links = hrefs(page)
    nav = ["/", "/products/", "/blog/", "/about", "/contact", "/account", "/newsletter"]
    nav += ["/privacy", "/security/"]
    footer = ["/terms", "/private/", "/files/catalogue.pdf", "/calendar?month=2026-01"]
    footer += ["/broken", "/slow", "/missing", f"https://www.othersite.example:{port}/"]
    footer += [f"http://shop.test:{world.http_port}/old-home"]
    body_links = [
        "/products/1?utm_source=home&utm_medium=banner",
        "/products/2#reviews",
        "/products/3?sessionid=9f8e7d6c5b",
    ]
    assert links == nav + body_links + footer


def test_plain_pages_have_no_third_parties_and_no_cookie(world: TestWorld) -> None:
    for path, name in [("/about", "About"), ("/privacy", "Privacy"), ("/terms", "Terms")]:
        reply = fetch(world, "www.shop.test", path)
        assert reply.status == 200
        assert f"<title>Demo Shop \u2013 {name}</title>" in reply.text
        # the one script: the shop's own cookie banner (Klaro!), served from the shop
        scripts = re.findall(r"<script[^>]*>", reply.text)
        assert scripts == ["<script>", f'<script defer src="{KLARO_PATH}">']
        assert "Set-Cookie" not in reply.headers


def test_product_page_embeds_all_its_vendors(world: TestWorld) -> None:
    page = fetch(world, "www.shop.test", "/products/8").text
    port = world.https_port
    for tag in (
        f'<script src="https://tags.tagmgr.example:{port}/tm.js" async></script>',
        f'<script src="https://cdn.analytics.example:{port}/a.js"></script>',
        f'<script src="https://ads.adnet.example:{port}/ad.js"></script>',
        f'<script src="https://api.slowvendor.example:{port}/recs.js" async></script>',
    ):
        assert tag in page
    assert "/products/" in hrefs(page)
    assert "/products/1" in hrefs(page)  # the "next" product wraps around
    assert fetch(world, "www.shop.test", "/products/9").status == 404


def test_account_page_shows_the_customer_email(world: TestWorld) -> None:
    page = fetch(world, "www.shop.test", "/account").text
    assert '<main data-customer-email="jane.doe@example.com">' in page
    assert "<span>jane.doe@example.com</span>" in page


def test_newsletter_form_and_signup_link(world: TestWorld) -> None:
    page = fetch(world, "www.shop.test", "/newsletter").text
    assert '<form action="/newsletter/thanks" method="get">' in page
    assert '<input type="email" name="email">' in page
    assert "/newsletter/thanks?email=jane.doe%40example.com" in hrefs(page)
    thanks = fetch(world, "www.shop.test", "/newsletter/thanks?email=jane.doe%40example.com")
    assert thanks.status == 200 and "Thanks" in thanks.text
    assert f"https://cdn.analytics.example:{world.https_port}/a.js" in thanks.text


def test_blog_post_embeds_the_social_iframe(world: TestWorld) -> None:
    page = fetch(world, "www.shop.test", "/blog/2").text
    embed = f"https://widgets.social.example:{world.https_port}/embed?post=2"
    assert f'<iframe src="{embed}" title="Share"></iframe>' in page


def test_broken_missing_and_unknown_host(world: TestWorld) -> None:
    broken = fetch(world, "www.shop.test", "/broken")
    assert broken.status == 500
    assert broken.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>Demo Shop \u2013 Error</title>" in broken.text
    for path in ("/missing", "/no/such/page", "/products/0"):
        missing = fetch(world, "www.shop.test", path)
        assert missing.status == 404
        assert "<title>Demo Shop \u2013 Not found</title>" in missing.text
    unknown = fetch(world, "nowhere.example", "/")
    assert unknown.status == 404
    assert unknown.headers["Content-Type"].startswith("text/plain")
    assert "unknown host" in unknown.text


def test_catalogue_is_a_pdf(world: TestWorld) -> None:
    reply = fetch(world, "www.shop.test", "/files/catalogue.pdf")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/pdf"
    assert reply.body.startswith(b"%PDF-")
    assert reply.body.rstrip().endswith(b"%%EOF")
    assert 200 < len(reply.body) < 2000


def test_robots_txt(world: TestWorld) -> None:
    reply = fetch(world, "www.shop.test", "/robots.txt")
    assert reply.status == 200
    lines = [line for line in reply.text.splitlines() if line]
    assert lines == [
        "User-agent: *",
        "Disallow: /private/",
        f"Sitemap: https://www.shop.test:{world.https_port}/sitemap_index.xml",
    ]
    assert fetch(world, "www.shop.test", "/private/").status == 200
    assert fetch(world, "www.shop.test", "/orphan").status == 200


def _locations(world: TestWorld, path: str, entry: str) -> list[str]:
    reply = fetch(world, "www.shop.test", path)
    assert reply.status == 200
    root = ET.fromstring(reply.body)
    return [loc.text or "" for loc in root.findall(f"sm:{entry}/sm:loc", SITEMAP_NS)]


def test_sitemaps_list_exactly_the_expected_urls(world: TestWorld) -> None:
    base = f"https://www.shop.test:{world.https_port}"
    assert _locations(world, "/sitemap_index.xml", "sitemap") == [
        f"{base}/sitemap-pages.xml",
        f"{base}/sitemap-products.xml",
    ]
    pages = ["/", "/about", "/contact", "/blog/", "/orphan", "/privacy", "/terms"]
    assert _locations(world, "/sitemap-pages.xml", "url") == [base + p for p in pages]
    products = ["/products/"] + [f"/products/{n}" for n in range(1, 9)]
    assert _locations(world, "/sitemap-products.xml", "url") == [base + p for p in products]


def test_calendar_is_an_endless_trap(world: TestWorld) -> None:
    for month, previous, following in [
        ("2026-01", "2025-12", "2026-02"),
        ("2026-12", "2026-11", "2027-01"),
        ("9999-12", "9999-11", "10000-01"),
    ]:
        reply = fetch(world, "www.shop.test", f"/calendar?month={month}")
        assert reply.status == 200
        assert month in reply.text
        links = hrefs(reply.text)
        assert f"/calendar?month={previous}" in links
        assert f"/calendar?month={following}" in links


def test_slow_page_takes_four_seconds(world: TestWorld) -> None:
    started = time.monotonic()
    reply = fetch(world, "www.shop.test", "/slow")
    assert time.monotonic() - started >= 4.0
    assert reply.status == 200


# Security pages ------------------------------------------------------------------------------


def test_strong_csp_has_a_fresh_nonce_per_response(world: TestWorld) -> None:
    nonces = []
    for _ in range(2):
        reply = fetch(world, "www.shop.test", "/security/csp-strong")
        policy = reply.headers["Content-Security-Policy"]
        match = re.fullmatch(
            r"default-src 'self'; script-src 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'; "
            r"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; report-uri /csp-report",
            policy,
        )
        assert match, policy
        nonce = match.group(1)
        assert reply.text.count(f'<script nonce="{nonce}">') == 1
        assert reply.text.count("<script>") == 1  # the inline script without a nonce
        assert f'<script src="https://cdn.analytics.example:{world.https_port}/a.js">' in (
            reply.text
        )
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_weak_report_only_and_meta_csp(world: TestWorld) -> None:
    weak = fetch(world, "www.shop.test", "/security/csp-weak")
    assert weak.headers["Content-Security-Policy"] == (
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' https: *.analytics.example "
        "https://cdn.unused-widgets.example; report-uri /csp-report"
    )
    assert 'eval("1+1")' in weak.text
    report_only = fetch(world, "www.shop.test", "/security/csp-report-only")
    assert "Content-Security-Policy" not in report_only.headers
    assert report_only.headers["Content-Security-Policy-Report-Only"] == (
        "default-src 'self'; report-uri /csp-report"
    )
    meta = fetch(world, "www.shop.test", "/security/csp-meta")
    assert "Content-Security-Policy" not in meta.headers
    assert '<meta http-equiv="Content-Security-Policy" content="img-src \'self\'">' in meta.text
    report = fetch(world, "www.shop.test", "/csp-report", method="POST", body=b'{"csp": 1}')
    assert report.status == 204


def test_mixed_content_page_and_its_http_resources(world: TestWorld) -> None:
    page = fetch(world, "www.shop.test", "/security/mixed").text
    http_base = f"http://static.shop.test:{world.http_port}"
    assert f'<script src="{http_base}/legacy.js"></script>' in page
    assert f'<img src="{http_base}/banner.png" alt="">' in page
    assert f'action="http://www.shop.test:{world.http_port}/subscribe" method="post"' in page
    for secure in (False, True):
        script = fetch(world, "static.shop.test", "/legacy.js", secure=secure)
        assert script.headers["Content-Type"] == "application/javascript"
        assert b"window.legacyLoaded = true" in script.body
        banner = fetch(world, "static.shop.test", "/banner.png", secure=secure)
        assert banner.body.startswith(b"\x89PNG\r\n\x1a\n")


def test_http_port_also_answers_tls(world: TestWorld) -> None:
    """Chromium upgrades the mixed-content image to https on the *same* (http) port."""
    connection = http.client.HTTPSConnection(
        "127.0.0.1", world.http_port, timeout=10, context=_tls_context()
    )
    try:
        connection.request("GET", "/banner.png", headers={"Host": "static.shop.test"})
        response = connection.getresponse()
        assert response.status == 200
        assert response.read().startswith(b"\x89PNG")
    finally:
        connection.close()


# Third parties -------------------------------------------------------------------------------


def test_ad_tag_sets_three_cookies(world: TestWorld) -> None:
    reply = fetch(world, "ads.adnet.example", "/ad.js")
    assert reply.headers["Content-Type"] == "application/javascript"
    cookies = reply.headers.get_all("Set-Cookie")
    assert len(cookies) == 3
    assert re.fullmatch(
        r"ad_uid=[0-9a-f]+; Path=/; Max-Age=63072000; Secure; SameSite=None", cookies[0]
    )
    assert cookies[1] == "ad_pref=1; Path=/; Max-Age=2592000; SameSite=None"
    assert cookies[2] == "ad_bad=1; Domain=other.example; Path=/"
    creative = fetch(world, "ads.adnet.example", "/creative.png")
    assert creative.headers["Content-Type"] == "image/png"
    assert creative.body.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("host", "path", "cookie"),
    [
        (
            "collect.analytics.example",
            "/c?cid=1&dl=x&dt=y",
            r"_ae_uid=[0-9a-f]+; Domain=analytics\.example; Path=/; Max-Age=63072000; "
            r"Secure; SameSite=None",
        ),
        (
            "px.retarget.example",
            "/sync?partner=tagmgr",
            r"rt_id=[0-9a-f]+; Domain=retarget\.example; Path=/; Max-Age=157680000; "
            r"Secure; SameSite=None",
        ),
        (
            "sync.fourthparty.example",
            "/pixel.gif?src=retarget",
            r"fp_uid=[0-9a-f]+; Path=/; Max-Age=34128000; Secure; SameSite=None",
        ),
        ("cdn.analytics.example", "/pixel.gif", None),
    ],
)
def test_tracking_pixels(world: TestWorld, host: str, path: str, cookie: str | None) -> None:
    reply = fetch(world, host, path)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "image/gif"
    assert reply.body.startswith(b"GIF89a")
    cookies = reply.headers.get_all("Set-Cookie") or []
    if cookie is None:
        assert cookies == []
    else:
        assert len(cookies) == 1 and re.fullmatch(cookie, cookies[0]), cookies


@pytest.mark.parametrize(
    ("host", "path", "needle"),
    [
        ("cdn.analytics.example", "/a.js", '"_ae_cid="'),
        ("tags.tagmgr.example", "/tm.js", 'sessionStorage.setItem("tm_loaded", "1")'),
        ("cdn.retarget.example", "/rt.js", "navigator.sendBeacon("),
        ("sync.fourthparty.example", "/match.js", "/pixel.gif?src=retarget"),
        ("widgets.social.example", "/widget.js", 'localStorage.setItem("sw_seen", "1")'),
    ],
)
def test_vendor_scripts_learn_their_port_at_run_time(
    world: TestWorld, host: str, path: str, needle: str
) -> None:
    reply = fetch(world, host, path)
    assert reply.headers["Content-Type"] == "application/javascript"
    assert needle in reply.text
    assert str(world.https_port) not in reply.text
    if host != "widgets.social.example":
        assert "document.currentScript.src" in reply.text or "script.src" in reply.text


def test_unload_beacon_endpoint_accepts_posts(world: TestWorld) -> None:
    body = json.dumps({"email": "jane.doe@example.com", "page": "x", "ts": 1}).encode()
    assert fetch(world, "px.retarget.example", "/unload", method="POST", body=body).status == 204


def test_social_embed_sets_a_cookie_and_loads_its_assets(world: TestWorld) -> None:
    reply = fetch(world, "widgets.social.example", "/embed?post=3")
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    (cookie,) = reply.headers.get_all("Set-Cookie")
    assert re.fullmatch(
        r"sw_sess=[0-9a-f]+; Path=/; Max-Age=31536000; Secure; SameSite=None", cookie
    )
    port = world.https_port
    assert f'<script src="https://widgets.social.example:{port}/widget.js"></script>' in reply.text
    assert f'<img src="https://cdn.social.example:{port}/like.png" alt="like">' in reply.text
    like = fetch(world, "cdn.social.example", "/like.png")
    assert like.headers["Content-Type"] == "image/png"


def test_slow_vendor_answers_after_a_delay(world: TestWorld) -> None:
    started = time.monotonic()
    reply = fetch(world, "api.slowvendor.example", "/recs.js")
    assert time.monotonic() - started >= 1.5
    assert "window.recs = []" in reply.text


def test_other_site_is_a_trivial_page(world: TestWorld) -> None:
    reply = fetch(world, "www.othersite.example", "/")
    assert reply.status == 200
    assert "<title>Other Site</title>" in reply.text


# Benchmark site ------------------------------------------------------------------------------


def test_bench_pages_form_a_binary_tree(world: TestWorld) -> None:
    expected_children = {0: ["/p/1", "/p/2"], 1: ["/p/3", "/p/4"], 2: [], 3: [], 4: []}
    seen: set[int] = set()
    queue = [0]
    while queue:
        i = queue.pop()
        seen.add(i)
        reply = fetch(world, "bench.test", f"/p/{i}")
        assert reply.status == 200
        assert f"<title>Bench {i}</title>" in reply.text
        assert f'<link rel="stylesheet" href="/s/{i}.css">' in reply.text
        assert f'<img src="/i/{i}.png" alt="">' in reply.text
        assert hrefs(reply.text) == expected_children[i]
        queue += [int(h.rsplit("/", 1)[1]) for h in hrefs(reply.text)]
    assert seen == set(range(BENCH_PAGES))
    css = fetch(world, "bench.test", "/s/3.css")
    assert css.status == 200 and css.headers["Content-Type"] == "text/css"
    image = fetch(world, "bench.test", "/i/3.png")
    assert image.headers["Content-Type"] == "image/png" and image.body.startswith(b"\x89PNG")
    assert fetch(world, "bench.test", f"/p/{BENCH_PAGES}").status == 404
    assert fetch(world, "bench.test", "/sitemap.xml").status == 404
    robots = fetch(world, "bench.test", "/robots.txt")
    assert robots.status == 200 and "Disallow: /" not in robots.text


# Server robustness -------------------------------------------------------------------------


def test_keep_alive_and_head(world: TestWorld) -> None:
    connection = _connection(world, secure=True)
    try:
        host = {"Host": f"www.shop.test:{world.https_port}"}
        connection.request("HEAD", "/about", headers=host)
        head = connection.getresponse()
        assert head.status == 200 and head.read() == b""
        length = int(head.headers["Content-Length"])
        connection.request("GET", "/about", headers=host)  # same connection
        get = connection.getresponse()
        assert len(get.read()) == length > 0
    finally:
        connection.close()


def test_main_prints_one_json_line_and_exits_cleanly(tmp_path: Path) -> None:
    """Misbehaving clients cause no traceback, and SIGTERM ends the server with code 0."""
    stderr_path = tmp_path / "stderr"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "scanner.testworld"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        try:
            assert process.stdout is not None
            info = json.loads(process.stdout.readline())
            assert set(info) == {
                "http_port",
                "https_port",
                "spki_sha256",
                "start_url",
                "bench_start_url",
            }
            # A client that hangs up mid-request, one that speaks plain HTTP to the TLS port
            # and one that hangs up in the middle of a TLS handshake.
            with socket.create_connection(("127.0.0.1", info["http_port"])) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: www.sh")
            with socket.create_connection(("127.0.0.1", info["https_port"]), timeout=5) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: www.shop.test\r\n\r\n")
                with contextlib.suppress(ConnectionResetError):
                    assert s.recv(100) == b""  # the server drops the connection
            with socket.create_connection(("127.0.0.1", info["http_port"])) as s:
                s.sendall(b"\x16\x03\x01\x02\x00\x01")
            time.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
            assert process.stdout.read() == ""  # exactly one line on stdout
        finally:
            if process.poll() is None:
                process.kill()
            if process.stdout is not None:
                process.stdout.close()
    assert stderr_path.read_text() == ""
