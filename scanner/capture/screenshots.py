"""Screenshots of each page's first view: the viewport as the visitor first saw it.

One ``Screenshots`` object serves the whole crawl. Pages render concurrently, so a slot
under the cap is reserved before the screenshot is awaited, and given back if no image
comes of it: the cap counts only the pages that got a screenshot. A page that finds
every free slot reserved waits until one of those shots is over (only near the cap).
Files are numbered in the order the shots were taken (``0001.jpg``, ``0002.jpg``...) and
written under a temporary name first, so an interrupted scan never leaves a half image
that looks whole.

JPEG at quality 70, viewport only. Measured on a 1366x768 viewport: the demo site's
text pages 30 KiB as JPEG, 39 KiB as PNG (20 and 25 ms of CPU a shot); a photo-like
page 172 KiB and 34 ms as JPEG, 1.7 MiB and 200 ms as PNG.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import Error as PlaywrightError

SCREENSHOT_FOLDER = Path("evidence", "screenshots")
EXTENSION = "jpg"
QUALITY = 70
TIMEOUT_MS = 5000
_OUR_FILES = re.compile(r"\d{4,}\.jpg(\.partial|\.enc)?")
"""Shots, shots half-written, and shots encrypted at rest by the evidence bundle."""


class Screenshots:
    """Takes up to ``limit`` viewport screenshots into ``out_dir/evidence/screenshots``."""

    def __init__(self, out_dir: Path, limit: int) -> None:
        self.folder = out_dir / SCREENSHOT_FOLDER
        self.limit = limit
        self._reserved = 0
        """Shots taken plus shots being taken."""
        self._taken = 0
        self._waiting: list[asyncio.Future[None]] = []

    @property
    def taken(self) -> int:
        return self._taken

    async def take(self, shoot: Callable[[], Awaitable[bytes]], errors: list[str]) -> str | None:
        """Take a shot with ``shoot`` (the viewport as a JPEG) and keep it; return the
        file's path relative to the output folder (POSIX), or None when the cap is
        reached or the shot failed (said in ``errors``). Never raises for a page that
        cannot be shot."""
        while self._reserved >= self.limit:
            if self._taken >= self.limit:
                return None
            await self._shot_over()  # one in progress may fail and free its slot
        self._reserved += 1  # no await since the check: concurrent pages see it taken
        taken = False
        try:
            image = await asyncio.wait_for(shoot(), TIMEOUT_MS / 1000)
        except (PlaywrightError, TimeoutError, KeyError, ValueError) as error:
            errors.append(f"could not take a screenshot: {_first_line(error)}")
            return None
        else:
            # no await from here on: the number and the file are this page's
            self._taken += 1
            name = f"{self._taken:04d}.{EXTENSION}"
            try:
                self._write(name, image)
            except OSError as error:
                self._taken -= 1
                errors.append(f"could not write the screenshot {name}: {error}")
                return None
            taken = True
            return (SCREENSHOT_FOLDER / name).as_posix()
        finally:
            if not taken:
                self._reserved -= 1
            self._wake()

    async def _shot_over(self) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        await waiter

    def _wake(self) -> None:
        waiting, self._waiting = self._waiting, []
        for waiter in waiting:
            if not waiter.done():
                waiter.set_result(None)

    def _write(self, name: str, image: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / name
        temporary = target.with_name(name + ".partial")
        try:
            temporary.write_bytes(image)
            os.replace(temporary, target)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise


def clear_screenshots(out_dir: Path) -> None:
    """Remove a previous scan's screenshots from the output folder (only files named
    as this module names them), so the folder holds this scan's shots only."""
    folder = out_dir / SCREENSHOT_FOLDER
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if _OUR_FILES.fullmatch(path.name) and path.is_file():
            path.unlink(missing_ok=True)


def _first_line(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"no image after {TIMEOUT_MS} ms"
    text = error.message if isinstance(error, PlaywrightError) else str(error)
    text = text.strip()
    return text.splitlines()[0] if text else type(error).__name__
