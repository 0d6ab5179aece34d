"""One vendor: the company and service behind third-party hosts, as the rules see it."""

from __future__ import annotations

from dataclasses import dataclass

CDN_CATEGORY = "cdn"


@dataclass(frozen=True)
class Vendor:
    """A vendor of the catalog or of the third-party-web data.

    ``source`` is the file it was read from. ``country`` is None only for vendors known
    from the third-party-web data alone, which does not say where a company is.
    ``domains`` are as the source lists them (third-party-web's may start with ``*.``).
    """

    id: str
    name: str
    organisation: str
    country: str | None
    categories: tuple[str, ...]
    domains: tuple[str, ...]
    notes: str | None
    source: str

    @property
    def is_cdn(self) -> bool:
        """True for content delivery networks and hosting providers.

        Their hosts serve their customers' own files (a public copy of a library, a
        shop's assets), so what such a file does in the page belongs to the site or to
        the library's author rather than to this vendor.
        """
        return CDN_CATEGORY in self.categories
