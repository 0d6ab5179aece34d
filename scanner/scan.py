"""Runs one scan: crawl the site in Chromium, then write scan.json into the output folder."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from scrapy.crawler import CrawlerProcess

from scanner import __version__
from scanner.audit_folder import SCAN_FILE
from scanner.capture.screenshots import clear_screenshots
from scanner.config import ScanSettings, check_start_url
from scanner.consent_states import BEFORE
from scanner.crawl.browser import browser_version, find_browser, prepare_profile, visitor_user_agent
from scanner.crawl.resumable_spider import CrawlResume, ResumableSpider
from scanner.crawl.settings import crawl_settings
from scanner.crawl.spider import SiteSpider
from scanner.result.resume import RunRecord, begin_resume, end_run, resumed_fields, start_run_record
from scanner.result.validation import page_problems
from scanner.result.visits import CrawlPages, crawl_pages, visit_summary
from scanner.result.writer import summarise, write_scan_json

LOG_FILE = "crawl.log"
CONSENT_NOTE = (
    "Pages were visited without any interaction with a consent banner: everything "
    "recorded happened before consent."
)


@dataclass(frozen=True)
class ScanOutcome:
    scan_file: Path
    outcomes: dict[str, int]
    complete: bool
    finish_reason: str
    schema_problems: list[str]
    first_error: str | None
    """When no page could be rendered: the first failure, to tell the user why."""
    not_visited_reasons: Counter[str]
    """How many admitted pages were not visited, by reason (url-too-long, shutdown...)."""


class Distribution(Protocol):
    """How a distributed scan's crawl differs (see :mod:`scanner.distributed`): its
    spider and extra Scrapy settings, and what happens around the crawl."""

    spider_class: type[ResumableSpider]

    def scrapy_settings(self) -> dict[str, Any]: ...

    def begin(self, record: RunRecord) -> dict[str, Any]:
        """Before the crawl: the spider's extra keyword arguments."""

    def end(self, finish_reason: str) -> None:
        """After the crawl, however it ended."""

    def summary(self) -> dict[str, Any]:
        """scan.json's ``distributed`` entry."""


@dataclass(frozen=True)
class Browser:
    """The Chromium a scan drives, found before anything is written."""

    executable: str
    version: str
    user_agent: str
    """The visitor's user agent: the configured one, or Chromium's own without 'Headless'."""


def find_scan_browser(settings: ScanSettings) -> Browser:
    """The configured (or found) Chromium; BrowserNotFoundError when there is none."""
    executable = find_browser(settings.browser_path)
    version = browser_version(executable)
    return Browser(executable, version, settings.user_agent or visitor_user_agent(version))


def run_scan(
    start_url: str,
    out_dir: Path,
    settings: ScanSettings,
    browser: Browser,
    distribution: Distribution | None = None,
) -> ScanOutcome:
    """Crawl ``start_url`` and write ``out_dir/scan.json``; return what happened.

    ``out_dir`` is a folder claimed with :func:`scanner.audit_folder.claim_output_folder`:
    it exists and holds no audit. With a ``distribution`` the pages are visited by
    workers and this process coordinates.
    """
    check_start_url(start_url)
    clear_screenshots(out_dir)  # a failed scan's shots, in a folder that holds no audit
    record = start_run_record(out_dir, start_url, settings)
    return _crawl(record, browser, resume=None, distribution=distribution)


def resume_scan(out_dir: Path, browser: Browser, progress: str | None = None) -> ScanOutcome:
    """Continue the interrupted scan in ``out_dir`` (see :mod:`scanner.result.resume`)
    with the settings it was started with (``progress`` aside); ResumeError if none."""
    state = begin_resume(out_dir)
    if progress is not None:
        state.record.settings.progress = progress
    return _crawl(state.record, browser, resume=state.crawl)


