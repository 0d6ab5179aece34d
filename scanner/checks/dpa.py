"""DPA rules: each vendor's data-flow record against its data-processing agreement.

Runs only when a DPA folder is configured: then every vendor seen without an agreement
is a finding too, and every DPA file that could not be used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.consent_states import BEFORE
from scanner.dpa import Dpa, DpaSet, check_record, clause_number
from scanner.dpa.records import build_records
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation


def check(ctx: ScanContext) -> Iterator[Observation]:
    if ctx.dpas is None:
        return
    yield from _unusable_files(ctx, ctx.dpas)
    for state in ctx.states:
        for vendor_id, record in build_records(ctx.in_state(state)).items():
            dpa = ctx.dpas.for_vendor(vendor_id)
            if dpa is None:
                yield from _undeclared(record)
            else:
                yield from _violations(dpa, record, timed=state == BEFORE)


CRAWL_ONLY_FIELDS = frozenset({"latency_ms"})
"""Service levels are judged on the crawl's timings only: the other states' visitors load
the same pages while the crawl runs, so their timings measure the scanner's own load as
much as the vendor (their latencies are still in the data-flow records)."""


def _violations(dpa: Dpa, record: dict[str, Any], timed: bool) -> Iterator[Observation]:
    """The record against its DPA: the same clause broken in two consent states is one
    finding that names both. Without ``timed``, service levels are not judged."""
    agreement = dpa.agreement.get("name")
    for violation in check_record(dpa, record):
        if not timed and violation.field in CRAWL_ONLY_FIELDS:
            continue
        clause = clause_number(violation.clause) if violation.clause else None
        for page in _pages_concerned(record, violation.field, violation.details):
            yield Observation(
                "dpa-violation",
                f"{record['vendor_id']} {violation.field} {clause or ''}".strip(),
                page,
                violation.sentence,
                {
                    "kind": "dpa",
                    "consent_state": record["consent_state"],
                    "agreement": agreement,
                    "dpa_file": str(dpa.file),
                    "clause": violation.clause,
                    "field": violation.field,
                    "details": violation.details,
                },
                record["vendor_id"],
                violation.severity,
                record["consent_state"],
            )


def _pages_concerned(record: dict[str, Any], field: str, details: dict[str, Any]) -> list[str]:
    """The pages where the offending data was sent, when the record says; else all pages
    on which the vendor was seen."""
    if field in ("data_categories", "data_fields"):
        value = details.get("value")
        pages = [f["page"] for f in record["data_fields"] if f["category"] == value]
        if pages:
            return list(dict.fromkeys(pages))
    return record["pages"]


def _undeclared(record: dict[str, Any]) -> Iterator[Observation]:
    brought_by = [loader for loader in record["loaded_by"] if loader != "site"]
    by = f"; it was brought in by {', '.join(brought_by)}" if brought_by else ""
    message = (
        f"{record['vendor_name']} received data from the site "
        f"({', '.join(record['data_categories'])}) but the DPA folder has no agreement "
        f"for it{by}."
    )
    for page in record["pages"]:
        yield Observation(
            "dpa-undeclared-vendor",
            record["vendor_id"],
            page,
            message,
            {
                "kind": "vendor",
                "consent_state": record["consent_state"],
                "hosts": record["hosts"],
                "loaded_by": record["loaded_by"],
                "data_categories": record["data_categories"],
            },
            record["vendor_id"],
            consent_state=record["consent_state"],
        )


def _unusable_files(ctx: ScanContext, dpas: DpaSet) -> Iterator[Observation]:
    for problem in dpas.problems:
        yield Observation(
            "dpa-schema-invalid",
            str(problem.file),
            ctx.scan["start_url"],
            str(problem),
            {
                "kind": "dpa",
                "file": str(problem.file),
                "where": problem.where,
                "problem": problem.message,
            },
        )
