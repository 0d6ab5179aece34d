"""``scanner history`` and ``scanner diff`` as a user runs them, on a real history file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.history.database import shown
from scanner.history.store import History
from tests.e2e_helpers import run_scanner, stderr_lines
from tests.history_fixtures import HOME, audit, cookie, finding, state, vendor

Q3 = audit(state(items=(vendor("analytics"), vendor("social-widgets"), cookie("ls_session"))))
Q4 = audit(
    state(
        items=(
            vendor("analytics"),
            vendor("ad-network"),
            cookie("ls_session"),
            finding("hsts-missing", "www.shop.example", severity="high", pages=(HOME,)),
        )
    ),
    started="2026-12-01T10:00:00+00:00",
    folder="/audits/q4",
)


@pytest.fixture
def history_file(history_url: str) -> str:
    """A history of three audits, on SQLite and on PostgreSQL (the CLI takes the URL)."""
    history = History(history_url)
    history.record(Q3)
    history.record(Q4)
    history.record(replace(Q4, site="other.example", scan_started_at="2026-12-02T10:00:00+00:00"))
    history.close()
    return history_url


def test_history_lists_the_audits_of_a_site_newest_first(history_file: str) -> None:
    run = run_scanner("history", "shop.example", "--history", history_file)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == [
        "ID", "SCANNED", "SITE", "BY", "STATES", "PAGES", "VENDORS", "COOKIES", "FINDINGS",
    ]  # fmt: skip
    assert lines[1].split() == [
        "#2", "2026-12-01T10:00:00+00:00", "shop.example", "scan", "before", "3", "2", "1",
        "1", "high",
    ]  # fmt: skip
    assert lines[2].strip() == "/audits/q4"
    assert lines[3].split()[0] == "#1" and len(lines) == 5


def test_history_json_and_an_empty_history(history_file: str, tmp_path: Path) -> None:
    run = run_scanner("history", "--json", "--history", history_file)
    rows = json.loads(run.stdout)
    assert [(r["audit_id"], r["site"]) for r in rows] == [
        (3, "other.example"),
        (2, "shop.example"),
        (1, "shop.example"),
    ]
    assert rows[1]["by_severity"] == {"high": 1}
    empty = tmp_path / "new" / "history.sqlite"
    run = run_scanner("history", "--history", str(empty))
    assert (run.returncode, run.stdout.strip()) == (
        0,
        f"No audits in the history {empty} yet.",
    )


def test_diff_previous_latest_of_a_site_and_the_gate(history_file: str) -> None:
    run = run_scanner(
        "diff", "previous", "latest", "--site", "shop.example", "--history", history_file,
        "--fail-on-new", "vendor",
    )  # fmt: skip
    assert run.returncode == 1
    assert "+ new     ad-network" not in run.stdout
    assert "+ new     Ad Network (analytics; DPA undeclared; 3 pages) [not approved]" in run.stdout
    assert "- removed Social Widgets" in run.stdout
    assert (
        "+ new     Title of hsts-missing: www.shop.example (hsts-missing, high; 1 page)"
        in run.stdout
    )
    assert run.stdout.splitlines()[-1] == (
        "Summary: 1 new vendor (1 not approved), 1 new finding; 1 removed vendor."
    )
    assert stderr_lines(run) == ["fail-on-new: 1 new vendor (Ad Network)"]


def test_an_approved_list_lets_the_gate_pass(history_file: str, tmp_path: Path) -> None:
    approved = tmp_path / "approved.toml"
    approved.write_text(
        '[[vendor]]\nvendor = "ad-network"\napproved_by = "DPO"\nreason = "DPA on file"\n',
        encoding="utf-8",
    )
    config = tmp_path / "scanner.toml"
    config.write_text(
        f'[history]\ndatabase = "{history_file}"\napproved = "{approved.name}"\n',
        encoding="utf-8",
    )
    run = run_scanner("diff", "1", "#2", "--config", str(config), "--fail-on-new", "vendor,cookie")
    assert run.returncode == 0, run.stderr
    assert "[approved by DPO: DPA on file]" in run.stdout
    run = run_scanner("diff", "1", "2", "--config", str(config), "--fail-on-new", "finding")
    assert run.returncode == 1
    assert stderr_lines(run) == [
        "fail-on-new: 1 new finding (Title of hsts-missing: www.shop.example)"
    ]


def test_diff_json_is_the_same_comparison(history_file: str) -> None:
    run = run_scanner("diff", "1", "2", "--json", "--history", history_file)
    document = json.loads(run.stdout)
    changes = document["states"][0]["changes"]
    assert [(c["status"], c["key"]) for c in changes] == [
        ("new", "ad-network"),
        ("new", "hsts-missing: www.shop.example"),
        ("removed", "social-widgets"),
    ]
    assert (document["before"]["audit_id"], document["after"]["audit_id"]) == (1, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff", "7", "1"], "error: history {h} has no audit #7; scanner history lists them"),
        (
            ["diff", "yesterday", "1"],
            "error: 'yesterday' is not an audit: give an id from scanner history, latest, "
            "previous or an audit folder",
        ),
        (
            ["diff", "previous", "latest", "--site", "other.example"],
            "error: the history {h} holds only one scan of other.example; nothing before it",
        ),
        (
            ["diff", "1", "2", "--fail-on-new", "vendors"],
            "'vendors': give one or more of vendor,cookie,finding, comma-separated",
        ),
    ],
)
def test_bad_references_are_one_clear_line(
    history_file: str, args: list[str], message: str
) -> None:
    run = run_scanner(*args, "--history", history_file)
    assert run.returncode == 2
    assert message.format(h=shown(history_file)) in stderr_lines(run)[-1]
    assert "Traceback" not in run.stderr


def test_a_corrupt_history_is_one_line_for_history_and_diff(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"garbage" * 200)
    for command in (["history"], ["diff", "1", "2"]):
        run = run_scanner(*command, "--history", str(path))
        assert (run.returncode, stderr_lines(run)) == (
            2,
            [
                f"error: history {path}: not a readable history database (corrupt, or "
                "another kind of file); move it away (a new one is created) or pass "
                "--history with another file"
            ],
        )


def test_latest_is_of_the_other_audits_site(history_file: str) -> None:
    run = run_scanner("diff", "1", "latest", "--history", history_file)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1].startswith("     with #2 shop.example")
    assert not any(line.startswith("warning") for line in stderr_lines(run))
    other = run_scanner("diff", "1", "3", "--history", history_file)
    assert "warning: comparing audits of two sites (shop.example and other.example)" in (
        stderr_lines(other)
    )


@pytest.mark.parametrize("ref", ["\u00b2", "99999999999999999999"])
def test_odd_ids_are_one_clear_line(history_file: str, ref: str) -> None:
    run = run_scanner("diff", ref, "latest", "--history", history_file)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert len(stderr_lines(run)) == 1 and stderr_lines(run)[0].startswith("error: ")


def test_a_database_url_with_a_bad_port_stops_a_scan_before_the_crawl(tmp_path: Path) -> None:
    run = run_scanner(
        "scan", "https://www.example.invalid/", "--history", "postgresql://u:s3cret@db:abc/h",
        out_dir=tmp_path / "out",
    )  # fmt: skip
    assert run.returncode == 2
    [line] = stderr_lines(run)
    assert line.startswith("error: --history postgresql://...: not a database URL")
    assert "s3cret" not in run.stderr and not (tmp_path / "out").exists()
