"""www.launch.test: a site whose release changes between two scans while the world runs.

For the audit-history feature (``scanner diff A B``). Both releases serve the same three
pages, linked from each other, with no consent banner and the analytics tag on every page:

- release 1 (the default): the social widget on every page, and the first-party session
  cookie ``ls_session`` without Secure;
- release 2: no social widget, the ad network's tag on ``/`` and ``/offers``, a new
  30-day cookie ``campaign_ref`` on ``/offers``, and ``ls_session`` now Secure.

``GET /__release/<n>`` (over plain http too, the only http path that is not redirected)
switches the release. The release lives in the site object that :func:`routes` builds,
so each world starts at release 1 and two worlds never share it. Everything the site
itself sends is fixed: no random values, no timers.
"""

from html import escape

from ..hosts import AD_NETWORK, ANALYTICS_CDN, LAUNCH, SOCIAL_WIDGETS, WorldUrls
from ..layout import document, link_list, script
from ..messages import Handler, Request, Response, html, redirect, text
from ..router import PathRouter

RELEASE_PATH = "/__release/"
"""``RELEASE_PATH + "<n>"`` switches the site to release n."""
RELEASES = (1, 2)
FIRST_RELEASE = 1

SESSION_COOKIE = "ls_session"
SESSION_ID = "ls-0001"
CAMPAIGN_COOKIE = "campaign_ref"
CAMPAIGN_REF = "spring-launch"
CAMPAIGN_MAX_AGE = 30 * 86400

PAGES: dict[str, tuple[str, str]] = {
    "/": ("Launch", "Our product launches soon."),
    "/offers": ("Offers", "Early-bird prices for the launch."),
    "/about": ("About", "A small team building one product."),
}
AD_PAGES = frozenset({"/", "/offers"})
"""Pages that carry the ad network's tag in release 2."""
CAMPAIGN_PAGES = frozenset({"/offers"})
"""Pages that set ``campaign_ref`` in release 2."""


def session_cookie(release: int) -> str:
    """The ``ls_session`` Set-Cookie value: Secure only from release 2 on."""
    secure = "; Secure" if release == 2 else ""
    return f"{SESSION_COOKIE}={SESSION_ID}; Path=/{secure}; HttpOnly; SameSite=Lax"


def campaign_cookie() -> str:
    """The ``campaign_ref`` Set-Cookie value of release 2."""
    return (
        f"{CAMPAIGN_COOKIE}={CAMPAIGN_REF}; Path=/; Max-Age={CAMPAIGN_MAX_AGE}; "
        "Secure; HttpOnly; SameSite=Lax"
    )


class LaunchSite:
    """www.launch.test; ``release`` is read and replaced whole, so threads need no lock."""

    def __init__(self, urls: WorldUrls) -> None:
        self.urls = urls
        self.release = FIRST_RELEASE
        self.router = PathRouter()
        for path in PAGES:
            self.router.add(path, self.page)
        for release in RELEASES:
            self.router.add(f"{RELEASE_PATH}{release}", self.switch)

    def __call__(self, request: Request) -> Response:
        if request.scheme == "http" and not request.path.startswith(RELEASE_PATH):
            return redirect(self.urls.https(LAUNCH, request.target))
        return self.router(request)

    def switch(self, request: Request) -> Response:
        self.release = int(request.path.removeprefix(RELEASE_PATH))
        return text(f"release {self.release}")

    def page(self, request: Request) -> Response:
        release = self.release  # one read, so a switch mid-request cannot mix releases
        title, line = PAGES[request.path]
        nav = link_list([(other, PAGES[other][0]) for other in PAGES])
        body = f"<nav>{nav}</nav>\n<h1>{escape(title)}</h1>\n<p>{escape(line)}</p>"
        if release == 1:
            embed = self.urls.https(SOCIAL_WIDGETS, "/embed?post=launch")
            body += f'\n<iframe src="{escape(embed)}" title="Share"></iframe>'
        elif request.path in AD_PAGES:
            ad_tag = script(self.urls.https(AD_NETWORK, "/ad.js"))
            body += f'\n<aside aria-label="Sponsored">{ad_tag}</aside>'
        body += f"\n<footer><p>Release {release}</p></footer>"
        head = script(self.urls.https(ANALYTICS_CDN, "/a.js")) + "\n"
        response = html(document(title, body, head=head))
        response.with_header("Set-Cookie", session_cookie(release))
        if release == 2 and request.path in CAMPAIGN_PAGES:
            response.with_header("Set-Cookie", campaign_cookie())
        return response


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the launch site."""
    return {LAUNCH: LaunchSite(urls)}
