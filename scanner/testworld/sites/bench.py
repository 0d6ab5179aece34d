"""The benchmark site bench.test: N small pages linked as a binary tree from /p/0."""

import re

from ..hosts import BENCH, WorldUrls
from ..layout import document, link
from ..messages import CSS, Handler, Request, Response, html, text
from ..router import plain_not_found
from .common import image

_ROUTE = re.compile(r"/(?:p/(?P<page>\d+)|s/(?P<css>\d+)\.css|i/(?P<png>\d+)\.png)")


class BenchSite:
    """Serves /p/<i>, /s/<i>.css and /i/<i>.png for 0 <= i < pages, and /robots.txt."""

    def __init__(self, pages: int) -> None:
        self.pages = pages

    def __call__(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return text("405 method not allowed\n", 405).with_header("Allow", "GET, HEAD")
        if request.path == "/robots.txt":
            return text("User-agent: *\nAllow: /\n")
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
    return {BENCH: BenchSite(pages)} if pages > 0 else {}
