"""A whole scan result (envelope and pages) for report tests that need no browser."""

from __future__ import annotations

from typing import Any

from tests import rule_fixtures


def full_scan(*pages: dict[str, Any]) -> dict[str, Any]:
    """rule_fixtures.scan plus the envelope fields the report shows (scope, browser...)."""
    document = rule_fixtures.scan(*pages)
    rendered = sum(1 for page in pages if page["outcome"] == "rendered")
    failed = sum(1 for page in pages if page["outcome"] == "failed")
    document.update(
        scanner={"name": "site-compliance-scanner", "version": "0.0-test"},
        finish_reason="finished",
        browser={
            "name": "Chromium",
            "version": "156",
            "executable": "/usr/bin/chromium",
            "user_agent": "Mozilla/5.0 test",
            "headless": True,
            "third_party_cookies": "accepted",
        },
        settings={"max_pages": 1000, "max_depth": 20, "include_hosts": [], "exclude_paths": []},
        summary={
            "pages": len(pages),
            "rendered": rendered,
            "not_html": len(pages) - rendered - failed,
            "failed": failed,
            "not_visited": 0,
            "skipped": {},
        },
        not_visited=[],
        skipped=[],
        external_hosts={},
    )
    return document
