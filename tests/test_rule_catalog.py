"""The rule catalog and the checks agree: every rule can be produced, every produced
rule has its catalog entry, and the data files validate."""

from __future__ import annotations

import re
from pathlib import Path

from scanner.checks.csp.evaluator import SEVERITY
from scanner.checks.headers import RULE_FOR_RESULT
from scanner.findings.catalog import RuleCatalog

CHECKS_DIR = Path(__file__).resolve().parent.parent / "scanner" / "checks"


def _rule_ids_in_check_code() -> set[str]:
    found: set[str] = set()
    catalog = RuleCatalog.load()
    for path in CHECKS_DIR.glob("*.py"):
        for literal in re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+)+)"', path.read_text()):
            if literal in catalog:
                found.add(literal)
    return found


def test_every_catalog_rule_has_a_check_that_can_produce_it() -> None:
    catalog_ids = {rule.id for rule in RuleCatalog.load()}
    producible = _rule_ids_in_check_code() | set(RULE_FOR_RESULT.values()) | set(SEVERITY)
    assert catalog_ids - producible == set()


def test_every_evaluator_weakness_and_header_result_has_a_catalog_entry() -> None:
    catalog = RuleCatalog.load()
    assert {rule_id for rule_id in SEVERITY if rule_id not in catalog} == set()
    assert {rule_id for rule_id in RULE_FOR_RESULT.values() if rule_id not in catalog} == set()


def test_catalog_entries_carry_legal_or_security_grounds() -> None:
    for rule in RuleCatalog.load():
        assert rule.references, rule.id
        assert rule.rationale.endswith(".") and rule.remediation.endswith("."), rule.id
