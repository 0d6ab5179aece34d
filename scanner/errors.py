"""Errors that reach the user as one clear line (never a traceback)."""


class UserError(Exception):
    """Bad input or environment: the message says what was wrong and what to do."""


class ConfigError(UserError):
    """The command line or the config file asks for something impossible."""


class BrowserNotFoundError(UserError):
    """No Chromium to drive."""
