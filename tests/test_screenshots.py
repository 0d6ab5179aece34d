"""Screenshots of each page's first view: the demo scan, the cap, and the shot-taker alone."""

from __future__ import annotations

import asyncio
import base64
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Error as PlaywrightError

from scanner.capture.recorder import renders_as_page
from scanner.capture.screenshots import SCREENSHOT_FOLDER, Screenshots, clear_screenshots
from scanner.capture.tap import PageTap
from scanner.crawl.settings import VIEWPORT
from scanner.testworld import TestWorld, running_test_world
from tests.e2e_helpers import CliRun, run_scanner

SHOP = "www.shop.test"
VIEWPORT_SIZE = (VIEWPORT["width"], VIEWPORT["height"])
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (they carry the size); C4, C8 and CC are other segments
_SOF_MARKERS = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_size(data: bytes) -> tuple[str, int, int]:
    """The format and the width and height read from a JPEG's or PNG's header."""
    if data.startswith(PNG_MAGIC):
        assert data[12:16] == b"IHDR"
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    assert data.startswith(JPEG_MAGIC), data[:4]
    assert data.endswith(b"\xff\xd9"), "JPEG without its end marker: a partial file"
    position = 2
    while position + 4 <= len(data):
        assert data[position] == 0xFF, f"not a JPEG segment at byte {position}"
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return "jpeg", width, height
        position += 2 + length
    raise AssertionError("JPEG without a start-of-frame segment")


def shot_files(out_dir: Path) -> list[str]:
    folder = out_dir / SCREENSHOT_FOLDER
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def assert_is_a_first_view(out_dir: Path, relative: str) -> None:
    assert not relative.startswith("/") and "\\" not in relative
    path = out_dir / relative
    assert path.is_file(), relative
    kind, width, height = image_size(path.read_bytes())
    assert (kind, width, height) == ("jpeg", *VIEWPORT_SIZE)


# -- the demo scan --------------------------------------------------------------------


@pytest.mark.browser
def test_every_rendered_demo_page_has_its_first_view(demo_run: CliRun) -> None:
    scan = demo_run.scan
    cap = scan["settings"]["screenshots"]
    assert cap == 100
    rendered = [page for page in scan["pages"] if page["outcome"] == "rendered"]
    assert 0 < len(rendered) <= cap  # so every rendered page gets one
    for page in rendered:
        assert page["screenshot"] is not None, page["url"]
        assert_is_a_first_view(demo_run.out_dir, page["screenshot"])
    not_rendered = [page for page in scan["pages"] if page["outcome"] != "rendered"]
    assert {page["outcome"] for page in not_rendered} == {"failed", "not-html"}
    assert [page["screenshot"] for page in not_rendered] == [None] * len(not_rendered)
    # one file per shot, numbered in the order taken, nothing half-written left behind
    shots = sorted(page["screenshot"] for page in rendered)
    expected = [f"{number:04d}.jpg" for number in range(1, len(rendered) + 1)]
    assert shots == [f"{SCREENSHOT_FOLDER.as_posix()}/{name}" for name in expected]
    assert shot_files(demo_run.out_dir) == expected
    errors = [e for page in scan["pages"] for e in page["capture_errors"] if "screenshot" in e]
    assert errors == []


# -- the cap, with a real scan --------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> Iterator[TestWorld]:
    with running_test_world() as running:
        yield running


def scan_with(world: TestWorld, out: Path, config: str, *extra: str) -> CliRun:
    config_file = out.parent / f"{out.name}.toml"
    config_file.write_text(f"[scan]\n{config}\n", encoding="utf-8")
    run = run_scanner(
        "scan", world.url(SHOP, "/products/"), "--progress", "never", "--no-sitemap",
        "--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256,
        "--config", str(config_file), *extra,
        out_dir=out,
    )  # fmt: skip
    # the crawl is what is tested here, not the rules that run after it
    assert (out / "scan.json").is_file(), run.stderr
    return run


