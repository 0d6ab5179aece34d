"""Assembles scan.json from the page journal, streaming (memory stays flat)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

FORMAT_VERSION = "1.0"


def journal_pages(journal: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each journal line with its parsed page; a torn last line (a kill) is skipped."""
    if not journal.exists():
        return
    with journal.open(encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                continue
            try:
                yield line, json.loads(line)
            except json.JSONDecodeError:
                continue


def summarise(
    journal: Path, check_page: Callable[[dict[str, Any]], list[str]] | None = None
) -> tuple[Counter[str], set[str], list[str]]:
    """Outcome counts, visited URLs and schema problems, in one pass over the journal."""
    outcomes: Counter[str] = Counter()
    visited: set[str] = set()
    problems: list[str] = []
    for index, (_, page) in enumerate(journal_pages(journal)):
        outcomes[page["outcome"]] += 1
        visited.add(page["url"])
        if check_page is not None:
            problems.extend(f"pages[{index}]: {problem}" for problem in check_page(page))
    return outcomes, visited, problems


def write_scan_json(
    path: Path,
    envelope: dict[str, Any],
    journal: Path,
    visit_journals: dict[str, Path] | None = None,
) -> None:
    """Write the envelope with the journal's pages as its ``pages`` list, atomically.

    ``envelope["consent_visits"]`` (one entry per consent state besides "before") gets
    each state's pages from ``visit_journals``, streamed the same way."""
    visits = envelope.get("consent_visits") or []
    head = json.dumps(
        {
            "format_version": FORMAT_VERSION,
            **{k: v for k, v in envelope.items() if k != "consent_visits"},
        },
        ensure_ascii=False,
        indent=1,
    ).rstrip()
    assert head.endswith("}")
    temporary = path.with_suffix(".json.partial")
    with temporary.open("w", encoding="utf-8") as out:
        out.write(head[:-1].rstrip() + ',\n "pages": [')
        _write_lines(out, journal)
        out.write("\n ]")
        if "consent_visits" in envelope:
            out.write(',\n "consent_visits": [')
            for index, visit in enumerate(visits):
                entry = json.dumps(visit, ensure_ascii=False)
                out.write(("\n  " if index == 0 else ",\n  ") + entry[:-1] + ', "pages": [')
                _write_lines(out, (visit_journals or {})[visit["state"]], indent="\n   ")
                out.write("\n  ]}")
            out.write("\n ]")
        out.write("\n}\n")
    os.replace(temporary, path)


def _write_lines(out: IO[str], journal: Path, indent: str = "\n  ") -> None:
    for index, (line, _) in enumerate(journal_pages(journal)):
        out.write((indent if index == 0 else "," + indent) + line)
