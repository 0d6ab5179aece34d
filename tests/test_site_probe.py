"""The site probe: the start host retrieved as the MDN HTTP Observatory retrieves it.

Unit tests drive the probe with real Scrapy responses (redirect loops, relative and
non-http locations, errors on the way, huge pages); end-to-end tests read what a real scan
of the test world recorded and graded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Response
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from scanner.checks.observatory import TEST_NAMES
from scanner.checks.observatory.probe import grade_probe, site_report
from scanner.crawl.site_probe import (
    CORS_ORIGIN,
    MAX_GPC_JSON_BYTES,
    MAX_HTML_BYTES,
    MAX_REDIRECTS,
    SiteProbe,
)
from scanner.testworld import TestWorld, running_test_world
from tests.e2e_helpers import CliRun, run_scanner


def answer(request, status: int = 200, headers=None, body: bytes = b"") -> list:
    """What the probe asks next after ``request`` got this answer."""
    cls = HtmlResponse if body else Response
    response = cls(request.url, status=status, headers=headers or {}, body=body, request=request)
    return request.callback(response, **request.cb_kwargs)


def fail(request, error: Exception) -> list:
    failure = Failure(error)
    failure.request = request
    return request.errback(failure)


def test_a_start_url_without_port_is_probed_on_both_default_ports() -> None:
    probe = SiteProbe("https://www.shop.example/products/1", 30)
    assert [request.url for request in probe.requests()] == [
        "https://www.shop.example/",
        "http://www.shop.example/",
        "https://www.shop.example/.well-known/gpc.json",
    ]


def test_a_start_url_with_a_port_probes_http_only_on_the_configured_port() -> None:
    assert [r.url for r in SiteProbe("https://staging.example:8443/", 30).requests()] == [
        "https://staging.example:8443/",
        "https://staging.example:8443/.well-known/gpc.json",
    ]
    assert SiteProbe("https://staging.example:8443/", 30).result()["http"] is None
    with_port = SiteProbe("https://staging.example:8443/", 30, http_port=8080)
    assert [r.url for r in with_port.requests()][1] == "http://staging.example:8080/"


def test_redirects_are_followed_hop_by_hop_and_the_preflight_goes_where_https_ended() -> None:
    probe = SiteProbe("https://shop.example/", 30)
    https, http, _gpc = probe.requests()
    (hop,) = answer(http, 301, {"Location": "https://shop.example/"})
    assert answer(hop, 200, {"Content-Type": "text/html"}, b"<p>hi") == []
    (hop,) = answer(https, 302, {"Location": "/home", "Set-Cookie": "a=1; Secure"})
    (preflight,) = answer(
        hop, 200, {"Content-Type": "text/html"}, b"<script src=https://cdn.example/x.js>"
    )
    assert preflight.method == "OPTIONS"
    assert preflight.url == "https://shop.example/home"
    assert preflight.headers[b"Origin"] == CORS_ORIGIN.encode()
    assert preflight.headers[b"Access-Control-Request-Method"] == b"GET"
    assert answer(preflight, 204, {"Access-Control-Allow-Origin": "*"}) == []
    result = probe.result()
    assert [(h["url"], h["status"]) for h in result["http"]["hops"]] == [
        ("http://shop.example/", 301),
        ("https://shop.example/", 200),
    ]
    assert [h["status"] for h in result["https"]["hops"]] == [302, 200]
    assert ["Set-Cookie", "a=1; Secure"] in result["https"]["hops"][0]["headers"]
    assert result["https"]["html"] == "<script src=https://cdn.example/x.js>"
    assert result["preflight"]["complete"] and result["https"]["complete"]
    report = grade_probe(result)
    assert report.not_run == ()
    assert report.result("redirection").result == "redirection-to-https"
    assert report.result("cross-origin-resource-sharing").result == (
        "cross-origin-resource-sharing-implemented-with-public-access"
    )
    assert report.result("subresource-integrity").result == (
        "sri-not-implemented-but-external-scripts-loaded-securely"
    )


def test_a_redirect_loop_stops_after_ten_redirects_as_in_the_observatory() -> None:
    probe = SiteProbe("https://loop.example/", 30)
    request = probe.requests()[1]
    follow = [request]
    while follow and follow[0].method == "GET":
        request = follow[0]
        follow = answer(request, 302, {"Location": "http://loop.example/again"})
    http = probe.result()["http"]
    assert len(http["hops"]) == MAX_REDIRECTS + 1
    assert http["complete"] and http["error"] is None
    assert grade_probe(probe.result()).result("redirection").result == "redirection-not-to-https"


def test_a_location_that_is_not_http_ends_the_retrieval_where_it_was() -> None:
    probe = SiteProbe("https://odd.example/", 30)
    http = probe.requests()[1]
    assert answer(http, 301, {"Location": "javascript:alert(1)"}) == []
    assert [hop["status"] for hop in probe.result()["http"]["hops"]] == [301]


def test_an_error_on_the_way_is_one_line_and_the_preflight_still_goes() -> None:
    probe = SiteProbe("https://broken.example/", 30)
    https, http, _gpc = probe.requests()
    (hop,) = answer(https, 301, {"Location": "https://broken.example/next"})
    (preflight,) = fail(hop, ConnectionRefusedError("refused\nsecond line"))
    assert preflight.url == "https://broken.example/"
    assert fail(http, ConnectionRefusedError("no http")) == []
    result = probe.result()
    assert result["https"]["error"].startswith("ConnectionRefusedError: ")
    assert "\n" not in result["https"]["error"]
    report = grade_probe(result)
    assert report.result("redirection").result == "redirection-not-needed-no-http"


def test_only_the_first_two_mib_of_a_huge_page_are_kept() -> None:
    probe = SiteProbe("https://huge.example/", 30)
    https = probe.requests()[0]
    answer(https, 200, {"Content-Type": "text/html; charset=utf-8"}, b"<p>" * MAX_HTML_BYTES)
    result = probe.result()["https"]
    assert result["html_truncated"] and len(result["html"]) == MAX_HTML_BYTES


def test_header_bytes_are_read_as_latin1_like_the_observatory_client() -> None:
    probe = SiteProbe("https://bytes.example/", 30)
    https = probe.requests()[0]
    answer(https, 200, {"X-Frame-Options": "DENY\xe9".encode("latin-1")})
    assert ["X-Frame-Options", "DENY\xe9"] in probe.result()["https"]["hops"][0]["headers"]


def test_a_refused_certificate_in_the_crawl_makes_the_probe_unverified() -> None:
    probe = SiteProbe("https://bad-cert.example/", 30)
    https, http, _gpc = probe.requests()
    (hop,) = answer(http, 301, {"Location": "https://bad-cert.example/"})
    answer(hop, 200, {"Strict-Transport-Security": "max-age=63072000"})
    answer(https, 200, {"Strict-Transport-Security": "max-age=63072000"})
    page = {"url": "https://bad-cert.example/", "error": {"kind": "tls", "message": "x"}}
    report = site_report({"site_probe": probe.result(), "pages": [page]})
    assert report.result("redirection").result == "redirection-invalid-cert"
    assert report.result("strict-transport-security").result == "hsts-invalid-cert"


def gpc_json(probe: SiteProbe) -> object:
    return probe.requests()[-1]


def test_gpc_json_is_fetched_once_at_the_start_urls_origin_and_its_claim_kept() -> None:
    probe = SiteProbe("http://shop.example:8080/products", 30)
    request = gpc_json(probe)
    assert request.url == "http://shop.example:8080/.well-known/gpc.json"
    assert request.meta["download_maxsize"] == MAX_GPC_JSON_BYTES
    (hop,) = answer(request, 301, {"Location": "/gpc.json"})
    assert hop.meta["download_maxsize"] == MAX_GPC_JSON_BYTES
    body = b'{"gpc": true, "lastUpdate": "2026-01-01", "extra": [1]}'
    assert answer(hop, 200, {"Content-Type": "application/json"}, body) == []
    assert probe.result()["gpc_json"] == {
        "url": "http://shop.example:8080/gpc.json",
        "status": 200,
        "gpc": True,
        "last_update": "2026-01-01",
        "error": None,
        "complete": True,
    }


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (404, b"<p>not here", "answered 404, not 200"),
        (200, b"<html>", "not JSON: Expecting value: line 1 column 1 (char 0)"),
        (
            200,
            b"\xff\xfe",
            "not JSON: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
        ),
        (200, b"[true]", "not a JSON object but list"),
        (200, b'{"gpc": "yes", "lastUpdate": 20260101}', "has no boolean gpc member"),
    ],
)
def test_a_gpc_json_that_cannot_be_read_says_why(status: int, body: bytes, error: str) -> None:
    probe = SiteProbe("https://shop.example/", 30)
    answer(gpc_json(probe), status, {}, body)
    result = probe.result()["gpc_json"]
    assert (result["gpc"], result["last_update"], result["error"]) == (None, None, error)
    assert result["status"] == status


def test_a_gpc_json_download_error_is_one_line() -> None:
    probe = SiteProbe("https://shop.example/", 30)
    fail(gpc_json(probe), ConnectionRefusedError("refused\nmore"))
    result = probe.result()["gpc_json"]
    assert result["error"].startswith("ConnectionRefusedError: ")
    assert "\n" not in result["error"] and result["status"] is None and result["complete"]


# -- end to end --------------------------------------------------------------------------


def test_the_demo_scan_grades_its_start_host_on_every_observatory_test(demo_run: CliRun) -> None:
    scan = demo_run.scan
    probe = scan["site_probe"]
    assert probe["host"] == "www.shop.test"
    assert [hop["status"] for hop in probe["http"]["hops"]] == [301, 200]
    assert probe["https"]["html"] and "<script" in probe["https"]["html"]
    report = site_report(scan)
    assert report is not None and report.not_run == ()
    assert [result.test for result in report.results] == list(TEST_NAMES)
    assert report.result("redirection").result == "redirection-to-https"


@pytest.fixture(scope="module")
def world() -> Iterator[TestWorld]:
    with running_test_world() as running:
        yield running


def test_a_scan_on_a_port_of_its_own_says_http_was_not_probed(
    world: TestWorld, tmp_path: Path
) -> None:
    args = ["scan", world.start_url, "--progress", "never", "--no-sitemap", "--max-pages", "1"]
    args += ["--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256]
    run = run_scanner(*args, out_dir=tmp_path / "audit")
    assert run.returncode in (0, 1), run.stderr
    assert run.scan["site_probe"]["http"] is None
    assert "redirection" in site_report(run.scan).not_run
