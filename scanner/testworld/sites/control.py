"""www.control.test: a control site with first-party pages only.

No third party, no cookie, no personal data: a scan of it must find none of those.
"""

from ..hosts import CONTROL, WorldUrls
from ..layout import document, link_list
from ..messages import Handler, Request, Response, html, redirect
from ..router import PathRouter

PAGES: dict[str, tuple[str, str]] = {
    "/": ("Control site", "A site that sends nothing to anyone."),
    "/news": ("News", "Nothing new."),
    "/contact": ("Contact", "Write to us by post."),
}


def _page(path: str) -> Handler:
    title, line = PAGES[path]
    nav = link_list([(other, PAGES[other][0]) for other in PAGES])

    def answer(request: Request) -> Response:
        return html(document(title, f"<nav>{nav}</nav>\n<h1>{title}</h1>\n<p>{line}</p>"))

    return answer


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the control site (https only)."""
    router = PathRouter()
    for path in PAGES:
        router.add(path, _page(path))

    def answer(request: Request) -> Response:
        if request.scheme == "http":
            return redirect(urls.https(CONTROL, request.target))
        return router(request)

    return {CONTROL: answer}
