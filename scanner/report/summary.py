"""The executive summary: an overall rating and the worst findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.findings.model import severity_rank

TOP_FINDINGS = 5


@dataclass(frozen=True)
class Rating:
    grade: str
    label: str
    reason: str


def overall_rating(by_severity: dict[str, int]) -> Rating:
    """A letter a reader can compare between audits; the reason states the rule applied."""
    critical, high, medium = (by_severity.get(s, 0) for s in ("critical", "high", "medium"))
    if critical:
        return Rating("F", "serious risk", f"{critical} critical findings")
    if high >= 5:
        return Rating("D", "high risk", f"{high} high-severity findings (5 or more)")
    if high:
        return Rating("C", "needs work", f"{high} high-severity findings (fewer than 5)")
    if medium:
        return Rating("B", "minor issues", f"no high-severity findings; {medium} medium")
    return Rating("A", "good", "no findings above low severity")


def most_serious(findings: list[dict[str, Any]], limit: int = TOP_FINDINGS) -> list[dict[str, Any]]:
    """The worst findings first; among equals, the most widespread."""
    ordered = sorted(findings, key=lambda f: (severity_rank(f["severity"]), -len(f["pages"])))
    return ordered[:limit]
