"""End to end: www.consentshop.test gates its vendors with the real Klaro! and gets consent
wrong in the documented ways (see :mod:`scanner.testworld.sites.consent_shop`).

Real Chromium, launched as the scanner launches it (host map, trusted SPKI, a profile that
accepts third-party cookies), visits the shop as fresh visitors who make no choice, refuse
or accept through Klaro!'s own JavaScript API (as DuckDuckGo autoconsent does), or send
Global Privacy Control. What each visit contacted comes from Playwright's request events,
the cookies from the browser's jar, the banner from the page. The TC string of the
hand-made ``__tcfapi`` is decoded with ``@iabtcf/core`` (tests/references).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.async_api import BrowserContext, Page

from scanner.testworld import TestWorld, running_test_world
from scanner.testworld.hosts import (
    AD_NETWORK,
    ANALYTICS_CDN,
    ANALYTICS_COLLECT,
    CONSENT_SHOP,
    CONSENT_SHOP_APEX,
    FOURTH_PARTY,
    RETARGET_CDN,
    RETARGET_PIXEL,
    TAG_MANAGER,
)
from scanner.testworld.sites.consent_shop import (
    DEALS_PATH,
    GPC_JSON_PATH,
    HONOURING_PAGES,
    PROMO_PATH,
    SPONSORED_PATH,
)
from scanner.testworld.sites.consent_shop_tags import (
    ANALYTICS_COOKIE,
    KLARO_COOKIE,
    KLARO_NPM_FILE,
    KLARO_PATH,
    SESSION_COOKIE,
    UNDECLARED_COOKIE,
)
from scanner.testworld.sites.npm_files import NODE_MODULES, npm_installed
from scanner.testworld.sites.tcf_string import NO_CONSENT
from tests.browser_helpers import scanner_chromium

pytestmark = pytest.mark.browser

REFERENCES = Path(__file__).resolve().parent / "references"
IABTCF_CORE = REFERENCES / "node_modules" / "@iabtcf" / "core" / "package.json"
SETTLE_S = 1.0

GATED = {ANALYTICS_CDN, ANALYTICS_COLLECT, AD_NETWORK}
"""Contacted only with Klaro! consent (on the honouring pages)."""
TAG_MANAGER_CHAIN = {TAG_MANAGER, RETARGET_CDN, RETARGET_PIXEL, FOURTH_PARTY}
"""(a) contacted whatever the choice."""

# Klaro!'s notice as autoconsent detects it, and the buttons it offers.
_READ_NOTICE = """() => {
  const notice = document.querySelector('.klaro > .cookie-notice');
  if (!notice) return null;
  const box = notice.getBoundingClientRect();
  return {
    visible: !notice.classList.contains('cookie-notice-hidden') && box.height > 0,
    controls: Array.from(notice.querySelectorAll('button, a')).map(
      (e) => ({classes: e.className.split(' ').filter(Boolean), text: e.textContent.trim()})),
  };
}"""
# Autoconsent's opt-out (and opt-in) through Klaro!'s API, as its Klaro! rule runs it.
_CHOOSE = """(value) => {
  const manager = klaro.getManager();
  manager.changeAll(value);
  manager.saveAndApplyConsents();
}"""
_TCF_CALLS = """() => new Promise((resolve) => {
  __tcfapi('ping', 2, (ping) => {
    __tcfapi('addEventListener', 2, (tcData, success) => {
      __tcfapi('removeEventListener', 2, (removed) => {
        resolve({ping, tcData, success, removed});
      }, tcData.listenerId);
    });
  });
})"""
_GPC = (
    "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl',"
    " {get: () => true, configurable: true});"
)


@dataclass
class Visit:
    """What one page visit (or one choice made on a page) did."""

    urls: list[str]
    cookies: dict[str, dict[str, Any]]
    notice: dict[str, Any] | None

    @property
    def hosts(self) -> set[str]:
        return {urlsplit(url).hostname or "" for url in self.urls}


class Visitor:
    """One fresh Chromium profile browsing the world in one tab."""

    def __init__(self, world: TestWorld, context: BrowserContext, page: Page) -> None:
        self.world = world
        self.context = context
        self.page = page
        self._urls: list[str] = []
        context.on("request", lambda request: self._urls.append(request.url))

    async def visit(self, path: str) -> Visit:
        self._urls.clear()
        await self.page.goto(self.world.url(CONSENT_SHOP, path), wait_until="networkidle")
        await self.page.wait_for_function("() => window.klaro && document.getElementById('klaro')")
        return await self._record()

    async def choose(self, accept: bool) -> Visit:
        self._urls.clear()
        await self.page.evaluate(_CHOOSE, accept)
        await asyncio.sleep(SETTLE_S)
        return await self._record()

    async def _record(self) -> Visit:
        cookies = {c["name"]: dict(c) for c in await self.context.cookies()}
        notice = await self.page.evaluate(_READ_NOTICE)
        return Visit(list(self._urls), cookies, notice)


@asynccontextmanager
async def visitor(world: TestWorld, *, gpc: bool = False) -> AsyncIterator[Visitor]:
    async with scanner_chromium(
        {"*": "127.0.0.1"},
        [world.spki_sha256],
        extra_http_headers={"Sec-GPC": "1"} if gpc else None,
    ) as context:
        if gpc:
            await context.add_init_script(_GPC)
        yield Visitor(world, context, await context.new_page())


def _run(journey: Callable[[TestWorld], Awaitable[dict[str, Any]]], world: TestWorld) -> Any:
    return asyncio.run(journey(world))


@pytest.fixture(scope="module")
def world() -> Iterator[TestWorld]:
    assert npm_installed(), "run scripts/setup.sh (npm ci installs Klaro!)"
    with running_test_world() as running:
        yield running


async def _refusing(world: TestWorld) -> dict[str, Any]:
    async with visitor(world) as v:
        before = await v.visit("/")
        refusal = await v.choose(accept=False)
        after = await v.visit("/products")
        return {"before": before, "refusal": refusal, "after": after}


async def _accepting(world: TestWorld) -> dict[str, Any]:
    async with visitor(world) as v:
        await v.visit("/")
        acceptance = await v.choose(accept=True)
        after = await v.visit("/products/1")
        withdrawal = await v.choose(accept=False)
        return {"acceptance": acceptance, "after": after, "withdrawal": withdrawal}


async def _without_choice(world: TestWorld) -> dict[str, Any]:
    """Every page once, no choice made; then the TCF API, gpc.json and Klaro!'s file."""
    async with visitor(world) as v:
        pages = {path: await v.visit(path) for path in (*HONOURING_PAGES, DEALS_PATH)}
        await v.visit(SPONSORED_PATH)
        tcf = await v.page.evaluate(_TCF_CALLS)
        gpc_json = await v.page.goto(world.url(CONSENT_SHOP, GPC_JSON_PATH))
        assert gpc_json is not None
        gpc = (gpc_json.headers["content-type"], await gpc_json.json())
        klaro = await v.page.goto(world.url(CONSENT_SHOP, KLARO_PATH))
        assert klaro is not None
        return {"pages": pages, "tcf": tcf, "gpc_json": gpc, "klaro": await klaro.body()}


