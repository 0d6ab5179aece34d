"""Fixtures shared by test modules: the demo scan runs once per test session."""

from __future__ import annotations

import pytest

from tests.e2e_helpers import CliRun, run_scanner

DEMO_TIMEOUT_S = 900
"""The demo visits every page in three consent states (a few minutes on a quiet 2-core
machine); the bound is for a hang, not for a busy machine."""


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """``scanner demo`` as a user runs it: the test world crawled in real Chromium."""
    run = run_scanner(
        "demo",
        "--progress",
        "never",
        out_dir=tmp_path_factory.mktemp("demo"),
        timeout=DEMO_TIMEOUT_S,
    )
    assert run.returncode == 0, run.stderr
    return run
