"""Which pages each consent state's visitor visits, and when.

The crawl (the "before" state) finds the pages; every page it renders is visited again by
each other state's visitor, in its own browser context, so that the states can be
compared page by page. A visitor makes its choice on its first page and keeps it for the
rest of its visit, as people do: its other pages wait until that first page is over, then
go as fast as the crawl allows.

A visitor that makes a choice ("reject", "accept") starts on the first page where the
crawl saw a consent banner, then visits the pages rendered before it too. On a site where
no page shows a banner autoconsent knows it never starts: there is nothing to refuse or
accept, and its pages would repeat the crawl's at the cost of a second browser visit each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.consent_states import CHOICE_STATES


@dataclass(frozen=True)
class StateVisit:
    """One page to visit in one state, with where the crawl found it."""

    state: str
    url: str
    depth: int
    via: str
    found_on: str | None


@dataclass
class _Visitor:
    waits_for_banner: bool
    started: bool = False
    first_over: bool = False
    waiting: list[StateVisit] = field(default_factory=list)
    """Pages to visit once the first page is over (or, before the start, once it comes)."""
    planned: int = 0


class StateVisits:
    """The visits of the states other than "before" (none when the scan has only it)."""

    def __init__(self, states: list[str]) -> None:
        self._visitors = {state: _Visitor(state in CHOICE_STATES) for state in states}

    @property
    def states(self) -> list[str]:
        return list(self._visitors)

    def planned(self, state: str) -> int:
        return self._visitors[state].planned

    def page_found(
        self, url: str, depth: int, via: str, found_on: str | None, banner: bool
    ) -> list[StateVisit]:
        """A page the crawl rendered (``banner``: a consent banner autoconsent knows was
        seen on it): the visits that may start now."""
        ready = []
        for state, visitor in self._visitors.items():
            visit = StateVisit(state, url, depth, via, found_on)
            visitor.planned += 1
            if visitor.first_over:
                ready.append(visit)
            elif visitor.started or (visitor.waits_for_banner and not banner):
                visitor.waiting.append(visit)
            else:  # this page is the visitor's first: its choice is made there
                visitor.started = True
                ready.append(visit)
        return ready

    def first_page_over(self, state: str) -> list[StateVisit]:
        """The state's first page is over (rendered or failed): its other pages go."""
        visitor = self._visitors[state]
        if visitor.first_over:
            return []
        visitor.first_over = True
        waiting, visitor.waiting = visitor.waiting, []
        return waiting
