"""HAR 1.2 export (scanner/evidence/har.py) and its schema (schemas/har-1.2.schema.json).

Every HAR is checked against the schema (with date-time formats checked) and opened with
haralyzer, an independent HAR reader; pages come from the real demo scan (the files it
wrote into its evidence folder) and from small hand-written page records (shaped like
scan.json and checked against its schema by tests/rule_fixtures.py).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from haralyzer import HarPage, HarParser
from jsonschema import Draft202012Validator, FormatChecker

from scanner.evidence.har import (
    CREATOR_NAME,
    INDEX_FILE,
    PAGE_ID,
    har_file_name,
    page_har,
    write_page_hars,
)
from scanner.resources import load_schema
from tests import rule_fixtures
from tests.e2e_helpers import CliRun

ROOT = Path(__file__).resolve().parents[1]
BROWSER = {"name": "Chromium", "version": "156.0.8078.79"}
VISITED_AT = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # rule_fixtures.page()'s visited_at
PAGE_STARTED = VISITED_AT - timedelta(milliseconds=500)  # the fixtures' duration_ms
HOME = rule_fixtures.HOME

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII
)


def _format_checker() -> FormatChecker:
    """jsonschema checks 'date-time' only when rfc3339-validator is installed, and passes
    anything otherwise; this checker always checks it (RFC 3339, a real date and time)."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _RFC3339.match(value):
            return False
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return True

    return checker


VALIDATOR = Draft202012Validator(
    load_schema("har-1.2.schema.json"), format_checker=_format_checker()
)


def schema_errors(har: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for error in VALIDATOR.iter_errors(har)
    ]


def as_written(har: dict[str, Any]) -> dict[str, Any]:
    """The HAR as it reads back from a UTF-8 JSON file."""
    text = json.dumps(har, ensure_ascii=False, allow_nan=False)
    return json.loads(text.encode("utf-8").decode("utf-8"))


def check_har(har: dict[str, Any], page: dict[str, Any]) -> HarPage:
    """Checks every HAR must pass; returns haralyzer's view of its page."""
    har = as_written(har)
    assert schema_errors(har) == []
    log = har["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] == CREATOR_NAME
    assert [p["id"] for p in log["pages"]] == [PAGE_ID]
    entries = log["entries"]
    assert len(entries) == len(page["requests"])
    assert {entry["pageref"] for entry in entries} <= {PAGE_ID}
    for entry in entries:
        timings = entry["timings"]
        total = sum(v for k, v in timings.items() if k != "comment" and v != -1)
        assert entry["time"] == pytest.approx(total, abs=1e-6), entry["request"]["url"]
    starts = [entry["startedDateTime"] for entry in entries]
    assert [datetime.fromisoformat(s) for s in starts] == sorted(
        datetime.fromisoformat(s) for s in starts
    )

    parser = HarParser(har)
    assert [p.page_id for p in parser.pages] == [PAGE_ID]
    har_page = HarPage(PAGE_ID, har_parser=parser)
    by_id = {request["id"]: request for request in page["requests"]}
    assert len(har_page.entries) == len(page["requests"])
    for har_entry in har_page.entries:
        request = by_id[har_entry.raw_entry["_requestId"]]
        assert har_entry.url == request["url"].partition("#")[0]
        assert har_entry.request.method == request["method"]
        expected_status = request["response"]["status"] if request["response"] else 0
        assert har_entry.status == expected_status
    return har_page


def req(request_id: int, url: str, **changes: Any) -> dict[str, Any]:
    """A scan.json request record (rule_fixtures' defaults) with some fields changed."""
    record = rule_fixtures.request(request_id, url)
    for key, value in changes.items():
        if key in ("ttfb_ms", "duration_ms", "started_ms"):
            record["timing"][key] = value
        elif key in ("status", "status_text", "response_headers", "mime_type", "remote_address"):
            record["response"][key.removeprefix("response_")] = value
        else:
            record[key] = value
    return record


def failed(request_id: int, url: str, reason: str, error_text: str) -> dict[str, Any]:
    return req(
        request_id,
        url,
        ttfb_ms=None,
        duration_ms=None,
        response=None,
        response_body_bytes=None,
        transfer_bytes=None,
        failure={"reason": reason, "error_text": error_text},
    )


def entry_for(har: dict[str, Any], request_id: int) -> dict[str, Any]:
    (entry,) = [e for e in har["log"]["entries"] if e["_requestId"] == request_id]
    return entry


# --- the schema -------------------------------------------------------------------------


def minimal_har() -> dict[str, Any]:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "x", "version": "1"},
            "pages": [
                {
                    "startedDateTime": "2026-01-01T00:00:00.000Z",
                    "id": "page_1",
                    "title": "",
                    "pageTimings": {},
                }
            ],
            "entries": [
                {
                    "pageref": "page_1",
                    "startedDateTime": "2026-01-01T00:00:00.5+01:00",
                    "time": 3,
                    "request": {
                        "method": "GET",
                        "url": "https://a.test/",
                        "httpVersion": "HTTP/1.1",
                        "cookies": [],
                        "headers": [],
                        "queryString": [],
                        "headersSize": -1,
                        "bodySize": 0,
                    },
                    "response": {
                        "status": 200,
                        "statusText": "OK",
                        "httpVersion": "HTTP/1.1",
                        "cookies": [],
                        "headers": [],
                        "content": {"size": 0, "mimeType": "text/html"},
                        "redirectURL": "",
                        "headersSize": -1,
                        "bodySize": -1,
                    },
                    "cache": {},
                    "timings": {"send": 1, "wait": 1, "receive": 1},
                }
            ],
        }
    }


