"""What each consent state's visitor saw, for scan.json's ``consent_visits``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.consent_states import CHOICE_STATES, NO_BANNER
from scanner.result.writer import journal_pages, summarise

MAX_LISTED = 1000


@dataclass(frozen=True)
class CrawlPages:
    """What the state visitors had to go on: the pages the crawl rendered, in its order
    (what every state should visit), and whether any of them showed a consent banner."""

    rendered: list[str]
    banner_seen: bool


def crawl_pages(crawl_journal: Path) -> CrawlPages:
    rendered, banner_seen = [], False
    for _, page in journal_pages(crawl_journal):
        if page["outcome"] == "rendered":
            rendered.append(page["url"])
            banner_seen = banner_seen or bool((page.get("consent") or {}).get("banner_shown"))
    return CrawlPages(rendered, banner_seen)


def visit_summary(
    state: str,
    crawl: CrawlPages,
    visit_journal: Path,
    check_page: Callable[[dict[str, Any]], list[str]],
) -> tuple[dict[str, Any], list[str]]:
    """The state's entry (without its pages, which the writer streams from
    ``visit_journal``) and the schema problems of its pages.

    Every page the crawl rendered should have been visited in the state: those that were
    not (the scan stopped first, or a resume's new visitor did not see the pages kept
    from before the interruption) are listed, so that no comparison passes them off as
    "nothing happened there". The exception is a choice state's visitor on a site where
    no page showed a banner: it had nothing to choose and did not visit (``skipped``)."""
    outcomes, visited, problems = summarise(visit_journal, check_page)
    skipped = state in CHOICE_STATES and not crawl.banner_seen and not visited
    missing = [] if skipped else [url for url in crawl.rendered if url not in visited]
    choice, shown_again = _choice_and_banners(visit_journal)
    return (
        {
            "state": state,
            "skipped": NO_BANNER if skipped else None,
            "summary": {
                "pages": sum(outcomes.values()),
                "rendered": outcomes.get("rendered", 0),
                "failed": outcomes.get("failed", 0),
                "not_visited": len(missing),
            },
            "choice": choice,
            "banner_again": shown_again[:MAX_LISTED],
            "not_visited": missing[:MAX_LISTED],
        },
        [f"consent_visits[{state}]: {problem}" for problem in problems],
    )


def _choice_and_banners(visit_journal: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The visitor's first choice (with the page it was made on) and the pages that
    showed a banner again after it: a choice the site did not keep."""
    choice: dict[str, Any] | None = None
    shown_again: list[str] = []
    for _, page in journal_pages(visit_journal):
        consent = page.get("consent") or {}
        if choice is not None and consent.get("banner_shown"):
            shown_again.append(page["url"])
        elif choice is None and consent.get("choice"):
            choice = {"page": page["url"], **consent["choice"]}
    return choice, shown_again
