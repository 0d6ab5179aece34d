"""The Scrapy settings a scan runs with: one configured Chromium, whatever is launched."""

from __future__ import annotations

from pathlib import Path

from scanner.config import build_settings
from scanner.crawl.settings import crawl_settings


def test_every_launch_uses_the_configured_chromium(tmp_path: Path) -> None:
    settings = build_settings({"host_map": {"*.test": "127.0.0.1"}})
    scrapy = crawl_settings(
        settings,
        browser_path="/opt/our/chromium",
        user_agent="UA",
        profile_dir=tmp_path / "profile",
        journal=tmp_path / "journal",
        log_file=tmp_path / "crawl.log",
        out_dir=tmp_path,
    )
    context = scrapy["PLAYWRIGHT_CONTEXTS"]["default"]
    launch = scrapy["PLAYWRIGHT_LAUNCH_OPTIONS"]
    assert context["executable_path"] == launch["executable_path"] == "/opt/our/chromium"
    assert launch["args"] == context["args"]
    assert any(
        arg.startswith("--host-resolver-rules=MAP *.test 127.0.0.1") for arg in launch["args"]
    )
