"""The report's "change since the last audit", from the audit history's diff.

One row per item and status over every consent state (a vendor new in three states is
one row naming the three); new items that are not approved first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.consent_states import PAGE_STATE
from scanner.history.diff import ItemChange, change_order
from scanner.history.recorder import AuditComparison
from scanner.history.render import field_value, summary_line
from scanner.report.trend import trend_chart

ROWS_SHOWN = 60


@dataclass(frozen=True)
class ChangeRow:
    change: ItemChange
    states: list[str]
    """The consent states' names ("before-consent", "after-reject")."""

    @property
    def fields(self) -> list[tuple[str, str, str]]:
        """Changed attributes: name, value before, value now, as text."""
        return [
            (f.name.replace("_", " "), field_value(f.before), field_value(f.after))
            for f in self.change.fields
        ]


def change_section(comparison: AuditComparison | None) -> dict[str, Any] | None:
    """What the templates show; None when the report was made without a comparison."""
    if comparison is None:
        return None
    diff = comparison.diff
    section: dict[str, Any] = {
        "history": comparison.history,
        "previous": None,
        "trend": None,
        "rows_shown": ROWS_SHOWN,
    }
    if len(comparison.trend) >= 2:
        section["trend"] = trend_chart(
            comparison.trend, title="Findings by severity, vendors and cookies per audit"
        )
    if diff is None:
        return section
    rows: dict[tuple[str, str, str], ChangeRow] = {}
    for state in diff.states:
        for change in state.changes:
            key = (change.kind, change.key, change.status)
            row = rows.setdefault(key, ChangeRow(change, []))
            row.states.append(PAGE_STATE.get(state.state, state.state))
    not_compared = [
        {
            "state": PAGE_STATE.get(state.state, state.state),
            "only_before": len(state.pages_only_before),
            "only_after": len(state.pages_only_after),
            "compared": state.compared_pages,
        }
        for state in diff.states
        if state.pages_only_before or state.pages_only_after
    ]
    section.update(
        previous=diff.before,
        summary=summary_line(diff),
        rows=sorted(rows.values(), key=lambda row: change_order(row.change)),
        unapproved=[row for row in rows.values() if row.change.unapproved_new],
        not_compared=not_compared,
        states_only_before=[PAGE_STATE.get(s, s) for s in diff.states_only_before],
        states_only_after=[PAGE_STATE.get(s, s) for s in diff.states_only_after],
    )
    return section
