"""The top-level guard: whatever goes wrong reaches the user as one line, never a traceback.

Bad input is a UserError (exit 2). Ctrl-C outside the crawl (the crawl handles its own
and writes an incomplete scan.json) is exit 130, and what was written is kept. Anything
else is a scanner bug: one line naming the error and the log file that holds the
traceback, exit 4. The log goes into the folder the command is writing, when there is
one, so that it travels with the evidence; otherwise into the temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from scanner import __version__
from scanner.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, UserError

ERROR_LOG = "scanner-error.log"
_MAX_MESSAGE_CHARS = 300


class Guard:
    """Runs one command; knows the folder it writes, for the log and the Ctrl-C line."""

    def __init__(self) -> None:
        self.work_dir: Path | None = None

    def run(self, handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
        self.work_dir = None
        try:
            return handler(args)
        except UserError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_USAGE
        except KeyboardInterrupt:
            folder = self._work_folder()
            kept = f"; what was written is kept in {folder}" if folder else ""
            print(f"scanner: interrupted{kept}", file=sys.stderr)
            return EXIT_INTERRUPTED
        except Exception as error:  # the guard's one job: no traceback reaches the user
            log = self._write_log(error)
            message = " ".join(str(error).split())[:_MAX_MESSAGE_CHARS]
            print(
                f"scanner: internal error: {type(error).__name__}: {message} (details in {log})",
                file=sys.stderr,
            )
            return EXIT_INTERNAL

    def _work_folder(self) -> Path | None:
        return self.work_dir if self.work_dir is not None and self.work_dir.is_dir() else None

    def _write_log(self, error: Exception) -> Path:
        text = f"scanner {__version__}, command: {' '.join(sys.argv[1:])}\n" + "".join(
            traceback.format_exception(error)
        )
        folder = self._work_folder()
        if folder is not None:
            path = folder / ERROR_LOG
            try:
                path.write_text(text, encoding="utf-8", errors="backslashreplace")
                return path
            except OSError:
                pass  # an unwritable output folder may be the very error: use a temp file
        descriptor, name = tempfile.mkstemp(prefix="scanner-error-", suffix=".log")
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(text)
        return Path(name)


GUARD = Guard()
"""The one guard of this process: commands tell it the folder they write into."""
