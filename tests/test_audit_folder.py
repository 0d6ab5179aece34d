"""An audit folder is never destroyed: refused without --overwrite, and with it replaced
only by a scan that has results; every failed scan leaves it byte for byte as it was."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.audit_folder import FolderState, claim_output_folder, folder_state
from tests.e2e_helpers import CliRun, run_scanner, stderr_lines
from tests.tls_site import TlsSite, running_tls_site

SHOP = "www.shop.test"
FAST = ("--progress", "never", "--no-sitemap", "--screenshots", "0", "--dwell", "0")
FINISHED = {
    "scan.json": b'{"an": "old audit"}',
    "manifest.json": b'{"format": "scanner-evidence-manifest/1"}',
    "manifest.sig": b"signature",
    "findings.json": b"{}",
    "results.sarif": b"{}",
    "report.pdf": b"%PDF-1.7 old",
    "report.html": b"<html>old</html>",
    "crawl.log": b"old log\n",
    "evidence/screenshots/0001.jpg": b"\xff\xd8old shot",
    "evidence/har/0001.har": b"{}",
}
INTERRUPTED = {
    "scan.pages.jsonl": b'{"url": "https://www.shop.test/"}\n{"url": "https://www.sh',
    "crawl.log": b"killed\n",
    "evidence/screenshots/0001.jpg": b"\xff\xd8shot",
}


def make_folder(folder: Path, files: dict[str, bytes]) -> Path:
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry under ``folder`` (and the folder): its hash (files) and mode."""
    entries = {".": ("dir", stat.S_IMODE(folder.stat().st_mode))}
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            path = Path(root, name)
            entries[str(path.relative_to(folder))] = ("dir", stat.S_IMODE(path.stat().st_mode))
        for name in files:
            path = Path(root, name)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            entries[str(path.relative_to(folder))] = (digest, stat.S_IMODE(path.stat().st_mode))
    return entries


@pytest.fixture
def audit(tmp_path: Path) -> Path:
    return make_folder(tmp_path / "q4", FINISHED)


def siblings(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.parent.iterdir() if path != folder)


def scan_into(out: Path, url: str, *extra: str) -> CliRun:
    return run_scanner("scan", url, *FAST, *extra, out_dir=out)


# -- the folder's state ---------------------------------------------------------------


def test_what_a_folder_holds(tmp_path: Path) -> None:
    assert folder_state(tmp_path / "missing") is FolderState.FREE
    assert folder_state(make_folder(tmp_path / "a", {"notes.txt": b"x"})) is FolderState.FREE
    assert folder_state(make_folder(tmp_path / "b", FINISHED)) is FolderState.FINISHED
    assert folder_state(make_folder(tmp_path / "c", INTERRUPTED)) is FolderState.INTERRUPTED
    only_manifest = make_folder(tmp_path / "d", {"manifest.json": b"{}"})
    assert folder_state(only_manifest) is FolderState.FINISHED


def test_a_new_scan_writes_a_free_folder_directly(tmp_path: Path) -> None:
    folder = claim_output_folder(tmp_path / "new" / "q4", overwrite=False)
    assert (folder.work, folder.replaces) == (tmp_path / "new" / "q4", False)
    assert folder.work.is_dir()


def test_overwrite_writes_beside_and_swaps_at_the_end(audit: Path) -> None:
    before = snapshot(audit)
    folder = claim_output_folder(audit, overwrite=True)
    assert folder.replaces and folder.work.parent == audit.parent
    assert snapshot(audit) == before
    (folder.work / "scan.json").write_bytes(b"new")
    folder.commit()
    assert sorted(p.name for p in audit.iterdir()) == ["scan.json"]
    assert (audit / "scan.json").read_bytes() == b"new"
    assert siblings(audit) == []


def test_discarding_leaves_the_old_audit(audit: Path) -> None:
    before = snapshot(audit)
    folder = claim_output_folder(audit, overwrite=True)
    (folder.work / "crawl.log").write_text("new attempt")
    folder.discard(only_if_empty=True)
    assert folder.work.exists()  # it holds something: kept
    folder.discard()
    assert snapshot(audit) == before
    assert siblings(audit) == []


# -- the command line: refused, and intact after every failed scan ------------------


def test_a_finished_audit_is_refused_without_overwrite(audit: Path) -> None:
    before = snapshot(audit)
    run = scan_into(audit, "https://www.example.com/")
    assert (run.returncode, stderr_lines(run)) == (
        2,
        [f"error: --out {audit} holds a finished audit; use a new folder, or --overwrite"],
    )
    assert snapshot(audit) == before


