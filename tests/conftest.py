"""Fixtures shared by test modules: the demo scan runs once per test session; the history
database tests run against a real SQLite file and a real PostgreSQL server; the distributed
crawl's against a real Redis server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import postgres_server, redis_server
from tests.e2e_helpers import CliRun, run_scanner

DEMO_TIMEOUT_S = 900
"""The demo visits every page in three consent states (a few minutes on a quiet 2-core
machine); the bound is for a hang, not for a busy machine."""


@pytest.fixture(scope="session", autouse=True)
def own_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The audit history every scan of the session records into: the per-user default
    location, moved (XDG_DATA_HOME) into the session's temp folder so tests never touch
    the real user's history."""
    data_home = tmp_path_factory.mktemp("xdg-data")
    before = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(data_home)
    os.environ.pop("SCANNER_HISTORY", None)
    yield data_home / "site-compliance-scanner" / "history.sqlite"
    if before is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = before


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """``scanner demo`` as a user runs it: the test world crawled in real Chromium."""
    run = run_scanner(
        "demo",
        "--progress",
        "never",
        out_dir=tmp_path_factory.mktemp("demo"),
        timeout=DEMO_TIMEOUT_S,
        # a per-user history of its own: the demo is its first audit, as on a new machine
        env={"XDG_DATA_HOME": str(tmp_path_factory.mktemp("demo-xdg-data"))},
    )
    assert run.returncode == 0, run.stderr
    return run


def _session_server(server_module: Any, name: str) -> Iterator[str]:
    """The URL of the server CI started (the module's ``URL_ENV``), else of a throwaway one
    the module starts here and stops after the session."""
    if os.environ.get(server_module.URL_ENV):
        yield os.environ[server_module.URL_ENV]
        return
    try:
        server = server_module.start()
    except RuntimeError as err:
        pytest.fail(f"{name} for the tests could not be started: {err}", pytrace=False)
    try:
        yield server.url
    finally:
        server_module.stop(server.base_dir)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The PostgreSQL server of the session: the one CI started (``$SCANNER_TEST_POSTGRES_URL``),
    else a throwaway one started here. Never skipped: a missing server is a failure."""
    yield from _session_server(postgres_server, "PostgreSQL")


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of an empty database of its own: a SQLite file, or a new database on
    the session's PostgreSQL server (dropped after the test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.sqlite'}"
        return
    with postgres_server.fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture(scope="session")
def redis_session_url() -> Iterator[str]:
    """The Redis server of the session: the one CI started (``$SCANNER_TEST_REDIS_URL``),
    else a throwaway one started here. Never skipped: a missing server is a failure."""
    yield from _session_server(redis_server, "Redis")


@pytest.fixture
def redis_url(redis_session_url: str) -> str:
    """The session's Redis server, emptied for this test."""
    import redis

    redis.Redis.from_url(redis_session_url).flushall()
    return redis_session_url
