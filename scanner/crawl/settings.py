"""The Scrapy settings of a scan: one shared Chromium, our resolver, our limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.config import ScanSettings
from scanner.crawl.browser import launch_args
from scanner.crawl.host_limits import MAX_HOST_CONCURRENCY_SETTING, MAX_RATE_SETTING
from scanner.crawl.resolver import HOST_MAP_SETTING

JOURNAL_SETTING = "SCANNER_JOURNAL"
VISIT_JOURNALS_SETTING = "SCANNER_VISIT_JOURNALS"
"""Consent state -> the journal of that state's page visits (states other than before)."""
PROGRESS_SETTING = "SCANNER_PROGRESS"
OUTPUT_DIR_SETTING = "SCANNER_OUTPUT_DIR"
"""The scan's output folder: where page evidence such as screenshots is written."""
_HANDLER = "scanner.crawl.handler.SharedBrowserHandler"
VIEWPORT = {"width": 1366, "height": 768}
"""The browser window's size in CSS pixels: a common desktop screen."""


def crawl_settings(
    settings: ScanSettings,
    *,
    browser_path: str,
    user_agent: str,
    profile_dir: Path,
    journal: Path,
    log_file: Path,
    out_dir: Path,
    visits: dict[str, tuple[Path, Path]] | None = None,
) -> dict[str, Any]:
    """``visits``: for each consent state besides "before", its browser profile folder
    and its page journal. Each state is a browser context of its own."""
    timeout_ms = settings.timeout * 1000
    context = {
        "user_data_dir": str(profile_dir),
        "executable_path": browser_path,
        "headless": True,
        "args": launch_args(settings.host_map, settings.trusted_spki),
        "user_agent": settings.user_agent or user_agent,
        "viewport": dict(VIEWPORT),
        "locale": "en-GB",
        "ignore_https_errors": False,
        "bypass_csp": False,
    }
    return {
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "DOWNLOAD_HANDLERS": {"http": _HANDLER, "https": _HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_CONTEXTS": {
            "default": context,
            **{
                state: {**context, "user_data_dir": str(profile)}
                for state, (profile, _) in (visits or {}).items()
            },
        },
        # Any browser scrapy-playwright launches besides the persistent context (it does
        # when that context fails to start or closes under a Ctrl-C) is the same Chromium,
        # never Playwright's own download.
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": browser_path,
            "headless": True,
            "args": context["args"],
        },
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": settings.concurrency,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_ms,
        "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,
        "CONCURRENT_REQUESTS": settings.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrency,
        # the page load, the dwell, the settle time and the capture, with room to spare
        "DOWNLOAD_TIMEOUT": settings.timeout
        + (settings.min_dwell_ms + settings.settle_max_ms) / 1000
        + 20,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": settings.obey_robots,
        "USER_AGENT": f"Mozilla/5.0 (compatible; site-compliance-scanner/{__version__})",
        "RETRY_ENABLED": False,
        "COOKIES_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
        "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "DNS_RESOLVER": "scanner.crawl.resolver.HostMapResolver",
        HOST_MAP_SETTING: dict(settings.host_map),
        JOURNAL_SETTING: str(journal),
        VISIT_JOURNALS_SETTING: {state: str(path) for state, (_, path) in (visits or {}).items()},
        OUTPUT_DIR_SETTING: str(out_dir),
        PROGRESS_SETTING: settings.progress,
        MAX_RATE_SETTING: settings.max_rate,
        MAX_HOST_CONCURRENCY_SETTING: settings.max_host_concurrency,
        "DOWNLOADER_MIDDLEWARES": {"scanner.crawl.host_limits.HostLimitsMiddleware": 950},
        "ITEM_PIPELINES": {"scanner.result.journal.JournalPipeline": 100},
        "EXTENSIONS": {
            "scanner.crawl.progress.ProgressDisplay": 100,
            "scrapy.extensions.telnet.TelnetConsole": None,
        },
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "LOG_FILE": str(log_file),
        "LOG_FILE_APPEND": False,
    }
