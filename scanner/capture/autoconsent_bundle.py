"""The bundled DuckDuckGo autoconsent: its page script and the rules each frame gets.

``rules/autoconsent`` holds the npm package's own files, unmodified (see its README). A
frame is sent only the rules that may run in it, as autoconsent's own hosts do: the main
frame gets every rule not limited to frames, a sub-frame only the rules written for
frames, and a rule bound to a URL pattern only where the frame's URL matches it. That
keeps the message per frame at about a sixth of the whole rule set.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from scanner.resources import data_dir

FOLDER = "autoconsent"
SCRIPT_FILE = "autoconsent.playwright.js"
RULES_FILE = "rules.json"


def folder() -> Path:
    return data_dir("rules") / FOLDER


@cache
def page_script() -> str:
    """The content script, injected into every frame before the page's own scripts."""
    return (folder() / SCRIPT_FILE).read_text(encoding="utf-8")


@cache
def source() -> dict[str, Any]:
    """Package, version and checksums of the bundled copy (source.json)."""
    return json.loads((folder() / "source.json").read_text(encoding="utf-8"))


@cache
def _rules() -> tuple[tuple[dict[str, Any], bool, bool, re.Pattern[str] | None], ...]:
    document = json.loads((folder() / RULES_FILE).read_text(encoding="utf-8"))
    rules = []
    for rule in document["autoconsent"]:
        context = rule.get("runContext") or {}
        rules.append(
            (
                rule,
                context.get("main", True) is not False,
                context.get("frame", False) is True,
                _pattern(context.get("urlPattern")),
            )
        )
    return tuple(rules)


def _pattern(source_text: object) -> re.Pattern[str] | None:
    """A rule's URL pattern (a JavaScript regular expression, in practice also valid in
    Python); one Python cannot read limits nothing here, and autoconsent checks it again
    in the page."""
    if not isinstance(source_text, str) or not source_text:
        return None
    try:
        return re.compile(source_text)
    except re.error:
        return None


def rules_for(url: str, main_frame: bool) -> list[dict[str, Any]]:
    """The rules a frame at ``url`` is given."""
    chosen = []
    for rule, in_main, in_frames, pattern in _rules():
        if not (in_main if main_frame else in_frames):
            continue
        if pattern is not None and not pattern.search(url):
            continue
        chosen.append(rule)
    return chosen


def rule_count() -> int:
    return len(_rules())
