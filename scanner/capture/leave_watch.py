"""What a page sends while the visitor really leaves it, which DevTools never reports.

When a document is navigated away from, the beacons and ``keepalive`` fetches that its
``pagehide``/``unload`` handlers send are carried by the browser process after the
document is gone. Neither Playwright's request events, nor the page's DevTools Network
domain, nor page-level request routing see them (measured on Chromium 156: the server
received them, none of the three reported them). Request interception on the *browser*
target does: ``Fetch.requestPaused`` arrives for each of them, with the id of the frame
that sent it and no ``networkId`` (no page-level network agent saw the request).

Chromium applies that interception only to documents that commit after it is switched
on, so it is on for the whole crawl, limited to the request types a leaving page can
send (beacons, fetch/XHR, event sources, other): scripts, styles, images and documents
are never held. Each paused request is let through at once; those that no page-level
agent saw and that a frame of a page being left sent are handed to that page's
recorder.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from playwright.async_api import BrowserContext, CDPSession
from playwright.async_api import Error as PlaywrightError

LeaveRequestHandler = Callable[[dict[str, Any], str, str], None]
"""Called with DevTools' request object, its resource type and the sender's frame id."""

_PATTERNS = [
    {"urlPattern": "*", "resourceType": kind, "requestStage": "Request"}
    for kind in ("Ping", "XHR", "Fetch", "Other", "EventSource")
]
_WATCHES: WeakKeyDictionary[BrowserContext, LeaveWatch] = WeakKeyDictionary()


class LeaveWatch:
    """Browser-wide interception while pages are being left; one per browser context."""

    def __init__(self, context: BrowserContext) -> None:
        self._context = context
        self._session: CDPSession | None = None
        self._leaving: dict[str, LeaveRequestHandler] = {}
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self.available = True

    @classmethod
    def of(cls, context: BrowserContext) -> LeaveWatch:
        watch = _WATCHES.get(context)
        if watch is None:
            watch = _WATCHES[context] = cls(context)
        return watch

    async def start(self) -> None:
        """Switch interception on for the rest of the crawl, before the first page
        navigates: Chromium applies it only to documents that commit after it is on."""
        async with self._lock:
            if self._session is not None or not self.available:
                return
            try:
                browser = self._context.browser
                if browser is None:
                    raise PlaywrightError("the browser context has no browser to watch")
                session = await browser.new_browser_cdp_session()
                # set before interception is on: a request paused from then on must be
                # let through
                self._session = session
                session.on("Fetch.requestPaused", self._on_paused)
                await session.send("Fetch.enable", {"patterns": _PATTERNS})
            except PlaywrightError:
                self._session = None
                self.available = False

    def begin(self, frame_ids: list[str], handler: LeaveRequestHandler) -> bool:
        """Hand what these frames send from now on, unseen by any page-level agent, to
        ``handler``; False when the browser offers no interception (the leave is then
        seen only in part)."""
        if self._session is None or not frame_ids:
            return False
        for frame_id in frame_ids:
            self._leaving[frame_id] = handler
        return True

    def end(self, frame_ids: list[str]) -> None:
        """Stop handing these frames' requests over."""
        for frame_id in frame_ids:
            self._leaving.pop(frame_id, None)

    def _on_paused(self, event: dict[str, Any]) -> None:
        task = asyncio.ensure_future(self._let_through(event["requestId"]))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if event.get("networkId"):  # a page's own network agent saw it: recorded there
            return
        frame_id = str(event.get("frameId", ""))
        handler = self._leaving.get(frame_id)
        if handler is not None:  # else a frame of no page being left (not ours to tell)
            request, kind = event.get("request") or {}, str(event.get("resourceType", "Other"))
            handler(request, kind, frame_id)

    async def _let_through(self, request_id: str) -> None:
        if self._session is not None:
            with contextlib.suppress(PlaywrightError):
                await self._session.send("Fetch.continueRequest", {"requestId": request_id})
