"""The page journal reader, its one-pass summary and the streamed scan.json writer."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.result.writer import FORMAT_VERSION, journal_pages, summarise, write_scan_json

PAGES: list[dict[str, Any]] = [
    {"url": "https://a.test/", "outcome": "rendered", "depth": 0, "title": "Accueil · été"},
    {"url": "https://a.test/doc.pdf", "outcome": "not-html", "depth": 1},
    {"url": "https://a.test/gone", "outcome": "failed", "depth": 1, "error": {"kind": "dns"}},
    {"url": "https://a.test/b", "outcome": "rendered", "depth": 1, "nested": {"x": [1, 2]}},
]


def write_journal(path: Path, pages: list[dict[str, Any]], tail: str = "") -> Path:
    lines = [json.dumps(page, ensure_ascii=False) for page in pages]
    path.write_text("".join(line + "\n" for line in lines) + tail, encoding="utf-8")
    return path


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return write_journal(tmp_path / "pages.jsonl", PAGES)


# -- journal_pages --------------------------------------------------------------------


def test_journal_pages_yields_lines_and_pages_in_order(journal: Path) -> None:
    entries = list(journal_pages(journal))
    assert [page for _, page in entries] == PAGES
    assert [line for line, _ in entries] == [json.dumps(p, ensure_ascii=False) for p in PAGES]


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    path = write_journal(tmp_path / "j.jsonl", PAGES[:2], tail='{"url": "https://a.test/c", "outc')
    assert [page["url"] for _, page in journal_pages(path)] == [
        "https://a.test/",
        "https://a.test/doc.pdf",
    ]


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text('\n{"url": "u1", "outcome": "rendered"}\n\n{"url": "u2", "outcome": "failed"}')
    assert [page["url"] for _, page in journal_pages(path)] == ["u1", "u2"]


def test_missing_journal_yields_nothing(tmp_path: Path) -> None:
    assert list(journal_pages(tmp_path / "never-written.jsonl")) == []


def test_empty_journal_yields_nothing(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text("")
    assert list(journal_pages(path)) == []


# -- summarise ------------------------------------------------------------------------


def test_summarise_counts_outcomes_and_visited_urls(journal: Path) -> None:
    outcomes, visited, problems = summarise(journal)
    assert outcomes == Counter({"rendered": 2, "not-html": 1, "failed": 1})
    assert visited == {
        "https://a.test/",
        "https://a.test/doc.pdf",
        "https://a.test/gone",
        "https://a.test/b",
    }
    assert problems == []


def test_summarise_prefixes_problems_with_the_page_index(tmp_path: Path) -> None:
    path = write_journal(tmp_path / "j.jsonl", PAGES, tail="{torn")
    checked: list[str] = []

    def check(page: dict[str, Any]) -> list[str]:
        checked.append(page["url"])
        if page["outcome"] == "rendered":
            return []
        return [f"{page['outcome']} is odd", "second problem"]

    outcomes, visited, problems = summarise(path, check)
    assert checked == [page["url"] for page in PAGES]
    assert problems == [
        "pages[1]: not-html is odd",
        "pages[1]: second problem",
        "pages[2]: failed is odd",
        "pages[2]: second problem",
    ]
    assert sum(outcomes.values()) == 4
    assert len(visited) == 4


def test_summarise_of_a_missing_journal(tmp_path: Path) -> None:
    assert summarise(tmp_path / "none.jsonl") == (Counter(), set(), [])


# -- write_scan_json ------------------------------------------------------------------

ENVELOPE: dict[str, Any] = {
    "tool": {"name": "scanner", "version": "0.1.0"},
    "start_url": "https://a.test/",
    "settings": {"max_pages": 10, "include_hosts": []},
    "summary": {"pages": 4, "note": "naïve ✓"},
}


def test_write_scan_json(tmp_path: Path, journal: Path) -> None:
    out = tmp_path / "scan.json"
    write_scan_json(out, ENVELOPE, journal)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert list(document) == ["format_version", "tool", "start_url", "settings", "summary", "pages"]
    assert document["format_version"] == FORMAT_VERSION == "1.0"
    assert {key: document[key] for key in ENVELOPE} == ENVELOPE
    assert document["pages"] == PAGES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages.jsonl", "scan.json"]


def test_write_scan_json_keeps_non_ascii_text_readable(tmp_path: Path, journal: Path) -> None:
    out = tmp_path / "scan.json"
    write_scan_json(out, ENVELOPE, journal)
    text = out.read_text(encoding="utf-8")
    assert "naïve ✓" in text
    assert "Accueil · été" in text
    assert text.endswith("\n ]\n}\n")


def test_write_scan_json_skips_a_torn_line(tmp_path: Path) -> None:
    journal = write_journal(tmp_path / "j.jsonl", PAGES[:3], tail='{"url": "https://a.te')
    out = tmp_path / "scan.json"
    write_scan_json(out, ENVELOPE, journal)
    assert json.loads(out.read_text(encoding="utf-8"))["pages"] == PAGES[:3]


@pytest.mark.parametrize("journal_text", [None, ""])
def test_write_scan_json_without_pages(tmp_path: Path, journal_text: str | None) -> None:
    journal = tmp_path / "j.jsonl"
    if journal_text is not None:
        journal.write_text(journal_text)
    out = tmp_path / "scan.json"
    write_scan_json(out, {"start_url": "https://a.test/"}, journal)
    assert json.loads(out.read_text(encoding="utf-8")) == {
        "format_version": "1.0",
        "start_url": "https://a.test/",
        "pages": [],
    }


def test_write_scan_json_replaces_an_existing_file(tmp_path: Path, journal: Path) -> None:
    out = tmp_path / "scan.json"
    out.write_text("old and not even JSON")
    write_scan_json(out, ENVELOPE, journal)
    assert json.loads(out.read_text(encoding="utf-8"))["pages"] == PAGES
    assert not (tmp_path / "scan.json.partial").exists()


def test_write_scan_json_failure_leaves_the_old_file(
    tmp_path: Path, journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "scan.json"
    out.write_text('{"old": true}')

    def broken_pages(_: Path) -> Iterator[tuple[str, dict[str, Any]]]:
        yield json.dumps(PAGES[0]), PAGES[0]
        raise OSError("disk full")

    monkeypatch.setattr("scanner.result.writer.journal_pages", broken_pages)
    with pytest.raises(OSError, match="disk full"):
        write_scan_json(out, ENVELOPE, journal)
    assert out.read_text() == '{"old": true}'
