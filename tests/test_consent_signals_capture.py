"""The page readers of consent signals and of the banner's first layer, in real Chromium,
against hostile pages: CMP APIs that never answer, throw, call back ten thousand times,
answer with huge or non-string values, or hang the page. One browser for every case;
pages are set from strings (no server)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page

from scanner.capture.consent_signals import (
    ANSWER_TIMEOUT_MS,
    READ_TIMEOUT_S,
    read_consent_signals,
)
from scanner.capture.first_layer import read_first_layer
from scanner.classify.consent_strings import MAX_STRING_LENGTH
from scanner.testworld.sites.tcf_string import NO_CONSENT
from tests.browser_helpers import scanner_chromium

pytestmark = pytest.mark.browser

NO_CONSENT_STRING = NO_CONSENT.encode()
USNAT_GPP = "DBABL~CYYZqqqqqkpg.Y"
"""A GPP string with one usnat section (version 2, sale opted out, sharing not) and GPC on
(made with tests.test_consent_strings' encoders)."""

# A CMP that answers properly: TCF (tcloaded at once), GPP (ready after a few pings), USP.
GOOD = """
window.removed = [];
window.__tcfapi = function (command, version, callback, parameter) {
  if (command === 'addEventListener') {
    callback({tcString: 'TC_STRING', eventStatus: 'tcloaded', cmpStatus: 'loaded',
              gdprApplies: true, cmpId: 4095, listenerId: 7}, true);
  } else if (command === 'removeEventListener') {
    window.removed.push(parameter);
    callback(true, true);
  }
};
let pings = 0;
window.__gpp = function (command, callback) {
  pings += 1;
  callback({gppVersion: '1.1', cmpStatus: 'loaded', cmpDisplayStatus: 'hidden', cmpId: 31,
            signalStatus: pings < 3 ? 'not ready' : 'ready', applicableSections: [7],
            gppString: pings < 3 ? '' : 'GPP_STRING'}, true);
};
window.__uspapi = function (command, version, callback) {
  callback({version: 1, uspString: '1YNN'}, true);
};
""".replace("TC_STRING", NO_CONSENT_STRING).replace("GPP_STRING", USNAT_GPP)
SILENT = "window.__tcfapi = function () {}; window.__uspapi = function () {};"
THROWING = "window.__tcfapi = function () { throw new TypeError('boom'); };"
FLOODING = """
window.removed = [];
window.__tcfapi = function (command, version, callback, parameter) {
  if (command === 'removeEventListener') { window.removed.push(parameter); return; }
  for (let i = 0; i < 10000; i++) {
    callback({tcString: 'TC_STRING', eventStatus: i < 5 ? 'cmpuishown' : 'tcloaded',
              listenerId: 1}, true);
  }
};
""".replace("TC_STRING", NO_CONSENT_STRING)
ODD_VALUES = """
window.__tcfapi = function (c, v, callback) {
  callback({tcString: 'C'.repeat(100000), eventStatus: 'tcloaded', gdprApplies: 'yes',
            cmpId: 1e300, listenerId: {}}, true);
};
window.__gpp = function (c, callback) {
  callback({gppString: 42, signalStatus: 'ready', applicableSections: 'all'}, true);
};
window.__uspapi = function (c, v, callback) { callback({uspString: {a: 1}}, true); };
"""
GETTER_THROWS = (
    "Object.defineProperty(window, '__tcfapi', {get() { throw new Error('no'); }});"
    "window.__gpp = 'not a function';"
)
HANGING = "window.__tcfapi = function () { for (;;) {} };"

BANNER = """
<main><p>Our products</p><button>Reject</button><a href="/x">Accept our terms of sale</a></main>
<div class="cookie-banner" style="position: fixed; bottom: 0">
  <p>We use cookies. <a href="/privacy">Privacy policy</a></p>
  <button>Accept all</button> <button>Settings</button>
  <button style="display: none">Reject all</button>
  <button style="opacity: 0">Decline</button>
</div>
<div id="host"></div>
<script>
  const root = document.getElementById('host').attachShadow({mode: 'open'});
  root.innerHTML = '<div role="dialog"><button>Alle ablehnen</button></div>';
</script>
"""
NO_REFUSAL_BANNER = """
<div id="sp_message_container"><span role="button">Got it!</span> <a href="#">Options</a></div>
"""


async def _page_with(page: Page, script: str = "", body: str = "<p>shop</p>") -> Page:
    await page.set_content(f"<script>{script}</script>{body}")
    return page


async def _timed(read: Awaitable[Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = await read
    return result, time.monotonic() - started


async def _scenarios() -> dict[str, Any]:
    results: dict[str, Any] = {}
    async with scanner_chromium({}, []) as context:
        cases: dict[str, tuple[str, str]] = {
            "none": ("", "<p>shop</p>"),
            "good": (GOOD, "<p>shop</p>"),
            "silent": (SILENT, "<p>shop</p>"),
            "throwing": (THROWING, "<p>shop</p>"),
            "flooding": (FLOODING, "<p>shop</p>"),
            "odd": (ODD_VALUES, "<p>shop</p>"),
            "getter": (GETTER_THROWS, "<p>shop</p>"),
        }
        pages = {
            name: await _page_with(await context.new_page(), script, body)
            for name, (script, body) in cases.items()
        }
        readings = await asyncio.gather(
            *(_timed(read_consent_signals(page.main_frame)) for page in pages.values())
        )
        results.update(zip(pages, readings, strict=True))
        for name in ("good", "flooding"):
            results[f"{name} removed"] = await pages[name].evaluate("window.removed")
        banner = await _page_with(await context.new_page(), body=BANNER)
        results["banner"] = await read_first_layer(banner.main_frame)
        no_refusal = await _page_with(await context.new_page(), body=NO_REFUSAL_BANNER)
        results["no refusal"] = await read_first_layer(no_refusal.main_frame)
        # last, alone: a page that hangs its renderer may hang its neighbours
        hanging = await _page_with(await context.new_page(), HANGING)
        results["hanging"] = await _timed(read_consent_signals(hanging.main_frame))
        results["hanging banner"] = await _timed(read_first_layer(hanging.main_frame))
    return results


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    run: Callable[[], Awaitable[dict[str, Any]]] = _scenarios
    return asyncio.run(run())


def test_a_page_without_cmp_apis_has_no_signals_at_once(results: dict[str, Any]) -> None:
    (signals, error), seconds = results["none"]
    assert (signals, error) == (None, None)
    assert seconds < 0.5


def test_a_well_behaved_cmp_is_read_and_decoded(results: dict[str, Any]) -> None:
    (signals, error), seconds = results["good"]
    assert error is None
    tcf = signals["tcf"]
    assert {k: tcf[k] for k in tcf if k != "decoded"} == {
        "answers": 1,
        "success": True,
        "final": True,
        "error": None,
        "tc_string": NO_CONSENT_STRING,
        "decode_error": None,
        "event_status": "tcloaded",
        "cmp_status": "loaded",
        "gdpr_applies": True,
        "cmp_id": 4095,
    }
    assert tcf["decoded"]["cmp_id"] == 4095
    assert tcf["decoded"]["purposes_consent"] == tcf["decoded"]["vendor_consents"] == []
    assert results["good removed"] == [7]  # the listener was removed with its id
    gpp = signals["gpp"]
    assert (gpp["signal_status"], gpp["final"], gpp["answers"]) == ("ready", True, 3)
    assert (gpp["gpp_string"], gpp["applicable_sections"], gpp["cmp_id"]) == (
        USNAT_GPP,
        [7],
        31,
    )
    assert gpp["decode_error"] is None
    [usnat] = gpp["decoded"]["sections"]
    assert usnat["name"] == "usnat" and usnat["content"]["gpc"] is True
    usp = signals["us_privacy"]
    assert (usp["usp_string"], usp["version"], usp["error"]) == ("1YNN", 1, None)
    assert usp["decoded"] == {
        "version": 1,
        "notice_given": True,
        "opted_out_of_sale": False,
        "lspa_covered": False,
    }
    assert seconds < 1.5  # GPP was ready after its third ping, nothing waited for the timeout


def test_an_api_that_never_answers_costs_its_timeout_and_says_so(results: dict[str, Any]) -> None:
    (signals, error), seconds = results["silent"]
    assert error is None and signals["gpp"] is None
    for key in ("tcf", "us_privacy"):
        assert signals[key]["answers"] == 0 and signals[key]["final"] is False
        assert signals[key]["error"] == f"no answer within {ANSWER_TIMEOUT_MS} ms"
        assert signals[key]["decoded"] is None
    assert ANSWER_TIMEOUT_MS / 1000 <= seconds < READ_TIMEOUT_S


def test_an_api_that_throws_is_reported(results: dict[str, Any]) -> None:
    (signals, _), seconds = results["throwing"]
    assert signals["tcf"]["error"] == "threw TypeError: boom"
    assert signals["tcf"]["tc_string"] is None
    assert seconds < 1


def test_a_flood_of_callbacks_keeps_the_first_final_answer(results: dict[str, Any]) -> None:
    (signals, _), seconds = results["flooding"]
    tcf = signals["tcf"]
    assert tcf["answers"] == 10000
    assert (tcf["event_status"], tcf["final"]) == ("cmpuishown", True)
    assert tcf["decoded"]["vendor_consents"] == []
    assert results["flooding removed"] == [1]  # one removal, however many calls followed
    assert seconds < 1.5


def test_huge_and_odd_values_are_bounded_and_not_decoded(results: dict[str, Any]) -> None:
    (signals, _), _seconds = results["odd"]
    tcf = signals["tcf"]
    assert len(tcf["tc_string"]) == MAX_STRING_LENGTH
    assert tcf["decode_error"] == (
        f"TC string is 100000 characters long, more than the {MAX_STRING_LENGTH} read"
    )
    assert tcf["decoded"] is None
    assert (tcf["gdpr_applies"], tcf["cmp_id"]) == (None, None)
    gpp = signals["gpp"]
    assert gpp["gpp_string"] is None
    assert gpp["decode_error"] == "GPP string is not a string but number"
    assert gpp["applicable_sections"] is None
    usp = signals["us_privacy"]
    assert usp["decode_error"] == "US Privacy string is not a string but object"


def test_an_api_behind_a_throwing_getter_or_not_a_function_is_absent(
    results: dict[str, Any],
) -> None:
    assert results["getter"][0] == (None, None)


def test_a_page_that_hangs_in_its_api_costs_the_bound_and_no_more(
    results: dict[str, Any],
) -> None:
    (signals, error), seconds = results["hanging"]
    assert signals is None
    assert error == f"the consent APIs were not read: no answer within {READ_TIMEOUT_S:g} s"
    assert seconds < READ_TIMEOUT_S + 0.5
    banner, banner_seconds = results["hanging banner"]
    assert banner["error"] == "the banner could not be read: no answer in time"
    assert banner_seconds < READ_TIMEOUT_S + 0.5


def test_the_first_layer_survey_reads_only_visible_banner_controls(
    results: dict[str, Any],
) -> None:
    assert results["banner"] == {
        "controls": 4,
        "refusal": ["Alle ablehnen"],  # in an open shadow root
        "acceptance": ["Accept all"],
        "other": ["Privacy policy", "Settings"],
        "truncated": False,
        "error": None,
    }  # hidden and transparent refusals, and buttons outside the banner, do not count
    assert results["no refusal"]["acceptance"] == ["Got it!"]
    assert results["no refusal"]["refusal"] == []
