"""Continuing an interrupted scan from what it left in its output folder.

A scan keeps its working state in ``OUT/.scan-state/`` while it runs:
- ``run.json``: the run description, written before the crawl starts (start URL,
  settings, when it started, the scanner's version, and one entry per resume);
- ``frontier.jsonl``: the crawl's decisions (see :mod:`scanner.crawl.frontier_journal`);
- ``browser-profile/``: Chromium's profile, so that a killed scan leaves none elsewhere;
- ``lock``: held (flock) by the running scanner, so that no second one joins in.

Beside it, ``OUT/scan.pages.jsonl`` holds the finished pages. When a crawl ends on its
own the state folder is removed; after a kill, a crash, a reboot or Ctrl-C it stays, and
:func:`begin_resume` picks the scan up from it.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from scanner import __version__
from scanner.capture.screenshots import SCREENSHOT_FOLDER
from scanner.config import ScanSettings, build_settings
from scanner.crawl.frontier_journal import replay
from scanner.crawl.resumable_spider import CrawlResume
from scanner.errors import ConfigError, UserError
from scanner.folder_names import JOURNAL_FILE, RUN_FILE, SCAN_FILE, STATE_DIR
from scanner.result.writer import journal_pages

CRAWL_LOG_FILE = "frontier.jsonl"
PROFILE_DIR = "browser-profile"
LOCK_FILE = "lock"
RUN_FORMAT = 1

_BROWSER_GONE = re.compile(
    r"Target page, context or browser has been closed|Browser has been closed"
    r"|Target closed|browser has disconnected|Connection closed",
    re.IGNORECASE,
)
"""Errors of pages whose browser went away under them (Ctrl-C reaches the browser's
driver too; or the browser died): the page was not at fault, so it is visited again."""
INTERRUPTION_MARGIN = timedelta(seconds=1)
"""Pages that failed this long before Ctrl-C was seen, or later, are visited again: the
browser may go away a moment before the scanner's own signal handler runs."""
_SHOT = re.compile(r"(\d{4,})\.jpg(\.partial|\.enc)?")


class ResumeError(UserError):
    """The folder holds no scan that can be continued; the message says why."""


@dataclass
class RunRecord:
    """The run description of a scan, and the lock held while it runs."""

    out_dir: Path
    start_url: str
    settings: ScanSettings
    started_at: str
    runs: list[dict[str, Any]]
    """One entry per start: the first run, then each resume."""
    lock: IO[str] | None = None

    @property
    def state_dir(self) -> Path:
        return self.out_dir / STATE_DIR

    @property
    def crawl_log(self) -> Path:
        return self.state_dir / CRAWL_LOG_FILE

    @property
    def profile_dir(self) -> Path:
        return self.state_dir / PROFILE_DIR

    @property
    def page_journal(self) -> Path:
        return self.out_dir / JOURNAL_FILE

    def visit_profile_dir(self, state: str) -> Path:
        """The browser profile of a consent state's visitor (states besides "before")."""
        return self.state_dir / f"{PROFILE_DIR}-{state}"

    def visit_journal(self, state: str) -> Path:
        """The journal of a consent state's page visits."""
        return self.state_dir / f"visits-{state}.jsonl"

    def remove_profiles(self) -> None:
        """Browser profiles are never kept: a resumed visitor starts as a new one."""
        shutil.rmtree(self.profile_dir, ignore_errors=True)
        for state in self.settings.consent:
            shutil.rmtree(self.visit_profile_dir(state), ignore_errors=True)

    def save(self) -> None:
        document = {
            "format": RUN_FORMAT,
            "scanner_version": self.runs[0]["scanner_version"],
            "start_url": self.start_url,
            "settings": dataclasses.asdict(self.settings),
            "started_at": self.started_at,
            "runs": self.runs,
        }
        target = self.state_dir / RUN_FILE
        temporary = target.with_name(RUN_FILE + ".partial")
        temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, target)


