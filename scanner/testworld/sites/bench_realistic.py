"""The realistic pages of bench.test: /r/<i>, linked as the same binary tree as /p/<i>,
each making 30 to 80 requests as it loads, as a real site's page does.

A page loads first-party stylesheets, scripts and images of its own (how many varies
from page to page, deterministically), sets two cookies in its response and one from
its own script, sends a first-party beacon after ``load``, and embeds the test world's
fake vendors: the tag manager (which brings the re-targeter, which brings a fourth
party), the analytics tag, the ad network's tag and the social network's share iframe.
Nothing on the page is random or timed; only the vendors' own tags are what they are.
"""

from dataclasses import dataclass
from html import escape

from ..hosts import AD_NETWORK, ANALYTICS_CDN, SOCIAL_WIDGETS, TAG_MANAGER, WorldUrls
from ..layout import document, link, script
from ..messages import CSS, JAVASCRIPT, Request, Response, html, no_content, text
from .common import image

MIN_SUBREQUESTS = 30
MAX_SUBREQUESTS = 80
BEACON_PATH = "/r/beacon"

VENDOR_REQUESTS = 13
"""The requests the vendor tags of every page make, each tag included: the tag manager 6
(tm.js, the re-targeter's rt.js, its sync pixel, the fourth party's match.js and its
pixel, and rt.js's beacon as the visitor leaves), analytics 2 (a.js and its collection
pixel), the ad network 2 (ad.js and its creative) and the share iframe 3 (the frame,
its widget.js and its like image)."""

FIXED_REQUESTS = VENDOR_REQUESTS + 1
"""The vendors' requests and the page's own beacon."""

ONE_YEAR = 31536000
_SPREAD = MAX_SUBREQUESTS - MIN_SUBREQUESTS + 1
_STEP = 37
"""Coprime with the spread, so that consecutive pages run through every count."""


@dataclass(frozen=True)
class Plan:
    """How many first-party files of each kind page i loads."""

    stylesheets: int
    scripts: int
    images: int

    @property
    def subrequests(self) -> int:
        """Every request the page makes after its document, up to the visitor leaving."""
        return self.stylesheets + self.scripts + self.images + FIXED_REQUESTS


def plan(i: int) -> Plan:
    """Page i's files: between MIN_SUBREQUESTS and MAX_SUBREQUESTS requests in all."""
    total = MIN_SUBREQUESTS + i * _STEP % _SPREAD
    stylesheets, scripts = 2 + i % 4, 3 + i % 6
    return Plan(stylesheets, scripts, total - FIXED_REQUESTS - stylesheets - scripts)


def subrequest_count(i: int) -> int:
    """The number of requests page i makes after its document."""
    return plan(i).subrequests


class RealisticPages:
    """Serves /r/<i> and its files for 0 <= i < pages, and takes the beacons."""

    def __init__(self, urls: WorldUrls, pages: int) -> None:
        self.urls = urls
        self.pages = pages

    def beacon(self, request: Request) -> Response:
        """The page's beacon: any POST is taken, its body ignored."""
        if request.method != "POST":
            return text("405 method not allowed\n", 405).with_header("Allow", "POST")
        return no_content()

    def page(self, i: int) -> Response:
        """Page i with its two cookies."""
        session = f"{i * 2654435761 % 2**32:08x}"
        variant = "ab"[i % 2]
        return (
            html(self.render(i))
            .with_header("Set-Cookie", f"bench_sid={session}; Path=/; Secure; HttpOnly")
            .with_header("Set-Cookie", f"bench_ab={variant}; Path=/; Max-Age={ONE_YEAR}; Secure")
        )

    def render(self, i: int) -> str:
        """The HTML of page i, linking to its children 2i+1 and 2i+2 when they exist."""
        files = plan(i)
        base = f"/r/{i}"
        children = [c for c in (2 * i + 1, 2 * i + 2) if c < self.pages]
        links = "".join(f"<li>{link(f'/r/{c}', f'Realistic {c}')}</li>" for c in children)
        head = "".join(
            f'<link rel="stylesheet" href="{base}/s{k}.css">\n' for k in range(files.stylesheets)
        )
        head += script(self.urls.https(TAG_MANAGER, "/tm.js"), async_=True) + "\n"
        head += script(self.urls.https(ANALYTICS_CDN, "/a.js")) + "\n"
        images = "\n".join(
            f'<img src="{base}/i{k}.png" alt="" width="8" height="8">' for k in range(files.images)
        )
        embed = escape(self.urls.https(SOCIAL_WIDGETS, f"/embed?post={i}"))
        scripts = "\n".join(script(f"{base}/j{k}.js") for k in range(files.scripts))
        body = (
            f'<header><nav aria-label="Main"><ul>{links}</ul></nav></header>\n'
            f"<main>\n<h1>Realistic {i}</h1>\n<p>A page like a real site's.</p>\n{images}\n"
            f'<aside aria-label="Sponsored">{script(self.urls.https(AD_NETWORK, "/ad.js"))}'
            f'</aside>\n<iframe src="{embed}" title="Share"></iframe>\n</main>\n{scripts}'
        )
        return document(f"Realistic {i}", body, head=head)

    def file(self, i: int, kind: str, k: int) -> Response | None:
        """File k of the given kind ('css', 'js' or 'png') of page i; None past its count."""
        files = plan(i)
        count = {"css": files.stylesheets, "js": files.scripts, "png": files.images}[kind]
        if k >= count:
            return None
        if kind == "css":
            return text(_stylesheet(i, k), content_type=CSS)
        if kind == "js":
            return text(_script(i, k), content_type=JAVASCRIPT)
        return image(8, 8, (k * 53 % 256, i % 16 * 16, 96))


def _stylesheet(i: int, k: int) -> str:
    return f".part-{k} {{ margin: {(i + k) % 4}px; color: #{(i * 31 + k) % 0xFFF:03x}; }}\n"


def _script(i: int, k: int) -> str:
    """Script 0 is the site's own: it sets a cookie and sends the beacon after load; the
    others only register themselves."""
    if k > 0:
        return f"window.benchParts = (window.benchParts || []).concat([{k}]);\n"
    cookie = f"bench_seen={i}; Max-Age={ONE_YEAR}; Path=/; Secure"
    report = f"JSON.stringify({{ page: {i}, title: document.title }})"
    return (
        "(function () {\n"
        '  "use strict";\n'
        f'  document.cookie = "{cookie}";\n'
        '  window.addEventListener("load", function () {\n'
        f'    navigator.sendBeacon("{BEACON_PATH}", {report});\n'
        "  });\n"
        "})();\n"
    )