def test_schema_is_a_valid_draft_2020_12_schema_with_descriptions() -> None:
    schema = load_schema("har-1.2.schema.json")
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith("/har-1.2.schema.json")
    for name, definition in schema["$defs"].items():
        assert definition.get("description"), name
    assert schema_errors(minimal_har()) == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ((), "log"),
        (("log",), "creator"),
        (("log",), "entries"),
        (("log", "creator"), "version"),
        (("log", "pages", 0), "id"),
        (("log", "pages", 0), "pageTimings"),
        (("log", "entries", 0), "timings"),
        (("log", "entries", 0), "cache"),
        (("log", "entries", 0), "time"),
        (("log", "entries", 0, "request"), "httpVersion"),
        (("log", "entries", 0, "request"), "queryString"),
        (("log", "entries", 0, "request"), "headersSize"),
        (("log", "entries", 0, "response"), "content"),
        (("log", "entries", 0, "response"), "redirectURL"),
        (("log", "entries", 0, "response", "content"), "mimeType"),
        (("log", "entries", 0, "timings"), "wait"),
    ],
)
def test_schema_rejects_a_har_missing_a_required_field(path: tuple, field: str) -> None:
    har = minimal_har()
    target: Any = har
    for step in path:
        target = target[step]
    del target[field]
    assert any(f"'{field}' is a required property" in e for e in schema_errors(har))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda log: log["entries"][0]["timings"].update(wait=-1), "wait"),
        (lambda log: log["entries"][0]["timings"].update(dns=-2), "dns"),
        (lambda log: log["entries"][0]["request"].update(bodySize=-5), "bodySize"),
        (lambda log: log["entries"][0]["response"].update(status="200"), "status"),
        (lambda log: log["entries"][0].update(startedDateTime="yesterday"), "date-time"),
        (lambda log: log["pages"][0].update(startedDateTime="2026-13-01T00:00:00Z"), "date"),
        (lambda log: log["entries"][0].update(transferSize=5), "transferSize"),
        (lambda log: log["entries"][0]["request"]["headers"].append({"name": "a"}), "value"),
        (
            lambda log: log["entries"][0]["request"].update(
                postData={"mimeType": "a/b", "text": "x", "params": []}
            ),
            "postData",
        ),
        (lambda log: log["entries"][0]["request"].update(postData={"text": "x"}), "mimeType"),
    ],
)
def test_schema_rejects_what_the_specification_does_not_allow(change: Any, expected: str) -> None:
    har = minimal_har()
    change(har["log"])
    errors = schema_errors(har)
    assert errors, expected
    assert any(expected in error for error in errors), errors


