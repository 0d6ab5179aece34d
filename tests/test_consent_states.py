"""Consent states end to end: the real Klaro! shop scanned before consent, after "reject",
after "accept" and with Global Privacy Control, each state by its own visitor in real
Chromium, its choice made by the bundled autoconsent (see
scanner/testworld/sites/consent_shop.py for what each page does).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from scanner.classify.consent_strings import decode_tc_string
from scanner.testworld import DEMO_VENDORS, TestWorld, running_test_world
from scanner.testworld.sites.consent_shop import GPC_CLAIM, GPC_JSON_PATH
from scanner.testworld.sites.tcf_string import NO_CONSENT
from tests.e2e_helpers import CliRun, run_scanner

SHOP = "www.consentshop.test"
WRONG_PAGES = {"/deals", "/sponsored"}
"""Pages that load an ad tag whatever the visitor says (the rest honour the choice)."""
TAG_MANAGER = {"tags.tagmgr.example", "cdn.retarget.example", "px.retarget.example"}
ALWAYS = TAG_MANAGER | {"sync.fourthparty.example"}
"""The ungated tag manager and what it pulls in: on every page, whatever the choice."""
ANALYTICS = {"cdn.analytics.example", "collect.analytics.example"}
ADS = {"ads.adnet.example"}


@dataclass(frozen=True)
class StatesScan:
    run: CliRun
    scan: dict[str, Any]
    findings: list[dict[str, Any]]

    def pages(self, state: str) -> list[dict[str, Any]]:
        if state == "before":
            return self.scan["pages"]
        return self.visit(state)["pages"]

    def visit(self, state: str) -> dict[str, Any]:
        return next(v for v in self.scan["consent_visits"] if v["state"] == state)


@pytest.fixture(scope="module")
def world() -> Iterator[TestWorld]:
    with running_test_world() as running:
        yield running


@pytest.fixture(scope="module")
def states(world: TestWorld, tmp_path_factory: pytest.TempPathFactory) -> StatesScan:
    folder = tmp_path_factory.mktemp("consent")
    config = folder / "scanner.toml"
    config.write_text(f"[rules]\nvendor_files = [{json.dumps(str(DEMO_VENDORS))}]\n")
    out = folder / "audit"
    run = run_scanner(
        "scan", world.url(SHOP, "/"), "--config", str(config), "--progress", "never",
        "--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256,
        "--consent", "before,reject,accept,gpc",
        out_dir=out,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    return StatesScan(run, run.scan, findings)


def third_parties(page: dict[str, Any]) -> set[str]:
    return {urlsplit(r["url"]).hostname or "" for r in page["requests"]} - {SHOP}


def cookies(pages: list[dict[str, Any]]) -> set[str]:
    return {c["name"] for p in pages for c in p["cookies"] if c["outcome"] == "stored"}


def path(page: dict[str, Any]) -> str:
    return urlsplit(page["url"]).path


def test_every_state_visits_the_pages_the_crawl_found(states: StatesScan) -> None:
    crawled = {page["url"] for page in states.pages("before")}
    assert len(crawled) == 9
    assert states.scan["consent"]["states"] == ["before", "reject", "accept", "gpc"]
    for state, label in (
        ("reject", "after-reject"),
        ("accept", "after-accept"),
        ("gpc", "with-gpc"),
    ):
        visit = states.visit(state)
        assert {page["url"] for page in visit["pages"]} == crawled
        assert {page["consent_state"] for page in visit["pages"]} == {label}
        assert visit["summary"] == {"pages": 9, "rendered": 9, "failed": 0, "not_visited": 0}
        assert visit["not_visited"] == [] and visit["banner_again"] == []


def test_before_any_choice_every_page_shows_klaros_banner(states: StatesScan) -> None:
    for page in states.pages("before"):
        consent = page["consent"]
        assert (consent["cmps"], consent["banner_shown"], consent["choice"]) == (
            ["Klaro"],
            True,
            None,
        )


@pytest.mark.parametrize(("state", "action"), [("reject", "optOut"), ("accept", "optIn")])
def test_the_choice_is_made_on_the_first_page_and_kept(
    states: StatesScan, state: str, action: str
) -> None:
    first, *rest = states.pages(state)
    assert states.visit(state)["choice"] == {
        "page": first["url"],
        "cmp": "Klaro",
        "action": action,
        "succeeded": True,
    }
    assert first["consent"]["cosmetic_only"] is False
    if state == "reject":
        assert first["consent"]["self_test"] is True  # Klaro says the refusal holds
    assert not any(page["consent"]["banner_shown"] for page in rest)
    assert any(c["name"] == "klaro" for c in first["cookies"])
    # after the choice, pages are not held for a banner search (10 s a page before)
    assert first["consent"]["after_choice"] is False
    assert all(page["consent"]["after_choice"] for page in rest)
    assert statistics.median(page["duration_ms"] for page in rest) < 10_000


def test_what_each_state_contacts_page_by_page(states: StatesScan) -> None:
    expected = {
        "before": (ALWAYS, ALWAYS | ADS),
        "reject": (ALWAYS, ALWAYS | ADS),
        "accept": (ALWAYS | ANALYTICS | ADS, ALWAYS | ANALYTICS | ADS),
        "gpc": (set(), None),  # the honouring pages load no ad tag under GPC
    }
    for state, (honouring, wrong) in expected.items():
        for page in states.pages(state):
            if path(page) not in WRONG_PAGES:
                assert third_parties(page) == honouring, (state, path(page))
            elif wrong is not None:
                assert third_parties(page) == wrong, (state, path(page))
    deals = next(p for p in states.pages("gpc") if path(p) == "/deals")
    assert third_parties(deals) == ALWAYS | ADS  # the page that ignores GPC


def test_cookies_set_in_each_state(states: StatesScan) -> None:
    tag_manager = {"rt_id", "fp_uid"}
    always = {"cs_session", "_fbp"} | tag_manager
    assert cookies(states.pages("before")) == always | {"ad_uid"}
    assert cookies(states.pages("reject")) == always | {"ad_uid", "klaro"}
    assert cookies(states.pages("accept")) == always | {"ad_uid", "klaro", "_ae_cid", "_ae_uid"}
    assert cookies(states.pages("gpc")) == {"cs_session", "_fbp", "ad_uid"} | tag_manager


def test_findings_name_what_still_happens_after_the_refusal(states: StatesScan) -> None:
    consent_rules = {
        "tracker-after-refusal", "cookie-after-refusal", "gpc-ignored",
        "consent-banner-missing", "consent-choice-not-kept",
    }  # fmt: skip
    found = {
        (f["rule_id"], f["subject"], f["severity"])
        for f in states.findings
        if f["rule_id"] in consent_rules
    }
    assert found == {
        ("tracker-after-refusal", "example-retargeting", "critical"),
        ("tracker-after-refusal", "example-data-exchange", "critical"),
        ("tracker-after-refusal", "example-ad-network", "critical"),
        ("cookie-after-refusal", "rt_id@.retarget.example", "critical"),
        ("cookie-after-refusal", "fp_uid@sync.fourthparty.example", "critical"),
        ("cookie-after-refusal", "ad_uid@ads.adnet.example", "critical"),
        ("cookie-after-refusal", "_fbp@.consentshop.test", "critical"),
        ("gpc-ignored", "example-retargeting", "high"),
        ("gpc-ignored", "example-data-exchange", "high"),
        ("gpc-ignored", "example-ad-network", "high"),
    }
    ads = next(f for f in states.findings if f["subject"] == "example-ad-network"
               and f["rule_id"] == "tracker-after-refusal")  # fmt: skip
    assert {urlsplit(page).path for page in ads["pages"]} == WRONG_PAGES
    assert {e["consent_state"] for e in ads["evidence"]} == {"after-reject"}
    gpc = next(f for f in states.findings if f["rule_id"] == "gpc-ignored")
    assert [urlsplit(page).path for page in gpc["pages"]] == ["/deals"]


def test_a_refusal_autoconsent_could_not_make_is_no_evidence(
    states: StatesScan, tmp_path: Path
) -> None:
    """A 'reject' visitor without a successful refusal (here: its record edited to say
    so) raises nothing after-refusal: the site was never told no."""
    scan = json.loads(json.dumps(states.scan))
    for page in next(v for v in scan["consent_visits"] if v["state"] == "reject")["pages"]:
        page["consent"]["choice"] = None
    folder = tmp_path / "edited"
    folder.mkdir()
    (folder / "scan.json").write_text(json.dumps(scan), encoding="utf-8")
    run = run_scanner("report", str(folder), "--vendors", str(DEMO_VENDORS))
    assert run.returncode in (0, 1), run.stderr
    findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))["findings"]
    assert not [f for f in findings if f["rule_id"].endswith("-after-refusal")]


# -- consent signals, gpc.json and the banner's first layer ------------------------------


def test_the_tcf_stubs_no_consent_string_is_read_and_decoded_in_every_state(
    states: StatesScan,
) -> None:
    no_consent = NO_CONSENT.encode()
    expected = {
        "tcf": {
            "answers": 1,
            "success": True,
            "final": True,
            "error": None,
            "tc_string": no_consent,
            "decoded": decode_tc_string(no_consent).to_json(),
            "decode_error": None,
            "event_status": "tcloaded",
            "cmp_status": "loaded",
            "gdpr_applies": True,
            "cmp_id": NO_CONSENT.cmp_id,
        },
        "gpp": None,
        "us_privacy": None,
    }
    decoded = expected["tcf"]["decoded"]
    assert decoded["purposes_consent"] == decoded["vendor_consents"] == []
    for state in ("before", "reject", "accept", "gpc"):
        signals = {path(page): page["consent_signals"] for page in states.pages(state)}
        assert signals.pop("/sponsored") == expected, state
        assert set(signals.values()) == {None}, state  # no CMP API on the other pages


def test_the_sites_gpc_json_is_recorded(states: StatesScan, world: TestWorld) -> None:
    assert states.scan["site_probe"]["gpc_json"] == {
        "url": world.url(SHOP, GPC_JSON_PATH),
        "status": 200,
        "gpc": GPC_CLAIM["gpc"],
        "last_update": GPC_CLAIM["lastUpdate"],
        "error": None,
        "complete": True,
    }


def test_the_first_layer_offers_a_refusal_except_on_promo(states: StatesScan) -> None:
    for page in states.pages("before"):
        refusal = [] if path(page) == "/promo" else ["I decline"]
        assert page["consent_first_layer"] == {
            "controls": 2 + len(refusal),
            "refusal": refusal,
            "acceptance": ["That's ok"],
            "other": ["Let me choose"],
            "truncated": False,
            "error": None,
        }, path(page)
    for state in ("reject", "accept", "gpc"):  # surveyed only before any choice
        assert {page["consent_first_layer"] is None for page in states.pages(state)} == {True}


def test_findings_on_what_the_sites_own_signals_say(states: StatesScan) -> None:
    signal_rules = {
        "consent-string-contradicted", "gpc-signal-not-honoured",
        "consent-refusal-not-on-first-layer",
    }  # fmt: skip
    found = {
        (f["rule_id"], f["subject"], f["severity"], tuple(urlsplit(p).path for p in f["pages"]))
        for f in states.findings
        if f["rule_id"] in signal_rules
    }
    tag_chain_states = ["before-consent", "after-reject", "after-accept"]
    assert found == {
        ("consent-string-contradicted", "example-ad-network", "high", ("/sponsored",)),
        ("consent-string-contradicted", "example-retargeting", "high", ("/sponsored",)),
        ("consent-string-contradicted", "example-data-exchange", "high", ("/sponsored",)),
        ("consent-string-contradicted", "example-analytics", "high", ("/sponsored",)),
        ("gpc-signal-not-honoured", "/.well-known/gpc.json", "high", ("/deals",)),
        ("consent-refusal-not-on-first-layer", "consentshop.test", "medium", ("/promo",)),
    }
    contradicted = {
        f["subject"]: f for f in states.findings if f["rule_id"] == "consent-string-contradicted"
    }
    assert contradicted["example-ad-network"]["consent_states"] == tag_chain_states
    assert contradicted["example-analytics"]["consent_states"] == ["after-accept"]
    ads = contradicted["example-ad-network"]["evidence"]
    assert {e["string_sent_to_vendor"] for e in ads} == {True}  # ad.js?gdpr_consent=<no>
    assert {e["tc_string"] for e in ads} == {NO_CONSENT.encode()}
    assert not any(
        e["string_sent_to_vendor"] for e in contradicted["example-retargeting"]["evidence"]
    )
    claim = next(f for f in states.findings if f["rule_id"] == "gpc-signal-not-honoured")
    assert claim["consent_states"] == ["with-gpc"]
    assert {e["vendor"] for e in claim["evidence"]} == {
        "Example Retargeting", "Example Data Exchange", "Example Ad Network",
    }  # fmt: skip
    banner = next(
        f for f in states.findings if f["rule_id"] == "consent-refusal-not-on-first-layer"
    )
    assert banner["evidence"][0]["cmp"] == ["Klaro"]
    assert banner["evidence"][0]["acceptance"] == ["That's ok"]
