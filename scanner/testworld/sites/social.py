"""The social network: an embeddable widget page (a cross-site iframe) and its assets."""

from html import escape

from ..hosts import SOCIAL_CDN, SOCIAL_WIDGETS, WorldUrls
from ..layout import document, script
from ..messages import Handler, Request, Response, html, random_token
from ..router import PathRouter
from .common import image, javascript
from .leave_frames import frame_routes

ONE_YEAR = 31536000


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the social network."""

    def embed(request: Request) -> Response:
        post = escape(request.param("post") or "")
        body = (
            f"<p>Share post {post} with your friends</p>\n"
            + script(urls.https(SOCIAL_WIDGETS, "/widget.js"))
            + f'\n<img src="{urls.https(SOCIAL_CDN, "/like.png")}" alt="like">'
        )
        cookie = f"sw_sess={random_token()}; Path=/; Max-Age={ONE_YEAR}; Secure; SameSite=None"
        return html(document("Social share", body)).with_header("Set-Cookie", cookie)

    def widget(request: Request) -> Response:
        return javascript("widget.js")

    def like(request: Request) -> Response:
        return image(16, 16, (40, 90, 200))

    widgets = PathRouter()
    widgets.add("/embed", embed)
    widgets.add("/widget.js", widget)
    for path, handler in frame_routes().items():  # the cross-site frame of /leave/frames
        widgets.add(path, handler, methods=("GET", "POST"))
    cdn = PathRouter()
    cdn.add("/like.png", like)
    return {SOCIAL_WIDGETS: widgets, SOCIAL_CDN: cdn}
