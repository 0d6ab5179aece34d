"""Errors that reach the user as one clear line (never a traceback), and the exit codes."""

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
"""Findings at or above --fail-on; dpa check: problems; verify: tampered."""
EXIT_USAGE = 2
"""Bad input (URL, option, config file, key, passphrase, output folder) or no browser."""
EXIT_INCOMPLETE = 3
"""The scan left pages unvisited or rendered none; verify: intact but unsigned."""
EXIT_INTERNAL = 4
"""A scanner bug: an unexpected error, or a scan result that does not match its schema."""
EXIT_INTERRUPTED = 130
"""Ctrl-C outside the crawl (128 + SIGINT, as shells report it)."""


class UserError(Exception):
    """Bad input or environment: the message says what was wrong and what to do."""


class ConfigError(UserError):
    """The command line or the config file asks for something impossible."""


class BrowserNotFoundError(UserError):
    """No Chromium to drive."""


class OutputFolderError(UserError):
    """The output folder cannot be used: it holds an audit, or cannot be written."""


def read_user_file(path: Path, what: str, fix: str) -> str:
    """The text of a file the user pointed at, or a ConfigError naming it.

    ``what`` says what the file is ("config file"), ``fix`` what to do when it is missing.
    """
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{what} {path} does not exist; {fix}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{what} {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise ConfigError(f"{what} {path} cannot be read: {error.strerror}") from None
