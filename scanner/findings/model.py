"""Findings and the observations checks make before they are grouped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("critical", "high", "medium", "low", "info")


def severity_rank(severity: str) -> int:
    """0 for critical ... 4 for info: lower is more serious."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Observation:
    """One thing a check saw on one page; the engine groups them into findings.

    Observations with the same rule and subject (a cookie, a vendor, a header...) on
    many pages become one finding listing all the pages.
    """

    rule_id: str
    subject: str
    page: str
    message: str
    evidence: dict[str, Any]
    vendor: str | None = None
    severity: str | None = None
    """Overrides the catalog's severity for this observation (e.g. report-only CSP)."""
    consent_state: str = "before-consent"
    """The visitor's consent state the page was seen in (its name in scan.json)."""


@dataclass
class Finding:
    rule_id: str
    area: str
    title: str
    severity: str
    subject: str
    message: str
    pages: list[str]
    evidence: list[dict[str, Any]]
    evidence_count: int
    rationale: str
    references: list[dict[str, str]]
    remediation: str
    vendor: str | None = None
    consent_states: list[str] = field(default_factory=lambda: ["before-consent"])
    """The consent states in which it was seen, in the order of scanner.consent_states."""
    extra: dict[str, Any] = field(default_factory=dict)