@dataclass
class ResumeState:
    """An interrupted scan, ready to go on."""

    record: RunRecord
    finished: int
    """Pages kept from before: they are not visited again."""
    revisit: list[str]
    """Pages recorded as failed because the crawl was interrupted under them."""
    crawl: CrawlResume


def start_run_record(out_dir: Path, start_url: str, settings: ScanSettings) -> RunRecord:
    """Begin a fresh scan's state in ``out_dir`` (removing what an earlier run left)."""
    state_dir = out_dir / STATE_DIR
    shutil.rmtree(state_dir, ignore_errors=True)
    state_dir.mkdir(parents=True)
    record = RunRecord(
        out_dir, start_url, settings, _now(), [_run_entry(resumed=False, done=0, again=0)]
    )
    record.lock = _lock(record)
    record.save()
    return record


def resume_state(out_dir: Path) -> ResumeState:
    """What an interrupted scan in ``out_dir`` left, read without changing anything.

    Raises ResumeError (one line) when there is nothing that can be continued.
    """
    return _state(read_run_record(out_dir))


def begin_resume(out_dir: Path) -> ResumeState:
    """Take the interrupted scan in ``out_dir`` over: lock it, drop the pages to visit
    again and any torn line from the page journal, remove screenshots no kept page
    refers to and the browser profile a kill left, and record this resume."""
    record = read_run_record(out_dir)
    record.lock = _lock(record)
    state = _state(record)
    _compact_journal(record.page_journal, set(state.revisit))
    _remove_orphan_shots(out_dir, _referenced_shots(record.page_journal))
    record.remove_profiles()
    record.runs.append(_run_entry(resumed=True, done=state.finished, again=len(state.revisit)))
    record.save()
    return state


def _state(record: RunRecord) -> ResumeState:
    crawl = replay(record.crawl_log, record.start_url, record.settings)
    kept, revisit, highest_shot = _read_pages(record.page_journal, _since(crawl.interrupted_at))
    pending = [crawl.admissions[url] for url in crawl.frontier.admitted_urls if url not in kept]
    return ResumeState(record, len(kept), revisit, CrawlResume(crawl, pending, highest_shot))


def end_run(record: RunRecord, finish_reason: str) -> None:
    """After scan.json is written: a crawl that ran to its end leaves no state; an
    interrupted one keeps it for a resume (but never the browser profiles)."""
    record.remove_profiles()
    if record.lock is not None:
        record.lock.close()
        record.lock = None
    if finish_reason == "finished":
        shutil.rmtree(record.state_dir, ignore_errors=True)


def resumed_fields(record: RunRecord) -> dict[str, Any]:
    """The scan.json envelope's ``resumed`` entry, or nothing for a scan run in one go."""
    resumes = [
        {key: run[key] for key in ("started_at", "scanner_version", "pages_kept", "pages_again")}
        for run in record.runs[1:]
    ]
    return {"resumed": {"count": len(resumes), "runs": resumes}} if resumes else {}


