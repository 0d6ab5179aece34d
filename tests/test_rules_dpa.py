"""DPA rules from small scan fixtures: a broken DPA file is reported and the rest runs."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from scanner.checks import dpa
from scanner.dpa import load_dpa_folder
from scanner.dpa.examples import EXAMPLE_DPAS
from scanner.findings.catalog import RuleCatalog
from scanner.findings.engine import run_checks
from tests.rule_fixtures import context_of, page, request, scan


def test_broken_dpa_file_is_a_finding_and_other_vendors_are_still_checked(tmp_path: Path) -> None:
    folder = tmp_path / "dpa"
    shutil.copytree(EXAMPLE_DPAS, folder)
    (folder / "example-social.json").write_text("{ not json")
    visit = page(requests=[
        request(1, "https://ads.adnet.example/ad.js"),
        request(2, "https://widgets.social.example/embed", resource_type="document"),
    ])  # fmt: skip
    context = dataclasses.replace(context_of(scan(visit)), dpas=load_dpa_folder(folder))
    findings = run_checks(context, RuleCatalog.load(), (dpa.check,))
    assert {(f.rule_id, f.subject) for f in findings} == {
        ("dpa-schema-invalid", str(folder / "example-social.json")),
        ("dpa-undeclared-vendor", "example-social"),
        ("dpa-violation", "example-ad-network before_consent 3.1"),
    }
    invalid = next(f for f in findings if f.rule_id == "dpa-schema-invalid")
    assert invalid.message.startswith(f"{folder / 'example-social.json'}: at line 1, column 3")


def test_without_a_dpa_folder_there_are_no_dpa_findings() -> None:
    visit = page(requests=[request(1, "https://ads.adnet.example/ad.js")])
    assert run_checks(context_of(scan(visit)), RuleCatalog.load(), (dpa.check,)) == []
