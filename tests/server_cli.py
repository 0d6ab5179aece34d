"""The command line the throwaway test servers share (tests.postgres_server,
tests.redis_server): ``start`` prints shell ``export`` lines for CI to ``eval``, ``stop``
stops the server those lines named."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def server_command(
    name: str,
    argv: list[str],
    *,
    start: Callable[[], Any],
    stop: Callable[[Path], None],
    url_env: str,
    dir_env: str,
    errors: tuple[type[Exception], ...],
) -> int:
    """Run ``python -m tests.NAME start|stop``; ``errors`` become one line and exit 1."""
    try:
        if argv == ["start"]:
            server = start()
            print(f"export {url_env}={shlex.quote(server.url)}")
            print(f"export {dir_env}={shlex.quote(str(server.base_dir))}")
            return 0
        if argv == ["stop"] and os.environ.get(dir_env):
            stop(Path(os.environ[dir_env]))
            return 0
    except errors as err:
        print(f"{name}: {err}", file=sys.stderr)
        return 1
    print(f"usage: python -m tests.{name} start | stop (with ${dir_env} set)", file=sys.stderr)
    return 2
