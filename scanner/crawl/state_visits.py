"""Which pages each consent state's visitor visits, and when.

The crawl (the "before" state) finds the pages; every page it renders is visited again by
each other state's visitor, in its own browser context, so that the states can be
compared page by page. A visitor makes its choice on its first page and keeps it for the
rest of its visit, as people do: its other pages wait until that first page is over, then
go as fast as the crawl allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    first_sent: bool = False
    first_over: bool = False
    waiting: list[StateVisit] = field(default_factory=list)
    planned: int = 0


class StateVisits:
    """The visits of the states other than "before" (none when the scan has only it)."""

    def __init__(self, states: list[str]) -> None:
        self._visitors = {state: _Visitor() for state in states}

    @property
    def states(self) -> list[str]:
        return list(self._visitors)

    def planned(self, state: str) -> int:
        return self._visitors[state].planned

    def page_found(self, url: str, depth: int, via: str, found_on: str | None) -> list[StateVisit]:
        """A page the crawl rendered: the visits that may start now."""
        ready = []
        for state, visitor in self._visitors.items():
            visit = StateVisit(state, url, depth, via, found_on)
            visitor.planned += 1
            if visitor.first_over:
                ready.append(visit)
            elif not visitor.first_sent:
                visitor.first_sent = True
                ready.append(visit)
            else:
                visitor.waiting.append(visit)
        return ready

    def first_page_over(self, state: str) -> list[StateVisit]:
        """The state's first page is over (rendered or failed): its other pages go."""
        visitor = self._visitors[state]
        if visitor.first_over:
            return []
        visitor.first_over = True
        waiting, visitor.waiting = visitor.waiting, []
        return waiting
