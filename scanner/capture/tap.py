"""What is installed on a browser page once, for every navigation it will make.

Pages are reused across navigations (a new page costs Chromium a new renderer
process: measured at about half of its CPU per page), so the event listeners, the
in-page hooks script and the DevTools session live here, and forward every event to
the recorder of the navigation in progress, if any.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import secrets
from importlib import resources
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from playwright.async_api import CDPSession, Frame, Page
from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from scanner.capture.recorder import PageRecorder

_SCRIPTS = resources.files("scanner.capture")
_HOOKS_JS = (
    _SCRIPTS.joinpath("page_hooks.js")
    .read_text("utf-8")
    .replace("/*__API_PROBES__*/", _SCRIPTS.joinpath("api_probes.js").read_text("utf-8"))
)
"""The in-page hooks, with the fingerprinting-API probes inside (they share its binding)."""

_PAGE_EVENTS = {
    "request": "on_request",
    "response": "on_response",
    "requestfinished": "on_request_finished",
    "requestfailed": "on_request_failed",
    "frameattached": "on_frame_attached",
    "framenavigated": "on_frame_navigated",
    "console": "on_console",
    "pageerror": "on_page_error",
}
_DEVTOOLS_EVENTS = {
    "Network.requestWillBeSent": "on_request_will_be_sent",
    "Network.responseReceivedExtraInfo": "on_response_extra_info",
    "Network.loadingFailed": "on_loading_failed",
    "Audits.issueAdded": "on_issue",
}
_TAPS: WeakKeyDictionary[Page, PageTap] = WeakKeyDictionary()


class PageTap:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.recorder: PageRecorder | None = None
        self._pull_name = ""
        self._cdp: CDPSession | None = None

    @classmethod
    async def on(cls, page: Page, max_post_bytes: int) -> PageTap:
        """The page's tap, installed on first use."""
        tap = _TAPS.get(page)
        if tap is None:
            tap = cls(page)
            await tap._install(max_post_bytes)
            _TAPS[page] = tap
        return tap

    async def _install(self, max_post_bytes: int) -> None:
        for event, method in _PAGE_EVENTS.items():
            self.page.on(event, functools.partial(self._to_recorder, method))
        binding = f"__scanner_{secrets.token_hex(8)}"
        self._pull_name = f"{binding}_pull"
        await self.page.expose_binding(
            binding, functools.partial(self._to_recorder, "on_script_report")
        )
        await self.page.add_init_script(_HOOKS_JS.replace("__BINDING_NAME__", binding))
        cdp = await self.page.context.new_cdp_session(self.page)
        for event, method in _DEVTOOLS_EVENTS.items():
            cdp.on(event, functools.partial(self._to_devtools_log, method))
        await cdp.send("Network.enable", {"maxPostDataSize": max_post_bytes})
        await cdp.send("Audits.enable")
        self._cdp = cdp

    async def screenshot(self, quality: int) -> bytes:
        """A JPEG of the viewport as it is, straight from DevTools.

        Playwright's page.screenshot() runs scripts in every frame before and after the
        shot and waits for fonts: in a crawl its median was 65-79 ms a page, this 42-47.
        Nothing is run in the page.
        """
        if self._cdp is None:
            raise PlaywrightError("no DevTools session on the page")
        shot = await self._cdp.send(
            "Page.captureScreenshot", {"format": "jpeg", "quality": quality}
        )
        return base64.b64decode(shot["data"], validate=True)

    async def pull_reports(self) -> list[tuple[Frame, dict[str, Any]]]:
        """Every report the hooks logged in the live frames, pushed or not.

        Pushed reports travel as binding calls, which the driver handles in tasks of
        their own; under load one can still be in flight when the page is completed.
        Pulling the page-side log closes that gap (the recorder drops duplicates).
        """
        expression = f"() => (window['{self._pull_name}'] || (() => []))()"
        pulled: list[tuple[Frame, dict[str, Any]]] = []
        for frame in self.page.frames:
            if frame.is_detached():
                continue
            with contextlib.suppress(PlaywrightError):
                events = await asyncio.wait_for(frame.evaluate(expression), 5)
                pulled.extend((frame, event) for event in events)
        return pulled

    def _to_recorder(self, method: str, *args: Any) -> None:
        if self.recorder is not None:
            getattr(self.recorder, method)(*args)

    def _to_devtools_log(self, method: str, event: dict[str, Any]) -> None:
        if self.recorder is not None:
            getattr(self.recorder.devtools, method)(event)
