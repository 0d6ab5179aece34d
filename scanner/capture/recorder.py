"""Records what the browser does while one page is rendered.

A recorder is attached to a fresh Playwright page before navigation (scrapy-playwright's
page init callback) and completed after the load (a page method), before the page is
closed. Playwright events give the complete request list, every frame included; a
DevTools session adds initiators, refused cookies and mixed-content decisions; a script
installed in every frame reports cookie writes, storage writes and CSP violations.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import ConsoleMessage, Frame, Page, Request, Response
from playwright.async_api import Error as PlaywrightError

from scanner.capture.api_calls import ApiCallLog
from scanner.capture.consent import ConsentDriver, ConsentVisit
from scanner.capture.consent_signals import read_consent_signals
from scanner.capture.cookie_attribution import CookieWrite, attribute_cookies
from scanner.capture.devtools import (
    MIXED_CONTENT_RESOLUTIONS,
    DevtoolsLog,
    DevtoolsRequest,
    script_urls_in_stack,
)
from scanner.capture.failures import failure_reason
from scanner.capture.first_layer import read_first_layer
from scanner.capture.frame_tree import devtools_frames
from scanner.capture.leave_watch import LeaveWatch
from scanner.capture.model import (
    Body,
    ConsoleEntry,
    CspPolicy,
    CspViolation,
    Failure,
    FormRecord,
    FrameRecord,
    Initiator,
    MixedContentIssue,
    PageCapture,
    RequestRecord,
    ResponseRecord,
    StorageWrite,
    Timing,
)
from scanner.capture.screenshots import QUALITY, TIMEOUT_MS, Screenshots
from scanner.capture.tap import PageTap
from scanner.consent_states import BEFORE

_PAGE_HIDE_JS = resources.files("scanner.capture").joinpath("page_hide.js").read_text("utf-8")
_PAGE_FACTS_JS = resources.files("scanner.capture").joinpath("page_facts.js").read_text("utf-8")
_STEP_TIMEOUT_S = 5.0
_AFTER_LEAVE_QUIET_MS = 150
"""Beacons leave synchronously in the page's pagehide/unload handlers: once they are
answered, a short quiet is enough."""
_AFTER_LEAVE_MAX_MS = 3000
_MAX_CONSOLE_MESSAGES = 50
_MAX_CONSOLE_CHARS = 1000
_MAX_SCRIPT_WRITES = 2000
"""Cookie and storage writes from scripts kept per page: a loop in a page's script must
not fill the scanner's memory and scan.json."""
_CONSOLE_LEVELS = {"error": "error", "warning": "warning", "assert": "error"}


@dataclass(frozen=True)
class CaptureLimits:
    max_body_bytes: int = 65536
    max_value_chars: int = 4096
    min_dwell_ms: int = 3000
    settle_quiet_ms: int = 300
    settle_max_ms: int = 5000
    consent_state: str = "before"
    """The visitor's consent state (see scanner.capture.consent)."""
    consent_wait_ms: int = 10_000
    """In a state that makes a choice: how long to wait for autoconsent to find a banner
    and make it, before the dwell starts."""


@dataclass
class _Tracked:
    request: Request
    record: RequestRecord
    devtools: DevtoolsRequest | None = None


