"""The ``scanner`` command line: thin, every error one clear line.

One module per command (each adds its parser and runs it), the option groups and the
inputs they share, the verdict of a scan, and the guard that turns anything unexpected
into one line and a log file.
"""

from scanner.cli.entry import build_parser, main

__all__ = ["build_parser", "main"]
