"""A throwaway Redis server for the tests (the Debian package redis-server).

It listens only on a unix socket in its own temporary directory (no TCP port, so it never
collides with another server) and keeps nothing on disk.

Command line, for CI (it prints shell ``export`` lines to ``eval``)::

    python -m tests.redis_server start
    python -m tests.redis_server stop     # uses $SCANNER_TEST_REDIS_DIR
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.server_cli import server_command

URL_ENV = "SCANNER_TEST_REDIS_URL"
DIR_ENV = "SCANNER_TEST_REDIS_DIR"
DIR_PREFIX = "scanner-redis-"
SOCKET = "redis.sock"
PID_FILE = "redis.pid"
START_TIMEOUT_S = 30.0
SOCKET_PATH_MAX = 100


@dataclass(frozen=True)
class RedisServer:
    base_dir: Path

    @property
    def url(self) -> str:
        return f"unix://{self.base_dir / SOCKET}"


def start(timeout: float = START_TIMEOUT_S) -> RedisServer:
    """Start redis-server (daemonised, its pid in the directory) and wait for its PING;
    RuntimeError (with the log's tail) when it cannot be started."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found (install the Debian package redis-server)")
    base_dir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
    server = RedisServer(base_dir)
    try:
        if len(str(base_dir / SOCKET)) > SOCKET_PATH_MAX:
            raise RuntimeError(f"socket path under {base_dir} too long: set TMPDIR shorter")
        command = [binary, "--port", "0", "--unixsocket", str(base_dir / SOCKET)]
        command += ["--unixsocketperm", "700", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(base_dir), "--daemonize", "yes"]
        command += ["--pidfile", str(base_dir / PID_FILE), "--logfile", str(base_dir / "log")]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                redis.Redis.from_url(server.url).ping()
                return server
            except redis.RedisError as error:
                if time.monotonic() > deadline:
                    tail = _log_tail(base_dir)
                    raise RuntimeError(f"redis-server did not answer: {error}; {tail}") from None
                time.sleep(0.05)
    except BaseException:
        stop(base_dir)
        raise


def stop(base_dir: Path) -> None:
    """Stop the server of ``base_dir`` (if it runs) and remove the directory."""
    if not base_dir.name.startswith(DIR_PREFIX):
        raise RuntimeError(f"{base_dir} is not a throwaway Redis directory; not removing it")
    pid_file = base_dir / PID_FILE
    if pid_file.is_file():
        pid = int(pid_file.read_text().strip())
        try:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + START_TIMEOUT_S
            while pid_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        except ProcessLookupError:
            pass
    shutil.rmtree(base_dir, ignore_errors=True)


def _log_tail(base_dir: Path) -> str:
    log = base_dir / "log"
    lines = log.read_text(errors="replace").strip().splitlines()[-8:] if log.is_file() else []
    return "server log tail: " + " | ".join(lines) if lines else "no server log"


def _main(argv: list[str]) -> int:
    return server_command(
        "redis_server",
        argv,
        start=start,
        stop=stop,
        url_env=URL_ENV,
        dir_env=DIR_ENV,
        errors=(RuntimeError, subprocess.SubprocessError),
    )


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
