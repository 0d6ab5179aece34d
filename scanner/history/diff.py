"""What changed between two audits: new, removed and changed vendors, cookies and
findings, per consent state.

Two audits rarely see exactly the same pages. Page counts are compared on the pages both
saw, and an item new (or gone) only on pages the other audit did not see is marked as
such: it may be a new page rather than a change of the site. New items that are not on
the approved list come first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scanner.findings.model import severity_rank
from scanner.history.approved import Approval, ApprovedList
from scanner.history.snapshot import KINDS, AuditSnapshot, StateSnapshot

COMPARED_FIELDS = {
    "vendor": ("dpa_status", "categories", "hosts"),
    "cookie": ("party", "vendor", "lifetime_days", "flags"),
    "finding": ("severity",),
}
"""The attributes whose change makes an item "changed" (numbers such as requests and
bytes vary from visit to visit and are shown, not compared)."""
WORSE_DPA = ("compliant", "not-checked", "undeclared", "violations")
NOT_CHECKED = "not-checked"
STATUS_ORDER = {"new": 0, "changed": 1, "removed": 2}


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ItemChange:
    kind: str
    key: str
    label: str
    status: str
    """"new", "removed" or "changed"."""
    detail: str
    """What the item is now (or was, when removed), in a few words."""
    fields: tuple[FieldChange, ...] = ()
    worse: bool = False
    approval: Approval | None = None
    on_compared_pages: bool = True
    """False when it was seen only on pages one of the two audits did not visit."""

    @property
    def unapproved_new(self) -> bool:
        return self.status == "new" and self.approval is None and self.kind != "finding"


@dataclass(frozen=True)
class StateDiff:
    state: str
    changes: list[ItemChange]
    compared_pages: int
    pages_only_before: list[str]
    pages_only_after: list[str]

    def of(self, kind: str, status: str | None = None) -> list[ItemChange]:
        return [c for c in self.changes if c.kind == kind and status in (None, c.status)]


@dataclass(frozen=True)
class AuditDiff:
    before: AuditSnapshot
    after: AuditSnapshot
    states: list[StateDiff]
    states_only_before: list[str] = field(default_factory=list)
    states_only_after: list[str] = field(default_factory=list)

    def new(self, kind: str) -> list[ItemChange]:
        """New items of a kind over every state, each once (its first state's entry)."""
        seen: dict[str, ItemChange] = {}
        for state in self.states:
            for change in state.of(kind, "new"):
                seen.setdefault(change.key, change)
        return list(seen.values())

    def gate_failures(self, kinds: list[str]) -> dict[str, list[ItemChange]]:
        """New items of these kinds that make ``--fail-on-new`` fail: every new finding,
        and new vendors and cookies not on the approved list."""
        failing = {}
        for kind in kinds:
            found = [c for c in self.new(kind) if kind == "finding" or c.approval is None]
            if found:
                failing[kind] = found
        return failing

    @property
    def unchanged(self) -> bool:
        return not any(state.changes for state in self.states)


def diff_audits(
    before: AuditSnapshot, after: AuditSnapshot, approved: ApprovedList | None = None
) -> AuditDiff:
    approved = approved or ApprovedList()
    elapsed = _days_between(before, after)
    return AuditDiff(
        before=before,
        after=after,
        states=[
            _state_diff(before.states[s], after.states[s], approved, elapsed)
            for s in after.states
            if s in before.states
        ],
        states_only_before=[s for s in before.states if s not in after.states],
        states_only_after=[s for s in after.states if s not in before.states],
    )


def _state_diff(
    before: StateSnapshot, after: StateSnapshot, approved: ApprovedList, elapsed_days: float
) -> StateDiff:
    common = before.pages & after.pages
    changes: list[ItemChange] = []
    for kind in KINDS:
        old, new = before.entries(kind), after.entries(kind)
        for key in new.keys() - old.keys():
            changes.append(_change(kind, "new", new[key], approved, bool(new[key].pages & common)))
        for key in old.keys() - new.keys():
            changes.append(
                _change(kind, "removed", old[key], approved, bool(old[key].pages & common))
            )
        for key in new.keys() & old.keys():
            changed = _changed(kind, old[key], new[key], common, approved, elapsed_days)
            if changed is not None:
                changes.append(changed)
    changes.sort(key=change_order)
    return StateDiff(
        state=after.state,
        changes=changes,
        compared_pages=len(common),
        pages_only_before=sorted(before.pages - after.pages),
        pages_only_after=sorted(after.pages - before.pages),
    )


def change_order(change: ItemChange) -> tuple[Any, ...]:
    """New and unapproved first, then new approved, changed (worse first), removed."""
    return (
        STATUS_ORDER[change.status],
        change.approval is not None,
        not change.worse,
        KINDS.index(change.kind),
        change.label,
    )


def _change(
    kind: str,
    status: str,
    entry: Any,
    approved: ApprovedList,
    on_compared_pages: bool,
    fields: tuple[FieldChange, ...] = (),
    worse: bool = False,
) -> ItemChange:
    return ItemChange(
        kind=kind,
        key=entry.key,
        label=label(kind, entry),
        status=status,
        detail=detail(kind, entry),
        fields=fields,
        worse=worse,
        approval=_approval(kind, entry, approved),
        on_compared_pages=on_compared_pages,
    )


def _changed(
    kind: str,
    old: Any,
    new: Any,
    common: frozenset[str],
    approved: ApprovedList,
    elapsed_days: float,
) -> ItemChange | None:
    fields = [
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in COMPARED_FIELDS[kind]
        if getattr(old, name) != getattr(new, name) and _comparable(name, old, new, elapsed_days)
    ]
    if kind == "finding":
        before_pages, after_pages = len(old.pages & common), len(new.pages & common)
        if before_pages != after_pages:
            fields.append(FieldChange("pages", before_pages, after_pages))
    if not fields:
        return None
    return _change(kind, "changed", new, approved, True, tuple(fields), _worse(fields))


def _comparable(name: str, old: Any, new: Any, elapsed_days: float) -> bool:
    """A DPA status is compared only when both audits checked DPAs. A lifetime counts as
    changed when it moved by more than a day (or a tenth), and not by just the time
    between the audits: a cookie with a fixed Expires date lives shorter at every audit."""
    if name == "dpa_status":
        return NOT_CHECKED not in (old.dpa_status, new.dpa_status)
    if name == "lifetime_days" and None not in (old.lifetime_days, new.lifetime_days):
        before, after = old.lifetime_days, new.lifetime_days
        same_length = abs(after - before) <= max(1.0, 0.1 * max(before, after))
        same_expiry = abs(before - after - elapsed_days) <= 1.0
        return not (same_length or same_expiry)
    return True


def _days_between(before: AuditSnapshot, after: AuditSnapshot) -> float:
    try:
        start = datetime.fromisoformat(before.scan_started_at)
        end = datetime.fromisoformat(after.scan_started_at)
    except ValueError:
        return 0.0
    return (end - start).total_seconds() / 86400


def _worse(fields: list[FieldChange]) -> bool:
    return any(_field_worse(change) for change in fields)


def _field_worse(change: FieldChange) -> bool:
    """A higher severity, more pages, a worse DPA status, a longer life, a third party."""
    if change.name == "severity":
        return severity_rank(change.after) < severity_rank(change.before)
    if change.name == "pages":
        return change.after > change.before
    if change.name == "dpa_status":
        return _rank(WORSE_DPA, change.after) > _rank(WORSE_DPA, change.before)
    if change.name == "lifetime_days":
        return (change.after or 0) > (change.before or 0)
    if change.name == "party":
        return change.after == "third"
    return False


def _rank(order: tuple[str, ...], value: str) -> int:
    return order.index(value) if value in order else len(order)


def _approval(kind: str, entry: Any, approved: ApprovedList) -> Approval | None:
    if kind == "finding":
        return None
    return approved.approval(kind, entry.key, entry.name, getattr(entry, "domain", None))


def label(kind: str, entry: Any) -> str:
    if kind == "vendor":
        return entry.name
    if kind == "cookie":
        return f"{entry.name} ({entry.domain.lstrip('.')})"
    return f"{entry.title or entry.rule_id}: {readable_subject(entry.rule_id, entry.subject)}"


def readable_subject(rule_id: str, subject: str) -> str:
    """A cookie rule's subject ``name@domain`` as ``name (domain)``: written the other
    way it reads (and is redacted) as an e-mail address."""
    if rule_id.startswith("cookie-") and "@" in subject:
        name, domain = subject.rsplit("@", 1)
        return f"{name} ({domain.lstrip('.')})"
    return subject


def detail(kind: str, entry: Any) -> str:
    if kind == "vendor":
        categories = ", ".join(entry.categories) or "unknown category"
        return f"{categories}; DPA {entry.dpa_status}; {_page_count(entry.pages)}"
    if kind == "cookie":
        lifetime = "session" if entry.lifetime_days is None else f"{entry.lifetime_days:g} days"
        return f"{entry.party} party, {entry.vendor}, {lifetime}; {_page_count(entry.pages)}"
    return f"{entry.rule_id}, {entry.severity}; {_page_count(entry.pages)}"


def _page_count(pages: frozenset[str]) -> str:
    return f"{len(pages)} page{'s' if len(pages) != 1 else ''}"
