"""Which DevTools frame id each frame of a page has, cross-site iframes included.

What the browser-wide leave watch reports (see leave_watch) names its sender by DevTools
frame id only. A page's own DevTools target knows the frames its renderer draws; a
cross-site iframe is drawn by a renderer of its own and has a target and a frame tree of
its own (measured on Chromium 156: the page's ``Page.getFrameTree`` leaves it out, and
its beacons sent while the page is left carry its own frame id). So the trees of the
page's target and of every out-of-process frame are read, and each tree node is matched
to the Playwright frame it is: the tree's root is the frame whose session answered, its
children are that frame's children, told apart by URL and name.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page

_TIMEOUT_S = 5.0
"""For all the trees together: a page with thousands of frames must not hold the leave."""


async def devtools_frames(page: Page) -> dict[str, Frame | None]:
    """DevTools frame id -> the page's Playwright frame with that id, for every frame of
    the page that DevTools knows (None where the frame could not be told apart); the main
    frame's id first. Empty when DevTools does not answer."""
    found: dict[str, Frame | None] = {}
    main_tree = await _tree(page, page.main_frame)
    if main_tree is None:
        return found
    _match(main_tree, page.main_frame, found)
    placed = {frame for frame in found.values() if frame is not None}
    # Frames the page's renderer does not draw: each cross-site root answers with its
    # own tree (its same-site children included); the others are refused quickly.
    others = [frame for frame in page.frames if frame not in placed and not frame.is_detached()]
    tasks = [asyncio.ensure_future(_tree(page, frame)) for frame in others]
    if not tasks:
        return found
    done, pending = await asyncio.wait(tasks, timeout=_TIMEOUT_S)
    for task in pending:
        task.cancel()
    for frame, task in zip(others, tasks, strict=True):
        tree = task.result() if task in done else None
        if tree is not None:
            _match(tree, frame, found)
    return found


async def _tree(page: Page, frame: Frame) -> dict[str, Any] | None:
    """The frame tree of the DevTools target that renders ``frame``, if ``frame`` is the
    root of one (the main frame, or a frame drawn by another renderer); None otherwise."""
    target = page if frame is page.main_frame else frame
    try:
        session = await asyncio.wait_for(page.context.new_cdp_session(target), _TIMEOUT_S)
    except (PlaywrightError, TimeoutError):  # a frame of its parent's renderer
        return None
    try:
        tree = await asyncio.wait_for(session.send("Page.getFrameTree"), _TIMEOUT_S)
        return tree.get("frameTree")
    except (PlaywrightError, TimeoutError):
        return None
    finally:
        with contextlib.suppress(PlaywrightError):
            await session.detach()


def _match(root: dict[str, Any], frame: Frame, found: dict[str, Frame | None]) -> None:
    """Record the ids of ``root``'s tree, ``root`` being ``frame``."""
    pending: list[tuple[dict[str, Any], Frame | None]] = [(root, frame)]
    while pending:
        node, known = pending.pop(0)
        frame_id = node.get("frame", {}).get("id")
        if frame_id:
            found.setdefault(str(frame_id), known)
        children = list(known.child_frames) if known is not None else []
        for child in node.get("childFrames", []):
            match = _same_frame(child.get("frame", {}), children)
            if match is not None:
                children.remove(match)
            pending.append((child, match))


def _same_frame(info: dict[str, Any], candidates: list[Frame]) -> Frame | None:
    """The candidate that DevTools' frame ``info`` describes: same URL (DevTools keeps
    the fragment apart) and, among several, the same name."""
    url = str(info.get("url", "")) + str(info.get("urlFragment", ""))
    same_url = [frame for frame in candidates if frame.url == url]
    named = [frame for frame in same_url if frame.name == info.get("name", "")]
    return (named or same_url or [None])[0]
