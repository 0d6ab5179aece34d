"""What iframes send as the page around them is left is recorded on that page.

www.hostile.test/leave/frames embeds a same-site iframe and a cross-site one (from
widgets.social.example, which Chromium renders in a process of its own). Each frame's
document sends a beacon and a keepalive fetch on pagehide and a keepalive fetch on
visibilitychange (see scanner.testworld.sites.leave_frames). The scanner makes the page
hidden first (script-dispatched events) and then navigates away for real (events the
browser fires, sent after the documents are gone): the world's request log must match
scan.json one to one, each request on the page, in phase 'unload', on its own frame.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from scanner.testworld import running_test_world
from scanner.testworld.hosts import HOSTILE, SOCIAL_WIDGETS
from scanner.testworld.sites.leave_frames import FRAME_PATH, FRAMES_PATH, SINK_PATH
from tests.e2e_helpers import CliRun, run_scanner

pytestmark = pytest.mark.browser

FRAME_HOSTS = {"same": HOSTILE, "cross": SOCIAL_WIDGETS}
SENDS_PER_HIDE = 3
"""Per frame and per hide: a beacon and a keepalive fetch on pagehide, a keepalive
fetch on visibilitychange."""


@dataclass(frozen=True)
class Crawl:
    run: CliRun
    received: list[dict[str, Any]]
    """The world's log entries for the frames' sink, in arrival order."""

    @property
    def page(self) -> dict[str, Any]:
        (page,) = self.run.scan["pages"]
        return page


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    tmp = tmp_path_factory.mktemp("iframe-leave")
    log = tmp / "requests.jsonl"
    with running_test_world(request_log=log) as world:
        run = run_scanner(
            "scan", world.url(HOSTILE, FRAMES_PATH),
            "--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256,
            "--max-pages", "1", "--no-sitemap", "--dwell", "0", "--consent", "before",
            "--screenshots", "0", "--no-history", "--progress", "never",
            out_dir=tmp / "out",
        )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr[-3000:]
    return Crawl(run, _sink_entries(log))


def _sink_entries(log: Path) -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [entry for entry in entries if entry["target"].startswith(SINK_PATH + "?")]


def _fields(query: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(query).items()}


def _recorded(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in page["requests"] if urlsplit(r["url"]).path == SINK_PATH]


def test_the_server_received_both_hides_from_both_frames(crawl: Crawl) -> None:
    """The world works as described: without this, the tests below could pass on nothing."""
    sent = Counter(
        (_fields(urlsplit(entry["target"]).query)["frame"], entry["host"], entry["target"])
        for entry in crawl.received
    )
    for label, host in FRAME_HOSTS.items():
        from_frame = [
            _fields(urlsplit(target).query)
            for (frame, from_host, target) in sent
            if frame == label and from_host == host
        ]
        real = sorted((f["event"], f["via"]) for f in from_frame if f["real"] == "1")
        assert real == [
            ("pagehide", "beacon"),
            ("pagehide", "keepalive"),
            ("visibilitychange", "keepalive"),
        ], f"{label}: {from_frame}"
        assert len(from_frame) == 2 * SENDS_PER_HIDE  # the simulated hide, then the real one
    assert max(sent.values()) == 1  # each URL carries a sequence number: no repeat


def test_every_leave_request_of_every_frame_is_on_the_page(crawl: Crawl) -> None:
    """The server's log and scan.json match one to one, bodies included, all 'unload'."""
    sent = Counter(
        (entry["host"], entry["target"], base64.b64decode(entry["body_base64"]))
        for entry in crawl.received
    )
    recorded = Counter(
        (
            urlsplit(r["url"]).hostname,
            f"{SINK_PATH}?{urlsplit(r['url']).query}",
            (r["body"] or {}).get("text", "").encode("utf-8"),
        )
        for r in _recorded(crawl.page)
    )
    missing = sent - recorded
    assert not missing, f"sent but not in scan.json: {sorted(t for _, t, _ in missing)}"
    assert recorded == sent
    assert {r["phase"] for r in _recorded(crawl.page)} == {"unload"}


def test_each_leave_request_is_on_the_frame_that_sent_it(crawl: Crawl) -> None:
    frames = {frame["id"]: frame for frame in crawl.page["frames"]}
    for request in _recorded(crawl.page):
        label = _fields(urlsplit(request["url"]).query)["frame"]
        assert request["frame"] is not None, request["url"]
        frame = frames[request["frame"]]
        frame_url = urlsplit(frame["url"])
        assert (frame_url.hostname, frame_url.path) == (FRAME_HOSTS[label], FRAME_PATH)
        assert _fields(frame_url.query) == {"frame": label}
        assert frames[frame["parent"]]["parent"] is None  # a child of the main frame
