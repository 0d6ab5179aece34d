"""Checks scan results against schemas/scan-result.schema.json (JSON Schema 2020-12)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from scanner.resources import load_schema

SCAN_SCHEMA = "scan-result.schema.json"
MAX_PROBLEMS = 20


@cache
def _validators() -> tuple[Draft202012Validator, Draft202012Validator]:
    schema = load_schema(SCAN_SCHEMA)
    registry: Registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    page = Draft202012Validator({"$ref": f"{schema['$id']}#/$defs/page"}, registry=registry)
    return Draft202012Validator(schema, registry=registry), page


def _describe(error: ValidationError) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.path)
    return f"{where.lstrip('.') or '(top level)'}: {error.message}"


def page_problems(page: dict[str, Any]) -> list[str]:
    """Schema problems of one page record (empty when valid)."""
    _, validator = _validators()
    return [_describe(error) for error in validator.iter_errors(page)][:MAX_PROBLEMS]


def scan_file_problems(path: Path) -> list[str]:
    """Schema problems of a whole scan.json file (empty when valid)."""
    validator, _ = _validators()
    document = json.loads(path.read_text(encoding="utf-8"))
    return [_describe(error) for error in validator.iter_errors(document)][:MAX_PROBLEMS]