def test_schema_allows_custom_fields_with_an_underscore() -> None:
    har = minimal_har()
    har["log"]["_anything"] = {"x": [1]}
    har["log"]["entries"][0]["_transferSize"] = 5
    har["log"]["entries"][0]["request"]["cookies"].append({"name": "a", "value": "", "_x": 1})
    assert schema_errors(har) == []


# --- the demo scan ----------------------------------------------------------------------


@pytest.mark.browser
def test_the_demo_scans_har_files(demo_run: CliRun) -> None:
    """The HAR files the real scan wrote into its evidence folder."""
    scan = demo_run.scan
    folder = demo_run.out_dir / "evidence" / "har"
    with_requests = [(i, p) for i, p in enumerate(scan["pages"], 1) if p["requests"]]
    assert sorted(path.name for path in folder.glob("*.har")) == [
        har_file_name(i) for i, _ in with_requests
    ]
    index = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
    assert index == {har_file_name(i): page["url"] for i, page in with_requests}

    for number, page in with_requests:
        path = folder / har_file_name(number)
        har = json.loads(path.read_text(encoding="utf-8"))
        har_page = check_har(har, page)
        assert har["log"]["browser"] == {
            "name": scan["browser"]["name"],
            "version": scan["browser"]["version"],
        }
        assert har["log"]["creator"]["version"] == scan["scanner"]["version"]
        assert har["log"]["pages"][0]["_url"] == page["url"]
        assert har_page.title == (page["title"] or page["url"])
        parser = HarParser.from_file(path)
        assert len(parser.pages[0].entries) == len(page["requests"])


# --- hand-written pages -----------------------------------------------------------------


