"""Browser pages kept open between navigations.

Opening a page costs Chromium a renderer process; navigating an open page to the next
URL does not (measured: 115 ms instead of 209 ms of Chromium CPU per page). A page goes
back to the pool through about:blank, so the next page's capture starts clean.
"""

from __future__ import annotations

import contextlib

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

_BLANK_TIMEOUT_MS = 5000


class PagePool:
    def __init__(self) -> None:
        self._idle: list[Page] = []

    def take(self) -> Page | None:
        """An idle open page, or None if a new one is needed."""
        while self._idle:
            page = self._idle.pop()
            if not page.is_closed():
                return page
        return None

    async def give_back(self, page: Page | None) -> None:
        """Return a page after its capture; a page that cannot be reset is closed."""
        if page is None or page.is_closed():
            return
        try:
            await page.goto("about:blank", timeout=_BLANK_TIMEOUT_MS)
        except PlaywrightError:
            with contextlib.suppress(PlaywrightError):
                await page.close()
            return
        self._idle.append(page)
