"""www.realshop.test: a small shop whose pages run the real tracking libraries.

The planted visitor's e-mail address, name and phone reach the libraries the ways real
sites let them: identify / people.set / user properties / traits on the account page, a
pre-filled sign-up form that the session recorders see, and a confirmation link that
carries the address in its query. Product and event names are not personal data and are
there so that a finder that takes every ``name`` field for a person shows up as wrong.
Nothing here hooks into the libraries: the pages call only their public APIs.
"""

import json
from html import escape
from urllib.parse import quote

from ..hosts import REALSHOP, REALSHOP_APEX, WorldUrls
from ..layout import document, inline_script, link, link_list
from ..messages import Handler, Request, Response, html, redirect
from ..router import PathRouter
from .realshop_tags import RealShopTags

PLANTED_EMAIL = "jane.roe@realshop-customer.example"
PLANTED_NAME = "Jane Roe"
PLANTED_PHONE = "+44 20 7946 0958"
CUSTOMER_ID = "cus_7731"
PLANTED_VALUES: tuple[str, ...] = (PLANTED_EMAIL, PLANTED_NAME, PLANTED_PHONE, CUSTOMER_ID)
"""The only personal data the real shop sends anywhere (the customer id is a pseudonymous
identifier: personal data too)."""

PRODUCTS: dict[str, tuple[str, str]] = {
    "trail-runner-2": ("Trail Runner 2", "89.00"),
    "summit-jacket": ("Summit Jacket", "149.00"),
}
CONFIRM_PATH = "/newsletter/confirm"
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Home"),
    ("/products/", "Products"),
    ("/newsletter", "Newsletter"),
    ("/account", "Account"),
    ("/checkout", "Checkout"),
    ("/about", "About us"),
)


def _js(value: object) -> str:
    return json.dumps(value).replace("</", "<\\/")


def _identify_visitor() -> str:
    """The account page: the signed-in customer is made known to every library."""
    traits = {"email": PLANTED_EMAIL, "name": PLANTED_NAME, "phone": PLANTED_PHONE}
    people = {"$email": PLANTED_EMAIL, "$name": PLANTED_NAME, "$phone": PLANTED_PHONE}
    return (
        f"posthog.identify({_js(CUSTOMER_ID)},{_js(traits)});\n"
        f"mixpanel.identify({_js(CUSTOMER_ID)});mixpanel.people.set({_js(people)});\n"
        f"amplitude.setUserId({_js(CUSTOMER_ID)});"
        "amplitude.identify(new amplitude.Identify()"
        + "".join(f".set({_js(k)},{_js(v)})" for k, v in traits.items())
        + ");\n"
        f"analytics.identify({_js(CUSTOMER_ID)},{_js(traits)});"
    )


def _product_viewed(name: str, price: str) -> str:
    """A product page's events: the product's name is not a person's."""
    props = {"name": name, "price": price, "currency": "EUR"}
    return (
        f"posthog.capture('product_viewed',{_js(props)});\n"
        f"mixpanel.track('Product Viewed',{_js(props)});\n"
        f"amplitude.track('Product Viewed',{_js(props)});\n"
        f"analytics.track('Product Viewed',{_js(props)});"
    )


def _checkout_started() -> str:
    """Checkout: the cart (product names) and the order's contact address."""
    cart = {"products": [{"name": "Trail Runner 2", "quantity": 1}], "name": "checkout"}
    order = {**cart, "email": PLANTED_EMAIL}
    return (
        f"posthog.capture('checkout_started',{_js(cart)});\n"
        f"mixpanel.track('Checkout Started',{_js(cart)});\n"
        f"amplitude.track('Checkout Started',{_js(cart)});\n"
        f"analytics.track('Checkout Started',{_js(order)});"
    )


