"""The benchmark site bench.test, with two families of N pages, each linked as a binary
tree from page 0: the simple /p/<i> (one stylesheet and one image each) and the realistic
/r/<i> (30 to 80 requests each, vendors, cookies and beacons; see :mod:`.bench_realistic`)."""

import re

from ..hosts import BENCH, WorldUrls
from ..layout import document, link
from ..messages import CSS, Handler, Request, Response, html, text
from ..router import plain_not_found
from .bench_realistic import BEACON_PATH, RealisticPages
from .common import image

PROFILES: dict[str, str] = {"simple": "/p/", "realistic": "/r/"}
"""Each benchmark profile and the path of its pages, followed by the page number."""

_ROUTE = re.compile(r"/(?:p/(?P<page>\d+)|s/(?P<css>\d+)\.css|i/(?P<png>\d+)\.png)")
_REALISTIC = re.compile(
    r"/r/(?P<page>\d{1,9})"
    r"(?:/(?:s(?P<css>\d{1,9})\.css|j(?P<js>\d{1,9})\.js|i(?P<png>\d{1,9})\.png))?"
)


def page_path(profile: str, index: int) -> str:
    """The path of page ``index`` of a profile: '/r/3'."""
    return f"{PROFILES[profile]}{index}"


def _canonical(digits: str) -> int | None:
    """The number written by ``digits``, or None when it has leading zeros."""
    number = int(digits)
    return number if str(number) == digits else None


class BenchSite:
    """Serves /p/<i>, /s/<i>.css and /i/<i>.png for 0 <= i < pages, the realistic /r/<i>
    and their files, and /robots.txt."""

    def __init__(self, urls: WorldUrls, pages: int) -> None:
        self.pages = pages
        self.realistic = RealisticPages(urls, pages)

    def __call__(self, request: Request) -> Response:
        if request.path == BEACON_PATH:
            return self.realistic.beacon(request)
        if request.method not in ("GET", "HEAD"):
            return text("405 method not allowed\n", 405).with_header("Allow", "GET, HEAD")
        if request.path == "/robots.txt":
            return text("User-agent: *\nAllow: /\n")
        if request.path.startswith("/r/"):
            return self._realistic(request)
        match = _ROUTE.fullmatch(request.path)
        if match is None:
            return plain_not_found(request)
        kind = match.lastgroup
        number = int(match.group(kind))
        if number >= self.pages or match.group(kind) != str(number):
            return plain_not_found(request)
        if kind == "page":
            return html(self.page(number))
        if kind == "css":
            return text(self.stylesheet(number), content_type=CSS)
        return image(8, 8, ((number * 37) % 256, (number * 91) % 256, 160))

    def _realistic(self, request: Request) -> Response:
        match = _REALISTIC.fullmatch(request.path)
        page = _canonical(match["page"]) if match else None
        if match is None or page is None or page >= self.pages:
            return plain_not_found(request)
        kind = match.lastgroup
        if kind == "page":
            return self.realistic.page(page)
        number = _canonical(match[kind])
        found = self.realistic.file(page, kind, number) if number is not None else None
        return found or plain_not_found(request)

    def page(self, i: int) -> str:
        """The HTML of page i, linking to its children 2i+1 and 2i+2 when they exist."""
        children = [c for c in (2 * i + 1, 2 * i + 2) if c < self.pages]
        links = "".join(f"<li>{link(f'/p/{c}', f'Page {c}')}</li>" for c in children)
        body = f'<h1>Bench {i}</h1>\n<img src="/i/{i}.png" alt="">\n<ul>{links}</ul>'
        return document(f"Bench {i}", body, head=f'<link rel="stylesheet" href="/s/{i}.css">\n')

    @staticmethod
    def stylesheet(i: int) -> str:
        """A tiny stylesheet that differs per page."""
        colour = i * 2654435761 % 0xFFFFFF
        return f"body {{ margin: {i % 5 + 1}em; }}\nh1 {{ color: #{colour:06x}; }}\n"


def routes(urls: WorldUrls, pages: int) -> dict[str, Handler]:
    """Host name -> handler for the benchmark site; empty when ``pages`` is 0."""
    return {BENCH: BenchSite(urls, pages)} if pages > 0 else {}
