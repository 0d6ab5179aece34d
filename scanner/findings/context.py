"""What every check reads: the scan result and its classification."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from scanner.classify.parties import Party, PartyClassifier
from scanner.classify.pii import PersonalDataFinder
from scanner.classify.trackers import TrackerMatcher
from scanner.consent_states import BEFORE, PAGE_STATE
from scanner.dpa import DpaSet
from scanner.findings.settings import RuleSettings

_CLEAR = frozenset({"plain", "url-encoded", "base64", "compressed"})
_NOT_SET = frozenset({"deleted"})


def serves_code_only(party: Party) -> bool:
    """A CDN or hosting provider: it delivers the code, it is not what the code is for.

    Until the vendor catalog answers this itself, its ``cdn`` category says so.
    """
    return party.has_category("cdn")


@dataclass
class ScanContext:
    scan: dict[str, Any]
    settings: RuleSettings
    parties: PartyClassifier
    trackers: TrackerMatcher
    dpas: DpaSet | None = None
    """The organisation's data-processing agreements, when a DPA folder is configured."""
    state: str = BEFORE
    """The consent state whose pages :attr:`pages` are (see :meth:`in_state`)."""

    @cached_property
    def pages(self) -> list[dict[str, Any]]:
        """Pages the browser rendered (failed ones too: what they loaded still counts),
        in this context's consent state."""
        if self.state == BEFORE:
            return [page for page in self.scan["pages"] if page["outcome"] != "not-html"]
        return self.state_pages(self.state) or []

    @property
    def state_label(self) -> str:
        """The state's name in scan.json and findings ("before-consent", "after-reject")."""
        return PAGE_STATE[self.state]

    @property
    def states(self) -> list[str]:
        """The consent states the scan visited: "before" first, then those with visits
        (not those whose visitor had nothing to choose: see :attr:`skipped_states`)."""
        visits = self.scan.get("consent_visits") or []
        return [BEFORE, *(visit["state"] for visit in visits if not visit.get("skipped"))]

    @property
    def skipped_states(self) -> dict[str, str]:
        """The consent states asked for whose visitor did not visit, with why."""
        visits = self.scan.get("consent_visits") or []
        return {visit["state"]: visit["skipped"] for visit in visits if visit.get("skipped")}

    def in_state(self, state: str) -> ScanContext:
        """The same scan, its pages those of a consent state (the classification, settings
        and DPAs are shared). The state must be one the scan visited."""
        if state == self.state:
            return self
        if state != BEFORE and self.consent_visit(state) is None:
            raise KeyError(f"the scan has no {state!r} consent state")
        view = dataclasses.replace(self, state=state)
        # what is known about personal data covers every state: computed once, shared
        for shared in ("personal_values", "personal_data"):
            if shared in self.__dict__:
                view.__dict__[shared] = self.__dict__[shared]
        return view

    def consent_visit(self, state: str) -> dict[str, Any] | None:
        """The scan's ``consent_visits`` entry of a state; None when it had no such state."""
        visits = self.scan.get("consent_visits") or []
        return next((visit for visit in visits if visit["state"] == state), None)

    def state_pages(self, state: str) -> list[dict[str, Any]] | None:
        """The pages a consent state's visitor rendered (or failed), as :attr:`pages`;
        None when the scan had no such state."""
        visit = self.consent_visit(state)
        if visit is None:
            return None
        return [page for page in visit["pages"] if page["outcome"] != "not-html"]

    @cached_property
    def personal_values(self) -> list[str]:
        """Personal data known to be in this scan: configured values and those seen in the
        clear (what the reports redact)."""
        return [*self.settings.known_personal_data, *self._personal_data_seen_in_the_clear()]

    @cached_property
    def personal_data(self) -> PersonalDataFinder:
        """The finder, knowing the personal values, so it recognises their hashes."""
        return PersonalDataFinder(self.personal_values)

    def _personal_data_seen_in_the_clear(self) -> set[str]:
        """E-mail addresses and phone numbers sent anywhere (in any consent state) in plain
        or encoded form.

        Knowing them lets the finder recognise their hashes (MD5, SHA-1, SHA-256) sent to
        other vendors: a hash on its own looks like any random identifier.
        """
        finder = PersonalDataFinder()
        seen: set[str] = set()
        for page in self._every_state_page():
            for found in finder.find_in_request(self.page_url(page), [], None, None):
                seen.add(found.value)
            for request in page["requests"]:
                for found in finder.find_in_record(request).found:
                    if found.category in ("email", "phone") and found.encoding in _CLEAR:
                        seen.add(found.value)
        return seen

    def _every_state_page(self) -> Iterator[dict[str, Any]]:
        for state in self.states:
            yield from self.in_state(state).pages

    def party_of(self, url: str) -> Party | None:
        host = urlsplit(url).hostname
        return self.parties.classify(host) if host else None

    def cookies_set(self, page: dict[str, Any]) -> list[dict[str, Any]]:
        """The page's cookie writes that tried to keep a cookie: stored or refused.

        Deletions, writes removed again in the same page view and cookie-domain probes
        are not cookies the site sets; no cookie rule looks at them.
        """
        return [
            cookie
            for cookie in page["cookies"]
            if cookie["outcome"] not in _NOT_SET and not cookie["probe"]
        ]

    def cookie_owner(self, cookie: dict[str, Any]) -> Party:
        """The party whose domain the cookie belongs to (a leading dot means subdomains)."""
        return self.parties.classify(cookie["domain"].lstrip("."))

    def cookie_setter(self, page: dict[str, Any], cookie: dict[str, Any]) -> Party | None:
        """The party that set the cookie: its response or script, else the page itself.

        A helper library served from a CDN or hosting provider (a cookie library from a
        public CDN) that writes a cookie on the site's own domain does it for the site:
        the site is the setter, the script stays named in the record's set_by_url.
        """
        page_party = self.party_of(self.page_url(page))
        if not cookie["set_by_url"]:
            return page_party
        setter = self.party_of(cookie["set_by_url"])
        if (
            setter is not None
            and not setter.first_party
            and serves_code_only(setter)
            and self.cookie_owner(cookie).first_party
        ):
            return page_party
        return setter

    def page_url(self, page: dict[str, Any]) -> str:
        return page.get("final_url") or page["url"]