async def _with_gpc(world: TestWorld) -> dict[str, Any]:
    async with visitor(world, gpc=True) as v:
        pages = {path: await v.visit(path) for path in (*HONOURING_PAGES, DEALS_PATH)}
        await v.choose(accept=True)
        product = await v.visit("/products/1")
        deals_accepted = await v.visit(DEALS_PATH)
        return {"pages": pages, "product": product, "deals_accepted": deals_accepted}


@pytest.fixture(scope="module")
def refusing(world: TestWorld) -> dict[str, Visit]:
    return _run(_refusing, world)


@pytest.fixture(scope="module")
def accepting(world: TestWorld) -> dict[str, Visit]:
    return _run(_accepting, world)


@pytest.fixture(scope="module")
def without_choice(world: TestWorld) -> dict[str, Any]:
    return _run(_without_choice, world)


@pytest.fixture(scope="module")
def with_gpc(world: TestWorld) -> dict[str, Any]:
    return _run(_with_gpc, world)


def _klaro_choice(visit: Visit) -> dict[str, bool]:
    return json.loads(unquote(visit.cookies[KLARO_COOKIE]["value"]))


# Before any choice ------------------------------------------------------------------------


def test_before_a_choice_only_the_ungated_vendors_are_contacted(
    refusing: dict[str, Visit],
) -> None:
    before = refusing["before"]
    assert not before.hosts & GATED
    assert before.hosts >= TAG_MANAGER_CHAIN  # (a)
    assert KLARO_COOKIE not in before.cookies
    assert before.cookies[UNDECLARED_COOKIE]["domain"] == f".{CONSENT_SHOP_APEX}"  # (b)
    assert before.cookies[SESSION_COOKIE]["httpOnly"] is True
    assert {"rt_id", "fp_uid"} <= set(before.cookies)


