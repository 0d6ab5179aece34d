"""The report's comparison of consent states: what each visitor's choice changed.

Each consent state the scan visited is one column; each vendor and each cookie one row,
with the number of pages on which it was contacted or set in that state. Rows are
judged by the same tests the consent rules use (``scanner.checks.consent_choices``), so
the matrix cannot disagree with findings.json:

* "after reject": a tracking vendor contacted, or a non-essential cookie kept, after a
  refusal autoconsent made (the finding tracker-after-refusal / cookie-after-refusal);
* "only after accept": seen after "accept all" and in no state without consent: the
  site gates it correctly, which the report counts as good news.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from markupsafe import Markup

from scanner.checks.consent_choices import (
    non_essential_cookies,
    refusal_made,
    tracking_reason,
    vendor_contacts,
)
from scanner.classify.parties import Party
from scanner.consent_states import BEFORE
from scanner.dpa.records import build_records
from scanner.findings.context import ScanContext
from scanner.report import svg
from scanner.report.ecosystem import ecosystem_map
from scanner.report.inventory import ecosystem_graph, vendor_rows

STATE_TITLES = {
    "before": "Before a choice",
    "reject": "After “reject all”",
    "accept": "After “accept all”",
    "gpc": "With GPC, no choice",
}
AFTER_REJECT = "after reject"
ONLY_AFTER_ACCEPT = "only after accept"
ROWS_SHOWN = 60
"""Rows per matrix in the report; the rest are counted (findings.json has every one)."""


@dataclass(frozen=True)
class StateColumn:
    state: str
    title: str
    pages: int
    """Pages the state's visitor rendered."""
    not_visited: int
    choice: str
    """What the visitor's choice was, in a sentence."""


@dataclass
class MatrixRow:
    key: str
    """The vendor id, or the cookie's name@domain."""
    name: str
    detail: str
    pages: dict[str, int] = field(default_factory=dict)
    """State -> pages on which it was contacted / set; absent: never in that state."""
    concerning: set[str] = field(default_factory=set)
    """States in which it counts against the site (tracking, non-essential)."""
    status: str = ""

    def cells(self, states: list[str]) -> list[int | None]:
        return [self.pages.get(state) for state in states]


@dataclass(frozen=True)
class ConsentComparison:
    columns: list[StateColumn]
    vendors: list[MatrixRow]
    cookies: list[MatrixRow]
    refusal_made: bool
    """Whether the "reject" visitor's refusal was made (False without a "reject" state)."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(title, why) of each state asked for whose visitor did not visit."""
    rows_shown: int = ROWS_SHOWN

    @property
    def states(self) -> list[str]:
        return [column.state for column in self.columns]

    @staticmethod
    def still_after_reject(rows: list[MatrixRow]) -> list[MatrixRow]:
        return [row for row in rows if row.status == AFTER_REJECT]

    @staticmethod
    def gated(rows: list[MatrixRow]) -> list[MatrixRow]:
        return [row for row in rows if row.status == ONLY_AFTER_ACCEPT]


def consent_comparison(ctx: ScanContext) -> ConsentComparison | None:
    """The comparison of the scan's consent states; None when it asked for only one.
    A state whose visitor had nothing to choose is no column but is named with why."""
    states = ctx.states
    skipped = [(STATE_TITLES[state], why) for state, why in ctx.skipped_states.items()]
    if len(states) < 2 and not skipped:
        return None
    refused = "reject" in states and refusal_made(ctx)
    views = {state: ctx.in_state(state) for state in states}
    vendors = _rows(views, _vendors_seen)
    cookies = _rows(views, _cookies_seen)
    for row in [*vendors, *cookies]:
        row.status = _status(row, states, refused)
    return ConsentComparison(
        columns=[_column(view) for view in views.values()],
        vendors=_ordered(vendors),
        cookies=_ordered(cookies),
        refusal_made=refused,
        skipped=skipped,
    )


Seen = Iterator[tuple[str, str, str, bool]]
"""(key, name, detail, concerning) once per page on which a vendor or cookie was seen."""


def _rows(views: dict[str, ScanContext], seen: Callable[[ScanContext], Seen]) -> list[MatrixRow]:
    rows: dict[str, MatrixRow] = {}
    for state, view in views.items():
        for key, name, detail, concerning in seen(view):
            row = rows.setdefault(key, MatrixRow(key, name, detail))
            row.pages[state] = row.pages.get(state, 0) + 1
            if concerning:
                row.concerning.add(state)
    return list(rows.values())


