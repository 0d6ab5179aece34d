"""The bare-browser baseline of ``scanner bench``: the same Chromium, launched the same
way, loading the same pages with the same number in flight, and nothing else (no
capture, no dwell, no routing through Python): each of ``concurrency`` pages navigates,
waits for ``load`` and moves on to the next URL.

It runs as ``python -m scanner.bench_baseline SPEC RESULT`` in a process of its own, so
that its process tree is measured the way a scan's is. The spec is built here by the
bench from the scanner's own choices (browser, switches, user agent, window size).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from scanner.bench_measure import BenchRun, measure
from scanner.crawl.browser import prepare_profile


@dataclass(frozen=True)
class BareSpec:
    """How to launch the browser, and what to load."""

    executable: str
    args: list[str]
    user_agent: str
    viewport: dict[str, int]
    urls: list[str]
    concurrency: int
    timeout_ms: float


def bench_page_urls(start_url: str, pages: int, profile: str = "simple") -> list[str]:
    """The bench site's N pages of a profile, on the host of ``start_url``: /p/0 to
    /p/N-1 (simple), /r/0 to /r/N-1 (realistic)."""
    from scanner.testworld.sites.bench import page_path

    return [urljoin(start_url, page_path(profile, index)) for index in range(pages)]


def bare_spec(
    start_url: str, pages: int, spki: str, concurrency: int, profile: str = "simple"
) -> BareSpec:
    """The spec of a bare run over the bench site's pages of a profile, with the scan's
    browser and switches for a world served on loopback under its own certificate
    authority."""
    from scanner.config import ScanSettings
    from scanner.crawl.browser import launch_args
    from scanner.crawl.settings import VIEWPORT
    from scanner.scan import find_scan_browser

    settings = ScanSettings(host_map={"*": "127.0.0.1"}, trusted_spki=[spki])
    browser = find_scan_browser(settings)
    return BareSpec(
        executable=browser.executable,
        args=launch_args(settings.host_map, settings.trusted_spki),
        user_agent=browser.user_agent,
        viewport=dict(VIEWPORT),
        urls=bench_page_urls(start_url, pages, profile),
        concurrency=concurrency,
        timeout_ms=settings.timeout * 1000,
    )


def bare_once(
    start_url: str, spki: str, pages: int, concurrency: int, profile: str = "simple"
) -> BenchRun:
    """One bare run over a profile's pages in a fresh process; its pages are those that
    loaded."""
    spec = bare_spec(start_url, pages, spki, concurrency, profile)
    with tempfile.TemporaryDirectory(prefix="scanner-bench-bare-") as work:
        spec_file, result_file = Path(work) / "spec.json", Path(work) / "result.json"
        spec_file.write_text(json.dumps(dataclasses.asdict(spec)), encoding="utf-8")
        seconds, rss, pss, _ = measure(
            [sys.executable, "-m", __name__, str(spec_file), str(result_file)]
        )
        loaded = json.loads(result_file.read_text(encoding="utf-8"))["loaded"]
    return BenchRun(loaded, seconds, rss, pss)


async def bare_loop(spec: BareSpec, profile_dir: Path) -> dict[str, int]:
    """Load every URL of the spec; how many loaded (HTTP status below 400) and how many
    failed."""
    from playwright.async_api import Page, async_playwright

    queue = list(reversed(spec.urls))
    tally = {"loaded": 0, "failed": 0}

    async def work(page: Page) -> None:
        while queue:
            url = queue.pop()
            try:
                response = await page.goto(url, wait_until="load", timeout=spec.timeout_ms)
                ok = response is not None and response.status < 400
            except Exception:  # a page that fails is counted, not fatal
                ok = False
            tally["loaded" if ok else "failed"] += 1

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(prepare_profile(profile_dir)),
            executable_path=spec.executable,
            headless=True,
            args=spec.args,
            user_agent=spec.user_agent,
            viewport=spec.viewport,  # type: ignore[arg-type]
            locale="en-GB",
        )
        pages = [await context.new_page() for _ in range(spec.concurrency)]
        await asyncio.gather(*(work(page) for page in pages))
        await context.close()
    return tally


def main(argv: list[str]) -> int:
    spec_file, result_file = (Path(arg) for arg in argv)
    spec = BareSpec(**json.loads(spec_file.read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory(prefix="scanner-bench-bare-profile-") as profile:
        result = asyncio.run(bare_loop(spec, Path(profile)))
    result_file.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
