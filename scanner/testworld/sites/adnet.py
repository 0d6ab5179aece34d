"""The ad network: a tag that sets one good and two invalid cookies, and its creative."""

from ..hosts import AD_NETWORK, WorldUrls
from ..messages import Handler, Request, Response, random_token
from ..router import PathRouter
from .common import image, javascript

AD_COOKIES = (
    # Accepted by Chromium.
    "ad_uid={uid}; Path=/; Max-Age=63072000; Secure; SameSite=None",
    # SameSite=None without Secure: Chromium refuses it.
    "ad_pref=1; Path=/; Max-Age=2592000; SameSite=None",
    # Domain does not match the responding host: refused.
    "ad_bad=1; Domain=other.example; Path=/",
)


def _tag(request: Request) -> Response:
    response = javascript("ad.js")
    uid = random_token()
    for cookie in AD_COOKIES:
        response.with_header("Set-Cookie", cookie.format(uid=uid))
    return response


def _creative(request: Request) -> Response:
    return image(30, 25, (200, 60, 40))


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the ad network."""
    ads = PathRouter()
    ads.add("/ad.js", _tag)
    ads.add("/creative.png", _creative)
    return {AD_NETWORK: ads}