def _crawl(
    record: RunRecord,
    browser: Browser,
    resume: CrawlResume | None,
    distribution: Distribution | None = None,
) -> ScanOutcome:
    start_url, out_dir, settings = record.start_url, record.out_dir, record.settings
    executable, version, user_agent = browser.executable, browser.version, browser.user_agent
    journal = record.page_journal
    visit_journals = {
        state: record.visit_journal(state) for state in settings.consent if state != BEFORE
    }
    scrapy_settings = crawl_settings(
        settings,
        browser_path=executable,
        user_agent=user_agent,
        profile_dir=prepare_profile(record.profile_dir),
        journal=journal,
        log_file=out_dir / LOG_FILE,
        out_dir=out_dir,
        visits={
            state: (prepare_profile(record.visit_profile_dir(state)), path)
            for state, path in visit_journals.items()
        },
    )
    scrapy_settings["LOG_FILE_APPEND"] = resume is not None
    if distribution is not None:
        scrapy_settings.update(distribution.scrapy_settings())
    process = CrawlerProcess(settings=scrapy_settings)
    crawler = process.create_crawler(
        distribution.spider_class if distribution is not None else ResumableSpider
    )
    finish_reason = "interrupted"
    try:
        process.crawl(
            crawler,
            start_url=start_url,
            settings=settings,
            crawl_log=record.crawl_log,
            resume=resume,
            **(distribution.begin(record) if distribution is not None else {}),
        )
        with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: keep what was seen
            process.start()
        finish_reason = str(crawler.stats.get_value("finish_reason") or "interrupted")
    finally:
        if distribution is not None:
            distribution.end(finish_reason)
    _close_log_file(out_dir / LOG_FILE)
    spider: SiteSpider | None = crawler.spider
    outcomes, visited, problems = summarise(journal, page_problems)
    consent_visits = []
    crawl_seen = crawl_pages(journal) if visit_journals else CrawlPages([], False)
    for state, path in visit_journals.items():
        visit, visit_problems = visit_summary(state, crawl_seen, path, page_problems)
        consent_visits.append(visit)
        problems += visit_problems
    not_visited = (
        spider.not_visited(visited, finish_reason)
        if spider is not None
        else [{"url": start_url, "reason": finish_reason}]
    )
    complete = finish_reason == "finished" and not not_visited
    envelope = _envelope(
        start_url=start_url,
        settings=settings,
        spider=spider,
        not_visited=not_visited,
        outcomes=dict(outcomes),
        timing=(record.started_at, _now()),
        complete=complete,
        finish_reason=finish_reason,
        browser={
            "name": "Chromium",
            "version": version,
            "executable": executable,
            "user_agent": user_agent,
            "headless": True,
            "third_party_cookies": "accepted",
        },
    )
    scan_file = out_dir / SCAN_FILE
    envelope.update(resumed_fields(record))
    if distribution is not None:
        envelope["distributed"] = distribution.summary()
    envelope["consent_visits"] = consent_visits
    write_scan_json(scan_file, envelope, journal, visit_journals)
    end_run(record, finish_reason)
    if finish_reason == "finished":  # else kept, with the run's state, for a resume
        journal.unlink(missing_ok=True)
    first_error = None if outcomes.get("rendered") else _first_error(scan_file)
    reasons = Counter(entry["reason"] for entry in not_visited)
    return ScanOutcome(
        scan_file, dict(outcomes), complete, finish_reason, problems, first_error, reasons
    )


def _close_log_file(log_file: Path) -> None:
    """Stop Scrapy's log handler from writing to crawl.log once the crawl is over.

    Scrapy installs it on the root logger, so without this every later log line (the
    report renderer's progress, for one) would change crawl.log after its hash is taken.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == (
            log_file.resolve()
        ):
            root.removeHandler(handler)
            handler.close()


def _first_error(scan_file: Path) -> str | None:
    for page in json.loads(scan_file.read_text(encoding="utf-8"))["pages"]:
        if page["error"]:
            return f"{page['error']['kind']}: {page['error']['message']}"
    return None


def _envelope(
    *,
    start_url: str,
    settings: ScanSettings,
    spider: SiteSpider | None,
    not_visited: list[dict[str, str]],
    outcomes: dict[str, int],
    timing: tuple[str, str],
    complete: bool,
    finish_reason: str,
    browser: dict[str, Any],
) -> dict[str, Any]:
    frontier = spider.frontier if spider is not None else None
    skipped = [dataclasses.asdict(skip) for skip in frontier.skipped] if frontier else []
    return {
        "scanner": {"name": "site-compliance-scanner", "version": __version__},
        "start_url": start_url,
        "site": frontier.site if frontier else None,
        "started_at": timing[0],
        "finished_at": timing[1],
        "complete": complete,
        "finish_reason": finish_reason,
        "consent": {"state": "before-consent", "note": CONSENT_NOTE, "states": settings.consent},
        "browser": browser,
        "settings": dataclasses.asdict(settings),
        "summary": {
            "pages": sum(outcomes.values()),
            "rendered": outcomes.get("rendered", 0),
            "not_html": outcomes.get("not-html", 0),
            "failed": outcomes.get("failed", 0),
            "not_visited": len(not_visited),
            "skipped": dict(frontier.skip_counts) if frontier else {},
        },
        "not_visited": not_visited,
        "skipped": skipped,
        "external_hosts": dict(frontier.external_hosts) if frontier else {},
        "site_probe": spider.site_probe.result() if spider is not None else None,
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
