"""Errors that reach the user as one clear line (never a traceback)."""

from pathlib import Path


class UserError(Exception):
    """Bad input or environment: the message says what was wrong and what to do."""


class ConfigError(UserError):
    """The command line or the config file asks for something impossible."""


class BrowserNotFoundError(UserError):
    """No Chromium to drive."""


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
