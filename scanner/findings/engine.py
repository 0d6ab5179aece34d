"""Runs every check over a scan result and groups what they saw into findings.

Checks never touch the network or the browser: they read scan.json. That makes each
one testable from a JSON fixture and lets ``scanner report`` re-run them on an old scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scanner.checks import (
    consent_choices,
    consent_signals,
    content_security,
    cookies,
    dpa,
    fingerprinting,
    headers,
    isolation_headers,
    mixed_content,
    stored_personal_data,
    third_parties,
    transport,
)
from scanner.consent_states import PAGE_STATE
from scanner.findings.bounds import MAX_SUBJECT_CHARS, bounded, cut_text
from scanner.findings.catalog import RuleCatalog
from scanner.findings.context import ScanContext
from scanner.findings.model import Finding, Observation, severity_rank

Check = Callable[[ScanContext], Iterable[Observation]]
CHECKS: tuple[Check, ...] = (
    cookies.check,
    stored_personal_data.check,
    third_parties.check,
    fingerprinting.check,
    consent_choices.check,
    consent_signals.check,
    dpa.check,
    mixed_content.check,
    headers.check,
    isolation_headers.check,
    transport.check,
    content_security.check,
)
MAX_EVIDENCE = 20


@dataclass
class _Group:
    first: Observation
    pages: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    evidence_count: int = 0
    states: set[str] = field(default_factory=set)

    def add(self, observation: Observation) -> None:
        self.states.add(observation.consent_state)
        if observation.page not in self.pages:
            self.pages.append(observation.page)
        self.evidence_count += 1
        if len(self.evidence) < MAX_EVIDENCE:
            self.evidence.append({"page": observation.page, **bounded(observation.evidence)})


def run_checks(
    ctx: ScanContext, catalog: RuleCatalog, checks: tuple[Check, ...] = CHECKS
) -> list[Finding]:
    """All findings of a scan, one per rule and subject, most serious first."""
    groups: dict[tuple[str, str], _Group] = {}
    for observation in _observations(ctx, checks):
        if observation.rule_id in ctx.settings.disabled:
            continue
        key = (observation.rule_id, observation.subject)
        group = groups.setdefault(key, _Group(observation))
        group.add(observation)
    findings = [_finding(group, catalog, ctx) for group in groups.values()]
    findings.sort(key=lambda f: (severity_rank(f.severity), f.area, f.rule_id, f.subject))
    return findings


def _observations(ctx: ScanContext, checks: tuple[Check, ...]) -> Iterator[Observation]:
    for check in checks:
        yield from check(ctx)


def _finding(group: _Group, catalog: RuleCatalog, ctx: ScanContext) -> Finding:
    first = group.first
    rule = catalog[first.rule_id]
    severity = ctx.settings.severity.get(rule.id) or first.severity or rule.severity
    pages = len(group.pages)
    where = f" (on {pages} pages)" if pages > 1 else ""
    return Finding(
        rule_id=rule.id,
        area=rule.area,
        title=rule.title,
        severity=severity,
        subject=cut_text(first.subject, MAX_SUBJECT_CHARS),
        message=cut_text(first.message) + where,
        pages=group.pages,
        evidence=group.evidence,
        evidence_count=group.evidence_count,
        rationale=rule.rationale,
        references=[dict(reference) for reference in rule.references],
        remediation=rule.remediation,
        vendor=first.vendor,
        consent_states=[label for label in PAGE_STATE.values() if label in group.states],
    )
