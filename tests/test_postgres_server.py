"""The history database fixtures give real, working, separate databases: a SQLite file and a
database on a real PostgreSQL server; and the server module CI uses starts and stops one."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, create_engine, inspect
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url

from tests import postgres_server

REPO = Path(__file__).resolve().parent.parent
SEEN_DATABASES: dict[str, list[str]] = {}
"""The databases earlier tests of this module were given, per backend."""


@contextmanager
def engine_of(url: str) -> Iterator[Engine]:
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def test_history_url_stores_and_reads_rows(history_url: str) -> None:
    metadata = MetaData()
    scans = Table(
        "scans",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("site", String(200), nullable=False),
    )
    with engine_of(history_url) as engine:
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(scans.insert(), [{"site": "https://a.example/"}, {"site": "ü.example"}])
        with engine.connect() as conn:
            rows = conn.execute(scans.select().order_by(scans.c.id)).all()
            if engine.dialect.name == "postgresql":
                version = conn.execute(sql_text("SELECT version()")).scalar_one()
                assert version.startswith("PostgreSQL "), version
            else:
                assert engine.dialect.name == "sqlite"
                assert Path(engine.url.database or "").is_file()
    assert [tuple(row) for row in rows] == [(1, "https://a.example/"), (2, "ü.example")]


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_gets_an_empty_database_of_its_own(history_url: str, round_: int) -> None:
    with engine_of(history_url) as engine:
        backend = engine.dialect.name
        assert inspect(engine).get_table_names() == [], f"round {round_}: not empty"
        Table("marker", MetaData(), Column("id", Integer)).create(engine)
        seen = SEEN_DATABASES.setdefault(backend, [])
        assert history_url not in seen
        if backend == "postgresql" and seen:
            earlier = [make_url(url).database for url in seen]
            with engine.connect() as conn:
                left = conn.execute(
                    sql_text("SELECT datname FROM pg_database WHERE datname = ANY(:names)"),
                    {"names": earlier},
                ).all()
            assert left == [], "an earlier test's database was not dropped"
        seen.append(history_url)


def test_cli_starts_a_socket_only_server_and_stops_it() -> None:
    started = subprocess.run(
        [sys.executable, "-m", "tests.postgres_server", "start"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    exports = dict(
        shlex.split(line.removeprefix("export "))[0].split("=", 1)
        for line in started.stdout.splitlines()
    )
    base_dir = Path(exports[postgres_server.DIR_ENV])
    try:
        with engine_of(exports[postgres_server.URL_ENV]) as engine, engine.connect() as conn:
            assert conn.execute(sql_text("SELECT current_database()")).scalar() == "scanner_test"
            assert conn.execute(sql_text("SHOW listen_addresses")).scalar() == ""
            assert conn.execute(sql_text("SHOW server_encoding")).scalar() == "UTF8"
    finally:
        subprocess.run(
            [sys.executable, "-m", "tests.postgres_server", "stop"],
            cwd=REPO,
            env={**os.environ, postgres_server.DIR_ENV: str(base_dir)},
            timeout=120,
            check=True,
        )
    assert not base_dir.exists()


def test_missing_binaries_are_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(postgres_server, "INSTALL_ROOT", tmp_path)
    with pytest.raises(RuntimeError, match=r"binaries not found .*install the Debian package"):
        postgres_server.start()


def test_stop_refuses_a_directory_it_did_not_make(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="not a throwaway PostgreSQL directory"):
        postgres_server.stop(tmp_path)
    assert tmp_path.is_dir()
