"""Measure how long a visitor must stay on a real-shop page for the real libraries to send
everything: ``.venv/bin/python tests/data/measure_dwell.py [DWELL_S ...]``.

For each dwell, a fresh world and browser (Debian Chromium, headless, the scanner's launch
flags and visitor user agent) visit every real-shop page once in one context: load, wait
the dwell, simulate the hide (visibilitychange + pagehide), then navigate away for real.
It prints, per dwell and vendor, the requests the world received and the (vendor, page)
pairs where the planted e-mail left, and for each vendor the first send after load.
Not a test: a measurement for choosing the scanner's default dwell.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scanner.crawl.browser import BASE_ARGS, visitor_user_agent
from scanner.testworld import running_test_world
from scanner.testworld.hosts import REALSHOP
from scanner.testworld.sites.realshop import PLANTED_EMAIL
from tests.realworld_oracle import Decoder, read_log, registrable_domain

PAGES = (
    "/",
    "/products/",
    "/products/trail-runner-2",
    "/newsletter",
    "/newsletter/confirm?email=jane.roe%40realshop-customer.example",
    "/account",
    "/checkout",
    "/about",
)
HIDE = (
    "() => { for (const [k, v] of [['visibilityState', 'hidden'], ['hidden', true]])"
    " Object.defineProperty(document, k, {value: v, configurable: true});"
    " document.dispatchEvent(new Event('visibilitychange'));"
    " window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: false})); }"
)
# navigator.webdriver is true under automation and PostHog drops every event then.
EXTRA_ARGS = ("--disable-blink-features=AutomationControlled",)


def visit(dwell_s: float, log: Path) -> list[tuple[str, float]]:
    """Visit every page; the (path, load time) of each."""
    loads = []
    with running_test_world(request_log=log) as world, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                *BASE_ARGS,
                *EXTRA_ARGS,
                "--host-resolver-rules=MAP * 127.0.0.1",
                f"--ignore-certificate-errors-spki-list={world.spki_sha256}",
            ],
        )
        page = browser.new_context(user_agent=visitor_user_agent("156")).new_page()
        for path in PAGES:
            page.goto(world.url(REALSHOP, path), wait_until="load")
            loads.append((path, time.time()))
            page.wait_for_timeout(dwell_s * 1000)
            page.evaluate(HIDE)
        page.goto("about:blank")
        page.wait_for_timeout(3000)
        browser.close()
    return loads


def page_of(loads: list[tuple[str, float]], at: float) -> str:
    """The page that was open at time ``at`` (by load times)."""
    current = loads[0][0]
    for path, loaded in loads:
        if loaded - 0.5 <= at:  # requests fired during a load belong to that page
            current = path
    return current


def measure(dwell_s: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "requests.jsonl"
        loads = visit(dwell_s, log)
        requests = [r for r in read_log(log) if r.from_page and "realshop" not in r.host]
    decoder = Decoder()
    sent = Counter(registrable_domain(r.host) for r in requests if r.method == "POST")
    pairs = {
        (registrable_domain(r.host), page_of(loads, r.time))
        for r in requests
        if any(PLANTED_EMAIL in t for t in decoder.request_texts(r))
    }
    by_vendor = Counter(vendor for vendor, _ in pairs)
    print(f"dwell {dwell_s:g} s: POSTs {dict(sorted(sent.items()))}")
    print(f"  e-mail pairs {len(pairs)}: {dict(sorted(by_vendor.items()))}")


if __name__ == "__main__":
    for value in sys.argv[1:] or ("0.5", "1", "2", "3", "5", "8", "11", "15"):
        measure(float(value))
