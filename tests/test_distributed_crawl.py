"""The distributed crawl end to end: real ``scanner scan --redis`` coordinators and
``scanner worker`` processes, each worker with its own Chromium, sharing a real
redis-server, crawling the bench world's simple pages (a binary tree of N pages).

What is covered: every page of the site is recorded exactly once in the single scan.json
the coordinator writes (and fetched once by a browser when no worker dies), every usual
output is written, both workers did part of the work, and a worker killed with SIGKILL
(its whole process group: the worker, Playwright's driver and its Chromium) mid-crawl
loses nothing: its leased pages are visited again by the other worker and recorded once.
N is small here (CI time); the 2,000-page figures come from scripts/bench_distributed.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.crawl.redis_frontier import connect, read_scan
from scanner.testworld import running_test_world
from tests.e2e_helpers import run_scanner, stderr_lines

PAGES = 60
KILL_AFTER_PAGES = 15
MAX_RATE = 5
TIMEOUT_S = 300
SCAN_UA = "site-compliance-scanner"
"""Scrapy's user agent: the site probe's and robots.txt's requests, not the browser's."""


@pytest.fixture(scope="module")
def bench_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    log = tmp_path_factory.mktemp("distributed-world") / "requests.jsonl"
    with running_test_world(bench_pages=PAGES, request_log=log) as world:
        yield world, log


def _scan_args(world: Any, redis_url: str, *extra: str) -> list[str]:
    return [
        "scan", world.bench_start_url, "--redis", redis_url, "--consent", "before",
        "--dwell", "0", "--max-pages", str(PAGES), "--concurrency", "3", "--screenshots", "2",
        "--progress", "never", "--no-history", "--map-host", "*=127.0.0.1",
        "--trust-spki", world.spki_sha256, *extra,
    ]  # fmt: skip


def _page_urls(world: Any) -> set[str]:
    base = world.bench_start_url.removesuffix("/p/0")
    return {f"{base}/p/{index}" for index in range(PAGES)}


def _browser_fetches(log: Path, since: float) -> list[tuple[float, str]]:
    """When a browser asked the world for a bench page, and which, since ``since``."""
    fetched = []
    for line in log.read_text().splitlines():
        entry = json.loads(line)
        agent = dict((name.lower(), value) for name, value in entry["headers"]).get("user-agent")
        is_page = entry["target"].startswith("/p/") and entry["host"].startswith("bench.test")
        if entry["time"] >= since and is_page and SCAN_UA not in (agent or ""):
            fetched.append((entry["time"], entry["target"]))
    return sorted(fetched)


def _assert_every_page_once(scan: dict[str, Any], world: Any) -> None:
    recorded = Counter(page["url"] for page in scan["pages"])
    assert set(recorded) == _page_urls(world)
    assert set(recorded.values()) == {1}
    assert {page["outcome"] for page in scan["pages"]} == {"rendered"}
    assert scan["complete"] is True and scan["not_visited"] == []
    assert sum(scan["distributed"]["workers"].values()) == PAGES


@pytest.mark.browser
def test_two_local_workers_crawl_every_page_once_into_one_audit(
    bench_world: tuple[Any, Path], redis_url: str, tmp_path: Path
) -> None:
    world, log = bench_world
    since = time.time()
    out = tmp_path / "audit"
    run = run_scanner(
        *_scan_args(world, redis_url, "--workers", "2", "--max-rate", str(MAX_RATE)), out_dir=out
    )
    assert run.returncode == 0, stderr_lines(run)[-5:]
    scan = run.scan
    _assert_every_page_once(scan, world)
    assert len(scan["distributed"]["workers"]) == 2
    assert all(pages > 0 for pages in scan["distributed"]["workers"].values())
    assert scan["distributed"]["pages_visited_again"] == 0
    fetches = _browser_fetches(log, since)
    fetched = Counter(target for _, target in fetches)
    assert set(fetched) == {f"/p/{index}" for index in range(PAGES)}
    assert set(fetched.values()) == {1}  # no page rendered twice
    # --max-rate is shared: the two workers together kept to it (delays only lengthen this)
    assert fetches[-1][0] - fetches[0][0] >= (PAGES - 1) / MAX_RATE - 0.5
    shots = sorted(page["screenshot"] for page in scan["pages"] if page["screenshot"])
    assert shots == ["evidence/screenshots/0001.jpg", "evidence/screenshots/0002.jpg"]
    for name in ("findings.json", "report.html", "report.pdf", "results.sarif", "manifest.json"):
        assert (out / name).is_file(), name
    assert all((out / shot).read_bytes()[:2] == b"\xff\xd8" for shot in shots)  # JPEG
    assert read_scan(connect(redis_url)).state == "finished"  # the workers were told


@pytest.mark.browser
def test_a_worker_killed_mid_crawl_loses_no_page_and_none_is_recorded_twice(
    bench_world: tuple[Any, Path], redis_url: str, tmp_path: Path
) -> None:
    world, _ = bench_world
    out = tmp_path / "audit"
    coordinator = subprocess.Popen(
        [sys.executable, "-m", "scanner", *_scan_args(world, redis_url, "--workers", "0"),
         "--lease", "4", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    scratch = Path(tempfile.mkdtemp(prefix="sw-"))  # Chromium's socket paths must be short
    workers = [_start_worker(redis_url, scratch / str(n)) for n in (1, 2)]
    try:
        journal = out / "scan.pages.jsonl"
        deadline = time.monotonic() + TIMEOUT_S
        while _lines(journal) < KILL_AFTER_PAGES:
            assert coordinator.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        os.killpg(workers[0].pid, signal.SIGKILL)  # the worker, its driver and Chromium
        _, stderr = coordinator.communicate(timeout=TIMEOUT_S)
        assert coordinator.returncode == 0, stderr[-2000:]
        assert workers[1].wait(timeout=60) == 0
    finally:
        for worker in workers:
            _kill_group(worker)
        coordinator.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    scan = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    _assert_every_page_once(scan, world)
    assert scan["distributed"]["pages_visited_again"] >= 1  # the dead worker's leases
    assert scan["distributed"]["pages_given_up"] == 0
    assert workers[0].returncode == -signal.SIGKILL


def test_bad_distributed_input_is_one_line(redis_url: str, tmp_path: Path) -> None:
    worker = run_scanner("worker", "--redis", redis_url)
    unreachable = run_scanner("worker", "--redis", f"unix://{tmp_path}/none.sock")
    states = run_scanner(
        "scan", "https://www.example.test/", "--redis", redis_url,
        "--consent", "before,reject", out_dir=tmp_path / "out",
    )  # fmt: skip
    alone = run_scanner("scan", "https://www.example.test/", "--workers", "2", out_dir=tmp_path)
    for run, message in (
        (worker, "error: no scan in this Redis: start one with scanner scan URL --redis URL"),
        (unreachable, f"error: cannot reach Redis at unix://{tmp_path}/none.sock: "),
        (states, "error: --redis supports only --consent before for now"),
        (alone, "error: --workers and --lease go with --redis URL"),
    ):
        lines = stderr_lines(run)
        assert run.returncode == 2 and len(lines) == 1 and lines[0].startswith(message), lines
    assert not (tmp_path / "out").exists()  # refused before anything was written


def _start_worker(redis_url: str, folder: Path) -> subprocess.Popen[bytes]:
    """A worker in a process group of its own, its temporary files in ``folder`` (a
    killed worker cannot remove them)."""
    folder.mkdir()
    return subprocess.Popen(
        [sys.executable, "-m", "scanner", "worker", "--redis", redis_url, "--wait", "60",
         "--log", str(folder / "crawl.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "TMPDIR": str(folder)},
    )  # fmt: skip


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _lines(path: Path) -> int:
    return len(path.read_bytes().splitlines()) if path.exists() else 0
