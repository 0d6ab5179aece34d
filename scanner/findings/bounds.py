"""Bounds on what one finding carries, so that no single value a site sends can multiply
the outputs (a 50 KB header repeated in every evidence item of every finding, a list of
thousands of sources).

A cut value says what it was: the text keeps its start and states its full length, a cut
list ends with a note of how many items were left out.
"""

from __future__ import annotations

from typing import Any

MAX_TEXT_CHARS = 2_000
"""A string in evidence longer than this is cut: enough for any header a reader checks."""
MAX_SUBJECT_CHARS = 300
"""A finding's subject (a cookie name, a host, a source) is shown; beyond this it is cut."""
MAX_LIST_ITEMS = 50


def cut_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` itself when short enough, else its start and its length."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [cut: {len(text):,} characters in all]"


def bounded(value: Any) -> Any:
    """``value`` with every string cut and every list capped, recursively."""
    if isinstance(value, str):
        return cut_text(value)
    if isinstance(value, dict):
        return {key: bounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        items = [bounded(item) for item in value[:MAX_LIST_ITEMS]]
        if len(value) > MAX_LIST_ITEMS:
            items.append(f"[cut: {len(value) - MAX_LIST_ITEMS:,} more items]")
        return items
    return value
