"""The audit history database, on a real SQLite file and a real PostgreSQL server: audits
recorded and read back whole, one identity per item across audits, listing and the
previous audit, migrations from an older schema, and errors as one clear line."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select, text

from scanner.history import database
from scanner.history.database import HistoryError, alembic_config, database_url, shown
from scanner.history.store import History
from scanner.history.tables import items, metadata, vendor_observations
from tests.history_fixtures import HOME, PAGES, audit, cookie, finding, state, vendor

Q3 = audit(
    state(
        items=(
            vendor("analytics", latency_median_ms=None),
            cookie("ls_session", lifetime_days=None, flags=()),
            finding("csp-missing", "www.shop.example", severity="high", pages=(HOME,)),
        )
    ),
    state("reject", pages=PAGES[:2], items=(vendor("analytics", pages=PAGES[:2]),)),
)
Q4 = audit(
    state(items=(vendor("analytics"), vendor("ad-network"))),
    started="2026-12-01T10:00:00+00:00",
    folder="/audits/q4",
)


def _history(url: str) -> History:
    return History(url)


def test_an_audit_is_read_back_as_it_was_recorded(history_url: str) -> None:
    history = _history(history_url)
    audit_id = history.record(Q3)
    loaded = history.load(audit_id)
    history.close()
    assert loaded.audit_id == audit_id and loaded.recorded_at
    assert replace(loaded, audit_id=None, recorded_at=None) == Q3


def test_the_same_item_in_two_audits_is_one_identity(history_url: str) -> None:
    history = _history(history_url)
    first, second = history.record(Q3), history.record(Q4)
    with history.engine.connect() as connection:
        identities = connection.execute(
            select(items.c.kind, items.c.key).order_by(items.c.kind, items.c.key)
        ).all()
        analytics = connection.execute(
            select(func.count(func.distinct(vendor_observations.c.item_id)))
            .join(items, items.c.id == vendor_observations.c.item_id)
            .where(items.c.key == "analytics")
        ).scalar()
    history.close()
    assert first != second
    assert identities == [
        ("cookie", "ls_session; www.shop.example"),
        ("finding", "csp-missing: www.shop.example"),
        ("vendor", "ad-network"),
        ("vendor", "analytics"),
    ]
    assert analytics == 1


def test_audits_are_listed_newest_scan_first_with_their_counts(history_url: str) -> None:
    history = _history(history_url)
    q3, q4 = history.record(Q3), history.record(Q4)
    other = history.record(replace(Q4, site="other.example", folder="/audits/other"))
    rows = history.audits()
    mine = history.audits("shop.example")
    history.close()
    assert [row.audit_id for row in rows] == [other, q4, q3]  # same time: newer record first
    assert [row.audit_id for row in mine] == [q4, q3]
    q3_row = mine[1]
    assert (q3_row.pages, q3_row.vendors, q3_row.cookies, q3_row.by_severity) == (
        3,
        1,
        1,
        {"high": 1},
    )
    assert q3_row.consent_states == ["before", "reject"] and q3_row.origin == "scan"


def test_a_regeneration_supersedes_its_scan_and_previous_skips_it(history_url: str) -> None:
    history = _history(history_url)
    q3 = history.record(Q3)
    q4 = history.record(Q4)
    q4_again = history.record(replace(Q4, origin="report"))
    assert history.latest_of_scans("shop.example") == [q4_again]
    assert history.latest_of_scans("shop.example", before=Q4) == [q3]
    assert history.latest_of_scans("shop.example", limit=5) == [q4_again, q3]
    assert history.by_folder(Path("/audits/q4")) == q4_again != q4
    assert history.by_folder(Path("/nowhere")) is None
    history.close()


def test_two_scans_started_in_the_same_second_are_two_scans(history_url: str) -> None:
    history = _history(history_url)
    first = history.record(replace(Q4, folder="/audits/campaign-a"))
    second = history.record(replace(Q4, folder="/audits/campaign-b"))
    third = replace(Q4, folder="/audits/campaign-c")
    assert history.latest_of_scans("shop.example", limit=5) == [second, first]
    assert history.latest_of_scans("shop.example", before=third, limit=5) == [second, first]
    b = replace(Q4, folder="/audits/campaign-b")
    assert history.latest_of_scans("shop.example", before=b) == [first]  # not itself
    history.close()


def test_the_previous_audit_prefers_the_same_start_url(history_url: str) -> None:
    history = _history(history_url)
    full = history.record(Q3)
    campaign = replace(Q3, start_url="https://www.shop.example/campaign/", folder="/c")
    history.record(replace(campaign, scan_started_at="2026-10-01T10:00:00+00:00"))
    assert history.latest_of_scans("shop.example", Q4, start_url=Q4.start_url) == [full]
    history.close()


def test_a_database_of_the_first_schema_is_upgraded_and_keeps_its_audits(
    history_url: str,
) -> None:
    engine = create_engine(history_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO audits (site, start_url, scan_started_at, scan_finished_at, "
                "recorded_at, complete, scanner_version, browser_version, settings, "
                "consent_states, folder) VALUES ('old.example', 'https://old.example/', "
                "'2026-01-01T00:00:00+00:00', '2026-01-01T01:00:00+00:00', "
                "'2026-01-01T01:00:00+00:00', true, '0.0.9', '120', '{}', '[\"before\"]', "
                "'/audits/old')"
            )
        )
    engine.dispose()
    history = _history(history_url)
    [row] = history.audits()
    with history.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    history.close()
    assert (row.site, row.origin, row.consent_states) == ("old.example", "scan", ["before"])
    assert revision == database.HEAD_REVISION == "0002"
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head == database.HEAD_REVISION  # a new migration must move HEAD_REVISION
    assert differences == []  # the migrations build exactly the tables the code uses


def test_a_database_from_a_newer_scanner_is_refused(history_url: str) -> None:
    _history(history_url).close()
    engine = create_engine(history_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(HistoryError) as raised:
        _history(history_url)
    assert str(raised.value) == (
        f"history {shown(history_url)} was written by a newer scanner (schema revision "
        "0099); upgrade the scanner, or pass --history with another database"
    )


def test_a_file_that_is_not_a_database_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"this is not SQLite at all, just text " * 100)
    with pytest.raises(HistoryError) as raised:
        History(path)
    assert str(raised.value) == (
        f"history {path}: not a readable history database (corrupt, or another kind of "
        "file); move it away (a new one is created) or pass --history with another file"
    )


def test_a_read_only_database_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    History(path).close()
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    history = History(read_only)  # reading works
    assert history.audits() == []
    with pytest.raises(HistoryError) as raised:
        history.record(Q3)
    history.close()
    assert str(raised.value).endswith(
        ": read-only; make it writable, or pass --history with another file"
    )


def test_a_database_locked_by_another_writer_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "history.sqlite"
    History(path).close()
    other = sqlite3.connect(path)
    other.execute("BEGIN IMMEDIATE")  # a writer: readers go on, writers wait
    try:
        history = History(path)
        with pytest.raises(HistoryError) as raised:
            history.record(Q3)
        history.close()
    finally:
        other.rollback()
        other.close()
    assert str(raised.value) == (
        f"history {path}: locked by another process for more than 0.2 s (another scan "
        "recording?); try again when it has finished"
    )


def test_a_folder_or_an_unknown_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="is a folder; give a file name"):
        History(tmp_path)
    with pytest.raises(HistoryError, match="not a database URL this scanner can use"):
        History("nosuchdb://host/db")


def test_locations_become_urls_and_passwords_are_never_shown(tmp_path: Path) -> None:
    assert database_url(tmp_path / "h.sqlite") == f"sqlite:///{tmp_path / 'h.sqlite'}"
    assert database_url("postgresql://u@db/h") == "postgresql+psycopg://u@db/h"
    assert shown("postgresql://auditor:s3cret@db.internal/history") == (
        "postgresql://auditor:***@db.internal/history"
    )


def test_two_writers_adding_the_same_new_item_both_record_it_once(history_url: str) -> None:
    """One writer holds the new item uncommitted while another records an audit with
    it: the second waits, conflicts on the item once the first commits, and tries again."""
    _history(history_url).close()
    first = create_engine(history_url)
    connection = first.connect()
    transaction = connection.begin()
    digest = hashlib.sha256(b"analytics").hexdigest()
    connection.execute(
        text("INSERT INTO items (kind, key, key_sha256) VALUES ('vendor', 'analytics', :d)"),
        {"d": digest},
    )
    second = _history(history_url)
    outcome: list[object] = []
    writer = threading.Thread(target=lambda: outcome.append(second.record(Q4)))
    writer.start()
    writer.join(timeout=1.0)
    assert writer.is_alive()  # it waits for the first writer (SQLite's lock, or the key)
    transaction.commit()
    connection.close()
    first.dispose()
    writer.join(timeout=30)
    with second.engine.connect() as reader:
        analytics = reader.execute(
            select(func.count()).select_from(items).where(items.c.key == "analytics")
        ).scalar()
    loaded = second.load(outcome[0])  # type: ignore[arg-type]
    second.close()
    assert analytics == 1
    assert set(loaded.states["before"].vendors) == {"analytics", "ad-network"}


def test_hostile_site_text_is_recorded_alike_on_every_database(history_url: str) -> None:
    """A 3,000-character cookie name (past PostgreSQL's index row limit), a NUL in a
    subject and a lone surrogate in a vendor name: recorded, read back equal."""
    from scanner.history.snapshot import storable

    long_name = "x" * 3000
    hostile = audit(
        state(
            items=(
                cookie(long_name),
                vendor("odd", name=storable("Vendor \udcff")),
                finding("personal-data-in-browser-storage", storable("key\x00with nul")),
            )
        )
    )
    history = _history(history_url)
    audit_id = history.record(hostile)
    again = history.record(hostile)
    loaded = history.load(audit_id)
    history.close()
    assert replace(loaded, audit_id=None, recorded_at=None) == hostile
    assert again != audit_id
    names = {entry.name for entry in loaded.states["before"].vendors.values()}
    assert names == {"Vendor \\udcff"}
    assert "key\\x00with nul" in {f.subject for f in loaded.states["before"].findings.values()}


def test_an_item_on_every_page_of_its_state_is_stored_in_one_word(history_url: str) -> None:
    history = _history(history_url)
    audit_id = history.record(Q3)
    with history.engine.connect() as connection:
        stored = dict(
            connection.execute(
                select(items.c.key, vendor_observations.c.pages)
                .join(items, items.c.id == vendor_observations.c.item_id)
                .where(vendor_observations.c.state == "before")
            ).all()
        )
    loaded = history.load(audit_id)
    history.close()
    assert stored == {"analytics": "all"}
    assert loaded.states["before"].vendors["analytics"].pages == frozenset(PAGES)


def test_scanners_opening_a_new_history_at_once_all_succeed(history_url: str) -> None:
    """Each migration runs once: the others wait for it and find the schema made."""
    opener = "import sys; from scanner.history.store import History; History(sys.argv[1]).close()"
    processes = [
        subprocess.Popen([sys.executable, "-c", opener, history_url], stderr=subprocess.PIPE)
        for _ in range(6)
    ]
    errors = [process.communicate(timeout=60)[1].decode() for process in processes]
    assert [process.returncode for process in processes] == [0] * 6, errors
    history = _history(history_url)
    assert history.audits() == []
    history.close()
