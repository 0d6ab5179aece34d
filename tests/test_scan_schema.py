"""schemas/scan-result.schema.json against scan documents built from the real code paths.

No browser: pages are built from the capture dataclasses, written through the page
journal and assembled by the scan's own envelope and writer.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from scrapy.http import HtmlResponse

from scanner.capture.model import (
    Body,
    BrowserIssue,
    CookieRecord,
    CspPolicy,
    CspViolation,
    Failure,
    FormRecord,
    FrameRecord,
    Initiator,
    MixedContentIssue,
    PageCapture,
    PageError,
    RedirectHop,
    RequestRecord,
    ResponseRecord,
    StorageWrite,
    Timing,
)
from scanner.config import ScanSettings
from scanner.crawl.frontier import Frontier
from scanner.crawl.losses import Losses
from scanner.crawl.site_probe import SiteProbe
from scanner.resources import load_schema
from scanner.result.journal import JournalPipeline
from scanner.result.model import PageResult
from scanner.result.validation import SCAN_SCHEMA, page_problems, scan_file_problems
from scanner.result.visits import crawl_pages, visit_summary
from scanner.result.writer import FORMAT_VERSION, summarise, write_scan_json
from scanner.scan import CONSENT_NOTE, _envelope

START = "https://www.shop.example/"
PAGE_URL = "https://www.shop.example/products/1"
TRACKER_JS = "https://cdn.tracker.example/t.js"
COLLECT = "https://collect.tracker.example/c"
WIDGET = "https://widgets.social.example/embed"


def _request(number: int, url: str, **fields: Any) -> RequestRecord:
    fields.setdefault("method", "GET")
    fields.setdefault("resource_type", "document")
    fields.setdefault("frame", 0)
    fields.setdefault("navigation", False)
    fields.setdefault("phase", "load")
    fields.setdefault("timing", Timing(started_ms=10.0 * number, ttfb_ms=12.5, duration_ms=30.1))
    return RequestRecord(id=number, url=url, **fields)


def _ok(mime_type: str | None, *extra_headers: list[str]) -> ResponseRecord:
    headers = [["Content-Type", mime_type]] if mime_type else []
    return ResponseRecord(
        status=200,
        status_text="OK",
        headers=[*headers, *extra_headers],
        mime_type=mime_type,
        remote_address="203.0.113.7:443",
    )


def rendered_page() -> PageResult:
    """A product page with a tracker: every kind of capture record at least once."""
    csp = "default-src 'self'; img-src 'self'; report-uri /csp"
    document_headers = [
        ["Content-Security-Policy", csp],
        ["Strict-Transport-Security", "max-age=1"],
    ]
    requests = [
        _request(
            0,
            "http://www.shop.example/products/1",
            navigation=True,
            initiator=Initiator(type="other"),
            headers=[["Upgrade-Insecure-Requests", "1"]],
            response=ResponseRecord(
                status=301,
                status_text="Moved Permanently",
                headers=[["Location", PAGE_URL]],
                remote_address="203.0.113.7:80",
            ),
            response_body_bytes=0,
            transfer_bytes=120,
        ),
        _request(
            1,
            PAGE_URL,
            navigation=True,
            initiator=Initiator(type="other"),
            redirected_from=0,
            headers=[["Accept", "text/html"]],
            response=_ok("text/html; charset=utf-8", *document_headers),
            response_body_bytes=5120,
            transfer_bytes=5400,
        ),
        _request(
            2,
            TRACKER_JS,
            resource_type="script",
            initiator=Initiator(type="parser", url=PAGE_URL, line=12),
            response=_ok(
                "application/javascript",
                ["Set-Cookie", "tid=abc123; Domain=tracker.example; Max-Age=63072000; Secure"],
            ),
            response_body_bytes=900,
            transfer_bytes=1100,
        ),
        _request(
            3,
            COLLECT,
            method="POST",
            resource_type="ping",
            phase="unload",
            initiator=Initiator(type="script", url=TRACKER_JS, stack_urls=[TRACKER_JS]),
            headers=[["Content-Type", "text/plain;charset=UTF-8"]],
            body=Body(size=27, text='{"event":"leave","cid":"1"}'),
            response=ResponseRecord(status=204, status_text="No Content", headers=[]),
            response_body_bytes=0,
            transfer_bytes=80,
        ),
        _request(
            4,
            "http://img.shop.example/banner.png",
            resource_type="image",
            initiator=Initiator(type="parser", url=PAGE_URL, line=30),
            timing=Timing(started_ms=55.0),
            failure=Failure(error_text="mixed-content", reason="mixed-content"),
        ),
        _request(
            5,
            WIDGET,
            frame=1,
            navigation=True,
            initiator=Initiator(type="frame-document", url=WIDGET),
            body=Body(size=3, base64="/wD/", truncated=False),
            response=_ok("text/html"),
            response_body_bytes=700,
            transfer_bytes=800,
        ),
    ]
    capture = PageCapture(
        frames=[
            FrameRecord(id=0, url=PAGE_URL, parent=None, name=""),
            FrameRecord(id=1, url=WIDGET, parent=0, name="social"),
        ],
        requests=requests,
        cookies=[
            CookieRecord(
                name="tid",
                value="abc123",
                domain=".tracker.example",
                host_only=False,
                path="/",
                source="header",
                set_by_url=TRACKER_JS,
                set_by_request=2,
                frame_url=PAGE_URL,
                raw="tid=abc123; Domain=tracker.example; Max-Age=63072000; Secure",
                secure=True,
                http_only=False,
                same_site=None,
                partitioned=False,
                session=False,
                expires=1_830_000_000.5,
                requested_lifetime_s=63_072_000.0,
                stored=True,
                deletion=False,
                outcome="stored",
                probe=False,
            ),
            CookieRecord(
                name="_cid",
                value="1",
                domain="www.shop.example",
                host_only=True,
                path="/",
                source="script",
                set_by_url=TRACKER_JS,
                set_by_request=None,
                frame_url=PAGE_URL,
                raw="_cid=1; SameSite=None",
                secure=False,
                http_only=False,
                same_site="None",
                partitioned=False,
                session=True,
                expires=None,
                requested_lifetime_s=None,
                stored=False,
                deletion=False,
                outcome="refused",
                probe=False,
                refused_reasons=["SameSiteNoneInsecure"],
                refusal_source="inferred",
            ),
        ],
        storage=[
            StorageWrite(
                area="localStorage",
                origin="https://www.shop.example",
                op="set",
                key="_t_last",
                value="1700000000",
                script_url=TRACKER_JS,
                frame_url=PAGE_URL,
            ),
            StorageWrite(
                area="sessionStorage",
                origin="https://www.shop.example",
                op="remove",
                key="_t_tmp",
                value=None,
                script_url=None,
                frame_url=PAGE_URL,
            ),
        ],
        csp_policies=[
            CspPolicy(source="header", disposition="enforce", value=csp),
            CspPolicy(source="meta", disposition="report", value="script-src 'self'"),
        ],
        csp_violations=[
            CspViolation(
                frame_url=PAGE_URL,
                blocked_url="https://collect.tracker.example/pixel.gif",
                violated_directive="img-src",
                effective_directive="img-src",
                disposition="enforce",
                policy=csp,
                source_file=TRACKER_JS,
                line=3,
                sample=None,
            )
        ],
        mixed_content=[
            MixedContentIssue(
                insecure_url="http://img.shop.example/banner.png",
                main_resource_url=PAGE_URL,
                resolution="blocked",
                resource_type="Image",
                request=4,
            ),
            MixedContentIssue(
                insecure_url="http://www.shop.example/subscribe",
                main_resource_url=PAGE_URL,
                resolution="warning",
                resource_type="Form",
                request=None,
            ),
        ],
        browser_issues=[
            BrowserIssue(
                code="CookieIssue",
                details={
                    "cookieIssueDetails": {
                        "cookie": {"name": "_cid", "domain": "www.shop.example", "path": "/"},
                        "cookieExclusionReasons": ["ExcludeSameSiteNoneInsecure"],
                        "operation": "SetCookie",
                    }
                },
            )
        ],
        forms=[
            FormRecord(
                action="http://www.shop.example/subscribe",
                method="post",
                fields=[{"name": "email", "type": "email"}, {"name": "go", "type": "submit"}],
            )
        ],
        meta_referrer="strict-origin-when-cross-origin",
        title="Product 1 \u2013 Shop",
        lang="en",
    )
    return PageResult(
        url="http://www.shop.example/products/1",
        outcome="rendered",
        depth=1,
        found_via="link",
        found_on=START,
        visited_at="2026-01-05T10:00:03+00:00",
        duration_ms=812.4,
        final_url=PAGE_URL,
        status=200,
        content_type="text/html; charset=utf-8",
        redirects=[
            RedirectHop(url="http://www.shop.example/products/1", status=301, location=PAGE_URL)
        ],
        response_headers=[["Content-Type", "text/html; charset=utf-8"], *document_headers],
        tls={
            "issuer": "Example CA",
            "protocol": "TLS 1.3",
            "subjectName": "www.shop.example",
            "validFrom": 1_767_225_600,
            "validTo": 1_798_761_600,
        },
        screenshot="evidence/screenshots/0001.jpg",
        capture=capture,
    )


def failed_page() -> PageResult:
    """A page that never answered: everything the response would give is null."""
    return PageResult(
        url="https://www.shop.example/slow",
        outcome="failed",
        depth=1,
        found_via="sitemap",
        found_on="https://www.shop.example/sitemap.xml",
        visited_at="2026-01-05T10:00:40+00:00",
        duration_ms=30012.0,
        error=PageError(kind="timeout", message="Timeout 30000ms exceeded."),
        capture=PageCapture(
            frames=[FrameRecord(id=0, url="about:blank", parent=None, name="")],
            requests=[
                _request(
                    0,
                    "https://www.shop.example/slow",
                    navigation=True,
                    timing=Timing(started_ms=3.2),
                )
            ],
            capture_errors=["the page did not finish loading: partial capture"],
        ),
    )


def file_page() -> PageResult:
    """A PDF fetched without the browser."""
    return PageResult(
        url="https://www.shop.example/files/terms.pdf",
        outcome="not-html",
        depth=2,
        found_via="link",
        found_on=PAGE_URL,
        visited_at="2026-01-05T10:00:05+00:00",
        duration_ms=41.0,
        final_url="https://www.shop.example/files/terms.pdf",
        status=200,
        content_type="application/pdf",
        size_bytes=18_204,
        response_headers=[["Content-Type", "application/pdf"], ["Content-Length", "18204"]],
    )


def write_scan(folder: Path, pages: list[PageResult]) -> Path:
    """scan.json as run_scan writes it: journal -> summarise -> _envelope -> writer."""
    journal = folder / "scan.pages.jsonl"
    pipeline = JournalPipeline(journal)
    pipeline.open_spider()
    for page in pages:
        pipeline.process_item(page)
    pipeline.close_spider()
    outcomes, visited, problems = summarise(journal, page_problems)
    assert problems == []

    settings = ScanSettings(max_depth=2, host_map={"*.example": "127.0.0.1"})
    frontier = Frontier(START, settings)
    for page in pages:
        assert frontier.admit(page.url, page.depth, page.found_on) == page.url
    frontier.admit("https://www.shop.example/deep/page", 3, PAGE_URL)  # max-depth
    frontier.admit("https://elsewhere.example/", 1, START)  # external host
    frontier.release("https://www.shop.example/private/", "robots", PAGE_URL)
    frontier.admit("https://www.shop.example/never", 1, START)  # admitted, not visited

    probe = SiteProbe(START, 30)
    https = probe.requests()[0]
    https.callback(
        HtmlResponse(START, status=200, body=b"<p>", headers={"Content-Type": "text/html"}),
        **https.cb_kwargs,
    )
    envelope = _envelope(
        start_url=START,
        settings=settings,
        spider=SimpleNamespace(frontier=frontier, site_probe=probe),  # type: ignore[arg-type]
        not_visited=Losses().not_visited(frontier.admitted_urls, visited, "shutdown"),
        outcomes=dict(outcomes),
        timing=("2026-01-05T10:00:00+00:00", "2026-01-05T10:01:00+00:00"),
        complete=False,
        finish_reason="shutdown",
        browser={
            "name": "Chromium",
            "version": "130.0.6723.91",
            "executable": "/usr/bin/chromium",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36",
            "headless": True,
            "third_party_cookies": "accepted",
        },
    )
    assert envelope["consent"]["note"] == CONSENT_NOTE
    visits = folder / "visits-reject.jsonl"
    rejected = copy.deepcopy(pages[0])
    rejected.consent_state = "after-reject"
    rejected.capture.consent = {
        "state": "reject", "action": "optOut", "cmps": ["Klaro"], "banner_shown": True,
        "popups": ["Klaro"], "choice": {"cmp": "Klaro", "action": "optOut", "succeeded": True},
        "cosmetic_only": False, "done": {"cmp": "Klaro", "cosmetic": False, "clicks": 0,
        "duration_ms": 812}, "self_test": True, "errors": [], "messages": 9,
    }  # fmt: skip
    pipeline = JournalPipeline(journal, {"reject": visits})
    pipeline.open_spider()
    pipeline.process_item(rejected)
    pipeline.close_spider()
    visit, visit_problems = visit_summary("reject", crawl_pages(journal), visits, page_problems)
    assert visit_problems == []
    envelope["consent_visits"] = [visit]
    scan_file = folder / "scan.json"
    write_scan_json(scan_file, envelope, journal, {"reject": visits})
    return scan_file


@pytest.fixture
def page() -> dict[str, Any]:
    return rendered_page().to_json()


def test_schema_is_valid_draft_2020_12() -> None:
    schema = load_schema(SCAN_SCHEMA)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert (
        schema["$id"] == "https://schemas.site-compliance-scanner.invalid/scan-result.schema.json"
    )
    assert "pages" in schema["required"]
    assert {"url", "requests", "cookies"} <= set(schema["$defs"]["page"]["required"])


def test_scan_document_and_each_page_are_valid(tmp_path: Path) -> None:
    pages = [rendered_page(), file_page(), failed_page()]
    scan_file = write_scan(tmp_path, pages)

    document = json.loads(scan_file.read_text(encoding="utf-8"))
    assert document["format_version"] == FORMAT_VERSION
    assert document["summary"]["skipped"] == {"max-depth": 1, "robots": 1}
    assert document["external_hosts"] == {"elsewhere.example": 1}
    assert document["not_visited"] == [
        {"url": "https://www.shop.example/never", "reason": "shutdown"}
    ]
    assert len(document["pages"]) == 3
    assert scan_file_problems(scan_file) == []
    for page in pages:
        assert page_problems(page.to_json()) == []


def test_unknown_page_field_is_reported(page: dict[str, Any]) -> None:
    page["thumbnail"] = "page.png"
    assert page_problems(page) == [
        "(top level): Additional properties are not allowed ('thumbnail' was unexpected)"
    ]


def test_scans_from_before_screenshots_are_still_valid(tmp_path: Path) -> None:
    scan_file = write_scan(tmp_path, [rendered_page(), file_page()])
    document = json.loads(scan_file.read_text(encoding="utf-8"))
    assert document["settings"]["screenshots"] == ScanSettings().screenshots
    assert [page["screenshot"] for page in document["pages"]] == [
        "evidence/screenshots/0001.jpg",
        None,
    ]
    del document["settings"]["screenshots"]
    for page in document["pages"]:
        del page["screenshot"]
    scan_file.write_text(json.dumps(document), encoding="utf-8")
    assert scan_file_problems(scan_file) == []


def test_screenshot_must_be_a_path_or_null(page: dict[str, Any]) -> None:
    page["screenshot"] = 1
    assert page_problems(page) == ["screenshot: 1 is not of type 'string', 'null'"]


def test_cookie_without_name_is_reported(page: dict[str, Any]) -> None:
    del page["cookies"][0]["name"]
    assert page_problems(page) == ["cookies[0]: 'name' is a required property"]


def test_invalid_outcome_is_reported(page: dict[str, Any]) -> None:
    page["outcome"] = "done"
    assert page_problems(page) == [
        "outcome: 'done' is not one of ['rendered', 'not-html', 'failed']"
    ]


def test_header_pair_of_three_items_is_reported(page: dict[str, Any]) -> None:
    page["response_headers"][1].append("extra")
    problems = page_problems(page)
    assert len(problems) == 1
    assert problems[0].startswith("response_headers[1]: ['Content-Security-Policy', ")
    assert problems[0].endswith("is too long")


def test_problem_inside_a_nullable_record_names_its_path(page: dict[str, Any]) -> None:
    del page["requests"][2]["response"]["status"]
    page["requests"][2]["initiator"]["line"] = "12"
    assert sorted(page_problems(page)) == [
        "requests[2].initiator.line: '12' is not of type 'integer', 'null'",
        "requests[2].response: 'status' is a required property",
    ]


def test_problems_in_a_scan_file_name_the_page(tmp_path: Path) -> None:
    scan_file = write_scan(tmp_path, [rendered_page()])
    document = json.loads(scan_file.read_text(encoding="utf-8"))
    broken = copy.deepcopy(document)
    del broken["pages"][0]["cookies"][1]["name"]
    broken["skipped"][0]["reason"] = "boring"
    del broken["summary"]
    scan_file.write_text(json.dumps(broken), encoding="utf-8")
    assert sorted(scan_file_problems(scan_file)) == [
        "(top level): 'summary' is a required property",
        "pages[0].cookies[1]: 'name' is a required property",
        "skipped[0].reason: 'boring' is not one of "
        "['robots', 'max-depth', 'max-pages', 'trap', 'excluded', 'out-of-scope']",
    ]
