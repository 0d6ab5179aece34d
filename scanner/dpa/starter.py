"""``scanner dpa init``: a starting DPA schema for a vendor, from what a scan saw.

Every constraint allows exactly what was observed, with TODO clauses: the privacy team
replaces them with the contract's clauses and tightens what the contract does not allow.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

TODO_CLAUSE = "TODO: the contract clause (number and text) that allows this"


def starter_schema(record: dict[str, Any], site: str) -> dict[str, Any]:
    today = datetime.now(UTC).date().isoformat()
    properties: dict[str, Any] = {
        "hosts": _allowed(record["hosts"]),
        "data_categories": _allowed(record["data_categories"]),
        "before_consent": {"x-clause": TODO_CLAUSE, "const": record["before_consent"]},
        "loads": {**_allowed(record["loads"]), "maxItems": len(record["loads"])},
        "insecure_requests": {"x-clause": TODO_CLAUSE, "maximum": record["insecure_requests"]},
    }
    if record["countries"]:
        properties["countries"] = _allowed(record["countries"])
    lifetimes = [c["lifetime_days"] for c in record["cookies"] if c["lifetime_days"] is not None]
    if lifetimes:
        properties["cookies"] = {
            "x-clause": TODO_CLAUSE,
            "items": {"properties": {"lifetime_days": {"maximum": math.ceil(max(lifetimes))}}},
        }
    if record["latency_ms"]["p95"] is not None:
        properties["latency_ms"] = {
            "x-clause": TODO_CLAUSE,
            "properties": {"p95": {"maximum": math.ceil(record["latency_ms"]["p95"])}},
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://dpa.example.invalid/{record['vendor_id']}.json",
        "title": f"{record['vendor_name']}: data processing agreement (draft)",
        "description": (
            f"Written by scanner dpa init from the scan of {site} on {today}. Each constraint "
            "allows exactly what that scan saw: replace every TODO with the agreement's own "
            "clause and tighten whatever the agreement does not allow."
        ),
        "x-vendor": record["vendor_id"],
        "x-agreement": {
            "name": "TODO: the agreement's name",
            "date": today,
            "owner": "TODO: who owns this agreement",
        },
        "type": "object",
        "properties": properties,
    }


def _allowed(values: list[str]) -> dict[str, Any]:
    return {"x-clause": TODO_CLAUSE, "items": {"enum": list(values)}}