@pytest.mark.parametrize("overwrite", [False, True])
def test_an_interrupted_scan_is_never_deleted(tmp_path: Path, overwrite: bool) -> None:
    folder = make_folder(tmp_path / "killed", INTERRUPTED)
    before = snapshot(folder)
    # with --overwrite, a scan that fails (here: a bad port) must not touch it either
    extra = ("--overwrite",) if overwrite else ()
    port = ":99999" if overwrite else ""
    run = scan_into(folder, f"https://www.example.com{port}/", *extra)
    assert run.returncode == 2
    if not overwrite:
        assert stderr_lines(run) == [
            f"error: --out {folder} holds an interrupted scan; continue it with: scanner scan "
            f"--resume {folder} (or use a new folder, or --overwrite)"
        ]
    assert snapshot(folder) == before
    assert siblings(folder) == []


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["https://www.shop.test:99999/"], "has an invalid port"),
        (["https://www.shop.test/", "--trust-spki", "garbage"], "is not a base64 SHA-256 hash"),
        (["https://www.shop.test/", "--timeout", "nan"], "timeout must be a positive number"),
    ],
)
def test_bad_input_with_overwrite_leaves_the_audit_intact(
    audit: Path, args: list[str], line: str
) -> None:
    before = snapshot(audit)
    run = scan_into(audit, *args, "--overwrite")
    assert run.returncode == 2
    [message] = stderr_lines(run)
    assert line in message
    assert snapshot(audit) == before
    assert siblings(audit) == []


def test_a_browser_that_cannot_start_leaves_the_audit_intact(audit: Path, tmp_path: Path) -> None:
    broken = tmp_path / "chromium"
    broken.write_text('#!/bin/sh\necho "Chromium 156.0.0.0"\nexit 1\n')
    broken.chmod(0o755)
    before = snapshot(audit)
    run = scan_into(audit, "https://www.shop.test/", "--overwrite", "--browser", str(broken))
    assert run.returncode in (3, 4), run.stderr
    assert snapshot(audit) == before
    assert siblings(audit) == ["chromium"]


# -- with Chromium --------------------------------------------------------------------


@pytest.fixture(scope="module")
def site() -> Iterator[TlsSite]:
    with running_tls_site(SHOP) as running:
        yield running


@pytest.mark.browser
def test_an_unreachable_site_with_overwrite_leaves_the_audit_intact(audit: Path) -> None:
    before = snapshot(audit)
    run = scan_into(audit, "https://www.shop.test/", "--overwrite", "--max-pages", "1")
    assert run.returncode == 3, run.stderr
    lines = stderr_lines(run)
    assert lines[0] == (
        f"Scanned 1 pages (0 rendered, 1 failed, 0 not HTML); the audit in {audit} is unchanged"
    )
    assert lines[-1].startswith("error: no page could be rendered (dns: ")
    assert snapshot(audit) == before
    assert siblings(audit) == []


@pytest.mark.browser
def test_overwrite_replaces_the_audit_once_the_new_one_is_sealed(
    audit: Path, site: TlsSite
) -> None:
    run = scan_into(
        audit, site.url(SHOP), "--overwrite", "--max-pages", "1",
        "--map-host", f"{SHOP}=127.0.0.1", "--trust-spki", site.certificate.spki_sha256,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.scan["summary"]["rendered"] == 1
    assert not (audit / "evidence/screenshots/0001.jpg").exists()  # the old audit's, gone
    assert not (audit / "manifest.sig").exists()
    assert f"-> {audit / 'scan.json'}" in stderr_lines(run)[0]
    assert siblings(audit) == []
    verify = run_scanner("verify", str(audit))
    assert (verify.returncode, verify.stdout.splitlines()[-1]) == (
        3,
        "UNSIGNED: every file matches manifest.json, but nothing proves who wrote it",
    )


@pytest.mark.browser
def test_ctrl_c_during_an_overwrite_keeps_both_audits(audit: Path) -> None:
    from scanner.testworld import running_test_world

    before = snapshot(audit)
    with running_test_world() as world:
        command = [sys.executable, "-m", "scanner", "scan", world.url(SHOP, "/"), *FAST]
        command += ["--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256]
        command += ["--out", str(audit), "--overwrite"]
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        journals: list[Path] = []
        while time.monotonic() < deadline and process.poll() is None:
            journals = list(audit.parent.glob("q4.new-*/scan.pages.jsonl"))
            if journals and len(journals[0].read_text().splitlines()) >= 3:
                break
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 3, stderr
    assert snapshot(audit) == before
    [kept] = [audit.parent / name for name in siblings(audit)]
    assert kept == journals[0].parent
    scan = json.loads((kept / "scan.json").read_text())
    assert (scan["complete"], scan["finish_reason"]) == (False, "shutdown")
    assert (kept / "manifest.json").is_file()
    assert (
        f"the scan was interrupted, so the audit in {audit} is unchanged; "
        f"this scan's audit is in {kept}"
    ) in stderr


def test_a_scan_stopped_by_ctrl_c_is_interrupted_though_it_wrote_scan_json(tmp_path: Path) -> None:
    folder = make_folder(
        tmp_path / "stopped",
        {"scan.json": b"{}", ".scan-state/run.json": b"{}", "scan.pages.jsonl": b""},
    )
    assert folder_state(folder) is FolderState.INTERRUPTED
    assert folder_state(make_folder(tmp_path / "done", {"scan.json": b"{}"})) is (
        FolderState.FINISHED
    )
