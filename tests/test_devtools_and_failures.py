"""DevTools event handling (initiators, joins, issues) and failure classification."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.capture.devtools import (
    DevtoolsLog,
    initiator_from_devtools,
    script_urls_in_stack,
)
from scanner.capture.failures import failure_reason
from scanner.capture.model import BrowserIssue, Initiator

# -- script_urls_in_stack -------------------------------------------------------------

CHROME_STACK = """Error
    at Object.set [as cookie] (https://www.example.com/hooks.js:12:34)
    at setCookie (https://cdn.tracker.net/t.js?v=3:1:2045)
    at https://cdn.tracker.net/t.js?v=3:1:900
    at async load (https://www.example.com:8443/app/main.js:7:1)
    at <anonymous>:1:1
    at eval (eval at run (https://www.example.com/hooks.js:40:5), <anonymous>:1:1)"""


def test_script_urls_in_stack_innermost_first_deduplicated() -> None:
    assert script_urls_in_stack(CHROME_STACK) == [
        "https://www.example.com/hooks.js",
        "https://cdn.tracker.net/t.js?v=3",
        "https://www.example.com:8443/app/main.js",
    ]


@pytest.mark.parametrize(
    "stack", ["", "Error\n    at <anonymous>:1:1", "Error\n    at foo (native)"]
)
def test_script_urls_in_stack_without_urls(stack: str) -> None:
    assert script_urls_in_stack(stack) == []


def test_script_urls_in_stack_http_and_bare_frames() -> None:
    stack = "Error\n    at http://a.test/x.js:3:9\n    at f (http://b.test/y.js:10:1)"
    assert script_urls_in_stack(stack) == ["http://a.test/x.js", "http://b.test/y.js"]


# -- initiator_from_devtools ----------------------------------------------------------


def frame(url: str, line: int = 0) -> dict[str, Any]:
    return {"functionName": "f", "scriptId": "1", "url": url, "lineNumber": line, "columnNumber": 0}


def test_parser_initiator_line_is_one_based() -> None:
    raw = {"type": "parser", "url": "https://www.example.com/", "lineNumber": 41}
    assert initiator_from_devtools(raw) == Initiator(
        type="parser", url="https://www.example.com/", line=42, stack_urls=[]
    )


def test_parser_initiator_line_zero() -> None:
    raw = {"type": "parser", "url": "https://www.example.com/", "lineNumber": 0}
    assert initiator_from_devtools(raw).line == 1


def test_script_initiator_uses_the_innermost_frame_and_async_parents() -> None:
    raw = {
        "type": "script",
        "stack": {
            "callFrames": [
                frame("https://cdn.tracker.net/pixel.js", 3),
                frame(""),  # eval'd code has no URL
                frame("https://www.example.com/app.js", 10),
                frame("https://cdn.tracker.net/pixel.js", 8),
            ],
            "parent": {
                "description": "setTimeout",
                "callFrames": [frame("https://www.example.com/loader.js")],
                "parent": {
                    "description": "Promise.then",
                    "callFrames": [
                        frame("https://www.example.com/app.js"),
                        frame("https://www.googletagmanager.com/gtm.js"),
                    ],
                },
            },
        },
    }
    assert initiator_from_devtools(raw) == Initiator(
        type="script",
        url="https://cdn.tracker.net/pixel.js",
        line=None,
        stack_urls=[
            "https://cdn.tracker.net/pixel.js",
            "https://www.example.com/app.js",
            "https://www.example.com/loader.js",
            "https://www.googletagmanager.com/gtm.js",
        ],
    )


def test_script_initiator_prefers_the_stack_over_its_url() -> None:
    raw = {
        "type": "script",
        "url": "https://www.example.com/",
        "lineNumber": 5,
        "stack": {"callFrames": [frame("https://cdn.tracker.net/t.js")]},
    }
    assert initiator_from_devtools(raw) == Initiator(
        type="script",
        url="https://cdn.tracker.net/t.js",
        line=6,
        stack_urls=["https://cdn.tracker.net/t.js"],
    )


def test_script_initiator_without_stack_keeps_its_url() -> None:
    raw = {"type": "script", "url": "https://www.example.com/a.js"}
    assert initiator_from_devtools(raw) == Initiator(
        type="script", url="https://www.example.com/a.js", line=None, stack_urls=[]
    )


def test_other_initiator_with_only_a_stack_takes_its_first_url() -> None:
    raw = {"type": "preflight", "stack": {"callFrames": [frame("https://www.example.com/x.js")]}}
    assert initiator_from_devtools(raw) == Initiator(
        type="preflight",
        url="https://www.example.com/x.js",
        line=None,
        stack_urls=["https://www.example.com/x.js"],
    )


def test_parser_initiator_with_a_stack_keeps_the_document_url() -> None:
    raw = {
        "type": "parser",
        "url": "https://www.example.com/",
        "stack": {"callFrames": [frame("https://www.example.com/inline.js")]},
    }
    assert initiator_from_devtools(raw).url == "https://www.example.com/"


def test_empty_initiator() -> None:
    assert initiator_from_devtools({}) == Initiator(
        type="other", url=None, line=None, stack_urls=[]
    )


# -- DevtoolsLog ----------------------------------------------------------------------


def request_event(
    request_id: str, url: str, method: str = "GET", **initiator: Any
) -> dict[str, Any]:
    return {
        "requestId": request_id,
        "request": {"url": url, "method": method},
        "initiator": initiator or {"type": "other"},
    }


def extra_info(request_id: str, *lines: str) -> dict[str, Any]:
    return {
        "requestId": request_id,
        "blockedCookies": [
            {"cookieLine": line, "blockedReasons": ["SameSiteNoneInsecure"]} for line in lines
        ],
    }


def test_take_joins_by_method_and_url_first_come_first_served() -> None:
    log = DevtoolsLog()
    log.on_request_will_be_sent(request_event("1", "https://a.test/x", type="parser"))
    log.on_request_will_be_sent(request_event("2", "https://a.test/x", type="script"))
    log.on_request_will_be_sent(request_event("3", "https://a.test/x", "POST"))
    first = log.take("GET", "https://a.test/x")
    second = log.take("GET", "https://a.test/x")
    assert first is not None and second is not None
    assert (first.request_id, first.initiator.type) == ("1", "parser")
    assert (second.request_id, second.initiator.type) == ("2", "script")
    assert log.take("GET", "https://a.test/x") is None
    post = log.take("POST", "https://a.test/x")
    assert post is not None and post.request_id == "3"
    assert log.take("GET", "https://a.test/never") is None


def test_request_defaults() -> None:
    log = DevtoolsLog()
    log.on_request_will_be_sent({"requestId": "9", "request": {"url": "https://a.test/"}})
    hop = log.take("GET", "https://a.test/")
    assert hop is not None
    assert hop.method == "GET"
    assert hop.initiator == Initiator(type="other")
    assert hop.blocked_cookies == []
    assert hop.blocked_reason is None


def test_extra_info_after_the_request() -> None:
    log = DevtoolsLog()
    log.on_request_will_be_sent(request_event("1", "https://a.test/"))
    log.on_response_extra_info(extra_info("1", "a=1; SameSite=None"))
    log.on_response_extra_info({"requestId": "1", "blockedCookies": []})
    log.on_response_extra_info(extra_info("1", "b=2"))
    hop = log.take("GET", "https://a.test/")
    assert hop is not None
    assert [c["cookieLine"] for c in hop.blocked_cookies] == ["a=1; SameSite=None", "b=2"]


def test_extra_info_before_the_request() -> None:
    log = DevtoolsLog()
    log.on_response_extra_info(extra_info("7", "early=1"))
    log.on_response_extra_info(extra_info("7", "early=2"))
    log.on_request_will_be_sent(request_event("7", "https://a.test/"))
    log.on_request_will_be_sent(request_event("8", "https://a.test/other"))
    hop = log.take("GET", "https://a.test/")
    other = log.take("GET", "https://a.test/other")
    assert hop is not None and other is not None
    assert [c["cookieLine"] for c in hop.blocked_cookies] == ["early=1", "early=2"]
    assert other.blocked_cookies == []


def test_extra_info_goes_to_the_latest_hop_of_a_request_id() -> None:
    log = DevtoolsLog()
    log.on_request_will_be_sent(request_event("1", "http://a.test/"))
    log.on_request_will_be_sent(request_event("1", "https://a.test/"))  # redirect hop
    log.on_response_extra_info(extra_info("1", "a=1"))
    first = log.take("GET", "http://a.test/")
    second = log.take("GET", "https://a.test/")
    assert first is not None and second is not None
    assert first.blocked_cookies == []
    assert [c["cookieLine"] for c in second.blocked_cookies] == ["a=1"]


def test_loading_failed_blocked_reason_and_cors_error() -> None:
    log = DevtoolsLog()
    log.on_request_will_be_sent(request_event("1", "https://a.test/csp"))
    log.on_request_will_be_sent(request_event("2", "https://b.test/api"))
    log.on_request_will_be_sent(request_event("3", "https://a.test/net"))
    log.on_loading_failed({"requestId": "1", "errorText": "", "blockedReason": "csp"})
    log.on_loading_failed(
        {
            "requestId": "2",
            "errorText": "net::ERR_FAILED",
            "corsErrorStatus": {"corsError": "MissingAllowOriginHeader", "failedParameter": ""},
        }
    )
    log.on_loading_failed({"requestId": "3", "errorText": "net::ERR_CONNECTION_RESET"})
    log.on_loading_failed({"requestId": "unknown", "blockedReason": "csp"})
    reasons = [
        hop.blocked_reason
        for hop in (
            log.take("GET", "https://a.test/csp"),
            log.take("GET", "https://b.test/api"),
            log.take("GET", "https://a.test/net"),
        )
        if hop is not None
    ]
    assert reasons == ["csp", "cors", None]


def test_mixed_content_issues_are_collected_separately() -> None:
    log = DevtoolsLog()
    details = {
        "resolutionStatus": "MixedContentBlocked",
        "insecureURL": "http://a.test/x.js",
        "mainResourceURL": "https://a.test/",
    }
    event = {
        "issue": {"code": "MixedContentIssue", "details": {"mixedContentIssueDetails": details}}
    }
    log.on_issue(event)
    log.on_issue(event)
    assert log.mixed_content == [details, details]
    assert log.issues == []


def cookie_issue(warnings: list[str], exclusions: list[str]) -> dict[str, Any]:
    return {
        "issue": {
            "code": "CookieIssue",
            "details": {
                "cookieIssueDetails": {
                    "cookieWarningReasons": warnings,
                    "cookieExclusionReasons": exclusions,
                    "operation": "SetCookie",
                }
            },
        }
    }


@pytest.mark.parametrize(
    ("warnings", "exclusions", "kept"),
    [
        (["WarnThirdPartyPhaseout"], [], False),
        ([], [], False),
        (["WarnThirdPartyPhaseout", "WarnSameSiteUnspecifiedLaxAllowUnsafe"], [], True),
        (["WarnSameSiteUnspecifiedCrossSiteContext"], [], True),
        (["WarnThirdPartyPhaseout"], ["ExcludeSameSiteNoneInsecure"], True),
        ([], ["ExcludeInvalidSameParty"], True),
    ],
)
def test_cookie_issue_noise_filter(warnings: list[str], exclusions: list[str], kept: bool) -> None:
    log = DevtoolsLog()
    event = cookie_issue(warnings, exclusions)
    log.on_issue(event)
    expected = [BrowserIssue(code="CookieIssue", details=event["issue"]["details"])]
    assert log.issues == (expected if kept else [])


@pytest.mark.parametrize(
    ("code", "kept"),
    [
        ("ContentSecurityPolicyIssue", False),
        ("PerformanceIssue", False),
        ("CorsIssue", True),
        ("HeavyAdIssue", True),
        ("DeprecationIssue", True),
    ],
)
def test_other_issues(code: str, kept: bool) -> None:
    log = DevtoolsLog()
    log.on_issue({"issue": {"code": code, "details": {"x": 1}}})
    assert log.issues == ([BrowserIssue(code=code, details={"x": 1})] if kept else [])
    assert log.mixed_content == []


# -- failure_reason -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error_text", "reason"),
    [
        ("net::ERR_TIMED_OUT", "timeout"),
        ("net::ERR_CONNECTION_TIMED_OUT", "timeout"),
        ("Timeout 30000ms exceeded.", "timeout"),
        ("page.goto: timeout exceeded", "timeout"),
        ("net::ERR_NAME_NOT_RESOLVED", "dns"),
        ("net::ERR_NAME_RESOLUTION_FAILED", "dns"),
        ("net::ERR_CERT_AUTHORITY_INVALID", "tls"),
        ("net::ERR_CERT_DATE_INVALID", "tls"),
        ("net::ERR_SSL_PROTOCOL_ERROR", "tls"),
        ("net::ERR_BAD_SSL_CLIENT_AUTH_CERT", "tls"),
        ("net::ERR_CONNECTION_REFUSED", "connection"),
        ("net::ERR_CONNECTION_RESET", "connection"),
        ("net::ERR_CONNECTION_CLOSED", "connection"),
        ("net::ERR_ADDRESS_UNREACHABLE", "connection"),
        ("net::ERR_EMPTY_RESPONSE", "connection"),
        ("net::ERR_BLOCKED_BY_CSP", "csp"),
        ("csp", "csp"),
        ("mixed-content", "mixed-content"),
        ("net::ERR_BLOCKED_BY_CLIENT", "blocked"),
        ("net::ERR_BLOCKED_BY_RESPONSE", "blocked"),
        ("net::ERR_BLOCKED_BY_ORB", "blocked"),
        ("net::ERR_ABORTED", "aborted"),
        ("net::ERR_ABORTED; maybe frame was detached?", "aborted"),
        ("net::ERR_FAILED", "other"),
        ("net::ERR_TOO_MANY_REDIRECTS", "other"),
        ("", "other"),
    ],
)
def test_failure_reason_from_error_text(error_text: str, reason: str) -> None:
    assert failure_reason(error_text) == reason


@pytest.mark.parametrize(
    ("devtools_reason", "reason"),
    [
        ("csp", "csp"),
        ("mixed-content", "mixed-content"),
        ("inspector", "blocked"),
        ("subresource-filter", "blocked"),
        ("content-type", "blocked"),
        ("coep-frame-resource-needs-coep-header", "blocked"),
        ("corp-not-same-origin", "blocked"),
        ("corp-not-same-site", "blocked"),
        ("coop-sandboxed-iframe-cannot-navigate-to-coop-page", "blocked"),
        ("CorsDisabledScheme", "cors"),
        ("cors", "cors"),
        # unknown reasons fall back to the error text
        ("other", "aborted"),
        ("", "aborted"),
        (None, "aborted"),
    ],
)
def test_failure_reason_devtools_reason_wins(devtools_reason: str | None, reason: str) -> None:
    assert failure_reason("net::ERR_ABORTED", devtools_reason) == reason


@pytest.mark.parametrize(
    "cors_error", ["MissingAllowOriginHeader", "AllowOriginMismatch", "PreflightInvalidStatus"]
)
def test_cors_failure_seen_by_devtools_is_classified_cors(cors_error: str) -> None:
    log = DevtoolsLog()
    log.on_request_will_be_sent(request_event("1", "https://api.other.test/data", "POST"))
    log.on_loading_failed(
        {
            "requestId": "1",
            "errorText": "net::ERR_FAILED",
            "corsErrorStatus": {"corsError": cors_error, "failedParameter": ""},
        }
    )
    hop = log.take("POST", "https://api.other.test/data")
    assert hop is not None
    assert failure_reason("net::ERR_FAILED", hop.blocked_reason) == "cors"
