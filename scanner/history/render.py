"""The history and a diff as the terminal shows them, and as JSON for other programs."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from scanner.consent_states import PAGE_STATE
from scanner.findings.model import SEVERITIES
from scanner.history.diff import AuditDiff, ItemChange, StateDiff
from scanner.history.snapshot import KINDS, AuditSnapshot
from scanner.history.store import AuditRow
from scanner.report.text import clean

PAGES_LISTED = 10
MARKS = {"new": "+", "removed": "-", "changed": "~"}
PLURAL = {"vendor": "vendors", "cookie": "cookies", "finding": "findings"}
HEADERS = ("ID", "SCANNED", "SITE", "BY", "STATES", "PAGES", "VENDORS", "COOKIES", "FINDINGS")


def severity_counts(by_severity: dict[str, int]) -> str:
    """'2 high, 1 low' (or 'none')."""
    parts = [f"{by_severity[s]} {s}" for s in SEVERITIES if by_severity.get(s)]
    return ", ".join(parts) or "none"


def history_table(rows: list[AuditRow]) -> list[str]:
    """Audits as a table, newest first, with the folder each was written to under it."""
    cells = [
        (
            f"#{row.audit_id}",
            clean(row.scan_started_at),
            clean(row.site),
            row.origin,
            ",".join(row.consent_states),
            str(row.pages),
            str(row.vendors),
            str(row.cookies),
            severity_counts(row.by_severity),
        )
        for row in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(HEADERS)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)).rstrip()]
    for row, line in zip(rows, cells, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        lines.append(f"    {clean(row.folder, 1000)}")
    return lines


def history_json(rows: list[AuditRow]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]


def diff_text(diff: AuditDiff) -> list[str]:
    lines = [f"Comparing {_audit(diff.before)}", f"     with {_audit(diff.after)}"]
    for state in diff.states:
        lines += _state_text(state)
    for states, which in ((diff.states_only_before, "earlier"), (diff.states_only_after, "later")):
        if states:
            lines.append(
                f"Consent states only in the {which} audit (not compared): {', '.join(states)}"
            )
    lines.append(f"Summary: {summary_line(diff)}")
    return lines


def summary_line(diff: AuditDiff) -> str:
    """'2 new vendors (1 not approved), 1 new cookie; 1 removed vendor' over all states,
    with how many of the new and removed were seen only on pages not compared."""
    if not diff.states:
        return "no consent state in common, nothing compared."
    parts = []
    for kind in KINDS:
        new = diff.new(kind)
        if new:
            unapproved = sum(change.approval is None for change in new)
            note = f" ({unapproved} not approved)" if kind != "finding" and unapproved else ""
            parts.append(f"{count_text(len(new), 'new', kind)}{note}")
    removed = [
        count_text(
            len({c.key for s in diff.states for c in s.of(kind, "removed")}), "removed", kind
        )
        for kind in KINDS
        if any(s.of(kind, "removed") for s in diff.states)
    ]
    changed = len(
        {(c.kind, c.key) for s in diff.states for c in s.changes if c.status == "changed"}
    )
    text = ", ".join(parts) or "nothing new"
    if removed:
        text += "; " + ", ".join(removed)
    if changed:
        text += f"; {changed} changed"
    elsewhere = {
        (c.kind, c.key, c.status)
        for s in diff.states
        for c in s.changes
        if c.status != "changed" and not c.on_compared_pages
    }
    if elsewhere:
        text += f" ({len(elsewhere)} of the new and removed only on pages not compared)"
    return f"{text}."


def count_text(number: int, status: str, kind: str) -> str:
    return f"{number} {status} {kind if number == 1 else PLURAL[kind]}"


def _audit(snapshot: AuditSnapshot) -> str:
    folder = f" ({snapshot.folder})" if snapshot.folder else ""
    return clean(f"{snapshot.label}{folder}", 1000)


def _state_text(state: StateDiff) -> list[str]:
    name = PAGE_STATE.get(state.state, state.state)
    lines = [f"Consent state {name}: {state.compared_pages} pages seen by both audits"]
    if not state.changes:
        lines.append("  no change")
    for kind in KINDS:
        changes = state.of(kind)
        if changes:
            lines.append(f"  {PLURAL[kind].capitalize()}")
            lines += [f"    {_change_text(change)}" for change in changes]
    for pages, which in ((state.pages_only_before, "earlier"), (state.pages_only_after, "later")):
        if pages:
            shown = ", ".join(clean(page) for page in pages[:PAGES_LISTED])
            more = f" and {len(pages) - PAGES_LISTED} more" if len(pages) > PAGES_LISTED else ""
            lines.append(f"  Pages not compared, only in the {which} audit: {shown}{more}")
    return lines


def _change_text(change: ItemChange) -> str:
    text = (
        f"{MARKS[change.status]} {change.status:<7} {clean(change.label)} ({clean(change.detail)})"
    )
    if change.fields:
        text += ": " + "; ".join(
            f"{f.name} {clean(field_value(f.before))} -> {clean(field_value(f.after))}"
            for f in change.fields
        )
    if change.kind != "finding" and change.status != "removed":
        if change.approval is None:
            text += " [not approved]"
        else:
            approval = change.approval
            text += f" [approved by {clean(approval.approved_by)}: {clean(approval.reason)}]"
    if not change.on_compared_pages:
        text += " [only on pages not compared]"
    return text


def field_value(value: Any) -> str:
    """A changed attribute's value as text: lists bracketed, no lifetime a session."""
    if isinstance(value, tuple | list):
        return "[" + ", ".join(map(str, value)) + "]"
    return "session" if value is None else str(value)


def diff_json(diff: AuditDiff) -> dict[str, Any]:
    return {
        "before": _audit_json(diff.before),
        "after": _audit_json(diff.after),
        "states": [
            {
                "state": state.state,
                "compared_pages": state.compared_pages,
                "pages_only_before": state.pages_only_before,
                "pages_only_after": state.pages_only_after,
                "changes": [_change_json(change) for change in state.changes],
            }
            for state in diff.states
        ],
        "states_only_before": diff.states_only_before,
        "states_only_after": diff.states_only_after,
    }


def _audit_json(snapshot: AuditSnapshot) -> dict[str, Any]:
    return {
        "audit_id": snapshot.audit_id,
        "site": snapshot.site,
        "scan_started_at": snapshot.scan_started_at,
        "folder": snapshot.folder,
        "consent_states": list(snapshot.states),
    }


def _change_json(change: ItemChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "key": change.key,
        "label": change.label,
        "status": change.status,
        "detail": change.detail,
        "fields": [{"name": f.name, "before": f.before, "after": f.after} for f in change.fields],
        "worse": change.worse,
        "approved": None if change.approval is None else asdict(change.approval),
        "on_compared_pages": change.on_compared_pages,
    }
