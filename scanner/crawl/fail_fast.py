"""Ending a navigation as soon as the page's own document has failed.

When a connection closes mid-body (a Content-Length larger than the body sent, a chunked
body without its last chunk), Chromium reports the document's request failed at once
(``net::ERR_CONTENT_LENGTH_MISMATCH``, ``net::ERR_INCOMPLETE_CHUNKED_ENCODING``) but
the navigation waits for a load event that never comes, until the timeout: the page was
recorded as a timeout after the whole wait. The download is raced against the
recorder's report of that failure instead.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Protocol, TypeVar

T = TypeVar("T")


class DocumentFailed(Exception):
    """The page's own document failed while it loaded: the browser's error text and the
    document's URL, as in 'net::ERR_CONTENT_LENGTH_MISMATCH at https://...'."""


class WatchesTheDocument(Protocol):
    async def document_failure(self) -> str: ...


async def unless_the_document_fails(download: Awaitable[T], recorder: WatchesTheDocument) -> T:
    """``download``'s result, or DocumentFailed as soon as the recorder reports the
    document failed (the download is then cancelled)."""
    work = asyncio.ensure_future(download)
    failed = asyncio.ensure_future(recorder.document_failure())
    try:
        await asyncio.wait({work, failed}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # Scrapy's download timeout, or the crawl stopping
        work.cancel()
        failed.cancel()
        raise
    if work.done():
        failed.cancel()
        return work.result()
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await work  # let the navigation unwind before the page is reused
    raise DocumentFailed(failed.result())
