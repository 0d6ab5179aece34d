"""End to end: a scan killed with SIGKILL mid-crawl, then ``scanner scan --resume DIR``."""

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
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scanner.procmem import _descendants
from scanner.testworld import TestWorld, running_test_world
from tests.e2e_helpers import run_scanner, stderr_lines

pytestmark = pytest.mark.browser

PAGES = 21
"""A binary tree of pages numbered breadth-first: each page's number grows out of its
parent's, which the trap guard allows 20 times (so the start page and 20 more)."""
KILL_AFTER = 6
"""Pages in the journal when the scan is killed (of PAGES: well before the end)."""
BENCH = "bench.test"


@pytest.fixture(scope="module")
def request_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("world") / "requests.jsonl"


@pytest.fixture(scope="module")
def world(request_log: Path) -> Iterator[TestWorld]:
    with running_test_world(bench_pages=PAGES, request_log=request_log) as running:
        yield running


def scan_command(world: TestWorld, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "scanner", "scan", world.bench_start_url, "--out", str(out),
        "--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256, "--progress", "never",
        "--concurrency", "2", "--dwell", "0", "--max-pages", str(PAGES + 20),
        "--max-per-pattern", str(PAGES + 20),
    ]  # fmt: skip


def journal_lines(out: Path) -> list[str]:
    journal = out / "scan.pages.jsonl"
    if not journal.exists():
        return []
    return [line for line in journal.read_text(encoding="utf-8").split("\n")[:-1] if line]


def kill_tree_mid_crawl(command: list[str], out: Path, env: dict[str, str]) -> list[dict]:
    """Start the scan, wait for KILL_AFTER pages, SIGKILL every process of its tree at
    once (Chromium and Playwright's driver run in process groups of their own); return
    the pages the journal held."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    while len(journal_lines(out)) < KILL_AFTER:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the scan wrote too few pages in 120 s"
        time.sleep(0.05)
    tree = _descendants(process.pid)
    for pid in tree:
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=30)
    if process.stderr:
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    _wait_gone(tree)
    return [json.loads(line) for line in journal_lines(out)]


def _wait_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)  # killed children are reaped by init, shortly after


def processes_using(folder: Path) -> list[str]:
    """Command lines of running processes that mention ``folder`` (its browser profile)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(folder) in cmdline:
            found.append(cmdline[:200])
    return found


@pytest.fixture
def private_temp() -> Iterator[dict[str, str]]:
    """An environment whose temporary folder is the test's own, to see what is left in it
    (short: Chromium puts a socket in it, and socket paths are limited to 107 bytes)."""
    folder = tempfile.mkdtemp(prefix="resume-")
    yield {**os.environ, "TMPDIR": folder}
    shutil.rmtree(folder, ignore_errors=True)


def page_requests(request_log: Path, since_line: int) -> list[str]:
    """Paths of the bench pages the world served after line ``since_line`` of its log."""
    lines = request_log.read_text(encoding="utf-8").splitlines()[since_line:]
    entries = [json.loads(line) for line in lines]
    return [e["target"] for e in entries if e["host"] == BENCH and e["target"].startswith("/p/")]


