"""Consent rules on what the site itself signals: its CMP's consent strings, its GPC
claim, and what its banner's first layer offers.

- ``consent-string-contradicted``: a page's own TC string (``__tcfapi``, or GPP's
  tcfeuv2 section) says GDPR applies and grants no consent for purpose 1 ("store and/or
  access information on a device") or none to any vendor, yet a tracking or advertising
  vendor was contacted from that page, in any state. Purpose level only: the vendor
  catalog has no TCF (Global Vendor List) ids, so a vendor's own consent bit cannot be
  looked up; the evidence says so.
- ``gpc-signal-not-honoured``: with Global Privacy Control on, the page's US Privacy
  string (``__uspapi`` or GPP uspv1) says "not opted out of sale", or GPP's usnat
  section says not opted out of sale or sharing, or says GPC is off ("not applicable"
  answers are no finding: the law or the sale may not apply); and a site whose
  ``/.well-known/gpc.json`` claims ``gpc: true`` while advertising vendors are still
  contacted under GPC. Its own rule, not more of ``gpc-ignored``: these are what the site
  tells vendors and the public (a string saying "not opted out" passes the sale on
  server to server, where no request of the page shows it; a false public claim is a
  misrepresentation of its own), while ``gpc-ignored`` is each vendor contact.
- ``consent-refusal-not-on-first-layer``: before any choice, the banner's first layer
  offers an acceptance and no refusal (read by the heuristic of
  :mod:`scanner.capture.first_layer`, never by clicking).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from scanner.checks.consent_choices import (
    gpc_reason,
    request_evidence,
    tracking_reason,
    vendor_contacts,
)
from scanner.consent_states import PAGE_STATE
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

STORE_AND_ACCESS = 1
"""TCF purpose 1: store and/or access information on a device (ePrivacy Art. 5(3))."""
TCF_SECTION, USP_SECTION, USNAT_SECTION = 2, 6, 7
"""GPP section ids: tcfeuv2, uspv1, usnat."""
OPTED_OUT, DID_NOT_OPT_OUT = 1, 2
"""usnat's opt-out answers (0 is "not applicable": e.g. the business does not sell)."""
PURPOSE_LEVEL_ONLY = (
    "Checked per purpose only: the scanner's vendor catalog has no TCF vendor ids, so the "
    "vendor's own consent in the string was not looked up."
)
FIRST_LAYER_HEURISTIC = (
    "Read from the page, nothing clicked: visible controls of dialogs, fixed boxes and "
    "elements named after cookie banners or CMPs, their labels matched against word lists."
)
GPC_JSON_SUBJECT = "/.well-known/gpc.json"
USP_SUBJECT = "US Privacy string"
USNAT_SUBJECT = "GPP usnat section"


def check(ctx: ScanContext) -> Iterator[Observation]:
    for state in ctx.states:
        for page in ctx.in_state(state).pages:
            yield from _contradicted(ctx, page, PAGE_STATE[state])
    gpc = ctx.state_pages("gpc")
    if gpc:
        yield from _gpc_strings(ctx, gpc)
        yield from _gpc_claim(ctx, gpc)
    yield from _refusal_not_on_first_layer(ctx)


# -- the TC string says no, the vendor is contacted ---------------------------------------


def _contradicted(ctx: ScanContext, page: dict[str, Any], state: str) -> Iterator[Observation]:
    refusing = next(_refusing_strings(page), None)
    if refusing is None:
        return
    source, string, decoded, says = refusing
    url = ctx.page_url(page)
    for party, request, reason in vendor_contacts(ctx, page, tracking_reason):
        yield Observation(
            "consent-string-contradicted",
            party.vendor_id,
            url,
            f"The page's TC string ({source}) says {' and '.join(says)}, yet "
            f"{party.vendor_name} ({reason}) was contacted.",
            {
                **request_evidence(request, party, reason, state),
                "source": source,
                "says": says,
                "tc_string": string,
                "cmp_id": decoded["cmp_id"],
                "purposes_consent": decoded["purposes_consent"],
                "vendors_with_consent": len(decoded["vendor_consents"]),
                "string_sent_to_vendor": _carries(request, string),
                "limit": PURPOSE_LEVEL_ONLY,
            },
            party.vendor_id,
            consent_state=state,
        )


def _refusing_strings(
    page: dict[str, Any],
) -> Iterator[tuple[str, str, dict[str, Any], list[str]]]:
    """(source, string, decoded, what it says no to) for each TC string of the page that
    applies GDPR and refuses purpose 1 or every vendor."""
    signals = page.get("consent_signals") or {}
    tcf = signals.get("tcf") or {}
    if tcf.get("gdpr_applies") is True and tcf.get("decoded"):
        says = _says_no(tcf["decoded"])
        if says:
            yield "__tcfapi", tcf["tc_string"], tcf["decoded"], says
    gpp = signals.get("gpp") or {}
    if TCF_SECTION in (gpp.get("applicable_sections") or []):
        for content in _sections(gpp, TCF_SECTION):
            says = _says_no(content)
            if says:
                yield "__gpp tcfeuv2", gpp["gpp_string"], content, says