def _vendors_seen(view: ScanContext) -> Seen:
    """Each third-party vendor once per page; concerning where the consent rules call
    its contact tracking."""
    for page in view.pages:
        tracking = {party.vendor_id for party, _, _ in vendor_contacts(view, page, tracking_reason)}
        parties: dict[str, Party] = {}
        for request in page["requests"]:
            party = view.party_of(request["url"])
            if party is not None and not party.first_party:
                parties.setdefault(party.vendor_id, party)
        for vendor_id, party in parties.items():
            categories = ", ".join(sorted(party.vendor.categories)) if party.vendor else ""
            detail = categories or "unidentified"
            yield vendor_id, party.vendor_name, detail, vendor_id in tracking


def _cookies_seen(view: ScanContext) -> Seen:
    """Each cookie kept (name and domain) once per page; concerning when not essential."""
    for page in view.pages:
        non_essential = {
            (cookie["name"], cookie["domain"]) for cookie, _, _ in non_essential_cookies(view, page)
        }
        kept = {
            (cookie["name"], cookie["domain"])
            for cookie in view.cookies_set(page)
            if cookie["outcome"] != "refused"
        }
        for name, domain in sorted(kept):
            yield f"{name}@{domain}", name, domain, (name, domain) in non_essential


def _status(row: MatrixRow, states: list[str], refused: bool) -> str:
    if refused and "reject" in row.concerning:
        return AFTER_REJECT
    without_consent = [state for state in states if state != "accept"]
    if "accept" in row.pages and not any(state in row.pages for state in without_consent):
        return ONLY_AFTER_ACCEPT
    return ""


_STATUS_ORDER = {AFTER_REJECT: 0, "": 1, ONLY_AFTER_ACCEPT: 2}


def _ordered(rows: list[MatrixRow]) -> list[MatrixRow]:
    """What still happens after "reject" first, then the rest, correctly gated last."""
    return sorted(rows, key=lambda row: (_STATUS_ORDER[row.status], row.name.casefold(), row.key))


def _column(view: ScanContext) -> StateColumn:
    rendered = sum(page["outcome"] == "rendered" for page in view.pages)
    if view.state == BEFORE:
        return StateColumn(view.state, STATE_TITLES[view.state], rendered, 0, "no choice made")
    visit = view.consent_visit(view.state) or {}
    not_visited = (visit.get("summary") or {}).get("not_visited", 0)
    return StateColumn(
        view.state, STATE_TITLES[view.state], rendered, not_visited, _choice_sentence(view)
    )


def _choice_sentence(view: ScanContext) -> str:
    """How the visitor's choice went, from the first page that made (or tried) one."""
    if view.state == "gpc":
        return "no choice made; Global Privacy Control sent"
    for page in view.pages:
        consent = page.get("consent") or {}
        choice = consent.get("choice")
        if not choice:
            continue
        where = f"on {view.page_url(page)} ({choice['cmp']})"
        verb = "refused" if choice["action"] == "optOut" else "accepted"
        if consent.get("cosmetic_only"):
            return f"banner only hidden by CSS {where}: no choice was made"
        if not choice["succeeded"]:
            return f"could not be {verb} {where}"
        clicks = (consent.get("done") or {}).get("clicks", 0)
        if not clicks:
            return f"{verb} {where}, through the CMP's own script (no click)"
        return f"{verb} {where}, {clicks} click{'s' if clicks != 1 else ''}"
    if any((page.get("consent") or {}).get("banner_shown") for page in view.pages):
        return "a banner was found but no choice could be made"
    return "no choice made: no page showed a banner autoconsent knows"


def accept_state_map(
    ctx: ScanContext, comparison: ConsentComparison, violating: set[str]
) -> Markup | None:
    """The ecosystem map after "accept all", the vendors also contacted after "reject
    all" outlined; None without an "accept" state."""
    if "accept" not in comparison.states:
        return None
    rows = vendor_rows(build_records(ctx.in_state("accept")), ctx.dpas, violating)
    flagged = {row.key for row in comparison.still_after_reject(comparison.vendors)}
    site, nodes, edges = ecosystem_graph(ctx.scan["site"] or "site", rows, flagged)
    return ecosystem_map(
        site,
        nodes,
        edges,
        title=f"Vendors after “accept all” on {svg.clean_text(site.label)}",
        flag_legend="also contacted after “reject all”",
    )