def test_before_a_choice_no_page_loads_a_gated_tag_but_every_page_the_tag_manager(
    without_choice: dict[str, Any],
) -> None:
    pages: dict[str, Visit] = without_choice["pages"]
    for path, visit in pages.items():
        assert visit.hosts >= TAG_MANAGER_CHAIN, path  # (a)
        assert not visit.hosts & {ANALYTICS_CDN, ANALYTICS_COLLECT}, path
        assert visit.notice is not None and visit.notice["visible"], path
    ad_pages = {path for path, visit in pages.items() if AD_NETWORK in visit.hosts}
    assert ad_pages == {SPONSORED_PATH, DEALS_PATH}  # (d) and (e)


def test_klaros_banner_is_shown_with_a_decline_button(refusing: dict[str, Visit]) -> None:
    notice = refusing["before"].notice
    assert notice is not None and notice["visible"]
    texts = {control["text"]: control["classes"] for control in notice["controls"]}
    assert "cn-decline" in texts["I decline"]
    assert "cm-btn-success" in texts["That's ok"]
    assert "cn-learn-more" in texts["Let me choose"]


# Refusing -------------------------------------------------------------------------------


def test_a_refusal_through_klaros_api_is_stored_in_its_cookie(refusing: dict[str, Visit]) -> None:
    refusal = refusing["refusal"]
    assert _klaro_choice(refusal) == {"essential": True, "analytics": False, "advertising": False}
    cookie = refusal.cookies[KLARO_COOKIE]
    assert cookie["domain"] == CONSENT_SHOP and cookie["path"] == "/"
    assert cookie["sameSite"] == "Lax" and cookie["expires"] > 0
    assert not refusal.hosts & GATED


def test_after_refusing_the_next_page_keeps_gated_vendors_out_but_not_the_wrongdoers(
    refusing: dict[str, Visit],
) -> None:
    after = refusing["after"]
    assert after.notice is None  # Klaro! renders no notice once a choice is stored
    assert not after.hosts & GATED
    assert after.hosts >= TAG_MANAGER_CHAIN  # (a) still fires
    assert UNDECLARED_COOKIE in after.cookies  # (b) still set
    assert ANALYTICS_COOKIE not in after.cookies


# Accepting ------------------------------------------------------------------------------


def test_accepting_loads_the_gated_vendors_at_once_and_on_the_next_page(
    accepting: dict[str, Visit],
) -> None:
    assert accepting["acceptance"].hosts >= GATED
    after = accepting["after"]
    assert after.notice is None
    assert _klaro_choice(after) == {"essential": True, "analytics": True, "advertising": True}
    assert after.hosts >= GATED | TAG_MANAGER_CHAIN
    assert after.cookies[ANALYTICS_COOKIE]["domain"] == CONSENT_SHOP
    assert {"_ae_uid", "ad_uid"} <= set(after.cookies)


def test_withdrawing_consent_makes_klaro_delete_the_declared_cookie_only(
    accepting: dict[str, Visit],
) -> None:
    withdrawal = accepting["withdrawal"]
    assert _klaro_choice(withdrawal)["analytics"] is False
    assert ANALYTICS_COOKIE not in withdrawal.cookies
    assert UNDECLARED_COOKIE in withdrawal.cookies  # not declared to Klaro!: kept


# (c) no refusal on the first layer -----------------------------------------------------


def test_promo_banner_offers_no_refusal_on_its_first_layer(
    without_choice: dict[str, Any],
) -> None:
    notice = without_choice["pages"][PROMO_PATH].notice
    assert notice is not None and notice["visible"]
    classes = {c for control in notice["controls"] for c in control["classes"]}
    texts = {control["text"] for control in notice["controls"]}
    assert "cn-decline" not in classes and "I decline" not in texts
    assert texts == {"That's ok", "Let me choose"}


# (d) the TCF stub --------------------------------------------------------------------


def test_the_tcf_stub_answers_like_a_cmp_with_the_no_consent_string(
    without_choice: dict[str, Any],
) -> None:
    tcf = without_choice["tcf"]
    assert tcf["success"] is True and tcf["removed"] is True
    data = tcf["tcData"]
    assert data["tcString"] == NO_CONSENT.encode()
    assert data["eventStatus"] == "tcloaded" and data["gdprApplies"] is True
    assert isinstance(data["listenerId"], int)
    assert tcf["ping"]["cmpLoaded"] is True and tcf["ping"]["tcfPolicyVersion"] == 4