class PageRecorder:
    """Collects one page view. ``attach`` before navigation, ``complete`` after load."""

    def __init__(self, limits: CaptureLimits, screenshots: Screenshots | None = None) -> None:
        self.limits = limits
        self.capture = PageCapture()
        self.screenshots = screenshots
        self.screenshot: str | None = None
        """The first view's screenshot, relative to the output folder, once taken."""
        self._tap: PageTap | None = None
        self._consent_driver: ConsentDriver | None = None
        self._consent: ConsentVisit | None = None
        self._started = time.monotonic()
        self._last_activity = self._started
        self._phase = "load"
        self._tracked: dict[Request, _Tracked] = {}
        self._in_flight: set[Request] = set()
        self._frames: dict[Frame, FrameRecord] = {}
        self._frame_document_url: dict[int, str] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.devtools = DevtoolsLog()
        self._api_calls = ApiCallLog(limits.max_value_chars)
        self._script_cookie_writes: list[CookieWrite] = []
        self._script_resources: dict[str, deque[list[str]]] = defaultdict(deque)
        self._report_keys: set[str] = set()
        self._leaving_frames: dict[str, int | None] = {}
        """DevTools id -> number in this capture of each frame of the page being left."""
        self._watch: LeaveWatch | None = None
        self._sent_while_leaving: list[RequestRecord] = []
        self._writes_kept = self._writes_dropped = 0
        self._completed = False
        self._document_failed = asyncio.Event()
        self.document_error: str | None = None
        """The browser's error for the page's own document when it failed while loading,
        with the document's URL (the last hop of a redirect chain)."""

    # -- attaching -------------------------------------------------------------------

    async def attach(self, page: Page, _request: object = None) -> None:
        """Start recording this page's next navigation.

        The signature fits scrapy-playwright's page init callback.
        """
        self._started = self._last_activity = time.monotonic()
        await LeaveWatch.of(page.context).start()
        try:
            self._tap = await PageTap.on(page, self.limits.max_body_bytes)
        except PlaywrightError as error:
            self.capture.capture_errors.append(f"could not attach to the page: {error.message}")
            return
        self._tap.recorder = self
        self.on_frame_attached(page.main_frame)
        try:
            self._consent_driver = await ConsentDriver.of(page.context, self.limits.consent_state)
        except PlaywrightError as error:
            self.capture.capture_errors.append(f"consent automation unavailable: {error.message}")
            return
        self._consent = self._consent_driver.begin(page)

    # -- completing ------------------------------------------------------------------

    async def complete(self, page: Page) -> None:
        """Stay on the loaded page like a visitor, let it settle, screenshot its first
        view and read the document. The capture is finished once the page is left
        (:meth:`leaving`, :meth:`left`): what is sent on the way out belongs to it."""
        self._phase = "dwell"
        await self._await_consent_choice()
        await asyncio.sleep(self.limits.min_dwell_ms / 1000)
        if not await self.settle():
            self.capture.capture_errors.append(
                f"network still busy after {self.limits.settle_max_ms} ms "
                f"({len(self._in_flight)} request(s) unfinished)"
            )
        # these only read the page: the shot shows the first view as the visitor saw it
        await asyncio.gather(
            self._pull_missed_reports(), self._take_screenshot(page), self._read_consent(page)
        )
        # The visitor switches away (the page becomes hidden) before leaving for real:
        # what SDKs flush on visibilitychange/pagehide is seen with its initiator and
        # response here; the real navigation away (:meth:`leaving`) catches the rest.
        self._hidden()
        await self._simulate_page_hide(page)
        await self.settle(quiet_ms=_AFTER_LEAVE_QUIET_MS, max_ms=self._after_leave_max_ms)
        await self._read_page_facts(page)

    async def _await_consent_choice(self) -> None:
        """In a state that makes a choice, give autoconsent time to find the banner and
        answer it: the dwell that follows is what the visitor sees after choosing.

        Once the visitor has chosen, its later pages do not wait: the site keeps the
        choice, autoconsent finds no banner to answer and takes its full detection time
        to say so (10 s a page, measured on the consent shop). It still runs during the
        dwell, so a banner that comes back is still answered and recorded."""
        visit = self._consent
        if visit is None or visit.action is None or visit.after_choice:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(visit.settled.wait(), self.limits.consent_wait_ms / 1000)

    async def _read_consent(self, page: Page) -> None:
        """What the CMP APIs tell vendors and, on a banner still open before any choice,
        what its first layer offers (each bounded in time; see their modules)."""
        visit = self._consent
        survey = visit is not None and visit.state == BEFORE and bool(visit.popups)
        (signals, error), first_layer = await asyncio.gather(
            read_consent_signals(page.main_frame),
            read_first_layer(page.main_frame) if survey else asyncio.sleep(0),
        )
        self.capture.consent_signals = signals
        self.capture.consent_first_layer = first_layer
        if error is not None:
            self.capture.capture_errors.append(error)

    def _hidden(self) -> None:
        """From now on, what the page sends is sent while the visitor leaves it."""
        self._phase = "unload"
        self._last_activity = time.monotonic()

    async def leaving(self, page: Page) -> None:
        """The visitor is about to navigate away for real: what the page sends from now
        on (pagehide and unload handlers, sendBeacon, keepalive fetches) is the leave's,
        including what only browser-wide interception sees (see leave_watch)."""
        self._hidden()
        if self._tap is None:
            return
        frames = await devtools_frames(page)
        self._leaving_frames = {
            frame_id: self._frame_id(frame) if frame is not None else None
            for frame_id, frame in frames.items()
        }
        self._watch = LeaveWatch.of(page.context)
        if not self._watch.begin(list(self._leaving_frames), self.on_sent_while_leaving):
            self.capture.capture_errors.append(
                "requests sent after the page was left could not be watched"
            )

    async def left(self, page: Page | None) -> PageCapture:
        """The page has been navigated away from (or closed): wait for the requests its
        leaving sent, read the cookie jar and finish the capture."""
        self._last_activity = time.monotonic()  # the navigation away may have taken a while
        try:
            await self.settle(quiet_ms=_AFTER_LEAVE_QUIET_MS, max_ms=self._after_leave_max_ms)
        finally:
            if self._watch is not None:
                self._watch.end(list(self._leaving_frames))
        jar = await self._read_jar(page) if page is not None else None
        return await self.finish(jar)

    def on_sent_while_leaving(self, request: dict[str, Any], kind: str, frame_id: str) -> None:
        """A request the leaving document sent that only the browser-wide watch saw:
        its URL, headers and body are known; its initiator and response are not."""
        self._last_activity = time.monotonic()
        headers = request.get("headers") or {}
        self._sent_while_leaving.append(
            RequestRecord(
                id=-1,  # numbered after the tracked requests when the capture finishes
                url=str(request.get("url", "")),
                method=str(request.get("method", "GET")),
                resource_type=kind.lower(),
                frame=self._leaving_frames.get(frame_id),
                navigation=False,
                phase="unload",
                timing=Timing(started_ms=round((self._last_activity - self._started) * 1000, 1)),
                headers=[[str(name), str(value)] for name, value in headers.items()],
                body=self._body(_posted_bytes(request)),
            )
        )

    async def _pull_missed_reports(self) -> None:
        if self._tap is None:
            return
        for frame, event in await self._tap.pull_reports():
            if event.get("key") not in self._report_keys:
                self.on_script_report({"frame": frame}, event)

    async def settle(self, quiet_ms: int | None = None, max_ms: int | None = None) -> bool:
        """Wait until no request is in flight and the network was quiet for a while."""
        quiet = (quiet_ms if quiet_ms is not None else self.limits.settle_quiet_ms) / 1000
        deadline = time.monotonic() + (max_ms or self.limits.settle_max_ms) / 1000
        while time.monotonic() < deadline:
            if not self._in_flight and time.monotonic() - self._last_activity >= quiet:
                return True
            await asyncio.sleep(0.025)
        return False

    async def _take_screenshot(self, page: Page) -> None:
        """Screenshot the viewport if the page will count as rendered (an HTML document
        with a status below 400) and the scan's cap is not reached."""
        if self.screenshots is None or self.screenshot is not None:
            return
        try:
            await self._shoot_if_a_page(page, self.screenshots)
        except Exception as error:  # a screenshot must never fail the page
            self.capture.capture_errors.append(
                f"could not take a screenshot: {type(error).__name__}: {error}"
            )

    async def _shoot_if_a_page(self, page: Page, screenshots: Screenshots) -> None:
        document = await self._document_response()
        if document is None or not renders_as_page(*document):
            return
        tap = self._tap
        if tap is not None:
            shoot = functools.partial(tap.screenshot, QUALITY)
        else:  # no DevTools session: Playwright's way, leaving the page as it is
            shoot = functools.partial(
                page.screenshot,
                type="jpeg",
                quality=QUALITY,
                timeout=TIMEOUT_MS,
                animations="allow",  # "disabled" would fast-forward them
                caret="initial",  # "hide" would add a style sheet
            )
        self.screenshot = await screenshots.take(shoot, self.capture.capture_errors)

    async def _document_response(self) -> tuple[int, str | None] | None:
        """Status and content type of the main document; None if it had no response."""
        tracked = self._main_document()
        if tracked is None:
            return None
        if tracked.record.response is not None:  # read by now, as a rule
            return tracked.record.response.status, tracked.record.response.mime_type
        try:
            response = await asyncio.wait_for(tracked.request.response(), _STEP_TIMEOUT_S)
        except (PlaywrightError, TimeoutError):
            return None
        if response is None:
            return None
        return response.status, response.headers.get("content-type")

    @property
    def _after_leave_max_ms(self) -> int:
        return min(_AFTER_LEAVE_MAX_MS, self.limits.settle_max_ms)

    async def _simulate_page_hide(self, page: Page) -> None:
        frames = [frame for frame in page.frames if not frame.is_detached()]
        results = await asyncio.gather(
            *(asyncio.wait_for(frame.evaluate(_PAGE_HIDE_JS), _STEP_TIMEOUT_S) for frame in frames),
            return_exceptions=True,
        )
        failed = sum(isinstance(result, Exception) for result in results)
        if failed:
            self.capture.capture_errors.append(
                f"page-hide events could not be sent in {failed} of {len(frames)} frame(s)"
            )

    async def _read_page_facts(self, page: Page) -> None:
        try:
            reading = page.main_frame.evaluate(_PAGE_FACTS_JS)
            facts = await asyncio.wait_for(reading, _STEP_TIMEOUT_S)
        except (PlaywrightError, TimeoutError) as error:
            self.capture.capture_errors.append(f"could not read the document: {error}")
            return
        limit = self.limits.max_value_chars
        self.capture.title = str(facts.get("title") or "")[:limit]
        self.capture.lang = facts.get("lang")
        self.capture.meta_referrer = facts.get("metaReferrer")
        for meta in facts.get("metaPolicies", []):
            disposition = "report" if meta["httpEquiv"].endswith("report-only") else "enforce"
            self.capture.csp_policies.append(
                CspPolicy(source="meta", disposition=disposition, value=meta["content"][:limit])
            )
        self.capture.forms = [
            FormRecord(action=form["action"][:limit], method=form["method"], fields=form["fields"])
            for form in facts.get("forms", [])
        ]

    async def _read_jar(self, page: Page) -> list[dict[str, Any]] | None:
        try:
            return list(await asyncio.wait_for(page.context.cookies(), _STEP_TIMEOUT_S))
        except (PlaywrightError, TimeoutError) as error:
            self.capture.capture_errors.append(f"could not read the cookie jar: {error}")
            return None

    async def finish(self, jar: list[dict[str, Any]] | None = None) -> PageCapture:
        """Assemble the capture from what was seen; safe to call after a failure too."""
        if self._completed:
            return self.capture
        self._completed = True
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=_STEP_TIMEOUT_S)
        if self._tap is not None and self._tap.recorder is self:
            self._tap.recorder = None
        if self._tap is not None:
            self.capture.api_calls = self._api_calls.result()
        if self._consent is not None:
            self.capture.consent = self._consent.as_json()
            if self._consent_driver is not None:
                self._consent_driver.end(self._consent)
        self.capture.requests = [tracked.record for tracked in self._tracked.values()]
        for record in self._sent_while_leaving:
            record.id = len(self.capture.requests)
            self.capture.requests.append(record)
        self.capture.frames = sorted(self._frames.values(), key=lambda frame: frame.id)
        if self._writes_dropped:
            self.capture.capture_errors.append(
                f"{self._writes_dropped} cookie and storage writes by scripts beyond the "
                f"first {_MAX_SCRIPT_WRITES} were not recorded"
            )
        steps: tuple[tuple[str, Callable[[], None]], ...] = (
            ("frame URLs", self._refresh_frame_urls),
            ("DevTools details", self._join_devtools),
            ("script initiators", self._join_script_initiators),
            ("cookies", functools.partial(self._attribute_cookies, jar)),
            ("header policies", self._add_header_policies),
        )
        for name, step in steps:
            try:
                step()
            except Exception as error:  # a scanner bug must not lose the page
                self.capture.capture_errors.append(
                    f"scanner error while assembling the {name}: {type(error).__name__}: {error}"
                )
        return self.capture

    def _attribute_cookies(self, jar: list[dict[str, Any]] | None) -> None:
        self.capture.cookies = attribute_cookies(
            self._header_cookie_writes() + self._script_cookie_writes,
            jar,
            time.time(),
            self.limits.max_value_chars,
        )

    def _add_header_policies(self) -> None:
        self.capture.csp_policies[:0] = self._header_policies()

    # -- Playwright events -----------------------------------------------------------

    def on_request(self, request: Request) -> None:
        self._last_activity = time.monotonic()
        self._in_flight.add(request)
        previous_hop = request.redirected_from
        redirected_from = self._tracked.get(previous_hop) if previous_hop else None
        record = RequestRecord(
            id=len(self._tracked),
            url=request.url,
            method=request.method,
            resource_type=request.resource_type,
            frame=self._request_frame(request),
            navigation=request.is_navigation_request(),
            phase=self._phase,
            timing=Timing(started_ms=round((self._last_activity - self._started) * 1000, 1)),
            redirected_from=redirected_from.record.id if redirected_from else None,
            body=self._body(request.post_data_buffer),
        )
        self._tracked[request] = _Tracked(request, record)
        if record.navigation and record.frame is not None:
            self._frame_document_url[record.frame] = request.url

    def on_response(self, response: Response) -> None:
        self._last_activity = time.monotonic()
        tracked = self._tracked.get(response.request)
        if tracked is not None:
            self._spawn(self._read_response(tracked, response))

    def on_request_finished(self, request: Request) -> None:
        self._request_ended(request)
        tracked = self._tracked.get(request)
        if tracked is not None:
            self._set_timing(tracked)
            self._spawn(self._read_sizes(tracked))

    def on_request_failed(self, request: Request) -> None:
        self._request_ended(request)
        tracked = self._tracked.get(request)
        if tracked is None:
            return
        self._set_timing(tracked)
        error_text = request.failure or "unknown error"
        tracked.record.failure = Failure(error_text=error_text, reason=failure_reason(error_text))
        self._spawn(self._read_request_headers(tracked))
        if self._ends_the_load(tracked.record):
            self.document_error = f"{error_text} at {tracked.record.url}"
            self._document_failed.set()

    def _ends_the_load(self, record: RequestRecord) -> bool:
        """Whether a failed request is the page's own document failing while it loads
        (a body cut short, say): the navigation would otherwise wait for a load event
        that never comes. An aborted navigation is not (a download, or a script sending
        the page elsewhere: the navigation reports those itself)."""
        failure = record.failure
        return (
            self._phase == "load"
            and record.navigation
            and record.frame == 0
            and failure is not None
            and not failure.error_text.startswith("net::ERR_ABORTED")
        )

    async def document_failure(self) -> str:
        """Wait until the page's own document fails while loading; its browser error."""
        await self._document_failed.wait()
        return self.document_error or "unknown error"

    def on_console(self, message: ConsoleMessage) -> None:
        level = _CONSOLE_LEVELS.get(message.type)
        if level is None:
            return
        location = message.location or {}
        self._add_console(level, message.text, location.get("url"), location.get("lineNumber"))

    def on_page_error(self, error: Exception) -> None:
        """An exception a page script did not catch."""
        text = getattr(error, "message", None) or str(error)
        self._add_console("exception", text, None, None)

    def _add_console(self, level: str, text: str, url: str | None, line: int | None) -> None:
        if len(self.capture.console) >= _MAX_CONSOLE_MESSAGES:
            self.capture.console_dropped += 1
            return
        self.capture.console.append(
            ConsoleEntry(
                level=level,
                text=text[:_MAX_CONSOLE_CHARS],
                source_url=(url or None) and url[: self.limits.max_value_chars],
                line=line if isinstance(line, int) and line >= 0 else None,
                phase=self._phase,
            )
        )

    def on_frame_navigated(self, frame: Frame) -> None:
        self._frames[frame] = self._frames.get(frame) or self._new_frame(frame)
        self._frames[frame].url = frame.url

    def on_script_report(self, source: dict[str, Any], event: dict[str, Any]) -> None:
        """A report from the hooks script in some frame of the page."""
        self._last_activity = time.monotonic()
        key = event.get("key")
        if key in self._report_keys:
            return
        self._report_keys.add(key)
        kind, payload = event.get("kind"), event.get("payload") or {}
        frame_url = str(event.get("frameUrl", ""))
        script_urls = script_urls_in_stack(str(event.get("stack", "")))
        script_url = script_urls[0] if script_urls else None
        limit = self.limits.max_value_chars
        if kind in ("cookie", "storage") and self._writes_kept >= _MAX_SCRIPT_WRITES:
            self._writes_dropped += 1
            return
        self._writes_kept += kind in ("cookie", "storage")
        if kind == "cookie":
            self._script_cookie_writes.append(
                CookieWrite(
                    raw=str(payload.get("value", "")),
                    url=frame_url,
                    source="script",
                    set_by_url=script_url,
                    set_by_request=None,
                    frame_url=frame_url,
                    browser_blocked=None,
                )
            )
        elif kind == "storage":
            value = payload.get("value")
            self.capture.storage.append(
                StorageWrite(
                    area=str(payload.get("area")),
                    origin=_origin(frame_url),
                    op=str(payload.get("op")),
                    key=str(payload.get("key"))[:limit],
                    value=None if value is None else str(value)[:limit],
                    script_url=script_url,
                    frame_url=frame_url,
                )
            )
        elif kind == "resource" and script_urls:
            self._script_resources[str(payload.get("url", ""))].append(script_urls)
        elif kind == "api-calls":
            self._api_calls.offer(payload, frame_url)
        elif kind == "csp-violation":
            self.capture.csp_violations.append(_csp_violation(payload, frame_url, limit))

    # -- helpers ---------------------------------------------------------------------

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _request_ended(self, request: Request) -> None:
        self._last_activity = time.monotonic()
        self._in_flight.discard(request)

    def on_frame_attached(self, frame: Frame) -> None:
        self._frame_id(frame)

    def _frame_id(self, frame: Frame) -> int:
        record = self._frames.get(frame)
        if record is None:
            record = self._frames[frame] = self._new_frame(frame)
        return record.id

    def _new_frame(self, frame: Frame) -> FrameRecord:
        parent = frame.parent_frame
        return FrameRecord(
            id=len(self._frames),
            url=frame.url,
            parent=self._frame_id(parent) if parent is not None else None,
            name=frame.name,
        )

    def _request_frame(self, request: Request) -> int | None:
        try:
            return self._frame_id(request.frame)
        except PlaywrightError:  # service-worker requests have no frame
            return None

    def _refresh_frame_urls(self) -> None:
        for frame, record in self._frames.items():
            with contextlib.suppress(PlaywrightError):
                if not frame.is_detached() and frame.url not in ("", "about:blank"):
                    record.url = frame.url
            if record.url in ("", "about:blank") and record.id in self._frame_document_url:
                record.url = self._frame_document_url[record.id]

    def _body(self, data: bytes | None) -> Body | None:
        if not data:
            return None
        limit = self.limits.max_body_bytes
        truncated = len(data) > limit
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            encoded = base64.b64encode(data[:limit]).decode("ascii")
            return Body(size=len(data), base64=encoded, truncated=truncated)
        # cut on a character boundary
        kept = text.encode("utf-8")[:limit].decode("utf-8", "ignore") if truncated else text
        return Body(size=len(data), text=kept, truncated=truncated)

    async def _read_response(self, tracked: _Tracked, response: Response) -> None:
        record = tracked.record
        try:
            headers = [[h["name"], h["value"]] for h in await response.headers_array()]
        except PlaywrightError:
            headers = [[name, value] for name, value in response.headers.items()]
        address = None
        with contextlib.suppress(PlaywrightError, TypeError, KeyError):
            server = await response.server_addr()
            address = f"{server['ipAddress']}:{server['port']}" if server else None
        record.response = ResponseRecord(
            status=response.status,
            status_text=response.status_text,
            headers=headers,
            mime_type=_header(headers, "content-type"),
            remote_address=address,
        )
        await self._read_request_headers(tracked)

    async def _read_request_headers(self, tracked: _Tracked) -> None:
        with contextlib.suppress(PlaywrightError):
            headers = await tracked.request.headers_array()
            tracked.record.headers = [[h["name"], h["value"]] for h in headers]

    async def _read_sizes(self, tracked: _Tracked) -> None:
        with contextlib.suppress(PlaywrightError):
            sizes = await tracked.request.sizes()
            # A response the browser withheld from the page (opaque response blocking of
            # a beacon's reply, say) has no body size: Chromium reports -1, not a size.
            body = sizes.get("responseBodySize", -1)
            headers = sizes.get("responseHeadersSize", -1)
            tracked.record.response_body_bytes = body if body >= 0 else None
            if body >= 0 or headers >= 0:
                tracked.record.transfer_bytes = max(body, 0) + max(headers, 0)

    def _set_timing(self, tracked: _Tracked) -> None:
        timing = tracked.request.timing
        response_start = timing.get("responseStart", -1)
        response_end = timing.get("responseEnd", -1)
        tracked.record.timing.ttfb_ms = round(response_start, 1) if response_start >= 0 else None
        tracked.record.timing.duration_ms = round(response_end, 1) if response_end >= 0 else None

    def _join_devtools(self) -> None:
        """Give each request the DevTools detail recorded for it, if DevTools saw it."""
        by_devtools_id: dict[str, int] = {}
        for tracked in self._tracked.values():
            record = tracked.record
            hop = self.devtools.take(record.method, record.url)
            if hop is None:
                continue
            record.initiator = hop.initiator
            by_devtools_id.setdefault(hop.request_id, record.id)
            tracked.devtools = hop
            if record.failure is not None and hop.blocked_reason:
                error_text = record.failure.error_text
                record.failure.reason = failure_reason(error_text, hop.blocked_reason)
        # Chromium raises the same mixed-content issue more than once (before and after
        # the request exists): keep one per URL and decision, with the request if known.
        issues: dict[tuple[str, str, str], MixedContentIssue] = {}
        for details in self.devtools.mixed_content:
            request_id = details.get("request", {}).get("requestId")
            status = details.get("resolutionStatus", "")
            issue = MixedContentIssue(
                insecure_url=details.get("insecureURL", ""),
                main_resource_url=details.get("mainResourceURL", ""),
                resolution=MIXED_CONTENT_RESOLUTIONS.get(status, status),
                resource_type=details.get("resourceType"),
                request=by_devtools_id.get(request_id) if request_id else None,
            )
            key = (issue.insecure_url, issue.resolution, issue.resource_type or "")
            if key not in issues or issues[key].request is None:
                issues[key] = issue
        self.capture.mixed_content = list(issues.values())
        self.capture.browser_issues = self.devtools.issues

    def _join_script_initiators(self) -> None:
        """Name the script behind requests DevTools calls parser-initiated or did not see."""
        for tracked in self._tracked.values():
            record = tracked.record
            if record.navigation and record.frame == 0:
                continue
            if record.initiator is not None and record.initiator.type not in ("parser", "other"):
                continue
            reports = self._script_resources.get(record.url)
            if reports:
                stack_urls = reports.popleft()
                record.initiator = Initiator(
                    type="script", url=stack_urls[0], stack_urls=stack_urls
                )
            elif record.initiator is None and record.frame not in (None, 0):
                # DevTools cannot see inside out-of-process frames and no script asked for
                # this URL: the frame's own document loaded it.
                frame_url = self._frame_url(record.frame)
                record.initiator = Initiator(type="frame-document", url=frame_url)

    def _frame_url(self, frame_id: int) -> str | None:
        for record in self._frames.values():
            if record.id == frame_id:
                return record.url
        return None

    def _header_cookie_writes(self) -> list[CookieWrite]:
        writes = []
        frames: dict[int | None, str] = {r.id: r.url for r in self._frames.values()}
        for tracked in self._tracked.values():
            record, response = tracked.record, tracked.record.response
            if response is None:
                continue
            hop = tracked.devtools
            for name, value in response.headers:
                if name.lower() != "set-cookie":
                    continue
                for line in value.split("\n"):
                    writes.append(
                        CookieWrite(
                            raw=line,
                            url=record.url,
                            source="header",
                            set_by_url=record.url,
                            set_by_request=record.id,
                            frame_url=frames.get(record.frame),
                            browser_blocked=hop.blocked_cookies if hop is not None else None,
                        )
                    )
        return writes

    def _header_policies(self) -> list[CspPolicy]:
        document = self.main_document()
        headers = document.response.headers if document and document.response else []
        policies = []
        for name, value in headers:
            lowered = name.lower()
            if lowered in ("content-security-policy", "content-security-policy-report-only"):
                disposition = "report" if lowered.endswith("report-only") else "enforce"
                policies.append(CspPolicy(source="header", disposition=disposition, value=value))
        return policies

    def elapsed_ms(self) -> float:
        """Time since the recorder was attached (the navigation's start)."""
        return round((time.monotonic() - self._started) * 1000, 1)

    def main_document(self) -> RequestRecord | None:
        """The main frame's last navigation request: the page's own document."""
        tracked = self._main_document()
        return tracked.record if tracked else None

    def _main_document(self) -> _Tracked | None:
        documents = [
            t for t in self._tracked.values() if t.record.navigation and t.record.frame == 0
        ]
        return documents[-1] if documents else None