@pytest.mark.browser
def test_the_cap_counts_pages_shot_and_old_shots_are_cleared(
    world: TestWorld, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    old = out / SCREENSHOT_FOLDER
    old.mkdir(parents=True)
    (old / "0007.jpg").write_bytes(b"a previous scan's")
    (old / "notes.txt").write_text("not ours")
    # 8 pages rendered 6 at a time: more pages reach the shot at once than the cap allows
    run = scan_with(world, out, "screenshots = 2\nconcurrency = 6", "--max-pages", "8")
    pages = run.scan["pages"]
    assert run.scan["settings"]["screenshots"] == 2
    assert len([page for page in pages if page["outcome"] == "rendered"]) > 2
    shot = [page for page in pages if page["screenshot"] is not None]
    assert len(shot) == 2
    assert {page["outcome"] for page in shot} == {"rendered"}
    assert sorted(page["screenshot"] for page in shot) == [
        "evidence/screenshots/0001.jpg",
        "evidence/screenshots/0002.jpg",
    ]
    for page in shot:
        assert_is_a_first_view(out, page["screenshot"])
    assert shot_files(out) == ["0001.jpg", "0002.jpg", "notes.txt"]


@pytest.mark.browser
def test_no_screenshots_when_turned_off(world: TestWorld, tmp_path: Path) -> None:
    run = scan_with(world, tmp_path / "out", "screenshots = 0", "--max-pages", "2")
    pages = run.scan["pages"]
    assert [page["outcome"] for page in pages] == ["rendered", "rendered"]
    assert [page["screenshot"] for page in pages] == [None, None]
    assert not (tmp_path / "out" / "evidence" / "screenshots").exists()


# -- the shot-taker alone: fake shots -------------------------------------------------

JPEG_BYTES = JPEG_MAGIC + b"\xe0 fake image \xff\xd9"


class FakeShot:
    """A screenshot that takes ``delay`` seconds, or fails with ``error``."""

    def __init__(self, delay: float = 0.01, error: str | None = None) -> None:
        self.delay = delay
        self.error = error

    async def __call__(self) -> bytes:
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise PlaywrightError(self.error)
        return JPEG_BYTES


def take_all(shots: Screenshots, pages: list[FakeShot]) -> tuple[list[str | None], list[str]]:
    errors: list[str] = []

    async def run() -> list[str | None]:
        return list(await asyncio.gather(*(shots.take(shoot, errors) for shoot in pages)))

    return asyncio.run(run()), errors


def test_concurrent_pages_never_exceed_the_cap(tmp_path: Path) -> None:
    shots = Screenshots(tmp_path, limit=2)
    paths, errors = take_all(shots, [FakeShot(delay=0.05) for _ in range(6)])
    assert sorted(path for path in paths if path) == [
        "evidence/screenshots/0001.jpg",
        "evidence/screenshots/0002.jpg",
    ]
    assert paths.count(None) == 4
    assert errors == []
    assert shots.taken == 2
    assert shot_files(tmp_path) == ["0001.jpg", "0002.jpg"]
    assert (tmp_path / "evidence/screenshots/0001.jpg").read_bytes() == JPEG_BYTES


def test_a_failed_shot_is_said_and_its_slot_goes_to_a_waiting_page(tmp_path: Path) -> None:
    shots = Screenshots(tmp_path, limit=1)
    failing = FakeShot(delay=0.02, error="Target crashed\nCall log: ...")
    paths, errors = take_all(shots, [failing, FakeShot(), FakeShot()])
    # the second page waited for the first shot to be over, got its slot, filled the cap
    assert paths == [None, "evidence/screenshots/0001.jpg", None]
    assert errors == ["could not take a screenshot: Target crashed"]
    assert shots.taken == 1


def test_a_shot_that_hangs_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scanner.capture.screenshots.TIMEOUT_MS", 50)
    paths, errors = take_all(Screenshots(tmp_path, limit=1), [FakeShot(delay=10)])
    assert paths == [None]
    assert errors == ["could not take a screenshot: no image after 50 ms"]


def test_a_shot_that_cannot_be_written_is_said_and_leaves_no_file(tmp_path: Path) -> None:
    (tmp_path / "evidence").write_text("a file where the folder should be")
    shots = Screenshots(tmp_path, limit=3)
    paths, errors = take_all(shots, [FakeShot()])
    assert paths == [None]
    assert len(errors) == 1 and errors[0].startswith("could not write the screenshot 0001.jpg: ")
    assert shots.taken == 0


def test_a_cancelled_shot_gives_its_slot_back(tmp_path: Path) -> None:
    shots = Screenshots(tmp_path, limit=1)

    async def run() -> str | None:
        slow = asyncio.ensure_future(shots.take(FakeShot(delay=10), []))
        await asyncio.sleep(0.01)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        return await shots.take(FakeShot(), [])

    assert asyncio.run(run()) == "evidence/screenshots/0001.jpg"
    assert shot_files(tmp_path) == ["0001.jpg"]


def test_the_tap_asks_devtools_for_the_viewport_as_jpeg() -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    class FakeSession:
        async def send(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
            sent.append((method, params))
            return {"data": base64.b64encode(JPEG_BYTES).decode("ascii")}

    tap = PageTap(page=None)  # type: ignore[arg-type]
    with pytest.raises(PlaywrightError, match="no DevTools session"):
        asyncio.run(tap.screenshot(70))
    tap._cdp = FakeSession()  # type: ignore[assignment]
    assert asyncio.run(tap.screenshot(70)) == JPEG_BYTES
    # no clip and nothing beyond the viewport: what the visitor sees, as it is
    assert sent == [("Page.captureScreenshot", {"format": "jpeg", "quality": 70})]


def test_clearing_removes_only_screenshot_files(tmp_path: Path) -> None:
    clear_screenshots(tmp_path)  # no folder: nothing to do
    folder = tmp_path / SCREENSHOT_FOLDER
    folder.mkdir(parents=True)
    names = ["0001.jpg", "12345.jpg", "0002.jpg.partial", "0003.jpg.enc", "logo.jpg", "a.txt"]
    for name in names:
        (folder / name).write_bytes(b"x")
    clear_screenshots(tmp_path)
    assert shot_files(tmp_path) == ["a.txt", "logo.jpg"]


@pytest.mark.parametrize(
    ("status", "content_type", "shot"),
    [
        (200, "text/html; charset=utf-8", True),
        (304, "application/xhtml+xml", True),
        (None, None, True),  # no Content-Type: rendered as HTML, as the spider counts it
        (200, "application/pdf", False),  # 'not-html'
        (404, "text/html", False),  # 'failed'
        (500, None, False),
    ],
)
def test_only_pages_that_count_as_rendered_are_shot(
    status: int | None, content_type: str | None, shot: bool
) -> None:
    assert renders_as_page(status, content_type) is shot


def test_image_size_reads_jpeg_and_png_headers() -> None:
    jpeg = JPEG_MAGIC[:2] + b"\xff\xe0\x00\x04ab" + b"\xff\xc0\x00\x11\x08\x03\x00\x05\x56"
    assert image_size(jpeg + b"\x03" + b"\x00" * 9 + b"\xff\xd9") == ("jpeg", 1366, 768)
    png = PNG_MAGIC + b"\x00\x00\x00\x0dIHDR" + struct.pack(">II", 1366, 768) + b"\x08\x02"
    assert image_size(png) == ("png", 1366, 768)
