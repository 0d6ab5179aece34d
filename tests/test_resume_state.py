"""Reading an interrupted scan's folder: what is kept, what is visited again, what refuses."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from scanner.config import build_settings
from scanner.crawl.frontier_journal import CrawlLog, JournaledFrontier, SpiderLog, read_events
from scanner.result.resume import (
    ResumeError,
    RunRecord,
    begin_resume,
    end_run,
    resume_state,
    resumed_fields,
    start_run_record,
)

START = "https://www.shop.test/"
SETTINGS = build_settings({"max_pages": 50, "host_map": {"*": "127.0.0.1"}})
GONE = "Target page, context or browser has been closed"


def page(
    url: str,
    outcome: str = "rendered",
    error: str | None = None,
    shot: int = 0,
    visited_at: str = "2026-01-01T10:00:00.000+00:00",
) -> str:
    record = {
        "url": url,
        "visited_at": visited_at,
        "outcome": outcome,
        "error": {"kind": "other", "message": error} if error else None,
        "screenshot": f"evidence/screenshots/{shot:04d}.jpg" if shot else None,
        "redirects": [],
    }
    return json.dumps(record) + "\n"


def interrupted_scan(out: Path) -> RunRecord:
    """A scan killed after the start page and while /b failed under a closing browser."""
    record = start_run_record(out, START, SETTINGS)
    log = CrawlLog(record.crawl_log)
    frontier = JournaledFrontier(START, SETTINGS, log)
    for url, found_on in ((START, None), (START + "a", START), (START + "b", START)):
        frontier.admit(url, 0 if found_on is None else 1, found_on)
    log.close()
    record.page_journal.write_text(
        page(START, shot=2) + page(START + "b", "failed", GONE) + '{"url": "https://www.sh',
        encoding="utf-8",
    )
    shots = out / "evidence" / "screenshots"
    shots.mkdir(parents=True)
    for name in ("0002.jpg", "0003.jpg", "0004.jpg.partial"):
        (shots / name).write_bytes(b"jpeg")
    end_run(record, "killed")  # as a kill would: the lock goes with the process
    return record


def test_an_interrupted_scan_is_read_back_with_what_to_visit(tmp_path: Path) -> None:
    interrupted_scan(tmp_path)
    state = resume_state(tmp_path)
    assert (state.record.start_url, state.record.settings) == (START, SETTINGS)
    assert state.finished == 1
    assert state.revisit == [START + "b"]
    assert [(p.url, p.depth, p.via) for p in state.crawl.pending] == [
        (START + "a", 1, "link"),
        (START + "b", 1, "link"),
    ]
    assert state.crawl.screenshots_taken == 2


def test_pages_failing_once_ctrl_c_came_are_visited_again_whatever_their_error(
    tmp_path: Path,
) -> None:
    record = start_run_record(tmp_path, START, SETTINGS)
    log = CrawlLog(record.crawl_log)
    frontier = JournaledFrontier(START, SETTINGS, log)
    spider = SpiderLog(log)
    spider.run_started()
    spider.interrupted("SIGINT")  # an earlier run's: a resume started after it
    spider.run_started()
    for name in ("old", "before", "after"):
        frontier.admit(START + name, 1, START)
    spider.interrupted("SIGINT")
    log.close()
    at = datetime.fromisoformat(next(e["at"] for e in reversed(list(read_events(record.crawl_log)))
                                     if e["e"] == "interrupted"))  # fmt: skip
    aborted = "Page.goto: net::ERR_ABORTED; maybe frame was detached?"
    record.page_journal.write_text(
        page(
            START + "before", "failed", aborted, visited_at=(at - timedelta(seconds=5)).isoformat()
        )
        + page(START + "after", "failed", aborted, visited_at=at.isoformat()),
        encoding="utf-8",
    )
    end_run(record, "shutdown")
    state = begin_resume(tmp_path)
    assert state.revisit == [START + "after"]
    assert [p.url for p in state.crawl.pending] == [START + "old", START + "after"]
    assert START + "after" not in record.page_journal.read_text(encoding="utf-8")
    end_run(state.record, "finished")


def test_begin_resume_keeps_whole_finished_pages_only(tmp_path: Path) -> None:
    record = interrupted_scan(tmp_path)
    state = begin_resume(tmp_path)
    assert record.page_journal.read_text(encoding="utf-8") == page(START, shot=2)
    shots = sorted(p.name for p in (tmp_path / "evidence" / "screenshots").iterdir())
    assert shots == ["0002.jpg"]
    assert [run["resumed"] for run in state.record.runs] == [False, True]
    assert resumed_fields(state.record)["resumed"]["count"] == 1
    assert resumed_fields(state.record)["resumed"]["runs"][0]["pages_again"] == 1
    assert resume_state(tmp_path).record.runs == state.record.runs  # saved
    end_run(state.record, "finished")


def test_a_scan_run_in_one_go_says_nothing_of_resumes(tmp_path: Path) -> None:
    record = start_run_record(tmp_path, START, SETTINGS)
    assert resumed_fields(record) == {}
    end_run(record, "finished")


def test_a_folder_still_being_scanned_is_not_taken_over(tmp_path: Path) -> None:
    record = start_run_record(tmp_path, START, SETTINGS)
    with pytest.raises(ResumeError, match="a scanner is still running on"):
        begin_resume(tmp_path)
    end_run(record, "finished")


def test_the_end_of_a_run_leaves_state_only_when_it_was_interrupted(tmp_path: Path) -> None:
    record = start_run_record(tmp_path, START, SETTINGS)
    record.profile_dir.mkdir()
    end_run(record, "shutdown")
    assert record.crawl_log.parent.is_dir() and not record.profile_dir.exists()
    state = begin_resume(tmp_path)
    end_run(state.record, "finished")
    assert not (tmp_path / ".scan-state").exists()


def test_nothing_to_resume_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ResumeError, match=r"is not a folder$"):
        resume_state(tmp_path / "missing")
    with pytest.raises(ResumeError, match=r"holds no interrupted scan \(.*run\.json missing\)$"):
        resume_state(tmp_path)
    (tmp_path / "scan.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ResumeError, match=r"holds a finished scan; nothing to resume$"):
        resume_state(tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scanner_version": "99.1.0"}, "started by scanner 99.1.0, this is "),
        ({"settings": {"max_pagez": 3}}, "unknown setting 'max_pagez'"),
        ({"format": 7}, "is of another format (7)"),
    ],
)
def test_a_run_description_that_cannot_be_used_is_one_line(
    tmp_path: Path, change: dict, message: str
) -> None:
    record = interrupted_scan(tmp_path)
    run_file = record.state_dir / "run.json"
    document = json.loads(run_file.read_text(encoding="utf-8"))
    run_file.write_text(json.dumps({**document, **change}), encoding="utf-8")
    with pytest.raises(ResumeError, match=r"^cannot resume: ") as error:
        resume_state(tmp_path)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_torn_run_description_is_one_line(tmp_path: Path) -> None:
    record = interrupted_scan(tmp_path)
    (record.state_dir / "run.json").write_text('{"format": 1, "sta', encoding="utf-8")
    with pytest.raises(ResumeError, match=r"run\.json is unreadable"):
        resume_state(tmp_path)