def test_a_scan_killed_with_sigkill_resumes_to_one_complete_scan(
    world: TestWorld, request_log: Path, tmp_path: Path, private_temp: dict[str, str]
) -> None:
    out = tmp_path / "audit"
    env = private_temp
    before_kill = kill_tree_mid_crawl(scan_command(world, out), out, env)
    assert KILL_AFTER <= len(before_kill) < PAGES
    assert not (out / "scan.json").exists()
    assert (out / ".scan-state" / "run.json").is_file()
    assert processes_using(out) == [], "a process of the killed scan is still running"
    # a kill in the middle of a write leaves a torn last line: both logs must take it
    with (out / "scan.pages.jsonl").open("a", encoding="utf-8") as journal:
        journal.write('{"url": "https://bench.test/p/torn", "outcome": "rend')
    with (out / ".scan-state" / "frontier.jsonl").open("a", encoding="utf-8") as log:
        log.write('{"e": "call", "m": "admit", "a": ["https://bench.test/p/to')

    served_before_resume = len(request_log.read_text(encoding="utf-8").splitlines())
    resumed = run_scanner("scan", "--resume", str(out), env=env)

    assert resumed.returncode == 0, resumed.stderr
    scan = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    urls = [page["url"] for page in scan["pages"]]
    assert len(urls) == len(set(urls)), "a page appears twice in scan.json"
    expected = {f"https://{BENCH}:{world.https_port}/p/{n}" for n in range(PAGES)}
    assert set(urls) == expected
    assert (scan["complete"], scan["finish_reason"], scan["not_visited"]) == (True, "finished", [])
    assert scan["summary"]["pages"] == PAGES
    assert scan["skipped"] == []
    assert scan["resumed"]["count"] == 1
    assert scan["resumed"]["runs"][0]["pages_kept"] == len(before_kill)
    assert scan["start_url"] == world.bench_start_url

    # the pages finished before the kill were kept as they were, not visited again
    by_url = {page["url"]: page for page in scan["pages"]}
    for page in before_kill:
        assert by_url[page["url"]]["visited_at"] == page["visited_at"]
    again = set(page_requests(request_log, served_before_resume))
    finished_paths = {urlsplit(page["url"]).path for page in before_kill}
    assert again.isdisjoint(finished_paths), sorted(again & finished_paths)

    # nothing of either run is left behind
    assert not (out / ".scan-state").exists()
    assert not (out / "scan.pages.jsonl").exists()
    assert processes_using(out) == []
    left = list(Path(env["TMPDIR"]).glob("scanner-profile-*"))
    assert left == [], "a browser profile was left in the temporary folder"

    finished_again = run_scanner("scan", "--resume", str(out))
    assert finished_again.returncode == 2
    assert stderr_lines(finished_again) == [
        f"error: cannot resume: {out} holds a finished scan; nothing to resume"
    ]


def test_a_scan_stopped_with_ctrl_c_resumes_and_visits_the_pages_it_broke_again(
    world: TestWorld, tmp_path: Path, private_temp: dict[str, str]
) -> None:
    """Ctrl-C in a terminal reaches the whole process group: the browser goes away under
    the pages in flight, which are recorded as failed; the resume visits them again."""
    out = tmp_path / "audit"
    process = subprocess.Popen(
        scan_command(world, out),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=private_temp,
    )
    deadline = time.monotonic() + 120
    while len(journal_lines(out)) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=120) == 3
    assert json.loads((out / "scan.json").read_text(encoding="utf-8"))["complete"] is False

    resumed = run_scanner("scan", "--resume", str(out), env=private_temp)

    assert resumed.returncode == 0, resumed.stderr
    scan = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    urls = [page["url"] for page in scan["pages"]]
    assert len(urls) == len(set(urls)) == PAGES
    assert [page["url"] for page in scan["pages"] if page["outcome"] != "rendered"] == []
    assert scan["complete"] is True
    assert scan["resumed"]["count"] == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["https://www.example.com/", "--max-pages", "3", "--no-sitemap"],
            "error: --resume continues a scan with the settings it was started with; "
            "drop the start URL, --max-pages, --no-sitemap",
        ),
        (["--out", "elsewhere"], "error: --resume continues a scan with the settings it was "
         "started with; drop --out"),
    ],
)  # fmt: skip
def test_resume_with_options_that_would_change_the_scan_is_one_line(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    run = run_scanner("scan", "--resume", str(tmp_path), *extra)
    assert (run.returncode, stderr_lines(run)) == (2, [message])


def test_resume_of_a_folder_without_an_interrupted_scan_is_one_line(tmp_path: Path) -> None:
    run = run_scanner("scan", "--resume", str(tmp_path))
    assert run.returncode == 2
    assert stderr_lines(run) == [
        f"error: cannot resume: {tmp_path} holds no interrupted scan "
        f"({tmp_path / '.scan-state' / 'run.json'} missing)"
    ]
