"""The history around one audit: what it is compared with, its trend, and its record.

The history never stands in the way of an audit: when the database cannot be used, the
recorder says so in one line and the audit folder is written without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from scanner.errors import UserError
from scanner.history.approved import ApprovedList
from scanner.history.database import HistoryError
from scanner.history.diff import AuditDiff, diff_audits
from scanner.history.folder import snapshot_of_folder
from scanner.history.snapshot import AuditSnapshot
from scanner.history.store import History

T = TypeVar("T")
TREND_AUDITS = 8
"""Audits in the report's trend picture, this one included."""


@dataclass(frozen=True)
class TrendPoint:
    label: str
    """The scan's date."""
    by_severity: dict[str, int]
    vendors: int
    cookies: int


@dataclass(frozen=True)
class AuditComparison:
    """What the report says about change: the diff with the previous audit (None for the
    site's first) and the trend over the last audits, oldest first."""

    diff: AuditDiff | None
    trend: list[TrendPoint]
    history: str | None
    """The history it comes from (None without one: --no-history, or it failed)."""


class AuditRecorder:
    def __init__(
        self, location: str | None, approved: ApprovedList, warn: Callable[[str], None]
    ) -> None:
        self.approved = approved
        self.warn = warn
        self.history: History | None = None
        self.history_where = location or ""
        if location is not None:
            try:
                self.history = History(location)
                self.history_where = self.history.where
            except HistoryError as error:
                self._lost(error)

    def _lost(self, error: HistoryError) -> None:
        self.warn(f"warning: {error}; the audit folder is written without the history")
        if self.history is not None:
            self.history.close()
        self.history = None

    def comparison(
        self, current: AuditSnapshot, previous_dir: Path | None
    ) -> AuditComparison | None:
        """The previous audit: ``previous_dir``'s when given, else the site's last one in
        the history; None without either (no history, or it failed, and no folder)."""
        previous = self._previous(current, previous_dir)
        if previous is None and self.history is None:
            return None
        diff = diff_audits(previous, current, self.approved) if previous is not None else None
        trend = self._trend(current)
        where = self.history.where if self.history is not None else None
        return AuditComparison(diff, trend, where)

    def _previous(self, current: AuditSnapshot, previous_dir: Path | None) -> AuditSnapshot | None:
        if previous_dir is not None:
            recorded = self._guarded(lambda h: h.by_folder(previous_dir))
            if recorded is not None:
                return self._guarded(lambda h: h.load(recorded))
            try:
                return snapshot_of_folder(previous_dir)
            except UserError as error:  # e.g. encrypted: the chain link is still made
                self.warn(f"warning: --previous {previous_dir}: no comparison ({error})")
                return None
        ids = self._guarded(
            lambda h: (
                h.latest_of_scans(current.site, current, start_url=current.start_url)
                or h.latest_of_scans(current.site, current)
            )
        )  # the last audit from the same start URL (a full audit, not a campaign check)
        return self._guarded(lambda h: h.load(ids[0])) if ids else None

    def _trend(self, current: AuditSnapshot) -> list[TrendPoint]:
        ids = self._guarded(lambda h: h.latest_of_scans(current.site, current, TREND_AUDITS - 1))
        rows = self._guarded(lambda h: h.audits(ids=ids)) if ids else None
        points = [
            TrendPoint(row.scan_started_at[:10], row.by_severity, row.vendors, row.cookies)
            for row in reversed(rows or [])
        ]
        points.append(
            TrendPoint(
                current.scan_started_at[:10],
                current.by_severity,
                current.distinct("vendor"),
                current.distinct("cookie"),
            )
        )
        return points

    def record(self, current: AuditSnapshot) -> AuditSnapshot | None:
        """Store the audit; the snapshot with its id, or None without a history."""
        audit_id = self._guarded(lambda h: h.record(current))
        return None if audit_id is None else replace(current, audit_id=audit_id)

    def _guarded(self, action: Callable[[History], T]) -> T | None:
        if self.history is None:
            return None
        try:
            return action(self.history)
        except HistoryError as error:
            self._lost(error)
            return None
        except Exception as error:  # the history is beside the audit: never its end
            where = self.history_where
            self._lost(HistoryError(f"history {where}: internal error ({error!r}), please report"))
            return None

    def close(self) -> None:
        if self.history is not None:
            self.history.close()
