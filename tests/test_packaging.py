"""The built wheel carries the data folders (schemas, rules, templates) and the capture
scripts, so that ``pip install .`` works away from the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_data_and_scripts(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "scanner/_data/schemas/scan-result.schema.json",
        "scanner/capture/page_hooks.js",
        "scanner/capture/page_hide.js",
        "scanner/capture/page_facts.js",
        "scanner/testworld/sites/js/tm.js",
        "scanner/testworld/vendors.json",
        "scanner/_data/rules/catalog.json",
        "scanner/_data/rules/vendors.json",
        "scanner/_data/rules/cookie-names.json",
        "scanner/_data/rules/filterlists/easyprivacy.txt",
        "scanner/_data/rules/filterlists/README.md",
        "scanner/_data/rules/third-party-web/entities-nostats.json",
        "scanner/_data/rules/third-party-web/categories.json",
        "scanner/_data/rules/third-party-web/source.json",
        "scanner/_data/rules/third-party-web/LICENSE",
        "scanner/_data/rules/third-party-web/README.md",
        "scanner/_data/rules/autoconsent/autoconsent.playwright.js",
        "scanner/_data/rules/autoconsent/rules.json",
        "scanner/_data/rules/autoconsent/source.json",
        "scanner/_data/rules/autoconsent/LICENSE",
        "scanner/_data/rules/autoconsent/README.md",
        "scanner/_data/schemas/dpa-examples/baseline.json",
    }
    assert expected <= names
    schemas = ROOT / "schemas"
    schemas_in_repo = {p.relative_to(schemas).as_posix() for p in schemas.rglob("*.json")}
    schemas_in_wheel = {
        n.removeprefix("scanner/_data/schemas/")
        for n in names
        if n.startswith("scanner/_data/schemas/") and n.endswith(".json")
    }
    assert schemas_in_wheel == schemas_in_repo
    templates = ROOT / "reports" / "templates"
    templates_in_repo = {p.name for p in templates.iterdir() if p.is_file()}
    templates_in_wheel = {
        n.removeprefix("scanner/_data/templates/")
        for n in names
        if n.startswith("scanner/_data/templates/")
    }
    assert "report.html.j2" in templates_in_repo
    assert templates_in_wheel == templates_in_repo
