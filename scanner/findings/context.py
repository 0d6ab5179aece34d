"""What every check reads: the scan result and its classification."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from scanner.classify.parties import Party, PartyClassifier
from scanner.classify.trackers import TrackerMatcher
from scanner.findings.settings import RuleSettings


@dataclass
class ScanContext:
    scan: dict[str, Any]
    settings: RuleSettings
    parties: PartyClassifier
    trackers: TrackerMatcher

    @cached_property
    def pages(self) -> list[dict[str, Any]]:
        """Pages the browser rendered (failed ones too: what they loaded still counts)."""
        return [page for page in self.scan["pages"] if page["outcome"] != "not-html"]

    def party_of(self, url: str) -> Party | None:
        host = urlsplit(url).hostname
        return self.parties.classify(host) if host else None

    def page_url(self, page: dict[str, Any]) -> str:
        return page.get("final_url") or page["url"]
