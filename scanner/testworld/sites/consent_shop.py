"""www.consentshop.test: a shop whose cookie banner is the real Klaro! consent manager (npm
``klaro`` 0.7.22, its dist bundle served unmodified), with the ways real sites get consent
wrong. consentshop.test redirects here; plain http redirects to https.

Klaro! (configuration in :mod:`.consent_shop_tags`) keeps the choice in the first-party
cookie ``klaro`` (host-only, path /, SameSite=Lax, 365 days; URL-encoded JSON such as
``{"essential":true,"analytics":false,"advertising":false}``). Its services:

- ``essential`` (purpose functional, required): the server's ``cs_session`` cookie
  (host-only, HttpOnly, Secure, SameSite=Lax, session), set on any page visited without it.
- ``analytics`` (purpose analytics): cdn.analytics.example/a.js, gated by a ``text/plain``
  script with ``data-src``. Once loaded it sets ``_ae_cid`` (first party, host-only, two
  years), localStorage ``_ae_last_visit``, and calls collect.analytics.example/c, which
  sets ``_ae_uid`` (Domain=analytics.example). Klaro! deletes ``_ae_cid`` when analytics
  is refused (on every page load, and at once when a given consent is withdrawn).
- ``advertising`` (purpose marketing): a gated inline script in the page's ad slot that
  loads ads.adnet.example/ad.js (which loads /creative.png) unless GPC is on. The ad tag's
  response sets ``ad_uid`` on ads.adnet.example (plus ``ad_pref`` and ``ad_bad``, which
  Chromium refuses).

What the site gets wrong:

(a) Every page loads the tag manager tags.tagmgr.example/tm.js outside Klaro!, whatever
    the choice (GPC stops it, except on /deals). It pulls in cdn.retarget.example/rt.js,
    which calls px.retarget.example/sync (cookie ``rt_id``, Domain=retarget.example) and
    sync.fourthparty.example/match.js -> /pixel.gif (cookie ``fp_uid`` on that host), and
    beacons px.retarget.example/unload on pagehide.
(b) Every page runs an inline first-party script that sets ``_fbp``
    (Domain=consentshop.test, 90 days, value ``fb.1.<ms>.<random>``) whatever the choice,
    GPC included; Klaro!'s configuration does not name it, so Klaro! never deletes it.
(c) /promo's Klaro! configuration has ``hideDeclineAll: true``: the first layer offers
    only "That's ok" (accept all) and "Let me choose"; the second layer has no "decline
    all" either, only switches (off) and "Accept selected" / "Accept all".
(d) /sponsored has a hand-made ``__tcfapi`` (ping, addEventListener, removeEventListener,
    and the ``__tcfapiLocator`` frame) that always reports a TC string with no consent and
    no legitimate interest for any purpose, special feature or vendor
    (:data:`.tcf_string.NO_CONSENT`), whatever the banner says. The page still loads
    ads.adnet.example/ad.js?gdpr=1&gdpr_consent=<that string> in every state without GPC.
(e) /deals ignores GPC (and Klaro!): it has plain script elements for the tag manager and
    the ad tag, so tags.tagmgr.example (and (a)'s chain) and ads.adnet.example are contacted
    in every state, GPC on or not. The other pages read ``navigator.globalPrivacyControl``
    (not the ``Sec-GPC`` header) and then load no advertising tag at all (neither (a) nor
    the ad slot nor (d)'s). /.well-known/gpc.json claims ``{"gpc": true, ...}``.

Expected third parties per state on the honouring pages (/, /products, /products/1,
/products/2, /about, /privacy, /promo, /sponsored):

- before a choice: (a)'s four hosts; not cdn.analytics.example, collect.analytics.example
  or ads.adnet.example. Cookies: cs_session, _fbp, rt_id, fp_uid; no ``klaro``. The banner
  ``.klaro > .cookie-notice`` is shown (with "I decline", except on /promo).
- after refusing: the same, plus the ``klaro`` cookie; no notice is rendered any more.
- after accepting: also cdn.analytics.example, collect.analytics.example and
  ads.adnet.example; cookies _ae_cid, _ae_uid and ad_uid too.
- GPC on, no choice: no third party at all (cookies cs_session and _fbp only); GPC on and
  accepted: the two analytics hosts only.
- /sponsored, in every state without GPC: ads.adnet.example as well (by (d), its cookie
  ad_uid too); accepted, its ad tag is loaded twice (the slot's and (d)'s).

/deals: before, after refusing, with GPC: (a)'s hosts and ads.adnet.example (cookies
rt_id, fp_uid, ad_uid); after accepting: the analytics hosts too.
"""

