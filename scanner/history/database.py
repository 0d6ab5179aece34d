"""Opening the history database: where it is, its migrations, and errors in one line.

The history is a SQLite file by default (one per user, see :func:`default_location`) or
any SQLAlchemy URL (``postgresql://user@host/db`` for a team's shared history). Opening
it applies the migrations a newer scanner brings; a database from a newer scanner is
refused, never misread.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from scanner.errors import UserError

if TYPE_CHECKING:
    from alembic.config import Config

APP_DIR = "site-compliance-scanner"
HISTORY_FILE = "history.sqlite"
MIGRATIONS = Path(__file__).with_name("migrations")
HEAD_REVISION = "0002"
"""The newest migration's revision: a database there is opened without loading Alembic
(a test checks it is the migrations' head)."""
WRITE_LOCK = "scanner_write_lock"
"""Connection info flag: begin its transactions with SQLite's write lock taken."""
LOCK_KEY = 0x5C4A0017
"""The PostgreSQL advisory lock the history's migrations take."""
SQLITE_BUSY_TIMEOUT_S = 5.0
"""How long a writer waits for another scanner holding the SQLite file before giving up."""


class HistoryError(UserError):
    """The history database cannot be used; the message says why and what to do."""


def default_location() -> Path:
    """The per-user history file: ``$XDG_DATA_HOME/site-compliance-scanner/history.sqlite``
    (``~/.local/share/...`` when XDG_DATA_HOME is unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_DIR / HISTORY_FILE


def database_url(location: str | Path) -> str:
    """A SQLAlchemy URL for a file path or a URL (``postgresql://`` uses psycopg 3)."""
    text = str(location)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def shown(location: str | Path) -> str:
    """The location as messages print it: never a password."""
    text = str(location)
    if "://" not in text:
        return text
    try:
        return make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return text.split("://", 1)[0] + "://..."


def open_engine(location: str | Path) -> Engine:
    """An engine on the history at ``location``, its schema migrated to this scanner's."""
    url = database_url(location)
    where = shown(location)
    if url.startswith("sqlite:///"):
        _prepare_sqlite_file(Path(url.removeprefix("sqlite:///")), where)
    try:
        engine = create_engine(url, **_engine_options(url))
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise HistoryError(
            f"history {where}: not a database URL this scanner can use ({error}); give a "
            "file path, sqlite:///FILE or postgresql://USER@HOST/DB"
        ) from None
    except ModuleNotFoundError as error:
        raise HistoryError(
            f"history {where}: the database driver {error.name!r} is not installed; "
            "install site-compliance-scanner[postgresql] for PostgreSQL"
        ) from None
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    try:
        _migrate(engine, where)
    except HistoryError:
        engine.dispose()
        raise
    except SQLAlchemyError as error:
        engine.dispose()
        raise HistoryError(f"history {where}: {reason(error)}") from None
    return engine


def _engine_options(url: str) -> dict[str, object]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_S}}
    return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}


def _sqlite_connect(connection: Any, _record: object) -> None:
    """Foreign keys on; and the driver's own transaction handling off, so that SQLAlchemy
    begins every transaction itself (see _sqlite_begin): the driver's would commit each
    schema change at once, and a migration cut short would leave a history no scanner
    opens again."""
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """``BEGIN IMMEDIATE`` (the write lock at once) where a connection asks for it (a
    migration), ``BEGIN`` elsewhere."""
    immediate = connection.info.get(WRITE_LOCK, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _prepare_sqlite_file(path: Path, where: str) -> None:
    if path.is_dir():
        raise HistoryError(f"history {where} is a folder; give a file name (e.g. history.sqlite)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HistoryError(
            f"history {where}: cannot create its folder ({error.strerror}); "
            "pass --history FILE somewhere writable, or --no-history"
        ) from None


def alembic_config() -> Config:
    """Alembic's configuration of the history's migrations (no ini file)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return config


def current_revision(connection: Connection) -> str | None:
    """The schema revision of the database; None for an empty one."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _migrate(engine: Engine, where: str) -> None:
    """Bring the schema to this scanner's. Two scanners opening a new history at once:
    the second waits for the first (SQLite's write lock, a PostgreSQL advisory lock)
    and reads the revision again, so each migration runs once, whole or not at all."""
    with engine.connect() as connection:
        if current_revision(connection) == HEAD_REVISION:
            return
        connection.rollback()
        connection.info[WRITE_LOCK] = True
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            current = current_revision(connection)
            if current != HEAD_REVISION:
                _upgrade(connection, current, where)


def _upgrade(connection: Connection, current: str | None, where: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    known = {revision.revision for revision in ScriptDirectory.from_config(config).walk_revisions()}
    if current is not None and current not in known:
        raise HistoryError(
            f"history {where} was written by a newer scanner (schema revision "
            f"{current}); upgrade the scanner, or pass --history with another database"
        )
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def reason(error: SQLAlchemyError) -> str:
    """What a database error means for the user, in words, with what to do."""
    text = str(error.orig if isinstance(error, DBAPIError) else error).strip().splitlines()
    message = text[0] if text else type(error).__name__
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            f"locked by another process for more than {SQLITE_BUSY_TIMEOUT_S:g} s "
            "(another scan recording?); try again when it has finished"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return "read-only; make it writable, or pass --history with another file"
    if "not a database" in lowered or "malformed" in lowered:
        return (
            "not a readable history database (corrupt, or another kind of file); move it "
            "away (a new one is created) or pass --history with another file"
        )
    if "unable to open" in lowered:
        return "cannot be opened (check the path and its permissions)"
    return f"{message} (check the database and --history)"
