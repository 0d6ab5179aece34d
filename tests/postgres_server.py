"""A throwaway PostgreSQL server for the tests, and fresh databases on it.

The cluster lives in its own temporary directory and listens only on a unix socket in that
directory (no TCP), so the port number merely names the socket file and a fixed one never
collides with another cluster. Durability is switched off: the data is thrown away anyway.

Command line, for CI (it prints shell ``export`` lines to ``eval``)::

    python -m tests.postgres_server start
    python -m tests.postgres_server stop     # uses $SCANNER_TEST_POSTGRES_DIR
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from tests.server_cli import server_command

URL_ENV = "SCANNER_TEST_POSTGRES_URL"
DIR_ENV = "SCANNER_TEST_POSTGRES_DIR"
DATABASE = "scanner_test"
SUPERUSER = "postgres"
PORT = 5432
DIR_PREFIX = "scanner-pg-"
INSTALL_ROOT = Path("/usr/lib/postgresql")
START_TIMEOUT_S = 60
"""pg_ctl's wait for the server to accept connections: a second or two on a quiet machine."""
LOG_TAIL_LINES = 8
SOCKET_PATH_MAX = 100
"""A unix socket path must fit in sockaddr_un (107 bytes on Linux), with room for the name."""

SETTINGS = {
    "listen_addresses": "''",
    "port": str(PORT),
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster: its directory holds the data, the socket and the log."""

    base_dir: Path

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the ``scanner_test`` database, over the unix socket."""
        return f"postgresql+psycopg://{SUPERUSER}@/{DATABASE}?host={self.base_dir}&port={PORT}"


def bin_dir(version: str | None = None) -> Path:
    """The server binaries of ``version``, or of the newest PostgreSQL installed."""
    candidates = [path for path in INSTALL_ROOT.glob("*/bin") if (path / "initdb").is_file()]
    if version is not None:
        candidates = [path for path in candidates if path.parent.name == version]
    if not candidates:
        wanted = f"PostgreSQL {version}" if version else "PostgreSQL"
        raise RuntimeError(
            f"{wanted} server binaries not found under {INSTALL_ROOT}/*/bin "
            "(install the Debian package postgresql: scripts/setup.sh does)"
        )
    return max(candidates, key=lambda path: _version_key(path.parent.name))


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _as_server_user() -> list[str]:
    """The command prefix that runs a server binary: PostgreSQL refuses to run as root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root, but runuser (to become postgres) is missing")
    return [runuser, "-u", SUPERUSER, "--"]


def _run(command: list[str], base_dir: Path, what: str, timeout: float) -> None:
    """Run a server binary (as the server user); a failure raises with its output and log."""
    try:
        done = subprocess.run(
            _as_server_user() + command,
            cwd=base_dir,  # root's own working directory is unreadable to postgres
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise RuntimeError(
            f"{what} timed out after {timeout:.0f} s; {_log_tail(base_dir)}"
        ) from err
    if done.returncode != 0:
        output = " | ".join((done.stderr or done.stdout).strip().splitlines()[-LOG_TAIL_LINES:])
        raise RuntimeError(
            f"{what} failed (exit {done.returncode}): {output}; {_log_tail(base_dir)}"
        )


def _log_tail(base_dir: Path) -> str:
    log = base_dir / "server.log"
    if not log.is_file():
        return "no server log"
    lines = log.read_text(errors="replace").strip().splitlines()[-LOG_TAIL_LINES:]
    return "server log tail: " + " | ".join(lines)


def start(timeout: float = START_TIMEOUT_S) -> PostgresServer:
    """Create a cluster in a fresh temporary directory, start it, create ``scanner_test``.

    On any failure the directory is removed again and a RuntimeError says what failed.
    """
    binaries = bin_dir()
    base_dir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
    try:
        if len(str(base_dir)) + len(f"/.s.PGSQL.{PORT}") > SOCKET_PATH_MAX:
            raise RuntimeError(f"socket path under {base_dir} too long: set TMPDIR shorter")
        if os.geteuid() == 0:
            account = pwd.getpwnam(SUPERUSER)
            os.chown(base_dir, account.pw_uid, account.pw_gid)
        data = base_dir / "data"
        initdb = [str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER]
        initdb += ["--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]
        _run(initdb, base_dir, "initdb", timeout)
        settings = {**SETTINGS, "unix_socket_directories": f"'{base_dir}'"}
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        pg_ctl = [str(binaries / "pg_ctl"), "start", "-D", str(data), "-w"]
        pg_ctl += ["-t", str(int(timeout)), "-l", str(base_dir / "server.log")]
        _run(pg_ctl, base_dir, "pg_ctl start", timeout + 10)
        server = PostgresServer(base_dir)
        try:
            with admin_connection(server.url) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
        except psycopg.Error as err:
            raise RuntimeError(f"creating {DATABASE} failed: {err}; {_log_tail(base_dir)}") from err
    except BaseException:
        stop(base_dir)
        raise
    return server


def stop(base_dir: Path) -> None:
    """Stop the cluster in ``base_dir`` (if it runs) and remove the directory."""
    if not base_dir.name.startswith(DIR_PREFIX):
        raise RuntimeError(f"{base_dir} is not a throwaway PostgreSQL directory; not removing it")
    data = base_dir / "data"
    if (data / "postmaster.pid").is_file():
        version = (data / "PG_VERSION").read_text().strip()
        pg_ctl = [str(bin_dir(version) / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w"]
        _run(pg_ctl, base_dir, "pg_ctl stop", START_TIMEOUT_S)
    shutil.rmtree(base_dir, ignore_errors=True)


def _connect_kwargs(url: str) -> dict[str, Any]:
    """libpq connection parameters of a SQLAlchemy ``postgresql+psycopg`` URL."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = dict(parsed.query)
    named = {
        "user": parsed.username,
        "password": parsed.password,
        "host": parsed.host,
        "port": parsed.port,
        "dbname": parsed.database,
    }
    kwargs.update({key: value for key, value in named.items() if value is not None})
    return kwargs


def _with_database(url: str, name: str) -> str:
    """``url`` naming database ``name``. Only the path changes: SQLAlchemy's own rendering
    would percent-encode the socket directory, and a ``%`` breaks Alembic's config file
    interpolation (``set_main_option``)."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


@contextmanager
def admin_connection(url: str) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection to the server's ``postgres`` database (CREATE/DROP DATABASE
    cannot run inside a transaction)."""
    kwargs = {**_connect_kwargs(url), "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**kwargs) as conn:
        yield conn


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new, empty, uniquely named database on ``url``'s server; dropped afterwards even if
    connections to it are still open."""
    name = f"{DATABASE}_{secrets.token_hex(6)}"
    with admin_connection(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_database(url, name)
    finally:
        with admin_connection(url) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _main(argv: list[str]) -> int:
    return server_command(
        "postgres_server",
        argv,
        start=start,
        stop=stop,
        url_env=URL_ENV,
        dir_env=DIR_ENV,
        errors=(RuntimeError,),
    )


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