def read_run_record(out_dir: Path) -> RunRecord:
    """The run description of the scan in ``out_dir``; ResumeError when none is usable."""
    run_file = out_dir / STATE_DIR / RUN_FILE
    if not out_dir.is_dir():
        raise ResumeError(f"cannot resume: {out_dir} is not a folder")
    if not run_file.is_file():
        if (out_dir / SCAN_FILE).exists():
            raise ResumeError(f"cannot resume: {out_dir} holds a finished scan; nothing to resume")
        raise ResumeError(
            f"cannot resume: {out_dir} holds no interrupted scan ({run_file} missing)"
        )
    try:
        document = json.loads(run_file.read_text(encoding="utf-8"))
        if document.get("format") != RUN_FORMAT:
            raise ResumeError(
                f"cannot resume: {run_file} is of another format ({document.get('format')!r})"
            )
        version = str(document["scanner_version"])
        if _major(version) != _major(__version__):
            raise ResumeError(
                f"cannot resume: the scan was started by scanner {version}, this is "
                f"{__version__}; resume it with scanner {_major(version)}.x or start a new scan"
            )
        settings = build_settings(document["settings"], origin=str(run_file))
        return RunRecord(
            out_dir,
            str(document["start_url"]),
            settings,
            str(document["started_at"]),
            list(document["runs"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError, OSError, ConfigError) as error:
        raise ResumeError(f"cannot resume: {run_file} is unreadable ({error})") from None


def _lock(record: RunRecord) -> IO[str]:
    """Hold the folder's lock until the run ends (or the process dies, kill -9 included)."""
    handle = (record.state_dir / LOCK_FILE).open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ResumeError(
            f"a scanner is still running on {record.out_dir}; wait for it or stop it first"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _since(interrupted_at: str | None) -> datetime | None:
    """From when failures count as caused by the interruption; None: only by their error."""
    if interrupted_at is None:
        return None
    try:
        return datetime.fromisoformat(interrupted_at) - INTERRUPTION_MARGIN
    except ValueError:
        return None


def _read_pages(journal: Path, since: datetime | None) -> tuple[set[str], list[str], int]:
    """URLs of the pages kept (each as first asked for and as recorded), pages to visit
    again, and the highest screenshot number a kept page refers to."""
    kept: set[str] = set()
    revisit: list[str] = []
    highest = 0
    for _, page in journal_pages(journal):
        if _interrupted(page, since):
            revisit.append(page["url"])
            continue
        kept.add(page["url"])
        if page.get("redirects"):
            kept.add(page["redirects"][0]["url"])
        if number := _shot_number(page.get("screenshot")):
            highest = max(highest, number)
    return kept, revisit, highest


def failed_with_its_browser(page: dict[str, Any]) -> bool:
    """Whether a page failed because its browser went away (not the page's fault)."""
    error = page.get("error") or {}
    return page.get("outcome") == "failed" and bool(
        _BROWSER_GONE.search(str(error.get("message", "")))
    )


def _interrupted(page: dict[str, Any], since: datetime | None) -> bool:
    """Whether a page failed because the crawl was interrupted under it."""
    if page.get("outcome") != "failed":
        return False
    if failed_with_its_browser(page):
        return True
    try:
        return since is not None and datetime.fromisoformat(str(page["visited_at"])) >= since
    except (KeyError, ValueError, TypeError):
        return False


def _compact_journal(journal: Path, revisit: set[str]) -> None:
    """Rewrite the page journal with its whole lines only, without the pages to visit
    again, so that appended pages start on a line of their own and none appears twice."""
    if not journal.exists():
        return
    temporary = journal.with_name(journal.name + ".partial")
    with temporary.open("w", encoding="utf-8") as out:
        for line, page in journal_pages(journal):
            if not (page.get("outcome") == "failed" and page.get("url") in revisit):
                out.write(line + "\n")
    os.replace(temporary, journal)


def _referenced_shots(journal: Path) -> set[int]:
    return {
        number
        for _, page in journal_pages(journal)
        if (number := _shot_number(page.get("screenshot")))
    }


def _remove_orphan_shots(out_dir: Path, referenced: set[int]) -> None:
    folder = out_dir / SCREENSHOT_FOLDER
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        match = _SHOT.fullmatch(path.name)
        if match and int(match[1]) not in referenced and path.is_file():
            path.unlink(missing_ok=True)


def _shot_number(relative: Any) -> int:
    if not isinstance(relative, str):
        return 0
    match = _SHOT.fullmatch(relative.rsplit("/", 1)[-1])
    return int(match[1]) if match else 0


def _run_entry(*, resumed: bool, done: int, again: int) -> dict[str, Any]:
    return {
        "started_at": _now(),
        "scanner_version": __version__,
        "resumed": resumed,
        "pages_kept": done,
        "pages_again": again,
    }


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
