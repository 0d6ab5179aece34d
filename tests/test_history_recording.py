"""Every scan and report regeneration is recorded in the history; a history that cannot
be used costs one warning line, never the audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.e2e_helpers import CliRun, run_scanner, stderr_lines

ROOT = Path(__file__).resolve().parent.parent
RULE_INPUTS = (
    "--vendors", str(ROOT / "scanner/testworld/vendors.json"),
    "--dpa-dir", str(ROOT / "schemas/dpa-examples"),
)  # fmt: skip


def _copy_of(demo_run: CliRun, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(demo_run.out_dir / "scan.json", folder / "scan.json")
    return folder


def test_the_demo_scan_was_recorded_in_the_per_user_history(demo_run: CliRun) -> None:
    """The demo runs with a fresh XDG_DATA_HOME (tests/conftest.py): its first audit."""
    recorded = [line for line in stderr_lines(demo_run) if line.startswith("Recorded as audit")]
    assert len(recorded) == 1
    prefix = "Recorded as audit #1 in the history "
    assert recorded[0].startswith(prefix)
    history = recorded[0].removeprefix(prefix)
    assert history.endswith("/site-compliance-scanner/history.sqlite")
    run = run_scanner("history", "shop.test", "--json", "--history", history)
    [row] = json.loads(run.stdout)
    assert row["folder"] == str(demo_run.out_dir.resolve())
    assert (row["origin"], row["consent_states"]) == ("scan", ["before", "reject", "accept"])
    assert row["scan_started_at"] == demo_run.scan["started_at"]
    scan = demo_run.scan
    pages = [*scan["pages"], *(p for visit in scan["consent_visits"] for p in visit["pages"])]
    rendered = {p["final_url"] or p["url"] for p in pages if p["outcome"] == "rendered"}
    assert row["pages"] == len(rendered)  # a failed page is not compared between audits
    html = (demo_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert "This is the first audit of this site in the audit history" in html


def test_a_regeneration_is_recorded_and_supersedes_the_scan(
    demo_run: CliRun, tmp_path: Path
) -> None:
    history = tmp_path / "history.sqlite"
    folder = _copy_of(demo_run, tmp_path / "audit")
    first = run_scanner("report", str(folder), *RULE_INPUTS, "--history", str(history))
    assert first.returncode == 0, first.stderr
    assert stderr_lines(first)[-1] == f"Recorded as audit #1 in the history {history}"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "This is the first audit of this site in the audit history" in html
    again = run_scanner("report", str(folder), *RULE_INPUTS, "--history", str(history))
    assert stderr_lines(again)[-1] == f"Recorded as audit #2 in the history {history}"
    rows = json.loads(run_scanner("history", "--json", "--history", str(history)).stdout)
    assert [(r["audit_id"], r["origin"]) for r in rows] == [(2, "report"), (1, "report")]
    diff = run_scanner("diff", "1", str(folder), "--history", str(history))
    assert diff.stdout.splitlines()[1].startswith("     with #2 shop.test")  # the folder's newest
    assert diff.stdout.splitlines()[-1] == "Summary: nothing new."


@pytest.mark.parametrize("damage", ["corrupt", "folder"])
def test_an_unusable_history_is_one_warning_and_the_audit_is_complete(
    demo_run: CliRun, tmp_path: Path, damage: str
) -> None:
    history = tmp_path / "history.sqlite"
    if damage == "corrupt":
        history.write_bytes(b"\x00garbage" * 512)
    else:
        history.mkdir()
    folder = _copy_of(demo_run, tmp_path / "audit")
    run = run_scanner("report", str(folder), *RULE_INPUTS, "--history", str(history))
    assert run.returncode == 0, run.stderr
    warnings = [line for line in stderr_lines(run) if line.startswith("warning: history")]
    assert len(warnings) == 1 and warnings[0].endswith(
        "; the audit folder is written without the history"
    )
    assert not any(line.startswith("Recorded as audit") for line in stderr_lines(run))
    for name in ("findings.json", "report.pdf", "report.html", "manifest.json"):
        assert (folder / name).is_file()
    assert run_scanner("verify", str(folder)).returncode == 3  # intact, unsigned
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "No audit history was used" in html


def test_no_history_records_nothing(demo_run: CliRun, tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    folder = _copy_of(demo_run, tmp_path / "audit")
    run = run_scanner(
        "report", str(folder), *RULE_INPUTS, "--history", str(history), "--no-history"
    )
    assert run.returncode == 0, run.stderr
    assert not history.exists()
    assert not any(line.startswith("Recorded as audit") for line in stderr_lines(run))


def test_a_bad_approved_list_stops_the_scan_before_the_crawl(tmp_path: Path) -> None:
    approved = tmp_path / "approved.toml"
    approved.write_text("[[vendor]]\nvendor = 'x'\n", encoding="utf-8")
    run = run_scanner(
        "scan", "https://www.example.invalid/", "--approved", str(approved),
        out_dir=tmp_path / "out",
    )  # fmt: skip
    assert (run.returncode, stderr_lines(run)) == (
        2,
        [f"error: approved list {approved}: vendor entry 1: 'approved_by' is required (a "
         "non-empty string)"],
    )  # fmt: skip
    assert not (tmp_path / "out").exists()
