"""The executive summary: an overall rating, the worst findings and change since last audit."""

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


def _key(finding: dict[str, Any]) -> tuple[str, str]:
    return finding["rule_id"], finding["subject"]


@dataclass(frozen=True)
class Change:
    previous_scan_at: str
    new: list[dict[str, Any]]
    resolved: list[dict[str, Any]]
    persisting: int


def change_since(previous: dict[str, Any], current: list[dict[str, Any]]) -> Change:
    """Findings new and resolved since the previous audit's findings.json, by rule and subject."""
    before = {_key(f): f for f in previous["findings"]}
    now = {_key(f): f for f in current}
    return Change(
        previous_scan_at=previous["scan"]["started_at"],
        new=[f for key, f in now.items() if key not in before],
        resolved=[f for key, f in before.items() if key not in now],
        persisting=len(now.keys() & before.keys()),
    )
