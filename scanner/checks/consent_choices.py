"""Consent rules that compare the visitor's states: what still happens after "reject",
what Global Privacy Control changes, whether a banner exists and whether a choice holds.

The "before" pages are the crawl (``ScanContext.pages``); each other state's pages are
its own visitor's (``ScanContext.state_pages``). A state the scan did not visit raises
nothing here. A "reject" visitor whose refusal autoconsent could not make is no evidence
against the site: its pages are judged only after a refusal that autoconsent reports as
made (and not merely a banner hidden by CSS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from scanner.checks.cookies import NON_ESSENTIAL_CATEGORIES, non_essential_purpose
from scanner.classify.parties import Party
from scanner.consent_states import PAGE_STATE
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

GPC_CATEGORIES = frozenset({"advertising", "social", "affiliate"})
"""Vendors whose contact GPC asks to stop: selling and sharing for cross-context ads."""


def check(ctx: ScanContext) -> Iterator[Observation]:
    yield from _banner_missing(ctx)
    for state in ("reject", "accept"):
        yield from _choice_not_kept(ctx, state)
    reject = ctx.state_pages("reject")
    if reject and refusal_made(ctx):
        yield from _after_refusal(ctx.in_state("reject"))
    gpc = ctx.state_pages("gpc")
    if gpc:
        yield from _gpc_ignored(ctx, gpc)


def refusal_made(ctx: ScanContext) -> bool:
    """Whether the "reject" visitor's refusal was made (not only hidden by CSS)."""
    for page in ctx.state_pages("reject") or []:
        consent = page.get("consent") or {}
        choice = consent.get("choice") or {}
        if choice.get("action") == "optOut" and choice.get("succeeded"):
            return not consent.get("cosmetic_only")
    return False


def tracking_reason(
    ctx: ScanContext, party: Party, request: dict[str, Any], url: str
) -> str | None:
    """Why a vendor's request is tracking: its categories, or a filter list's match."""
    categories = (
        sorted(set(party.vendor.categories) & NON_ESSENTIAL_CATEGORIES) if party.vendor else []
    )
    if categories:
        return ", ".join(categories)
    if ctx.trackers.is_tracking(request["url"], url, request["resource_type"]):
        return "matches a tracker filter list"
    return None


Reason = Callable[[ScanContext, Party, dict[str, Any], str], str | None]


def vendor_contacts(
    ctx: ScanContext, page: dict[str, Any], reason_of: Reason
) -> Iterator[tuple[Party, dict[str, Any], str]]:
    """Each third-party vendor of the page once, at its first request with a reason."""
    url = ctx.page_url(page)
    seen: set[str] = set()
    for request in page["requests"]:
        party = ctx.party_of(request["url"])
        if party is None or party.first_party or party.vendor_id in seen:
            continue
        reason = reason_of(ctx, party, request, url)
        if reason is not None:
            seen.add(party.vendor_id)
            yield party, request, reason


def gpc_reason(ctx: ScanContext, party: Party, request: dict[str, Any], url: str) -> str | None:
    """The categories for which GPC asks a vendor not to be contacted, if any."""
    categories = sorted(set(party.vendor.categories) & GPC_CATEGORIES) if party.vendor else []
    return ", ".join(categories) or None


def non_essential_cookies(
    ctx: ScanContext, page: dict[str, Any]
) -> Iterator[tuple[dict[str, Any], Party | None, str]]:
    """The non-essential cookies the page kept (not those the browser refused), with
    their setter and why they are not essential."""
    for cookie in ctx.cookies_set(page):
        if cookie["outcome"] == "refused":
            continue
        setter = ctx.cookie_setter(page, cookie)
        purpose = non_essential_purpose(cookie, setter)
        if purpose is not None:
            yield cookie, setter, purpose


def _after_refusal(ctx: ScanContext) -> Iterator[Observation]:
    """``ctx`` is the "reject" state's."""
    for page in ctx.pages:
        url = ctx.page_url(page)
        for party, request, reason in vendor_contacts(ctx, page, tracking_reason):
            yield Observation(
                "tracker-after-refusal",
                party.vendor_id,
                url,
                f"{party.vendor_name} ({reason}) was contacted after the visitor refused consent.",
                request_evidence(request, party, reason, "after-reject"),
                party.vendor_id,
                consent_state="after-reject",
            )
        for cookie, setter, purpose in non_essential_cookies(ctx, page):
            yield Observation(
                "cookie-after-refusal",
                f"{cookie['name']}@{cookie['domain']}",
                url,
                f"Cookie {cookie['name']} ({cookie['domain']}, {purpose}) was set after the "
                "visitor refused consent.",
                {
                    "kind": "cookie",
                    "consent_state": "after-reject",
                    "name": cookie["name"],
                    "domain": cookie["domain"],
                    "set_by": cookie["set_by_url"],
                    "purpose": purpose,
                },
                setter.vendor_id if setter and not setter.first_party else None,
                consent_state="after-reject",
            )


def _gpc_ignored(ctx: ScanContext, pages: list[dict[str, Any]]) -> Iterator[Observation]:
    for page in pages:
        url = ctx.page_url(page)
        for party, request, reason in vendor_contacts(ctx, page, gpc_reason):
            yield Observation(
                "gpc-ignored",
                party.vendor_id,
                url,
                f"{party.vendor_name} ({reason}) was contacted although the visitor's browser "
                "sent Global Privacy Control.",
                request_evidence(request, party, reason, "with-gpc"),
                party.vendor_id,
                consent_state="with-gpc",
            )


def _banner_missing(ctx: ScanContext) -> Iterator[Observation]:
    """Trackers or non-essential cookies before consent, and no page showed a banner."""
    if any((page.get("consent") or {}).get("banner_shown") for page in ctx.pages):
        return
    if any(page.get("consent") is None for page in ctx.pages):
        return  # a page the consent automation did not watch may have shown one
    for page in ctx.pages:
        url = ctx.page_url(page)
        for party, request, reason in vendor_contacts(ctx, page, tracking_reason):
            yield Observation(
                "consent-banner-missing",
                ctx.scan["site"] or url,
                url,
                f"No page showed a consent banner that autoconsent knows, yet "
                f"{party.vendor_name} ({reason}) was contacted.",
                request_evidence(request, party, reason, "before-consent"),
            )
            return


def _choice_not_kept(ctx: ScanContext, state: str) -> Iterator[Observation]:
    visit = ctx.consent_visit(state)
    if visit is None or visit["choice"] is None:
        return
    for url in visit["banner_again"]:
        yield Observation(
            "consent-choice-not-kept",
            ctx.scan["site"] or url,
            url,
            f"The consent banner came back on this page after the visitor chose "
            f"({visit['choice']['action']} on {visit['choice']['page']}).",
            {"kind": "consent", "consent_state": PAGE_STATE[state], "choice": visit["choice"]},
            consent_state=PAGE_STATE[state],
        )


def request_evidence(
    request: dict[str, Any], party: Party, reason: str, state: str
) -> dict[str, Any]:
    return {
        "kind": "request",
        "consent_state": state,
        "url": request["url"],
        "method": request["method"],
        "vendor": party.vendor_name,
        "why": reason,
    }
