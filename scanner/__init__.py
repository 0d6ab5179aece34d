"""Website privacy and security compliance scanner."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("site-compliance-scanner")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
