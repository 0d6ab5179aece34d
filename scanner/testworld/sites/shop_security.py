"""The shop's security demo pages: mixed content and four kinds of Content-Security-Policy."""

import base64
import secrets

from ..hosts import ANALYTICS_CDN, SHOP, SHOP_STATIC
from ..layout import inline_script, link_list, script
from ..messages import Request, Response, no_content, text
from ..router import PathRouter
from .shop_layout import ShopLayout

SUBSCRIBE_PATH = "/subscribe"
CSP_REPORT_PATH = "/csp-report"

STRONG_CSP = (
    "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; report-uri " + CSP_REPORT_PATH
)
# cdn.unused-widgets.example is allowed but never used: a gap only a crawl can show.
WEAK_CSP = (
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' https: *.analytics.example "
    "https://cdn.unused-widgets.example; report-uri " + CSP_REPORT_PATH
)
REPORT_ONLY_CSP = "default-src 'self'; report-uri " + CSP_REPORT_PATH
META_CSP = "img-src 'self'"


class SecurityPages:
    """The /security/ section of www.shop.test."""

    def __init__(self, layout: ShopLayout) -> None:
        self.layout = layout
        self.urls = layout.urls

    def index(self, request: Request) -> Response:
        pages = [
            ("/security/mixed", "Mixed content"),
            ("/security/csp-strong", "Strict CSP"),
            ("/security/csp-weak", "Weak CSP"),
            ("/security/csp-report-only", "Report-only CSP"),
            ("/security/csp-meta", "CSP in a meta tag"),
        ]
        return self.layout.page("Security", link_list(pages), consent_banner=False)

    def mixed(self, request: Request) -> Response:
        """An https page pulling a script and an image over http and posting a form to http."""
        action = self.urls.http(SHOP, SUBSCRIBE_PATH)
        content = (
            # Blockable mixed content: Chromium blocks the script.
            script(self.urls.http(SHOP_STATIC, "/legacy.js"))
            + "\n"
            # Optionally-blockable: Chromium auto-upgrades the image to https.
            + f'<img src="{self.urls.http(SHOP_STATIC, "/banner.png")}" alt="">\n'
            + f'<form action="{action}" method="post">'
            + '<input name="email"><button>Subscribe</button></form>'
        )
        return self.layout.page("Mixed content", content, consent_banner=False)

    def csp_strong(self, request: Request) -> Response:
        nonce = base64.b64encode(secrets.token_bytes(16)).decode("ascii")
        content = (
            inline_script("window.nonceScriptRan = true;", nonce=nonce)
            + "\n"
            + inline_script("window.inlineScriptRan = true;")  # no nonce: blocked
            + "\n"
            + script(self.urls.https(ANALYTICS_CDN, "/a.js"))  # no nonce: blocked
        )
        response = self.layout.page("Strict CSP", content, consent_banner=False)
        return response.with_header("Content-Security-Policy", STRONG_CSP.format(nonce=nonce))

    def csp_weak(self, request: Request) -> Response:
        content = inline_script('window.evalResult = eval("1+1");')
        head = self.layout.analytics() + "\n"
        response = self.layout.page("Weak CSP", content, head=head, consent_banner=False)
        return response.with_header("Content-Security-Policy", WEAK_CSP)

    def csp_report_only(self, request: Request) -> Response:
        pixel = self.urls.https(ANALYTICS_CDN, "/pixel.gif")
        content = f'<img src="{pixel}" alt="">'
        head = self.layout.analytics() + "\n"
        response = self.layout.page("Report-only CSP", content, head=head, consent_banner=False)
        return response.with_header("Content-Security-Policy-Report-Only", REPORT_ONLY_CSP)

    def csp_meta(self, request: Request) -> Response:
        pixel = self.urls.https(ANALYTICS_CDN, "/pixel.gif")
        head = f'<meta http-equiv="Content-Security-Policy" content="{META_CSP}">\n'
        return self.layout.page(
            "Meta CSP", f'<img src="{pixel}" alt="">', head=head, consent_banner=False
        )


def _csp_report(request: Request) -> Response:
    return no_content()


def _subscribe(request: Request) -> Response:
    return text("ok")


def register(router: PathRouter, layout: ShopLayout) -> None:
    """Add the security pages, the CSP report endpoint and the form target to ``router``."""
    pages = SecurityPages(layout)
    router.add("/security/", pages.index)
    router.add("/security/mixed", pages.mixed)
    router.add("/security/csp-strong", pages.csp_strong)
    router.add("/security/csp-weak", pages.csp_weak)
    router.add("/security/csp-report-only", pages.csp_report_only)
    router.add("/security/csp-meta", pages.csp_meta)
    router.add(CSP_REPORT_PATH, _csp_report, methods=("POST",))
    router.add(SUBSCRIBE_PATH, _subscribe, methods=("POST",))
