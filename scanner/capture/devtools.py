"""Detail that only the DevTools protocol gives, for the page's own renderer target.

Playwright's events list every request of every frame but say nothing of initiators,
of cookies the browser refused or of mixed-content decisions. A CDP session on the page
adds those; it does not see out-of-process (cross-site) iframes, so its records are
joined to Playwright's requests where they exist and simply absent where they do not.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from scanner.capture.model import BrowserIssue, Initiator

_STACK_URL = re.compile(r"(https?://[^\s()]+?):\d+:\d+")

MIXED_CONTENT_RESOLUTIONS = {
    "MixedContentBlocked": "blocked",
    "MixedContentAutomaticallyUpgraded": "automatically-upgraded",
    "MixedContentWarning": "warning",
}


@dataclass
class DevtoolsRequest:
    """One hop of a request as DevTools saw it."""

    request_id: str
    url: str
    method: str
    initiator: Initiator
    blocked_cookies: list[dict[str, Any]] = field(default_factory=list)
    blocked_reason: str | None = None


def script_urls_in_stack(stack: str) -> list[str]:
    """Script URLs in a JavaScript ``Error().stack`` text, innermost first, deduplicated."""
    urls: list[str] = []
    for url in _STACK_URL.findall(stack):
        if url not in urls:
            urls.append(url)
    return urls


def initiator_from_devtools(raw: dict[str, Any]) -> Initiator:
    """Turn a DevTools ``Network.Initiator`` into who-loaded-this."""
    stack_urls: list[str] = []
    stack = raw.get("stack")
    while stack:
        for frame in stack.get("callFrames", []):
            url = frame.get("url")
            if url and url not in stack_urls:
                stack_urls.append(url)
        stack = stack.get("parent")
    kind = raw.get("type", "other")
    url = raw.get("url") or (stack_urls[0] if stack_urls else None)
    if kind == "script" and stack_urls:
        url = stack_urls[0]
    line = raw.get("lineNumber")
    return Initiator(
        type=kind, url=url, line=int(line) + 1 if line is not None else None, stack_urls=stack_urls
    )


class DevtoolsLog:
    """Collects DevTools events of one page's session and answers joins by URL."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], deque[DevtoolsRequest]] = defaultdict(deque)
        self._latest_hop: dict[str, DevtoolsRequest] = {}
        self._pending_extra: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.mixed_content: list[dict[str, Any]] = []
        self.issues: list[BrowserIssue] = []

    def on_request_will_be_sent(self, event: dict[str, Any]) -> None:
        request = event.get("request", {})
        hop = DevtoolsRequest(
            request_id=event.get("requestId", ""),
            url=request.get("url", ""),
            method=request.get("method", "GET"),
            initiator=initiator_from_devtools(event.get("initiator", {})),
        )
        for blocked in self._pending_extra.pop(hop.request_id, []):
            hop.blocked_cookies.extend(blocked)
        self._latest_hop[hop.request_id] = hop
        self._by_key[(hop.method, hop.url)].append(hop)

    def on_response_extra_info(self, event: dict[str, Any]) -> None:
        blocked = event.get("blockedCookies") or []
        if not blocked:
            return
        hop = self._latest_hop.get(event.get("requestId", ""))
        if hop is None:  # extra info can arrive before the request event
            self._pending_extra[event.get("requestId", "")].append(blocked)
        else:
            hop.blocked_cookies.extend(blocked)

    def on_loading_failed(self, event: dict[str, Any]) -> None:
        hop = self._latest_hop.get(event.get("requestId", ""))
        if hop is not None:
            cors = "cors" if event.get("corsErrorStatus") else None
            hop.blocked_reason = event.get("blockedReason") or cors

    def on_issue(self, event: dict[str, Any]) -> None:
        issue = event.get("issue", {})
        code = issue.get("code", "")
        details = issue.get("details", {})
        if code == "MixedContentIssue":
            self.mixed_content.append(details.get("mixedContentIssueDetails", {}))
        elif _worth_keeping(code, details):
            self.issues.append(BrowserIssue(code=code, details=details))

    def take(self, method: str, url: str) -> DevtoolsRequest | None:
        """The next unclaimed DevTools hop with this method and URL (first come, first served)."""
        queue = self._by_key.get((method, url))
        return queue.popleft() if queue else None


# Noise for an audit: Chromium's generic notice that third-party cookies are being
# phased out (the scan accepts them on purpose) and its own performance hints. CSP
# violations come from the page's own securitypolicyviolation events instead.
_IGNORED_ISSUES = frozenset({"ContentSecurityPolicyIssue", "PerformanceIssue"})
_IGNORED_COOKIE_WARNINGS = frozenset({"WarnThirdPartyPhaseout"})


def _worth_keeping(code: str, details: dict[str, Any]) -> bool:
    if code in _IGNORED_ISSUES:
        return False
    if code == "CookieIssue":
        cookie = details.get("cookieIssueDetails", {})
        warnings = set(cookie.get("cookieWarningReasons", [])) - _IGNORED_COOKIE_WARNINGS
        return bool(cookie.get("cookieExclusionReasons") or warnings)
    return True