def _says_no(decoded: dict[str, Any]) -> list[str]:
    says = []
    if STORE_AND_ACCESS not in decoded["purposes_consent"]:
        says.append("no consent for purpose 1 (store and/or access information on a device)")
    if not decoded["vendor_consents"]:
        says.append("no vendor has consent")
    return says


def _carries(request: dict[str, Any], string: str) -> bool:
    """Whether the request passed the consent string on (in its URL or its body)."""
    body = (request.get("body") or {}).get("text") or ""
    return any(string in text for text in (request["url"], unquote(request["url"]), body))


# -- GPC ------------------------------------------------------------------------------


def _gpc_strings(ctx: ScanContext, pages: list[dict[str, Any]]) -> Iterator[Observation]:
    """US Privacy and usnat strings that do not say opted out while GPC was sent."""
    for page in pages:
        url = ctx.page_url(page)
        signals = page.get("consent_signals") or {}
        usp = signals.get("us_privacy") or {}
        gpp = signals.get("gpp") or {}
        strings = [("__uspapi", usp.get("usp_string"), usp.get("decoded"))]
        strings += [("__gpp uspv1", gpp.get("gpp_string"), c) for c in _sections(gpp, USP_SECTION)]
        for source, string, decoded in strings:
            if decoded and decoded["opted_out_of_sale"] is False:  # "-" is not applicable
                yield _gpc_string(USP_SUBJECT, url, source, string, ["opted out of sale: N (no)"])
        for usnat in _sections(gpp, USNAT_SECTION):
            says = _usnat_not_opted_out(usnat)
            if says:
                yield _gpc_string(USNAT_SUBJECT, url, "__gpp usnat", gpp["gpp_string"], says)


def _usnat_not_opted_out(usnat: dict[str, Any]) -> list[str]:
    says = [
        f"{name} is {usnat[key]}, not {OPTED_OUT} (opted out)"
        for key, name in (("sale_opt_out", "SaleOptOut"), ("sharing_opt_out", "SharingOptOut"))
        if usnat[key] == DID_NOT_OPT_OUT
    ]
    if usnat["gpc"] is False:
        says.append("Gpc is false")
    return says


def _gpc_string(
    subject: str, url: str, source: str, string: str | None, says: list[str]
) -> Observation:
    return Observation(
        "gpc-signal-not-honoured",
        subject,
        url,
        f"The visitor's browser sent Global Privacy Control, yet the page's {subject} "
        f"({source}) says {'; '.join(says)}.",
        {
            "kind": "consent-string",
            "consent_state": PAGE_STATE["gpc"],
            "source": source,
            "string": string,
            "says": says,
        },
        consent_state=PAGE_STATE["gpc"],
    )


def _gpc_claim(ctx: ScanContext, pages: list[dict[str, Any]]) -> Iterator[Observation]:
    """The site claims to honour GPC, yet advertising vendors are contacted under it."""
    claim = (ctx.scan.get("site_probe") or {}).get("gpc_json") or {}
    if claim.get("gpc") is not True:
        return
    for page in pages:
        url = ctx.page_url(page)
        for party, request, reason in vendor_contacts(ctx, page, gpc_reason):
            yield Observation(
                "gpc-signal-not-honoured",
                GPC_JSON_SUBJECT,
                url,
                f"The site's {GPC_JSON_SUBJECT} claims it honours Global Privacy Control "
                f'("gpc": true), yet {party.vendor_name} ({reason}) was contacted with GPC on.',
                {
                    **request_evidence(request, party, reason, PAGE_STATE["gpc"]),
                    "gpc_json": claim["url"],
                    "claims_gpc": True,
                    "last_update": claim.get("last_update"),
                },
                consent_state=PAGE_STATE["gpc"],
            )


# -- the banner's first layer ---------------------------------------------------------


def _refusal_not_on_first_layer(ctx: ScanContext) -> Iterator[Observation]:
    for page in ctx.pages:
        layer = page.get("consent_first_layer")
        if not layer or layer["error"] or not layer["acceptance"] or layer["refusal"]:
            continue
        url = ctx.page_url(page)
        cmps = (page.get("consent") or {}).get("popups") or []
        yield Observation(
            "consent-refusal-not-on-first-layer",
            ctx.scan["site"] or url,
            url,
            f"The consent banner ({', '.join(cmps) or 'unnamed CMP'}) offers "
            f"{' / '.join(repr(text) for text in layer['acceptance'])} on its first layer "
            "but no way to refuse there.",
            {
                "kind": "consent-banner",
                "consent_state": PAGE_STATE["before"],
                "cmp": cmps,
                "acceptance": layer["acceptance"],
                "other_controls": layer["other"],
                "refusal": [],
                "how": FIRST_LAYER_HEURISTIC,
            },
            consent_state=PAGE_STATE["before"],
        )


# -- helpers --------------------------------------------------------------------------


def _sections(gpp: dict[str, Any], section_id: int) -> list[dict[str, Any]]:
    """The decoded contents of a GPP string's sections with this id."""
    decoded = gpp.get("decoded") or {}
    return [
        section["content"]
        for section in decoded.get("sections", [])
        if section["id"] == section_id and section["content"]
    ]