def is_html(content_type: str | None) -> bool:
    """Whether a document is a page to render (no Content-Type counts as HTML)."""
    return content_type is None or "html" in content_type.lower()


def renders_as_page(status: int | None, content_type: str | None) -> bool:
    """Whether a document that loaded counts as a rendered page: HTML, status below 400
    (otherwise the page is 'not-html' or 'failed')."""
    return is_html(content_type) and (status is None or status < 400)


def _header(headers: list[list[str]], name: str) -> str | None:
    for header_name, value in headers:
        if header_name.lower() == name:
            return value
    return None


def _posted_bytes(request: dict[str, Any]) -> bytes | None:
    """The body of a DevTools request object: its postDataEntries hold the exact bytes
    (a gzip batch is not text), postData only their text form."""
    entries = request.get("postDataEntries")
    if entries:
        with contextlib.suppress(ValueError, TypeError):
            return b"".join(base64.b64decode(entry.get("bytes", "")) for entry in entries)
    text = request.get("postData")
    return text.encode("utf-8", "surrogateescape") if isinstance(text, str) else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def _csp_violation(payload: dict[str, Any], frame_url: str, limit: int) -> CspViolation:
    line = payload.get("lineNumber")
    return CspViolation(
        frame_url=frame_url,
        blocked_url=str(payload.get("blockedURI", ""))[:limit],
        violated_directive=str(payload.get("violatedDirective", "")),
        effective_directive=str(payload.get("effectiveDirective", "")),
        disposition=str(payload.get("disposition", "")),
        policy=str(payload.get("originalPolicy", ""))[:limit],
        source_file=payload.get("sourceFile") or None,
        line=int(line) if line else None,
        sample=(payload.get("sample") or None),
    )
