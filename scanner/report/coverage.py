"""Methodology and coverage: what the scan saw, what it could not, and how it was run."""

from __future__ import annotations

from collections import Counter
from typing import Any

MAX_LISTED = 200
SETTINGS_SHOWN = (
    "max_pages",
    "max_depth",
    "concurrency",
    "timeout",
    "obey_robots",
    "use_sitemap",
    "include_hosts",
    "exclude_hosts",
    "include_paths",
    "exclude_paths",
    "max_per_pattern",
    "screenshots",
)


def coverage(scan: dict[str, Any]) -> dict[str, Any]:
    """Counts, failures grouped by reason, and the pages the report cannot speak for."""
    pages = scan["pages"]
    failed = [page for page in pages if page["outcome"] == "failed"]
    reasons = Counter(page["error"]["kind"] if page["error"] else "unknown" for page in failed)
    settings = scan.get("settings", {})
    return {
        "summary": scan["summary"],
        "found": scan["summary"]["pages"] + scan["summary"]["not_visited"],
        "failure_reasons": reasons.most_common(),
        "failed": failed[:MAX_LISTED],
        "failed_more": max(len(failed) - MAX_LISTED, 0),
        "not_visited": scan["not_visited"][:MAX_LISTED],
        "not_visited_more": max(len(scan["not_visited"]) - MAX_LISTED, 0),
        "skipped": sorted(scan["summary"]["skipped"].items()),
        "settings": [(name, settings[name]) for name in SETTINGS_SHOWN if name in settings],
        "browser": scan["browser"],
        "consent_note": scan["consent"]["note"],
    }
