"""A page whose own document fails mid-body is recorded at once with the browser's error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.capture.failures import failure_reason
from scanner.testworld import TestWorld, running_test_world
from scanner.testworld.hosts import HOSTILE
from tests.e2e_helpers import CliRun, run_scanner, where

TIMEOUT_S = 30
FAST_S = 5


@pytest.fixture(scope="module")
def world() -> Iterator[TestWorld]:
    with running_test_world() as running:
        yield running


def scan(world: TestWorld, path: str, out: Path) -> CliRun:
    return run_scanner(
        "scan",
        world.url(HOSTILE, path),
        "--progress",
        "never",
        "--no-sitemap",
        "--max-pages",
        "1",
        "--timeout",
        str(TIMEOUT_S),
        "--map-host",
        "*=127.0.0.1",
        "--trust-spki",
        world.spki_sha256,
        out_dir=out,
    )


@pytest.mark.parametrize(
    "error", ["net::ERR_CONTENT_LENGTH_MISMATCH", "net::ERR_INCOMPLETE_CHUNKED_ENCODING"]
)
def test_a_body_cut_short_is_a_connection_failure(error: str) -> None:
    assert failure_reason(error) == "connection"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/cut/length", "net::ERR_CONTENT_LENGTH_MISMATCH"),
        ("/cut/chunked", "net::ERR_INCOMPLETE_CHUNKED_ENCODING"),
    ],
)
def test_a_cut_body_fails_the_page_at_once(
    world: TestWorld, tmp_path: Path, path: str, error: str
) -> None:
    run = scan(world, path, tmp_path)
    [page] = run.scan["pages"]
    assert page["outcome"] == "failed"
    assert page["error"] == {
        "kind": "connection",
        "message": f"{error} at {world.url(HOSTILE, path)}",
    }
    assert page["duration_ms"] < FAST_S * 1000, "the page waited for the timeout"
    [document] = [r for r in page["requests"] if r["navigation"] and r["frame"] == 0]
    assert document["failure"]["error_text"] == error
    assert document["response"]["status"] == 200
    assert "the page did not finish loading: partial capture" in page["capture_errors"]
    assert run.returncode == 3


@pytest.mark.browser
def test_a_failed_page_keeps_its_redirect_chain(world: TestWorld, tmp_path: Path) -> None:
    run = scan(world, "/hop/1", tmp_path)
    [page] = run.scan["pages"]
    assert page["error"]["kind"] == "connection"
    assert page["error"]["message"].endswith(f"at {world.url(HOSTILE, '/cut/length')}")
    assert [
        (where(hop["url"]), hop["status"], where(hop["location"])) for hop in page["redirects"]
    ] == [
        (f"{HOSTILE}/hop/1", 302, f"{HOSTILE}/hop/2"),
        (f"{HOSTILE}/hop/2", 302, f"{HOSTILE}/cut/length"),
    ]
    assert page["duration_ms"] < FAST_S * 1000
