"""Pages are written to disk as they are visited, one JSON line each.

An interrupted or crashed crawl keeps everything it saw, and memory does not grow
with the size of the site: scan.json is assembled from this journal at the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from scrapy.crawler import Crawler

from scanner.crawl.settings import JOURNAL_SETTING
from scanner.result.model import PageResult


class JournalPipeline:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JournalPipeline:
        return cls(Path(crawler.settings[JOURNAL_SETTING]))

    def open_spider(self, spider: Any = None) -> None:
        self._file = self.path.open("a", encoding="utf-8")

    def close_spider(self, spider: Any = None) -> None:
        if self._file is not None:
            self._file.close()

    def process_item(self, item: PageResult, spider: Any = None) -> PageResult:
        assert self._file is not None
        self._file.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
        self._file.flush()
        return item
