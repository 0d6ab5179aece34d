"""The first party: www.shop.test (the shop) and shop.test (which only redirects to it)."""

import re
import secrets
import time
from html import escape

from ..hosts import SHOP, SHOP_APEX, SOCIAL_WIDGETS, WorldUrls
from ..layout import link, link_list
from ..messages import HTML, Handler, Request, Response, redirect
from ..router import PathRouter
from . import shop_files, shop_security
from .consent_shop_tags import KLARO_NPM_FILE, KLARO_PATH
from .npm_files import npm_file
from .shop_layout import BLOG_POST_COUNT, PRODUCT_COUNT, SESSION_COOKIE, ShopLayout

CUSTOMER_EMAIL = "jane.doe@example.com"
SLOW_PAGE_SECONDS = 4.0
DEFAULT_MONTH = (2026, 1)
_MONTH = re.compile(r"(?P<year>\d{4,})-(?P<month>0[1-9]|1[0-2])")


def _month_link(year: int, month: int) -> str:
    return f"/calendar?month={year:04d}-{month:02d}"


class ShopSite:
    """www.shop.test. Over plain http it only accepts the mixed-content form post."""

    def __init__(self, urls: WorldUrls) -> None:
        self.urls = urls
        self.layout = ShopLayout(urls)
        self.router = PathRouter(not_found=self.not_found)
        pages: dict[str, Handler] = {
            "/": self.home,
            "/products/": self.products,
            "/blog/": self.blog,
            "/about": self.about,
            "/contact": self.contact,
            "/privacy": self.privacy,
            "/terms": self.terms,
            "/account": self.account,
            "/newsletter": self.newsletter,
            "/newsletter/thanks": self.newsletter_thanks,
            "/calendar": self.calendar,
            "/broken": self.broken,
            "/slow": self.slow,
            "/private/": self.private,
            "/orphan": self.orphan,
            "/old-home": self.old_home,
        }
        for number in range(1, PRODUCT_COUNT + 1):
            pages[f"/products/{number}"] = self.product
        for number in range(1, BLOG_POST_COUNT + 1):
            pages[f"/blog/{number}"] = self.blog_post
        for path, handler in pages.items():
            self.router.add(path, handler)
        self.router.add(KLARO_PATH, lambda request: npm_file(KLARO_NPM_FILE))
        shop_security.register(self.router, self.layout)
        shop_files.register(self.router, urls)

    def __call__(self, request: Request) -> Response:
        if request.scheme == "http" and request.path != shop_security.SUBSCRIBE_PATH:
            return redirect(self.urls.https(SHOP, request.target))
        response = self.router(request)
        if response.content_type == HTML:
            if request.scheme == "https":
                response.with_header("Strict-Transport-Security", "max-age=31536000")
            response.with_header("X-Content-Type-Options", "nosniff")
        return response

    # Catalogue -----------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        content = "<p>Welcome to the demo shop.</p>\n" + link_list(
            [
                ("/products/1?utm_source=home&utm_medium=banner", "Spring offer"),
                ("/products/2#reviews", "Read the reviews"),
                ("/products/3?sessionid=9f8e7d6c5b", "Recently viewed"),
            ]
        )
        head = self.layout.tag_manager() + "\n" + self.layout.analytics() + "\n"
        response = self.layout.page("Home", content, head=head)
        cookie = f"{SESSION_COOKIE}={secrets.token_hex(16)}; Path=/; Secure; HttpOnly; SameSite=Lax"
        return response.with_header("Set-Cookie", cookie)

    def products(self, request: Request) -> Response:
        items = [(f"/products/{n}", f"Product {n}") for n in range(1, PRODUCT_COUNT + 1)]
        head = self.layout.tag_manager() + "\n" + self.layout.analytics() + "\n"
        return self.layout.page("Products", link_list(items), head=head)

    def product(self, request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1])
        following = number % PRODUCT_COUNT + 1
        content = (
            f"<p>Product {number} is a fine product.</p>\n"
            f"<p>{link('/products/', 'All products')} | "
            f"{link(f'/products/{following}', f'Next: product {following}')}</p>\n"
            f'<aside aria-label="Sponsored">{self.layout.ad_tag()}</aside>\n'
            f"{self.layout.recommendations()}\n"
            '<section id="reviews"><h2>Reviews</h2><p>Five stars.</p></section>'
        )
        head = self.layout.tag_manager() + "\n" + self.layout.analytics() + "\n"
        return self.layout.page(f"Product {number}", content, head=head)

    # Blog ----------------------------------------------------------------------------

    def blog(self, request: Request) -> Response:
        posts = [(f"/blog/{n}", f"Post {n}") for n in range(1, BLOG_POST_COUNT + 1)]
        return self.layout.page("Blog", link_list(posts), head=self.layout.analytics() + "\n")

    def blog_post(self, request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1])
        embed = self.urls.https(SOCIAL_WIDGETS, f"/embed?post={number}")
        content = (
            f"<p>Blog post number {number}.</p>\n"
            f'<iframe src="{escape(embed)}" title="Share"></iframe>'
        )
        head = self.layout.analytics() + "\n"
        return self.layout.page(f"Blog post {number}", content, head=head)

    # Plain pages (no third parties) ----------------------------------------------------

    def about(self, request: Request) -> Response:
        return self.layout.page("About", "<p>We sell demo products since 2020.</p>")

    def contact(self, request: Request) -> Response:
        return self.layout.page("Contact", "<p>Write to shop@example.com.</p>")

    def privacy(self, request: Request) -> Response:
        content = (
            "<p>We use cookies for analytics and advertising.</p>\n"
            "<p>Our partners: an analytics provider, a tag manager and an ad network.</p>"
        )
        return self.layout.page("Privacy", content)

    def terms(self, request: Request) -> Response:
        return self.layout.page("Terms", "<p>All sales are final in this demo.</p>")

    def private(self, request: Request) -> Response:
        return self.layout.page("Private", "<p>Robots are asked not to crawl this area.</p>")

    def orphan(self, request: Request) -> Response:
        return self.layout.page("Orphan", "<p>No page links here; only the sitemap does.</p>")

    # Personal data ---------------------------------------------------------------------

    def account(self, request: Request) -> Response:
        content = (
            "<p>Signed in as demo customer Jane Doe.</p>\n"
            f"<p>E-mail: <span>{CUSTOMER_EMAIL}</span></p>"
        )
        head = self.layout.tag_manager() + "\n" + self.layout.analytics() + "\n"
        return self.layout.page(
            "Account", content, head=head, main_attrs={"data-customer-email": CUSTOMER_EMAIL}
        )

    def newsletter(self, request: Request) -> Response:
        content = (
            '<form action="/newsletter/thanks" method="get">\n'
            '<label>E-mail <input type="email" name="email"></label>\n'
            "<button>Subscribe</button>\n"
            "</form>\n"
            f"<p>{link('/newsletter/thanks?email=jane.doe%40example.com', 'One-click signup')}</p>"
        )
        return self.layout.page("Newsletter", content, head=self.layout.analytics() + "\n")

    def newsletter_thanks(self, request: Request) -> Response:
        # AN on this page leaks the full URL (with the e-mail) via Referer and its dl parameter.
        return self.layout.page(
            "Thanks", "<p>Thanks for subscribing!</p>", head=self.layout.analytics() + "\n"
        )

    # Crawler edge cases ------------------------------------------------------------------

    def calendar(self, request: Request) -> Response:
        """A crawler trap: every month links to the previous and the next one, forever."""
        raw = request.param("month")
        if raw is None:
            year, month = DEFAULT_MONTH
        elif match := _MONTH.fullmatch(raw):
            year, month = int(match["year"]), int(match["month"])
        else:
            return self.layout.page("Calendar", "<p>Unknown month.</p>", status=400)
        previous = (year, month - 1) if month > 1 else (year - 1, 12)
        following = (year, month + 1) if month < 12 else (year + 1, 1)
        content = f"<p>Events in {year:04d}-{month:02d}: none.</p>\n" + link_list(
            [
                (_month_link(*previous), "Previous month"),
                (_month_link(*following), "Next month"),
            ]
        )
        return self.layout.page("Calendar", content)

    def broken(self, request: Request) -> Response:
        return self.layout.page("Error", "<p>Something went wrong.</p>", status=500)

    def slow(self, request: Request) -> Response:
        time.sleep(SLOW_PAGE_SECONDS)
        return self.layout.page("Slow", "<p>This page took a while.</p>")

    def old_home(self, request: Request) -> Response:
        return redirect(self.urls.https(SHOP, "/"))

    def not_found(self, request: Request) -> Response:
        return self.layout.page("Not found", "<p>There is no such page.</p>", status=404)


def apex_redirect(urls: WorldUrls) -> Handler:
    """shop.test: every request is 301-redirected to the same path on https://www.shop.test."""

    def handle(request: Request) -> Response:
        return redirect(urls.https(SHOP, request.target))

    return handle


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the first party's page hosts."""
    return {SHOP_APEX: apex_redirect(urls), SHOP: ShopSite(urls)}