import json
import re
from html import escape

from ..hosts import CONSENT_SHOP, CONSENT_SHOP_APEX, WorldUrls
from ..layout import document, link, link_list
from ..messages import Handler, Request, Response, html, random_token, redirect, text
from ..router import PathRouter
from .common import javascript
from .consent_shop_tags import (
    KLARO_NPM_FILE,
    KLARO_PATH,
    SESSION_COOKIE,
    TCF_STUB_FILE,
    TCF_STUB_PATH,
    ConsentShopTags,
)
from .npm_files import npm_file

PROMO_PATH = "/promo"
"""(c) the banner offers no refusal on its first layer."""
SPONSORED_PATH = "/sponsored"
"""(d) the TCF stub says no consent; the ad network gets the data anyway."""
DEALS_PATH = "/deals"
"""(e) ignores GPC."""
GPC_JSON_PATH = "/.well-known/gpc.json"
GPC_CLAIM = {"gpc": True, "lastUpdate": "2026-01-01"}

PRODUCTS: dict[int, tuple[str, str]] = {
    1: ("Canvas Tote", "24.00"),
    2: ("Enamel Mug", "12.50"),
}
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Home"),
    ("/products", "Products"),
    (PROMO_PATH, "Spring promotion"),
    (DEALS_PATH, "US deals"),
    (SPONSORED_PATH, "Sponsored"),
    ("/about", "About us"),
    ("/privacy", "Privacy"),
)
HONOURING_PAGES: tuple[str, ...] = (
    "/",
    "/products",
    *(f"/products/{n}" for n in PRODUCTS),
    "/about",
    "/privacy",
    PROMO_PATH,
    SPONSORED_PATH,
)
"""Pages that load advertising tags only through Klaro! and the GPC check."""

_SESSION = re.compile(rf"(?:^|;)\s*{SESSION_COOKIE}=")
_COOKIE_SETTINGS = '<a href="#" onclick="klaro.show();return false">Cookie settings</a>'


