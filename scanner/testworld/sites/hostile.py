"""www.hostile.test: pages that try to lose, trap or stall a crawler.

- Real pages a careless trap guard drops: ``/p/1990`` ... ``/p/2029`` (listed in the
  sitemap only), ``/product/201512`` and ``/order/20231105`` (numbers that look like
  dates), ``/archive/2023/11/05/`` (a real dated page, linked once).
- Traps no sitemap lists: an endless numeric tree (``/tree/1`` links ``/tree/1/1`` and
  ``/tree/1/2``, and so on), an endless chain (``/n/1`` links ``/n/2``...), a calendar
  whose every month links the next one (``/cal/2023/11/``).
- A link longer than a crawler's URL length limit (``/long``), a link whose
  percent-encoded bytes are not UTF-8 (``/bytes``).
- Connections closed mid-body: ``/cut/length`` promises more bytes than it sends,
  ``/cut/chunked`` never sends its last chunk; ``/hop/1`` redirects twice to a cut body.
- ``/hang/N`` answers after ``HANG_SECONDS``; ``/hang-file.pdf`` is a cut file
  download; ``/queue`` links both, to see that queue time is not failure time.

Every route is computed from the path, so the traps are as endless as real ones.
"""

import re
import time

from ..hosts import HOSTILE, SOCIAL_WIDGETS, WorldUrls
from ..layout import document, link_list
from ..messages import HTML, PDF, XML, Handler, Request, Response, html, redirect, text
from .leave_frames import FRAME_PATH, FRAMES_PATH, frame_routes, frames_page

SITEMAP_YEARS = range(1990, 2030)
"""The /p/YEAR pages the sitemap lists (and nothing links)."""
LONG_LINK_CHARS = 3000
NON_UTF8_PATH = "/bytes/caf%E9"
NON_UTF8_QUERY = "q=%FF%FE&x=%E9t%E9"
HANG_SECONDS = 6.0
CUT_PROMISED_BYTES = 100_000
_NUMBERS = re.compile(r"^\d+$")


def _page(title: str, links: list[tuple[str, str]] | None = None, extra: str = "") -> Response:
    nav = link_list(links) if links else ""
    return html(document(title, f"<h1>{title}</h1>\n{nav}\n{extra}"))


def _index(request: Request) -> Response:
    return _page(
        "Hostile site",
        [
            ("/product/201512", "Product 201512"),
            ("/order/20231105", "Order 20231105"),
            ("/archive/2023/11/05/", "A dated post"),
            ("/tree/1", "Numeric tree"),
            ("/n/1", "Endless chain"),
            ("/cal/2023/11/", "Calendar"),
            ("/long", "A page with a very long link"),
            ("/bytes", "A page with a Latin-1 link"),
        ],
    )


def _tree(segments: list[str]) -> Response:
    here = "/" + "/".join(segments)
    return _page(f"Tree {here}", [(f"{here}/1", "first child"), (f"{here}/2", "second child")])


def _chain(number: int) -> Response:
    return _page(f"Chain {number}", [(f"/n/{number + 1}", "next")])


def _calendar(year: int, month: int) -> Response:
    after = (year + month // 12, month % 12 + 1)
    before = (year - (month == 1), (month - 2) % 12 + 1)
    return _page(
        f"Calendar {year}-{month:02d}",
        [
            (f"/cal/{after[0]}/{after[1]:02d}/", "next month"),
            (f"/cal/{before[0]}/{before[1]:02d}/", "previous month"),
        ],
    )


def _sitemap(urls: WorldUrls) -> Response:
    entries = "".join(
        f"<url><loc>{urls.https(HOSTILE, f'/p/{year}')}</loc></url>" for year in SITEMAP_YEARS
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    )
    return text(body, content_type=XML)


def cut_by_length() -> Response:
    """A body much shorter than its Content-Length, then the connection is closed."""
    body = document("Cut", "<p>" + "cut " * 100 + "</p>").encode("utf-8")
    response = Response(200, body, HTML)
    return response.with_header("Content-Length", str(CUT_PROMISED_BYTES))


def cut_chunked() -> Response:
    """One chunk of a chunked body and no last chunk, then the connection is closed."""
    chunk = document("Cut", "<p>" + "chunk " * 100 + "</p>").encode("utf-8")
    body = f"{len(chunk):x}\r\n".encode("ascii") + chunk + b"\r\n"
    return Response(200, body, HTML).with_header("Transfer-Encoding", "chunked")


def _hang(request: Request) -> Response:
    time.sleep(HANG_SECONDS)
    return _page(f"Late {request.path}")


def _cut_file() -> Response:
    return Response(200, b"%PDF-1.4\n" + b"0" * 1000, PDF).with_header(
        "Content-Length", str(CUT_PROMISED_BYTES)
    )


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the hostile site (http and https alike)."""
    fixed: dict[str, Handler] = {
        "/": _index,
        "/sitemap.xml": lambda request: _sitemap(urls),
        "/long": lambda request: _page("Long link", [("/long/" + "a" * LONG_LINK_CHARS, "long")]),
        "/bytes": lambda request: _page(
            "Latin-1 link", [(f"{NON_UTF8_PATH}?{NON_UTF8_QUERY}", "café")]
        ),
        "/cut/length": lambda request: cut_by_length(),
        "/cut/chunked": lambda request: cut_chunked(),
        "/hop/1": lambda request: redirect("/hop/2", 302),
        "/hop/2": lambda request: redirect("/cut/length", 302),
        "/queue": lambda request: _page(
            "Queue", [("/hang/1", "late 1"), ("/hang/2", "late 2"), ("/hang-file.pdf", "file")]
        ),
        "/hang-file.pdf": lambda request: _cut_file(),
        FRAMES_PATH: lambda request: frames_page(
            urls.https(SOCIAL_WIDGETS, f"{FRAME_PATH}?frame=cross")
        ),
        **frame_routes(),
    }

    def answer(request: Request) -> Response:
        handler = fixed.get(request.path)
        if handler is not None:
            return handler(request)
        segments = request.path.strip("/").split("/")
        head, numbers = segments[0], segments[1:]
        if not numbers or not all(_NUMBERS.match(n) and len(n) < 9 for n in numbers):
            return _page(f"Page {request.path}") if head in ("bytes", "long") else _not_found()
        if head == "tree":
            return _tree(segments)
        if head == "n" and len(numbers) == 1:
            return _chain(int(numbers[0]))
        if head == "cal" and len(numbers) == 2 and 1 <= int(numbers[1]) <= 12:
            return _calendar(int(numbers[0]), int(numbers[1]))
        if head == "hang" and len(numbers) == 1:
            return _hang(request)
        if head in ("p", "product", "order", "archive"):
            return _page(f"Page {request.path}")
        return _not_found()

    return {HOSTILE: answer}


def _not_found() -> Response:
    return text("404 not found\n", 404)