def test_the_ad_network_gets_the_tc_string_before_any_choice(
    without_choice: dict[str, Any],
) -> None:
    sponsored = without_choice["pages"][SPONSORED_PATH]
    [tag] = [u for u in sponsored.urls if urlsplit(u).hostname == AD_NETWORK and "/ad.js" in u]
    query = parse_qs(urlsplit(tag).query)
    assert query == {"gdpr": ["1"], "gdpr_consent": [NO_CONSENT.encode()]}
    assert "ad_uid" in sponsored.cookies
    assert not sponsored.hosts & {ANALYTICS_CDN, ANALYTICS_COLLECT}


def _decode_with_iabtcf(strings: list[str]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not IABTCF_CORE.is_file():
        pytest.fail("Node.js or @iabtcf/core (tests/references) is missing: run make setup")
    script = """
import {TCString} from '@iabtcf/core';
const ids = (vector) => { const on = []; vector.forEach((set, id) => { if (set) on.push(id); });
  return on; };
const out = JSON.parse(process.argv[1]).map((s) => { const m = TCString.decode(s); return {
  version: m.version, created: m.created.toISOString(), cmpId: m.cmpId,
  policyVersion: m.policyVersion, isServiceSpecific: m.isServiceSpecific,
  language: m.consentLanguage, publisherCC: m.publisherCountryCode,
  purposeConsents: ids(m.purposeConsents), purposeLI: ids(m.purposeLegitimateInterests),
  vendorConsents: ids(m.vendorConsents), vendorLI: ids(m.vendorLegitimateInterests),
  specialFeatures: ids(m.specialFeatureOptins),
  restrictions: m.publisherRestrictions.numRestrictions}; });
console.log(JSON.stringify(out));
"""
    run = subprocess.run(
        [node, "--input-type=module", "-e", script, json.dumps(strings)],
        cwd=REFERENCES,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_tc_string_decodes_to_no_consent_with_iabtcf_core() -> None:
    some_consent = replace(
        NO_CONSENT,
        purpose_consents=frozenset({1, 3}),
        vendor_consents=frozenset({755}),
        special_feature_opt_ins=frozenset({2}),
    )
    [none, some] = _decode_with_iabtcf([NO_CONSENT.encode(), some_consent.encode()])
    assert none == {
        "version": 2,
        "created": "2026-01-01T00:00:00.000Z",
        "cmpId": 4095,
        "policyVersion": 4,
        "isServiceSpecific": True,
        "language": "EN",
        "publisherCC": "DE",
        "purposeConsents": [],
        "purposeLI": [],
        "vendorConsents": [],
        "vendorLI": [],
        "specialFeatures": [],
        "restrictions": 0,
    }
    # the decoder does see consents when a string has them: the empty lists mean something
    assert some["purposeConsents"] == [1, 3] and some["vendorConsents"] == [755]
    assert some["specialFeatures"] == [2]
    assert datetime.fromisoformat(none["created"]) == datetime(2026, 1, 1, tzinfo=UTC)


# (e) Global Privacy Control ------------------------------------------------------------


def test_gpc_stops_every_advertising_tag_except_on_deals(with_gpc: dict[str, Any]) -> None:
    pages: dict[str, Visit] = with_gpc["pages"]
    for path in HONOURING_PAGES:
        assert pages[path].hosts <= {CONSENT_SHOP}, path  # no third party at all
    deals = pages[DEALS_PATH]
    assert AD_NETWORK in deals.hosts and deals.hosts >= TAG_MANAGER_CHAIN
    assert "ad_uid" in deals.cookies


def test_with_gpc_and_consent_only_deals_loads_the_ad_network(with_gpc: dict[str, Any]) -> None:
    product, deals = with_gpc["product"], with_gpc["deals_accepted"]
    assert {ANALYTICS_CDN, ANALYTICS_COLLECT} <= product.hosts
    assert not product.hosts & ({AD_NETWORK} | TAG_MANAGER_CHAIN)
    assert AD_NETWORK in deals.hosts


def test_gpc_json_claims_to_honour_gpc(without_choice: dict[str, Any]) -> None:
    content_type, claim = without_choice["gpc_json"]
    assert content_type.startswith("application/json")
    assert claim == {"gpc": True, "lastUpdate": "2026-01-01"}


# Klaro! itself ------------------------------------------------------------------------


def test_klaros_bundle_is_served_unmodified(without_choice: dict[str, Any]) -> None:
    assert without_choice["klaro"] == (NODE_MODULES / KLARO_NPM_FILE).read_bytes()
    package = json.loads((NODE_MODULES / "klaro" / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == "0.7.22"
