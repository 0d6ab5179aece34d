"""Hosts outside the shop's own pages: its static host and an unrelated external site."""

from ..hosts import OTHER_SITE, SHOP_STATIC, WorldUrls
from ..layout import document
from ..messages import Handler, Request, Response, html
from ..router import PathRouter
from .common import image, javascript


def _legacy_script(request: Request) -> Response:
    return javascript("legacy.js")


def _banner(request: Request) -> Response:
    return image(64, 16, (30, 140, 80))


def _other_home(request: Request) -> Response:
    return html(document("Other Site", "<h1>Other Site</h1>\n<p>Nothing to see here.</p>"))


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for static.shop.test (http and https) and www.othersite.example."""
    static = PathRouter()
    static.add("/legacy.js", _legacy_script)
    static.add("/banner.png", _banner)
    other = PathRouter()
    other.add("/", _other_home)
    return {SHOP_STATIC: static, OTHER_SITE: other}