def test_page_with_queries_cookies_post_data_redirects_and_failures() -> None:
    requests = [
        req(
            0,
            "http://shop.test/old",
            resource_type="document",
            started_ms=1.0,
            ttfb_ms=2.5,
            duration_ms=4.0,
            status=301,
            status_text="Moved Permanently",
            response_headers=[["Location", "https://www.shop.test/?lang=en"]],
        ),
        req(
            1,
            "https://www.shop.test/?lang=en#top",
            resource_type="document",
            started_ms=6.0,
            redirected_from=0,
            headers=[["Cookie", "session=abc; consent=; theme=dark=blue; nameless"]],
            status=200,
            response_headers=[
                ["Content-Type", "text/html"],
                ["Set-Cookie", "sid=1; Path=/; Secure; HttpOnly; SameSite=Lax\nother=2"],
                ["set-cookie", "gone=; Max-Age=0; Domain=.shop.test"],
                ["Set-Cookie", "dated=x; Expires=Wed, 21-Oct-2037 07:28:00 GMT"],
            ],
            mime_type="text/html",
            remote_address="[2001:db8::1]:443",
        ),
        req(
            2,
            "https://t.example/c?a=1&a=2&blank=&flag&sp=a+b&pct=%E2%9C%93&&=v",
            started_ms=20.0,
            remote_address="192.0.2.7:8443",
        ),
        req(
            3,
            "https://t.example/collect",
            method="POST",
            resource_type="ping",
            phase="unload",
            started_ms=30.0,
            headers=[["Content-Type", "application/json"]],
            body={"size": 13, "text": '{"email":"x"}', "base64": None, "truncated": False},
        ),
        failed(4, "https://blocked.example/a.js", "csp", "net::ERR_BLOCKED_BY_CSP"),
        failed(5, "https://nxdomain.example/p.gif", "dns", "net::ERR_NAME_NOT_RESOLVED"),
    ]
    page = rule_fixtures.page(HOME, requests=requests)
    har = page_har(page, creator_version="1.2.3", browser=BROWSER)
    har_page = check_har(har, page)

    assert har["log"]["creator"] == {"name": CREATOR_NAME, "version": "1.2.3"}
    assert har["log"]["browser"] == BROWSER
    assert har_page.title == "Page"
    assert [e.status for e in har_page.entries] == [301, 200, 200, 200, 0, 0]
    assert [e.url for e in har_page.entries] == [
        "http://shop.test/old",
        "https://www.shop.test/?lang=en",  # fragments are not part of a HAR URL
        "https://t.example/c?a=1&a=2&blank=&flag&sp=a+b&pct=%E2%9C%93&&=v",
        "https://t.example/collect",
        "https://blocked.example/a.js",
        "https://nxdomain.example/p.gif",
    ]

    # Redirects: the Location header, and the target's entry follows.
    redirect = entry_for(har, 0)
    assert redirect["response"]["redirectURL"] == "https://www.shop.test/?lang=en"
    assert redirect["response"]["statusText"] == "Moved Permanently"
    assert entry_for(har, 1)["response"]["redirectURL"] == ""
    assert har_page.entries[0].response.redirectURL == "https://www.shop.test/?lang=en"

    # Query strings: blank values, repeated names, order; decoded as a form.
    assert entry_for(har, 2)["request"]["queryString"] == [
        {"name": "a", "value": "1"},
        {"name": "a", "value": "2"},
        {"name": "blank", "value": ""},
        {"name": "flag", "value": ""},
        {"name": "sp", "value": "a b"},
        {"name": "pct", "value": "✓"},
        {"name": "", "value": "v"},
    ]
    assert entry_for(har, 1)["request"]["queryString"] == [{"name": "lang", "value": "en"}]

    # Cookies: request cookies from Cookie, response cookies from Set-Cookie lines.
    document = entry_for(har, 1)
    assert document["request"]["cookies"] == [
        {"name": "session", "value": "abc"},
        {"name": "consent", "value": ""},
        {"name": "theme", "value": "dark=blue"},
        {"name": "", "value": "nameless"},
    ]
    cookies = {c["name"]: c for c in document["response"]["cookies"]}
    assert list(cookies) == ["sid", "other", "gone", "dated"]
    assert cookies["sid"] == {
        "name": "sid",
        "value": "1",
        "path": "/",
        "httpOnly": True,
        "secure": True,
        "_sameSite": "Lax",
    }
    assert cookies["other"] == {"name": "other", "value": "2", "httpOnly": False, "secure": False}
    received = PAGE_STARTED + timedelta(milliseconds=6.0 + 5.0)  # start + time to first byte
    assert datetime.fromisoformat(cookies["gone"]["expires"]) == received
    assert cookies["gone"]["domain"] == ".shop.test"
    assert cookies["dated"]["expires"] == "2037-10-21T07:28:00.000Z"
    assert document["serverIPAddress"] == "2001:db8::1"
    assert entry_for(har, 2)["serverIPAddress"] == "192.0.2.7"

    # postData, and the custom fields audits need.
    post = entry_for(har, 3)
    assert post["request"]["postData"] == {"mimeType": "application/json", "text": '{"email":"x"}'}
    assert post["request"]["bodySize"] == 13
    assert har_page.entries[3].request.text == '{"email":"x"}'
    assert [e.raw_entry["_requestId"] for e in har_page.post_requests] == [3]
    assert post["_phase"] == "unload"
    assert post["_resourceType"] == "ping"
    assert post["_initiator"] == {
        "type": "parser",
        "url": HOME,
        "line": None,
        "stack_urls": [HOME],
    }
    assert "postData" not in entry_for(har, 2)["request"]
    assert entry_for(har, 2)["request"]["bodySize"] == 0

    # Failed requests: status 0, empty status text, the failure kept.
    for request_id, reason, text in (
        (4, "csp", "net::ERR_BLOCKED_BY_CSP"),
        (5, "dns", "net::ERR_NAME_NOT_RESOLVED"),
    ):
        entry = entry_for(har, request_id)
        assert entry["response"]["status"] == 0
        assert entry["response"]["statusText"] == ""
        assert entry["response"]["headers"] == []
        assert entry["response"]["bodySize"] == -1
        assert entry["response"]["_transferSize"] == -1
        assert entry["_failure"] == {"reason": reason, "error_text": text}
        assert entry["time"] == 0
        assert "serverIPAddress" not in entry
    assert "_failure" not in entry_for(har, 2)


