"""The scanner's own Chromium for tests that drive a browser directly (no crawl)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, async_playwright

from scanner.crawl.browser import find_browser, launch_args, prepare_profile

CLOSE_TIMEOUT_S = 30


@asynccontextmanager
async def scanner_chromium(
    host_map: dict[str, str], trusted_spki: list[str], **options: Any
) -> AsyncIterator[BrowserContext]:
    """A headless context with the scanner's launch arguments on a throwaway prepared
    profile; ``options`` go to Playwright's ``launch_persistent_context``."""
    with tempfile.TemporaryDirectory() as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                str(prepare_profile(Path(profile))),
                executable_path=find_browser(),
                headless=True,
                args=launch_args(host_map, trusted_spki),
                **options,
            )
            try:
                yield context
            finally:
                await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)
