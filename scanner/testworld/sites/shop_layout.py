"""The look of www.shop.test: title scheme, header nav, footer and the vendor tags it embeds.

Every page but the security demos (whose Content-Security-Policies are the point there)
shows a cookie banner: the real Klaro! consent manager. It gates nothing: every vendor tag
is a plain script element that runs whatever the visitor chooses, the most common way
sites get consent wrong, so the demo's "reject all" visitor is still tracked.
"""

from collections.abc import Mapping
from html import escape

from ..hosts import (
    AD_NETWORK,
    ANALYTICS_CDN,
    OTHER_SITE,
    SHOP_APEX,
    SLOW_VENDOR,
    TAG_MANAGER,
    WorldUrls,
)
from ..layout import attrs, document, link_list, script
from ..messages import Response, html
from .consent_shop_tags import klaro_config, klaro_markup

SESSION_COOKIE = "session"
"""The shop's own session cookie, set by the home page; Klaro! lists it as required."""

NAV_LINKS: tuple[tuple[str, str], ...] = (
    ("/", "Home"),
    ("/products/", "Products"),
    ("/blog/", "Blog"),
    ("/about", "About"),
    ("/contact", "Contact"),
    ("/account", "Account"),
    ("/newsletter", "Newsletter"),
    ("/privacy", "Privacy"),
    ("/security/", "Security"),
)

PRODUCT_COUNT = 8
BLOG_POST_COUNT = 3

SHOP_NAME = "Demo Shop"
TITLE_SEPARATOR = " \u2013 "  # an en dash between shop and page name


class ShopLayout:
    """Renders shop pages; knows the world's ports so absolute links are always right."""

    def __init__(self, urls: WorldUrls) -> None:
        self.urls = urls
        self.consent_banner = klaro_markup(
            klaro_config(
                hide_decline_all=False, session_cookie=SESSION_COOKIE, analytics_cookies=()
            )
        )
        """Klaro!'s configuration and bundle, the same on every page."""

    # Third-party tags -----------------------------------------------------------------

    def tag_manager(self) -> str:
        """TM: the async tag manager."""
        return script(self.urls.https(TAG_MANAGER, "/tm.js"), async_=True)

    def analytics(self) -> str:
        """AN: the (synchronous) analytics tag."""
        return script(self.urls.https(ANALYTICS_CDN, "/a.js"))

    def ad_tag(self) -> str:
        """The ad network's synchronous tag (it inserts the creative after itself)."""
        return script(self.urls.https(AD_NETWORK, "/ad.js"))

    def recommendations(self) -> str:
        """The slow vendor's async script."""
        return script(self.urls.https(SLOW_VENDOR, "/recs.js"), async_=True)

    # Page chrome ---------------------------------------------------------------------

    def footer_links(self) -> list[tuple[str, str]]:
        """The footer: legal pages, crawler edge cases and two links leaving the site."""
        return [
            ("/terms", "Terms"),
            ("/private/", "Private area"),
            ("/files/catalogue.pdf", "Catalogue (PDF)"),
            ("/calendar?month=2026-01", "Events calendar"),
            ("/broken", "Broken page"),
            ("/slow", "Slow page"),
            ("/missing", "Missing page"),
            (self.urls.https(OTHER_SITE, "/"), "Our friends"),
            (self.urls.http(SHOP_APEX, "/old-home"), "Old home page"),
        ]

    def render(
        self,
        name: str,
        content: str,
        *,
        head: str = "",
        main_attrs: Mapping[str, str] | None = None,
        consent_banner: bool = True,
    ) -> str:
        """The full HTML of a shop page called ``name`` with ``content`` inside ``<main>``."""
        if consent_banner:
            head = self.consent_banner + "\n" + head
        body = (
            f'<header><nav aria-label="Main">{link_list(list(NAV_LINKS))}</nav></header>\n'
            f"<main{attrs(main_attrs or {})}>\n<h1>{escape(name)}</h1>\n{content}\n</main>\n"
            f"<footer>{link_list(self.footer_links())}</footer>"
        )
        return document(f"{SHOP_NAME}{TITLE_SEPARATOR}{name}", body, head=head)

    def page(
        self,
        name: str,
        content: str,
        *,
        head: str = "",
        main_attrs: Mapping[str, str] | None = None,
        status: int = 200,
        consent_banner: bool = True,
    ) -> Response:
        """An HTML response for a shop page (the shop's default headers are added later)."""
        page = self.render(
            name, content, head=head, main_attrs=main_attrs, consent_banner=consent_banner
        )
        return html(page, status)
