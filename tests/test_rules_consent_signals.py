"""The consent-signal rules from small scan fixtures: the page records' consent_signals are
built by the capture's own code from page answers (scanner.capture.consent_signals), the
first-layer surveys by scanner.capture.first_layer, vendors from the demo's vendor file."""

from __future__ import annotations

from typing import Any

from scanner.capture.consent_signals import consent_signals
from scanner.capture.first_layer import survey
from scanner.checks.consent_signals import PURPOSE_LEVEL_ONLY
from scanner.checks.consent_signals import check as CHECK
from scanner.result.validation import page_problems
from scanner.testworld.sites.tcf_string import NO_CONSENT, CoreSegment
from tests.rule_fixtures import HOME, findings_of, page, request, scan, summary
from tests.test_consent_strings import USNAT_V2, Bits, gpp_header, usnat

ADS = "https://ads.adnet.example/ad.js"
TAGS = "https://tags.tagmgr.example/tm.js"
NO = NO_CONSENT.encode()
ALL_YES = CoreSegment(
    **{
        **vars(NO_CONSENT),
        "purpose_consents": frozenset(range(1, 11)),
        "vendor_consents": frozenset({1, 755}),
    }
).encode()


def tcf(tc_string: str, gdpr_applies: bool = True) -> dict[str, Any]:
    """What a page's __tcfapi answered, as the page script reports it."""
    data = {"tcString": tc_string, "eventStatus": "tcloaded", "gdprApplies": gdpr_applies}
    return {"calls": 1, "success": True, "error": None, "final": True, "data": data}


def gpp(gpp_string: str, sections: list[int]) -> dict[str, Any]:
    data = {"gppString": gpp_string, "signalStatus": "ready", "applicableSections": sections}
    return {"calls": 1, "success": True, "error": None, "final": True, "data": data}


def usp(usp_string: str) -> dict[str, Any]:
    data = {"uspString": usp_string, "version": 1}
    return {"calls": 1, "success": True, "error": None, "final": True, "data": data}


def with_signals(record: dict[str, Any], **answers: Any) -> dict[str, Any]:
    record["consent_signals"] = consent_signals(answers)
    assert page_problems(record) == [], page_problems(record)
    return record


def state_scan(before: list[dict[str, Any]], **states: list[dict[str, Any]]) -> dict[str, Any]:
    document = scan(*before)
    document["consent_visits"] = [{"state": s, "pages": pages} for s, pages in states.items()]
    return document


# -- consent-string-contradicted ----------------------------------------------------------


def test_a_no_consent_tc_string_and_an_ad_vendor_contacted_is_a_contradiction() -> None:
    ad = request(1, f"{ADS}?gdpr=1&gdpr_consent={NO}")
    before = with_signals(page(requests=[ad, request(2, TAGS)]), tcf=tcf(NO))
    rejected = with_signals(page(requests=[request(1, ADS)]), tcf=tcf(NO))
    findings = findings_of(state_scan([before], reject=[rejected]), CHECK)
    assert summary(findings) == {("consent-string-contradicted", "example-ad-network", "high")}
    [finding] = findings
    assert finding.consent_states == ["before-consent", "after-reject"]
    first, second = finding.evidence
    assert first["says"] == [
        "no consent for purpose 1 (store and/or access information on a device)",
        "no vendor has consent",
    ]
    assert (first["source"], first["tc_string"], first["cmp_id"]) == ("__tcfapi", NO, 4095)
    assert (first["purposes_consent"], first["vendors_with_consent"]) == ([], 0)
    assert first["url"] == ad["url"] and first["string_sent_to_vendor"] is True
    assert first["limit"] == PURPOSE_LEVEL_ONLY
    assert (second["consent_state"], second["string_sent_to_vendor"]) == ("after-reject", False)


def test_a_string_with_consent_or_without_gdpr_is_no_contradiction() -> None:
    consented = with_signals(page(requests=[request(1, ADS)]), tcf=tcf(ALL_YES))
    outside_gdpr = with_signals(page(requests=[request(1, ADS)]), tcf=tcf(NO, False))
    no_vendor = with_signals(page(requests=[request(1, TAGS)]), tcf=tcf(NO))
    assert findings_of(scan(consented, outside_gdpr, no_vendor), CHECK) == []


def test_the_tcfeuv2_section_of_a_gpp_string_counts_when_it_applies() -> None:
    gpp_string = gpp_header([2]).text() + "~" + NO
    applies = with_signals(page(requests=[request(1, ADS)]), gpp=gpp(gpp_string, [2]))
    [finding] = findings_of(scan(applies), CHECK)
    assert finding.rule_id == "consent-string-contradicted"
    assert finding.evidence[0]["source"] == "__gpp tcfeuv2"
    elsewhere = with_signals(page(requests=[request(1, ADS)]), gpp=gpp(gpp_string, [7]))
    assert findings_of(scan(elsewhere), CHECK) == []


