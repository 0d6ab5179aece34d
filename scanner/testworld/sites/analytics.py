"""The analytics vendor: its tag on cdn.analytics.example and its collector."""

from ..hosts import ANALYTICS_CDN, ANALYTICS_COLLECT, WorldUrls
from ..messages import Handler, Request, Response, random_token
from ..router import PathRouter
from .common import javascript, pixel

TWO_YEARS = 63072000


def _tag(request: Request) -> Response:
    return javascript("a.js")


def _pixel(request: Request) -> Response:
    return pixel()


def _collect(request: Request) -> Response:
    cookie = (
        f"_ae_uid={random_token()}; Domain=analytics.example; Path=/; "
        f"Max-Age={TWO_YEARS}; Secure; SameSite=None"
    )
    return pixel().with_header("Set-Cookie", cookie)


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the analytics vendor."""
    cdn = PathRouter()
    cdn.add("/a.js", _tag)
    cdn.add("/pixel.gif", _pixel)
    collect = PathRouter()
    collect.add("/c", _collect)
    return {ANALYTICS_CDN: cdn, ANALYTICS_COLLECT: collect}