def test_times_sizes_and_sort_order() -> None:
    requests = [
        req(0, "https://a.test/1", started_ms=0.0, ttfb_ms=14.7, duration_ms=101.2),
        req(1, "https://a.test/2", started_ms=250.5, ttfb_ms=None, duration_ms=40.0),
        req(2, "https://a.test/3", started_ms=100.0, ttfb_ms=30.0, duration_ms=None),
        req(3, "https://a.test/4", started_ms=100.0, ttfb_ms=50.0, duration_ms=20.0),
        req(4, "https://a.test/5", response_body_bytes=None, transfer_bytes=None),
    ]
    page = rule_fixtures.page(HOME, requests=requests)
    har = page_har(page, creator_version="0", browser=None)
    check_har(har, page)
    assert "browser" not in har["log"]
    # visited_at (20:00:00) is the end of the 500 ms visit: the page started 500 ms before
    assert har["log"]["pages"][0]["startedDateTime"] == "2026-11-23T19:59:59.500Z"
    assert har["log"]["pages"][0]["pageTimings"] == {"onContentLoad": -1, "onLoad": -1}

    def times(request_id: int) -> tuple[Any, ...]:
        entry = entry_for(har, request_id)
        t = entry["timings"]
        return (t["send"], t["wait"], t["receive"], entry["time"])

    assert times(0) == (0, 14.7, 86.5, 101.2)
    assert times(1) == (0, 0, 40.0, 40.0)  # time to first byte unknown
    assert times(2) == (0, 30.0, 0, 30.0)  # not finished
    assert times(3) == (0, 50.0, 0, 50.0)  # inconsistent record: time follows the timings
    assert {entry_for(har, i)["timings"]["dns"] for i in range(5)} == {-1}

    starts = {e["_requestId"]: e["startedDateTime"] for e in har["log"]["entries"]}
    assert starts[1] == "2026-11-23T19:59:59.750Z"
    assert datetime.fromisoformat(starts[2]) == PAGE_STARTED + timedelta(milliseconds=100)
    # Sorted by start (request 4 started at 40 ms); equal starts keep scan.json's order.
    assert [e["_requestId"] for e in har["log"]["entries"]] == [0, 4, 2, 3, 1]

    sized = entry_for(har, 0)["response"]
    assert (sized["bodySize"], sized["content"]["size"], sized["_transferSize"]) == (100, 100, 200)
    assert (sized["headersSize"], entry_for(har, 0)["request"]["headersSize"]) == (-1, -1)
    unknown = entry_for(har, 4)["response"]
    assert (unknown["bodySize"], unknown["content"]["size"], unknown["_transferSize"]) == (
        -1,
        0,
        -1,
    )
    assert "text" not in sized["content"]


def test_binary_and_truncated_request_bodies() -> None:
    requests = [
        req(
            0,
            "https://a.test/upload",
            method="POST",
            body={"size": 4, "text": None, "base64": "AP/+AQ==", "truncated": False},
        ),
        req(
            1,
            "https://a.test/form",
            method="POST",
            headers=[["content-type", "application/x-www-form-urlencoded"]],
            body={"size": 90000, "text": "a=1&b=" + "x" * 100, "base64": None, "truncated": True},
        ),
    ]
    page = rule_fixtures.page(HOME, requests=requests)
    har = page_har(page, creator_version="0", browser=None)
    check_har(har, page)
    binary = entry_for(har, 0)["request"]
    assert binary["postData"] == {"mimeType": "", "text": "AP/+AQ==", "_encoding": "base64"}
    assert binary["bodySize"] == 4
    form = entry_for(har, 1)["request"]
    assert form["postData"]["mimeType"] == "application/x-www-form-urlencoded"
    assert form["postData"]["_truncated"] is True
    assert form["bodySize"] == 90000