# -- gpc-signal-not-honoured --------------------------------------------------------------


def test_under_gpc_a_us_privacy_string_not_opted_out_is_reported() -> None:
    not_opted_out = with_signals(page(), usp=usp("1YNN"))
    opted_out = with_signals(page(f"{HOME}about"), usp=usp("1YYN"))
    findings = findings_of(state_scan([page()], gpc=[not_opted_out, opted_out]), CHECK)
    assert summary(findings) == {("gpc-signal-not-honoured", "US Privacy string", "high")}
    [finding] = findings
    assert finding.pages == [HOME] and finding.consent_states == ["with-gpc"]
    assert finding.evidence[0]["says"] == ["opted out of sale: N (no)"]
    # the same string before any GPC is no finding
    assert findings_of(scan(with_signals(page(), usp=usp("1YNN"))), CHECK) == []


def test_under_gpc_a_usnat_section_not_opted_out_of_sharing_is_reported() -> None:
    gpc_off = Bits().add(1, 2).add(0, 1).text()
    gpp_string = gpp_header([7]).text() + "~" + usnat(USNAT_V2) + "." + gpc_off
    record = with_signals(page(), gpp=gpp(gpp_string, [7]))
    [finding] = findings_of(state_scan([page()], gpc=[record]), CHECK)
    assert (finding.rule_id, finding.subject) == ("gpc-signal-not-honoured", "GPP usnat section")
    assert finding.evidence[0]["says"] == ["SharingOptOut is 2, not 1 (opted out)", "Gpc is false"]


def test_under_gpc_not_applicable_answers_are_no_finding() -> None:
    usp_na = with_signals(page(), usp=usp("1---"))
    values = [*USNAT_V2]
    values[6], values[7] = 0, 1  # SaleOptOut not applicable, SharingOptOut opted out
    gpc_on = Bits().add(1, 2).add(1, 1).text()
    gpp_string = gpp_header([7]).text() + "~" + usnat(values) + "." + gpc_on
    usnat_na = with_signals(page(f"{HOME}about"), gpp=gpp(gpp_string, [7]))
    assert findings_of(state_scan([page()], gpc=[usp_na, usnat_na]), CHECK) == []
    values[6] = 2  # did not opt out of sale: reported
    gpp_string = gpp_header([7]).text() + "~" + usnat(values) + "." + gpc_on
    record = with_signals(page(f"{HOME}about"), gpp=gpp(gpp_string, [7]))
    [finding] = findings_of(state_scan([page()], gpc=[record]), CHECK)
    assert finding.evidence[0]["says"] == ["SaleOptOut is 2, not 1 (opted out)"]


def test_a_gpc_json_claim_with_ad_vendors_contacted_under_gpc_is_reported() -> None:
    document = state_scan([page()], gpc=[page(requests=[request(1, ADS), request(2, TAGS)])])
    claim = {"url": f"{HOME}.well-known/gpc.json", "status": 200, "gpc": True}
    document["site_probe"] = {"gpc_json": {**claim, "last_update": "2026-01-01"}}
    [finding] = findings_of(document, CHECK)
    assert (finding.rule_id, finding.subject) == (
        "gpc-signal-not-honoured",
        "/.well-known/gpc.json",
    )
    assert finding.vendor is None  # the site's claim; the vendors are in the evidence
    assert [e["vendor"] for e in finding.evidence] == ["Example Ad Network"]  # not the tag manager
    assert finding.evidence[0]["last_update"] == "2026-01-01"
    document["site_probe"]["gpc_json"]["gpc"] = False
    assert findings_of(document, CHECK) == []


# -- consent-refusal-not-on-first-layer -------------------------------------------------


def _surveyed(url: str, *labels: str) -> dict[str, Any]:
    record = page(url)
    record["consent"] = None
    record["consent_first_layer"] = survey({"controls": [{"text": t} for t in labels]})
    assert page_problems(record) == []
    return record


def test_a_banner_with_acceptance_and_no_refusal_on_its_first_layer_is_reported() -> None:
    promo = _surveyed(f"{HOME}promo", "That's ok", "Let me choose")
    home = _surveyed(HOME, "I decline", "That's ok", "Let me choose")
    no_buttons = _surveyed(f"{HOME}about", "Privacy policy")
    findings = findings_of(scan(home, promo, no_buttons), CHECK)
    assert summary(findings) == {("consent-refusal-not-on-first-layer", "shop.test", "medium")}
    [finding] = findings
    assert finding.pages == [f"{HOME}promo"]
    evidence = finding.evidence[0]
    assert (evidence["acceptance"], evidence["other_controls"]) == (
        ["That's ok"],
        ["Let me choose"],
    )
