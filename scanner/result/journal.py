"""Pages are written to disk as they are visited, one JSON line each.

An interrupted or crashed crawl keeps everything it saw, and memory does not grow
with the size of the site: scan.json is assembled from this journal at the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from scrapy.crawler import Crawler

from scanner.consent_states import BEFORE, PAGE_STATE
from scanner.crawl.settings import JOURNAL_SETTING, VISIT_JOURNALS_SETTING
from scanner.result.model import PageResult


class JournalPipeline:
    """Each page to its journal: the crawl's, or that of the consent state it was
    visited in."""

    def __init__(self, path: Path, visit_paths: dict[str, Path] | None = None) -> None:
        self.paths = {PAGE_STATE[BEFORE]: path}
        self.paths.update({PAGE_STATE[s]: p for s, p in (visit_paths or {}).items()})
        self._files: dict[str, IO[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JournalPipeline:
        visits = crawler.settings.getdict(VISIT_JOURNALS_SETTING)
        return cls(
            Path(crawler.settings[JOURNAL_SETTING]),
            {state: Path(path) for state, path in visits.items()},
        )

    def open_spider(self, spider: Any = None) -> None:
        self._files = {state: p.open("a", encoding="utf-8") for state, p in self.paths.items()}

    def close_spider(self, spider: Any = None) -> None:
        for file in self._files.values():
            file.close()

    def process_item(self, item: PageResult, spider: Any = None) -> PageResult:
        file = self._files[item.consent_state]
        file.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
        file.flush()
        return item
