"""Run the test world in a subprocess and describe where it listens."""

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0

# The directory that contains the ``scanner`` package, so the subprocess can import it even
# when the project is not installed.
_SOURCE_ROOT = Path(__file__).resolve().parents[2]


class TestWorldError(RuntimeError):
    """The test world subprocess did not start properly."""

    __test__ = False  # not a pytest test class, despite the name


@dataclass(frozen=True)
class TestWorld:
    """Where a running test world listens."""

    __test__ = False  # not a pytest test class, despite the name

    http_port: int
    https_port: int
    spki_sha256: str
    start_url: str
    bench_start_url: str

    def url(self, host: str, path: str = "/", secure: bool = True) -> str:
        """Absolute URL of ``path`` on ``host`` with the world's https (or http) port."""
        scheme, port = ("https", self.https_port) if secure else ("http", self.http_port)
        return f"{scheme}://{host}:{port}{path}"


def _read_first_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    """The first stdout line of ``process``, or None on timeout or EOF."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout) or None
    except queue.Empty:
        return None


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _startup_failure(process: subprocess.Popen[str], stderr_text: str) -> TestWorldError:
    if process.returncode is not None and process.returncode != -signal.SIGTERM:
        what = f"exited with code {process.returncode} before printing its JSON line"
    else:
        what = f"printed no JSON line within {STARTUP_TIMEOUT_SECONDS:g} s"
    return TestWorldError(f"the test world {what}; its stderr:\n{stderr_text[-4000:]}")


@contextmanager
def running_test_world(
    bench_pages: int = 0, request_log: Path | None = None
) -> Iterator[TestWorld]:
    """Start ``python -m scanner.testworld`` in a subprocess; stop it when the block exits.

    With ``request_log`` the world appends every request it receives to that file (JSON
    lines, see :mod:`scanner.testworld.request_log`).

    The server's stderr (quiet unless something is wrong) is collected in a temp file and
    copied to this process's stderr when the block exits, so it is never lost.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(_SOURCE_ROOT), env.get("PYTHONPATH", "")) if p
    )
    command = [sys.executable, "-m", "scanner.testworld", "--bench-pages", str(bench_pages)]
    if request_log is not None:
        command += ["--request-log", str(request_log)]
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as stderr:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env
        )
        try:
            line = _read_first_line(process, STARTUP_TIMEOUT_SECONDS)
            if line is None:
                _stop(process)
                stderr.seek(0)
                failure = _startup_failure(process, stderr.read())
                stderr.truncate(0)  # already in the error message
                raise failure
            try:
                world = TestWorld(**json.loads(line))
            except (ValueError, TypeError) as error:
                raise TestWorldError(f"unexpected test world output {line!r}: {error}") from error
            yield world
        finally:
            _stop(process)
            stderr.seek(0)
            if logged := stderr.read():
                sys.stderr.write(logged)
