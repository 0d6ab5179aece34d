"""The shop's non-HTML files: robots.txt, the sitemaps and a PDF catalogue."""

from html import escape

from ..assets import pdf
from ..hosts import SHOP, WorldUrls
from ..messages import PDF, XML, Request, Response, text
from ..router import PathRouter
from .shop_layout import PRODUCT_COUNT

SITEMAP_INDEX = "/sitemap_index.xml"
SITEMAPS: dict[str, tuple[str, ...]] = {
    "/sitemap-pages.xml": ("/", "/about", "/contact", "/blog/", "/orphan", "/privacy", "/terms"),
    "/sitemap-products.xml": (
        "/products/",
        *(f"/products/{n}" for n in range(1, PRODUCT_COUNT + 1)),
    ),
}
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _xml(root: str, entry: str, locations: list[str]) -> str:
    entries = "".join(f"  <{entry}><loc>{escape(loc)}</loc></{entry}>\n" for loc in locations)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="{SITEMAP_NS}">\n{entries}</{root}>\n'
    )


def register(router: PathRouter, urls: WorldUrls) -> None:
    """Add /robots.txt, the sitemap index, both sitemaps and /files/catalogue.pdf."""

    def robots(request: Request) -> Response:
        return text(
            f"User-agent: *\nDisallow: /private/\n\nSitemap: {urls.https(SHOP, SITEMAP_INDEX)}\n"
        )

    def sitemap_index(request: Request) -> Response:
        locations = [urls.https(SHOP, path) for path in SITEMAPS]
        return text(_xml("sitemapindex", "sitemap", locations), content_type=XML)

    def sitemap(request: Request) -> Response:
        locations = [urls.https(SHOP, path) for path in SITEMAPS[request.path]]
        return text(_xml("urlset", "url", locations), content_type=XML)

    def catalogue(request: Request) -> Response:
        return Response(200, pdf("Demo Shop catalogue", "Demo Shop catalogue 2026"), PDF)

    router.add("/robots.txt", robots)
    router.add(SITEMAP_INDEX, sitemap_index)
    for path in SITEMAPS:
        router.add(path, sitemap)
    router.add("/files/catalogue.pdf", catalogue)
