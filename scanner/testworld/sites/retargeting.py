"""The tag manager and what it pulls in: a re-targeter, which in turn pulls in a fourth party."""

from ..hosts import FOURTH_PARTY, RETARGET_CDN, RETARGET_PIXEL, TAG_MANAGER, WorldUrls
from ..messages import Handler, Request, Response, no_content, random_token
from ..router import PathRouter
from .common import javascript, pixel

FIVE_YEARS = 157680000
FOURTH_PARTY_MAX_AGE = 34128000  # about 13 months


def _tag_manager(request: Request) -> Response:
    return javascript("tm.js")


def _retargeter(request: Request) -> Response:
    return javascript("rt.js")


def _sync(request: Request) -> Response:
    cookie = (
        f"rt_id={random_token()}; Domain=retarget.example; Path=/; "
        f"Max-Age={FIVE_YEARS}; Secure; SameSite=None"
    )
    return pixel().with_header("Set-Cookie", cookie)


def _unload(request: Request) -> Response:
    # The body (JSON with the e-mail) is what the scanner must notice; nothing to do here.
    return no_content()


def _match(request: Request) -> Response:
    return javascript("match.js")


def _fourth_party_pixel(request: Request) -> Response:
    cookie = (
        f"fp_uid={random_token()}; Path=/; Max-Age={FOURTH_PARTY_MAX_AGE}; Secure; SameSite=None"
    )
    return pixel().with_header("Set-Cookie", cookie)


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the tag manager, the re-targeter and the fourth party."""
    tag_manager = PathRouter()
    tag_manager.add("/tm.js", _tag_manager)
    retarget_cdn = PathRouter()
    retarget_cdn.add("/rt.js", _retargeter)
    retarget_pixel = PathRouter()
    retarget_pixel.add("/sync", _sync)
    retarget_pixel.add("/unload", _unload, methods=("POST", "GET"))
    fourth_party = PathRouter()
    fourth_party.add("/match.js", _match)
    fourth_party.add("/pixel.gif", _fourth_party_pixel)
    return {
        TAG_MANAGER: tag_manager,
        RETARGET_CDN: retarget_cdn,
        RETARGET_PIXEL: retarget_pixel,
        FOURTH_PARTY: fourth_party,
    }
