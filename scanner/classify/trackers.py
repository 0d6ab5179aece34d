"""Tracking requests recognised by Adblock-Plus-format filter lists (EasyPrivacy and the
user's own lists), matched by Brave's adblock-rust engine through its Python bindings."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import adblock

from scanner.errors import read_user_file
from scanner.resources import data_dir

BUNDLED_LISTS = ("easyprivacy.txt",)

# Playwright's resource types -> the request types filter rules are written for.
_REQUEST_TYPES = {
    "document": "document",
    "stylesheet": "stylesheet",
    "image": "image",
    "media": "media",
    "font": "font",
    "script": "script",
    "xhr": "xmlhttprequest",
    "fetch": "xmlhttprequest",
    "ping": "ping",
    "websocket": "websocket",
    "texttrack": "media",
    "eventsource": "other",
    "manifest": "other",
    "other": "other",
}


class TrackerMatcher:
    def __init__(self, engine: adblock.Engine, lists: tuple[str, ...]) -> None:
        self._engine = engine
        self.lists = lists

    @classmethod
    def load(cls, extra_lists: Iterable[Path] = ()) -> TrackerMatcher:
        filters = adblock.FilterSet()
        names = []
        for path in [data_dir("rules") / "filterlists" / name for name in BUNDLED_LISTS]:
            filters.add_filter_list(path.read_text(encoding="utf-8"))
            names.append(path.name)
        for path in extra_lists:
            text = read_user_file(path, "filter list", "fix filter_lists in [rules]")
            filters.add_filter_list(text)
            names.append(str(path))
        return cls(adblock.Engine(filter_set=filters, optimize=True), tuple(names))

    def is_tracking(self, url: str, page_url: str, resource_type: str) -> bool:
        """Whether a request the page made matches a blocking rule of the lists."""
        request_type = _REQUEST_TYPES.get(resource_type, "other")
        result = self._engine.check_network_urls(url, page_url, request_type)
        return bool(result.matched and not result.exception)