class RealShop:
    """The pages of www.realshop.test (https only; realshop.test redirects here)."""

    def __init__(self, urls: WorldUrls) -> None:
        self.urls = urls
        self.tags = RealShopTags(urls)
        self.router = PathRouter()
        pages: dict[str, Handler] = {
            "/": self.home,
            "/products/": self.products,
            "/newsletter": self.newsletter,
            CONFIRM_PATH: self.confirm,
            "/account": self.account,
            "/checkout": self.checkout,
            "/about": self.about,
        }
        for slug in PRODUCTS:
            pages[f"/products/{slug}"] = self.product
        for path, handler in pages.items():
            self.router.add(path, handler)

    def __call__(self, request: Request) -> Response:
        if request.scheme == "http":
            return redirect(self.urls.https(REALSHOP, request.target))
        return self.router(request)

    def page(
        self, title: str, content: str, calls: str = "", user_id: str | None = None
    ) -> Response:
        """A page with the shop's navigation, every library's loader and the page's calls."""
        head = self.tags.head(user_id)
        if calls:
            head += inline_script(calls) + "\n"
        body = (
            f"<header><nav>{link_list(list(NAV))}</nav></header>\n"
            f"<main><h1>{escape(title)}</h1>\n{content}\n</main>\n"
            "<footer><p>Real Shop Ltd.</p></footer>"
        )
        return html(document(f"{title} | Real Shop", body, head=head))

    def home(self, request: Request) -> Response:
        items = [(f"/products/{slug}", name) for slug, (name, _) in PRODUCTS.items()]
        return self.page("Welcome", "<p>New this season:</p>\n" + link_list(items))

    def products(self, request: Request) -> Response:
        items = [
            (f"/products/{slug}", f"{name} ({price} EUR)")
            for slug, (name, price) in PRODUCTS.items()
        ]
        return self.page("All products", link_list(items))

    def product(self, request: Request) -> Response:
        slug = request.path.rsplit("/", 1)[1]
        name, price = PRODUCTS[slug]
        content = (
            f"<p>{escape(name)}: {price} EUR.</p>\n"
            f"<p>{link('/checkout', 'Buy now')} | {link('/products/', 'All products')}</p>"
        )
        return self.page(name, content, _product_viewed(name, price))

    def newsletter(self, request: Request) -> Response:
        confirm = f"{CONFIRM_PATH}?email={quote(PLANTED_EMAIL, safe='')}"
        content = (
            '<form action="/newsletter" method="get">\n'
            '<label>Name <input type="text" name="name" '
            f'value="{escape(PLANTED_NAME)}"></label>\n'
            '<label>E-mail <input type="text" name="email" '
            f'value="{escape(PLANTED_EMAIL)}"></label>\n'
            "<button>Subscribe</button>\n</form>\n"
            f"<p>Already signed up? {link(confirm, 'Confirm your subscription')}</p>"
        )
        return self.page("Newsletter", content)

    def confirm(self, request: Request) -> Response:
        return self.page("Subscription confirmed", "<p>Thank you, you are subscribed.</p>")

    def account(self, request: Request) -> Response:
        content = (
            f"<p>Signed in as {escape(PLANTED_NAME)} ({escape(PLANTED_EMAIL)}).</p>\n"
            f"<p>Phone: {escape(PLANTED_PHONE)}</p>"
        )
        return self.page("Your account", content, _identify_visitor(), user_id=PLANTED_EMAIL)

    def checkout(self, request: Request) -> Response:
        content = (
            '<form action="/checkout" method="get">\n'
            '<label>Contact e-mail <input type="text" name="email" '
            f'value="{escape(PLANTED_EMAIL)}"></label>\n'
            "<button>Pay</button>\n</form>"
        )
        return self.page("Checkout", content, _checkout_started())

    def about(self, request: Request) -> Response:
        return self.page("About us", "<p>Outdoor gear since 2011.</p>")


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the real shop and its apex."""

    def to_www(request: Request) -> Response:
        return redirect(urls.https(REALSHOP, request.target))

    return {REALSHOP: RealShop(urls), REALSHOP_APEX: to_www}
