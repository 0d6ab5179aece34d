"""Checks shared by the tests of third-party data shipped under rules/ (see its READMEs)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def assert_shipped_unchanged(folder: Path, licence: str, licence_words: str) -> dict[str, Any]:
    """The folder's files are the package's, as source.json records them, under the
    named licence, with the README naming the version; returns source.json."""
    source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert f"- Version: {source['version']}" in readme
    assert f"- Retrieved: {source['retrieved']}" in readme
    assert source["license"] == licence
    assert licence_words in (folder / "LICENSE").read_text(encoding="utf-8")
    for name, digest in source["sha256"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    return source
