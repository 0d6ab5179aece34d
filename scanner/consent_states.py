"""The visitor's consent states a scan can visit a site in, and their names in scan.json.

"before" is the crawl itself: the site seen before any choice on its consent banner.
Every other state is a visitor of its own (own browser profile and cookie jar) who visits
the pages the crawl found, makes its choice on the first page that shows a banner, and
keeps it: "reject" refuses, "accept" accepts, "gpc" makes no choice but sends Global
Privacy Control.
"""

from __future__ import annotations

STATES = ("before", "reject", "accept", "gpc")
DEFAULT_STATES = ("before", "reject", "accept")
BEFORE = "before"
CHOICE_STATES = frozenset({"reject", "accept"})
"""States whose visitor makes a choice on a banner: it starts on the first page where the
crawl saw one (see scanner.crawl.state_visits), and does not visit at all on a site where
no page showed one, since its pages would only repeat the crawl's."""
NO_BANNER = (
    "no page of the crawl showed a consent banner that autoconsent knows, so there was "
    "no choice to make"
)
"""Why a choice state's visitor did not visit the site (scan.json ``skipped``)."""
PAGE_STATE = {
    "before": "before-consent",
    "reject": "after-reject",
    "accept": "after-accept",
    "gpc": "with-gpc",
}
"""Each state's name in a page record's ``consent_state``."""


def state_problem(states: list[str]) -> str | None:
    """Why a list of states cannot be scanned, or None."""
    unknown = [state for state in states if state not in STATES]
    if unknown:
        return f"unknown state {unknown[0]!r} (choose from {', '.join(STATES)})"
    if len(set(states)) != len(states):
        return "a state is listed twice"
    if BEFORE not in states:
        return "must include 'before', the crawl that finds the pages the other states visit"
    return None
