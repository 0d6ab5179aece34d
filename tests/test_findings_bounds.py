"""No single value a site sends can multiply the findings: evidence strings are cut with
their length stated, lists are capped, subjects and messages stay readable."""

from __future__ import annotations

import json
from collections.abc import Iterator

from scanner.findings.bounds import MAX_LIST_ITEMS, MAX_SUBJECT_CHARS, MAX_TEXT_CHARS, bounded
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation
from tests.rule_fixtures import HOME, findings_of, page, scan

HUGE = "script-src " + " ".join(f"https://cdn{n}.example" for n in range(3_000))


def _flood(ctx: ScanContext) -> Iterator[Observation]:
    """A check that repeats a 60 KB value in every observation, on 200 pages."""
    for number in range(200):
        yield Observation(
            rule_id="csp-missing",
            subject="x" * 5_000,
            page=f"{HOME}p{number}",
            message="The policy " + HUGE,
            evidence={"policy": HUGE, "sources": HUGE.split(), "count": 3_000},
        )


def test_a_huge_value_repeated_on_every_page_stays_one_bounded_finding() -> None:
    [finding] = findings_of(scan(page()), _flood)
    assert len(finding.pages) == 200 and finding.evidence_count == 200
    size = len(json.dumps(finding.evidence))
    assert size < 20 * (MAX_TEXT_CHARS + MAX_LIST_ITEMS * 40 + 200), size
    first = finding.evidence[0]
    assert first["policy"].startswith("script-src https://cdn0.example")
    assert f"[cut: {len(HUGE):,} characters in all]" in first["policy"]
    assert len(first["sources"]) == MAX_LIST_ITEMS + 1
    assert first["sources"][-1] == f"[cut: {3_001 - MAX_LIST_ITEMS:,} more items]"
    assert first["count"] == 3_000
    assert len(finding.subject) < MAX_SUBJECT_CHARS + 50
    assert finding.message.endswith("(on 200 pages)")
    assert len(finding.message) < MAX_TEXT_CHARS + 100


def test_short_values_pass_unchanged() -> None:
    evidence = {"cookie": "_ga", "values": ["a", "b"], "nested": {"n": 1, "t": "text"}}
    assert bounded(evidence) == evidence