class ConsentShop:
    """The pages of www.consentshop.test."""

    def __init__(self, urls: WorldUrls) -> None:
        self.urls = urls
        self.tags = ConsentShopTags(urls)
        self.router = PathRouter(not_found=self.not_found)
        pages: dict[str, Handler] = {
            "/": self.home,
            "/products": self.products,
            "/about": self.about,
            "/privacy": self.privacy,
            PROMO_PATH: self.promo,
            SPONSORED_PATH: self.sponsored,
            DEALS_PATH: self.deals,
        }
        for number in PRODUCTS:
            pages[f"/products/{number}"] = self.product
        for path, handler in pages.items():
            self.router.add(path, handler)
        self.router.add(KLARO_PATH, lambda request: npm_file(KLARO_NPM_FILE))
        self.router.add(TCF_STUB_PATH, lambda request: javascript(TCF_STUB_FILE))
        self.router.add(GPC_JSON_PATH, self.gpc_json)

    def __call__(self, request: Request) -> Response:
        if request.scheme == "http":
            return redirect(self.urls.https(CONSENT_SHOP, request.target))
        return self.router(request)

    # Page frame ----------------------------------------------------------------------

    def page(
        self,
        request: Request,
        title: str,
        content: str,
        *,
        hide_decline_all: bool = False,
        ignores_gpc: bool = False,
        tcf: bool = False,
        status: int = 200,
    ) -> Response:
        """A page: Klaro!, (b), gated analytics, (a) and the ad slot; the flags swap in
        (c), (d) and (e)."""
        if ignores_gpc:
            tag_manager, ad_tag = self.tags.hard_coded_ads()
        else:
            tag_manager, ad_tag = self.tags.guarded_tag_manager(), self.tags.gated_advertising()
        if tcf:
            ad_tag += "\n" + self.tags.tcf_bridge()
        head = "\n".join(
            (
                *((self.tags.tcf_stub(),) if tcf else ()),
                self.tags.klaro(hide_decline_all=hide_decline_all),
                self.tags.partner_loader(),
                self.tags.undeclared_cookie(),
                self.tags.gated_analytics(),
                tag_manager,
                "",
            )
        )
        body = (
            f'<header><nav aria-label="Main">{link_list(list(NAV))}</nav></header>\n'
            f"<main>\n<h1>{escape(title)}</h1>\n{content}\n"
            f'<aside class="ad-slot" aria-label="Advertisement">\n{ad_tag}\n</aside>\n</main>\n'
            f"<footer><p>{link('/privacy', 'Privacy')} | {_COOKIE_SETTINGS}</p>"
            "<p>Consent Shop Ltd.</p></footer>"
        )
        response = html(document(f"{title} | Consent Shop", body, head=head), status)
        if not _SESSION.search(request.headers.get("Cookie", "")):
            cookie = f"{SESSION_COOKIE}={random_token()}; Path=/; Secure; HttpOnly; SameSite=Lax"
            response.with_header("Set-Cookie", cookie)
        return response

    # Pages ---------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        content = "<p>Bags and mugs for every day.</p>\n" + link_list(
            [(f"/products/{n}", name) for n, (name, _) in PRODUCTS.items()]
            + [(PROMO_PATH, "This spring: 20% off")]
        )
        return self.page(request, "Welcome", content)

    def products(self, request: Request) -> Response:
        items = [
            (f"/products/{n}", f"{name} ({price} EUR)") for n, (name, price) in PRODUCTS.items()
        ]
        return self.page(request, "All products", link_list(items))

    def product(self, request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1])
        name, price = PRODUCTS[number]
        following = number % len(PRODUCTS) + 1
        content = (
            f"<p>{escape(name)}: {price} EUR.</p>\n"
            f"<p>{link('/products', 'All products')} | "
            f"{link(f'/products/{following}', 'Next product')}</p>"
        )
        return self.page(request, name, content)

    def about(self, request: Request) -> Response:
        return self.page(request, "About us", "<p>A small shop since 2019.</p>")

    def privacy(self, request: Request) -> Response:
        content = (
            "<p>With your consent we use Example Analytics (visit statistics) and Example "
            "Ad Network (advertising). We honour Global Privacy Control.</p>\n"
            f"<p>{_COOKIE_SETTINGS}</p>"
        )
        return self.page(request, "Privacy", content)

    def promo(self, request: Request) -> Response:
        content = "<p>20% off every mug until the end of spring.</p>"
        return self.page(request, "Spring promotion", content, hide_decline_all=True)

    def sponsored(self, request: Request) -> Response:
        content = "<p>Our partners' picks for you.</p>"
        return self.page(request, "Sponsored", content, tcf=True)

    def deals(self, request: Request) -> Response:
        content = "<p>Deals for our customers in the United States.</p>"
        return self.page(request, "US deals", content, ignores_gpc=True)

    def not_found(self, request: Request) -> Response:
        return self.page(request, "Not found", "<p>There is no such page.</p>", status=404)

    # Files ---------------------------------------------------------------------------

    def gpc_json(self, request: Request) -> Response:
        return text(json.dumps(GPC_CLAIM), content_type="application/json")


def _to_www(urls: WorldUrls) -> Handler:
    def answer(request: Request) -> Response:
        return redirect(urls.https(CONSENT_SHOP, request.target))

    return answer


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the consent shop and its apex."""
    return {CONSENT_SHOP: ConsentShop(urls), CONSENT_SHOP_APEX: _to_www(urls)}
