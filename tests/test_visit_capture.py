"""A visit as a visitor makes it: the dwell, the real leave, and the console.

A small site served from this test records every request it receives; the real CLI
crawls it in Chromium, and scan.json must hold every one of them on the page that sent
it, with its phase: what a timer sent while the visitor stayed ('dwell'), and what the
page sent as it was left ('unload'), including what only the real navigation away
triggers (the second pagehide), which no DevTools page agent reports.
"""

from __future__ import annotations

import base64
import gzip
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from scanner.consent_states import NO_BANNER
from scanner.crawl.site_probe import GPC_JSON_PATH
from tests.e2e_helpers import CliRun, run_scanner, where

pytestmark = pytest.mark.browser

_PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<a href="/second">second</a>
<script>
let hides = 0;
addEventListener("pagehide", () => {{
  hides += 1;
  navigator.sendBeacon("/beacon?page={title}&hide=" + hides, "hide " + hides);
  if (hides === 2) {{
    const packed = new Blob([new Uint8Array({gzip_bytes})]);
    fetch("/keepalive?page={title}", {{method: "POST", body: packed, keepalive: true}});
  }}
}});
setTimeout(() => fetch("/timer?page={title}", {{method: "POST", body: "late"}}), 1500);
console.error("broken tag on {title}");
setTimeout(() => {{ throw new Error("uncaught on {title}"); }}, 10);
</script></body></html>"""
_GZIP_BODY = gzip.compress(b'{"email":"leave@example.org"}')


PAGES = ("/", "/second")


class _Site(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]]

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.received.append(("GET", self.path, b""))
        if self.path not in PAGES:
            self.send_response(404)
            self.end_headers()
            return
        title = "first" if self.path == "/" else "second"
        body = _PAGE.format(title=title, gzip_bytes=list(_GZIP_BODY)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.received.append(("POST", self.path, self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    received: list[tuple[str, str, bytes]] = []
    handler = type("Site", (_Site,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", received
    server.shutdown()


@pytest.fixture(scope="module")
def crawl(site: tuple[str, list[tuple[str, str, bytes]]], tmp_path_factory: Any) -> CliRun:
    url, _ = site
    run = run_scanner(
        "scan", url, "--progress", "never", "--screenshots", "0",
        "--concurrency", "1", "--no-sitemap",
        out_dir=tmp_path_factory.mktemp("visit"),
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    return run


def _requests(run: CliRun) -> dict[str, list[dict[str, Any]]]:
    return {where(page["url"]): page["requests"] for page in run.scan["pages"]}


def test_every_request_the_server_received_is_on_the_page_that_sent_it(
    site: tuple[str, list[tuple[str, str, bytes]]], crawl: CliRun
) -> None:
    _, received = site
    recorded = {
        (request["method"], where(request["url"]).split("/", 1)[1])
        for requests in _requests(crawl).values()
        for request in requests
    }
    # the crawler's robots.txt, the site probe's gpc.json and the browser's own favicon
    # fetch are no page's requests
    sent = {
        (method, path.lstrip("/"))
        for method, path, _ in received
        if path not in ("/favicon.ico", "/robots.txt", GPC_JSON_PATH)
    }
    assert len([method for method, _ in sent if method == "POST"]) == 2 * 4  # per page: two
    # beacons, a keepalive fetch and the timer's
    assert sent <= recorded


def test_what_the_real_leave_sent_is_recorded_with_its_body(crawl: CliRun) -> None:
    for place, requests in _requests(crawl).items():
        title = "second" if place.endswith("/second") else "first"
        unload = {where(r["url"]).split("/", 1)[1]: r for r in requests if r["phase"] == "unload"}
        assert f"beacon?page={title}&hide=1" in unload  # the simulated hide
        assert f"beacon?page={title}&hide=2" in unload  # the real navigation away
        packed = unload[f"keepalive?page={title}"]
        assert packed["method"] == "POST"
        assert packed["body"]["base64"] is not None  # the exact gzip bytes, not text
        assert gzip.decompress(base64.b64decode(packed["body"]["base64"])) == (
            b'{"email":"leave@example.org"}'
        )


def test_a_timer_after_load_is_seen_during_the_dwell(crawl: CliRun) -> None:
    for requests in _requests(crawl).values():
        timers = [r for r in requests if "/timer" in r["url"]]
        assert [r["phase"] for r in timers] == ["dwell"]
    assert crawl.scan["settings"]["min_dwell_ms"] == 3000


def test_console_errors_and_uncaught_exceptions_are_recorded(crawl: CliRun) -> None:
    for page in crawl.scan["pages"]:
        if page["outcome"] != "rendered":
            continue
        entries = {(entry["level"], entry["text"].split(" on ")[0]) for entry in page["console"]}
        assert ("error", "broken tag") in entries
        assert any(level == "exception" and "uncaught" in text for level, text in entries)
        assert page["console_dropped"] == 0


def test_without_a_banner_the_choosing_visitors_of_the_default_states_do_not_visit(
    site: tuple[str, list[tuple[str, str, bytes]]], crawl: CliRun
) -> None:
    """The scan ran with the default states: the site shows no consent banner, so the
    "reject" and "accept" visitors had nothing to choose and the server saw each page
    from the crawl alone."""
    _, received = site
    scan = crawl.scan
    assert scan["consent"]["states"] == ["before", "reject", "accept"]
    assert [(v["state"], v["skipped"], v["pages"]) for v in scan["consent_visits"]] == [
        ("reject", NO_BANNER, []),
        ("accept", NO_BANNER, []),
    ]
    documents = [path for method, path, _ in received if method == "GET" and path in PAGES]
    assert Counter(documents) == dict.fromkeys(PAGES, 1)
