"""A vendor whose script answers slowly (1.5 s), to test waiting for late requests."""

import time

from ..hosts import SLOW_VENDOR, WorldUrls
from ..messages import Handler, Request, Response
from ..router import PathRouter
from .common import javascript

DELAY_SECONDS = 1.5


def _recommendations(request: Request) -> Response:
    time.sleep(DELAY_SECONDS)
    return javascript("recs.js")


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the slow vendor."""
    api = PathRouter()
    api.add("/recs.js", _recommendations)
    return {SLOW_VENDOR: api}
