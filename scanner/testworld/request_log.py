"""The world's own record of every request it received, one JSON line each.

Tests compare it with what the scanner recorded: the oracle decodes the bodies itself, and
every request the server received should be in scan.json. Off unless the world is given a
path (``--request-log``).
"""

import base64
import json
import threading
import time
from pathlib import Path

from .messages import Request


class RequestLog:
    """Appends one JSON object per request to a file; safe to call from many threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file = path.open("a", encoding="utf-8")

    def append(self, request: Request, status: int) -> None:
        """Record ``request`` (body as base64, headers in the order received) and its status."""
        entry = {
            "time": time.time(),
            "method": request.method,
            "scheme": request.scheme,
            "host": request.host,
            "target": request.target,
            "headers": [[name, value] for name, value in request.headers.items()],
            "body_base64": base64.b64encode(request.body).decode("ascii"),
            "status": status,
        }
        line = json.dumps(entry, ensure_ascii=True) + "\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()
