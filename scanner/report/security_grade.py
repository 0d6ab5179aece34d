"""The report's security grade: the MDN HTTP Observatory's grade of the start host.

Every test is listed with the Observatory's own result name beside the scanner's, its
score modifier and what it means, so that a reader can compare the report with the
Observatory line by line; tests that could not run are named with the reason.
"""

from __future__ import annotations

from typing import Any

from scanner.checks.observatory import SCORING_VERSION
from scanner.checks.observatory.probe import site_report

NOT_RUN_REASONS = {
    "redirection": (
        "plain http was not probed: the start URL names a port of its own (set "
        "probe_http_port to the port that serves http), or the probe never finished"
    ),
    "cross-origin-resource-sharing": "the CORS preflight was not sent or did not finish",
    "subresource-integrity": "the page's HTML as served could not be read",
    "cookies": "the probe's responses were not seen",
}
NO_PROBE = (
    "No security grade: this scan has no site probe (it was made by an earlier version of "
    "the scanner, or stopped before the probe finished)."
)


def security_grade(scan: dict[str, Any]) -> dict[str, Any]:
    """What the report's security-grade table shows; ``available`` False without a probe."""
    report = site_report(scan)
    if report is None:
        return {"available": False, "note": NO_PROBE, "scoring": SCORING_VERSION}
    return {
        "available": True,
        "host": report.hostname,
        "score": report.score,
        "grade": report.grade,
        "scoring": report.scoring,
        "complete": report.complete,
        "tests_passed": report.tests_passed,
        "tests": [
            {
                "test": result.test,
                "result": result.result,
                "observatory_result": result.observatory_result or "",
                "same_name": result.observatory_result == result.result,
                "passed": result.passed,
                "modifier": result.score_modifier,
                "message": result.message,
            }
            for result in report.results
        ],
        "not_run": [
            {"test": test, "reason": NOT_RUN_REASONS.get(test, "its input was not observed")}
            for test in report.not_run
        ],
    }
