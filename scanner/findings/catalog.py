"""The rule catalog (rules/catalog.json): metadata of every rule, as data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from scanner.resources import data_dir, load_schema


@dataclass(frozen=True)
class Rule:
    id: str
    area: str
    title: str
    severity: str
    rationale: str
    references: tuple[dict[str, str], ...]
    remediation: str


class RuleCatalog:
    def __init__(self, rules: list[Rule]) -> None:
        self._rules = {rule.id: rule for rule in rules}

    @classmethod
    def load(cls, path: Path | None = None) -> RuleCatalog:
        path = path or data_dir("rules") / "catalog.json"
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator(load_schema("rule-catalog.schema.json")).validate(document)
        return cls(
            [
                Rule(**{**entry, "references": tuple(entry["references"])})
                for entry in document["rules"]
            ]
        )

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)
