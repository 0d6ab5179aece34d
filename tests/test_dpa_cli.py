"""scanner dpa check / init, and DPA problems reaching findings without stopping the rules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scanner.dpa import vocabulary_problems
from scanner.dpa.examples import EXAMPLE_DPAS
from tests.e2e_helpers import CliRun, run_scanner, stderr_lines

pytestmark = pytest.mark.browser  # uses the demo scan


def test_check_lists_the_usable_schemas_and_each_problem(tmp_path: Path) -> None:
    folder = tmp_path / "dpa"
    shutil.copytree(EXAMPLE_DPAS, folder)
    (folder / "broken.json").write_text('{"x-vendor": ')
    run = run_scanner("dpa", "check", str(folder))
    assert run.returncode == 1
    assert run.stdout.strip().endswith(", 1 problems")
    assert "6 usable DPA schemas" in run.stdout
    [problem] = stderr_lines(run)
    assert problem.startswith(f"error: {folder / 'broken.json'}: ")
    clean = run_scanner("dpa", "check", str(EXAMPLE_DPAS))
    assert (clean.returncode, stderr_lines(clean)) == (0, [])


def test_init_writes_a_schema_that_passes_the_vocabulary_and_the_vendor(
    demo_run: CliRun, tmp_path: Path
) -> None:
    out = tmp_path / "example-retargeting.json"
    vendors = str(Path(__file__).resolve().parent.parent / "scanner/testworld/vendors.json")
    run = run_scanner(
        "dpa", "init", "example-retargeting", "--scan", str(demo_run.out_dir),
        "--vendors", vendors, "--out", str(out),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    schema = json.loads(out.read_text())
    assert vocabulary_problems(schema) == []
    assert schema["x-vendor"] == "example-retargeting"
    assert schema["properties"]["loads"]["items"]["enum"] == ["example-data-exchange"]
    assert "email" in schema["properties"]["data_categories"]["items"]["enum"]
    # with the new schema in the folder, the vendor is no longer undeclared
    folder = tmp_path / "dpa"
    shutil.copytree(EXAMPLE_DPAS, folder)
    shutil.copy(out, folder / out.name)
    scan_copy = tmp_path / "scan"
    scan_copy.mkdir()
    shutil.copy(demo_run.out_dir / "scan.json", scan_copy / "scan.json")
    report = run_scanner("report", str(scan_copy), "--vendors", vendors, "--dpa-dir", str(folder))
    assert report.returncode == 0, report.stderr
    subjects = {
        (f["rule_id"], f["subject"])
        for f in json.loads((scan_copy / "findings.json").read_text())["findings"]
    }
    assert ("dpa-undeclared-vendor", "example-retargeting") not in subjects
    assert ("dpa-undeclared-vendor", "example-data-exchange") in subjects


def test_init_for_a_vendor_not_seen_is_one_clear_line(demo_run: CliRun) -> None:
    run = run_scanner("dpa", "init", "nobody", "--scan", str(demo_run.out_dir))
    assert run.returncode == 2
    [line] = stderr_lines(run)
    assert line.startswith(
        f"error: vendor 'nobody' was not seen in {demo_run.out_dir / 'scan.json'}; vendors seen: "
    )
