"""Reading scan.json files written by earlier versions of the scanner.

``scanner report`` re-runs the rules on old scans. Fields added since are filled in
here, once, from what the old records say, so that no rule or report has to ask
whether a field exists.
"""

from __future__ import annotations

from typing import Any


def upgrade_older_scan(scan: dict[str, Any]) -> dict[str, Any]:
    """The scan, with the fields of the current format that an older one lacks."""
    for page in scan.get("pages", []):
        for cookie in page.get("cookies", []):
            if "outcome" not in cookie:
                cookie["outcome"] = _old_cookie_outcome(cookie)
                cookie["probe"] = False
    return scan


def _old_cookie_outcome(cookie: dict[str, Any]) -> str:
    """Before outcomes, a record said only whether the jar kept it and whether it was a
    deletion (probes were not told apart)."""
    if cookie.get("deletion"):
        return "deleted"
    return "stored" if cookie.get("stored") else "refused"