def test_hostile_page_gives_a_valid_har(tmp_path: Path) -> None:
    controls = "".join(chr(c) for c in range(32)) + "\x7f\u2028\u2029\ufeff"
    script = "</script><script>alert(1)</script>"
    one_line = controls.replace("\n", "")  # a newline separates Set-Cookie lines
    huge = "A" * 100_000
    words = "\u05e9\u05dc\u05d5\u05dd \u202eevil\u202c \u4e2d\u6587 \U0001f36a"  # RTL, CJK, emoji
    requests = [
        req(
            0,
            f"https://www.shop.test/{script}?q={controls}&r={words}&x=%ZZ%FF#{script}",
            resource_type="document",
            headers=[
                ["X-Huge", huge],
                [f"X-{controls}", script],
                ["Cookie", f"{words}={controls}; {script}"],
            ],
            response_headers=[
                ["Set-Cookie", f"{words}={script}; Expires={one_line}; Max-Age=9{huge}"],
                ["Set-Cookie", "a=b; Max-Age=99999999999999999999; Expires=Thu, 01 Jan 0001"],
                ["Location", f"javascript:{script}"],
            ],
            status_text=words,
            mime_type=controls,
            remote_address="not an address",
            body={"size": 5, "text": controls, "base64": None, "truncated": False},
            initiator={"type": script, "url": huge, "line": 1, "stack_urls": [words]},
        ),
        req(1, "http://[::1", method=script, resource_type=words, started_ms=1e15),
        failed(2, "", "other", controls),
    ]
    page = rule_fixtures.page(f"https://www.shop.test/{words}", requests=requests)
    page["title"] = f"{script}{words}\ud800 lone surrogate"
    paths = write_page_hars({"pages": [page]}, tmp_path)

    raw = paths[0].read_bytes()
    har = json.loads(raw.decode("utf-8"))  # strict UTF-8
    check_har(har, page)
    assert har["log"]["pages"][0]["title"] == f"{script}{words}\ufffd lone surrogate"
    entry = entry_for(har, 0)
    headers = {h["name"]: h["value"] for h in entry["request"]["headers"]}
    assert headers["X-Huge"] == huge
    assert headers[f"X-{controls}"] == script
    assert {"name": "q", "value": controls} in entry["request"]["queryString"]
    assert {"name": "r", "value": words} in entry["request"]["queryString"]
    assert entry["response"]["redirectURL"] == f"javascript:{script}"
    assert entry["response"]["statusText"] == words
    assert entry["serverIPAddress"] == "not an address"
    assert entry["request"]["postData"]["text"] == controls
    (cookie, other) = entry["response"]["cookies"]
    assert (cookie["name"], cookie["value"]) == (words, script)
    assert "expires" not in cookie  # neither attribute could be read
    assert other["expires"].startswith("9999-12-31T")
    index = json.loads((tmp_path / INDEX_FILE).read_text(encoding="utf-8"))
    assert index == {"0001.har": page["url"]}


# --- files ------------------------------------------------------------------------------


def test_file_names_and_index(tmp_path: Path) -> None:
    assert har_file_name(1) == "0001.har"
    assert har_file_name(12345) == "12345.har"
    with pytest.raises(ValueError):
        har_file_name(0)

    first = rule_fixtures.page("https://www.shop.test/a", requests=[req(0, HOME)])
    not_html = rule_fixtures.page("https://www.shop.test/b.pdf", outcome="not-html")
    third = rule_fixtures.page("https://www.shop.test/c", requests=[req(0, HOME), req(1, HOME)])
    scan = {"scanner": {"name": CREATOR_NAME, "version": "9.9"}, "pages": [first, not_html, third]}
    folder = tmp_path / "new" / "har"
    paths = write_page_hars(copy.deepcopy(scan), folder)

    assert paths == [folder / "0001.har", folder / "0003.har"]
    assert sorted(p.name for p in folder.iterdir()) == ["0001.har", "0003.har", INDEX_FILE]
    index = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
    assert index == {"0001.har": "https://www.shop.test/a", "0003.har": "https://www.shop.test/c"}
    har = json.loads(paths[1].read_text(encoding="utf-8"))
    check_har(har, third)
    assert har["log"]["creator"]["version"] == "9.9"
    assert "browser" not in har["log"]
    assert HarParser.from_file(paths[1]).pages[0].page_id == PAGE_ID
