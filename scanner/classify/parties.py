"""First party or third party, and which vendor is behind a host."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from scanner.classify.vendors import Vendor, VendorCatalog
from scanner.domains import host_matches, registrable_domain

# The European Economic Area: the 27 EU member states plus Iceland, Liechtenstein, Norway.
EEA_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    }
)


@dataclass(frozen=True)
class Party:
    host: str
    first_party: bool
    vendor_id: str
    """The catalog's vendor id, or 'unidentified:<registrable domain>'."""
    vendor: Vendor | None

    @property
    def vendor_name(self) -> str:
        return self.vendor.name if self.vendor else self.vendor_id.split(":", 1)[1]

    def has_category(self, *categories: str) -> bool:
        return self.vendor is not None and bool(set(self.vendor.categories) & set(categories))


class PartyClassifier:
    """Decides per host, once: the site's own (registrable domain or own domains) or not."""

    def __init__(self, site: str, own_domains: tuple[str, ...], vendors: VendorCatalog) -> None:
        self.site = site
        self.own_domains = own_domains
        self.vendors = vendors
        self.classify = lru_cache(maxsize=None)(self._classify)

    def _classify(self, host: str) -> Party:
        host = host.lower()
        first = registrable_domain(host) == self.site or any(
            host_matches(host, pattern) or host_matches(host, f"*.{pattern}")
            for pattern in self.own_domains
        )
        vendor = None if first else self.vendors.vendor_for_host(host)
        vendor_id = vendor.id if vendor else f"unidentified:{registrable_domain(host)}"
        return Party(host=host, first_party=first, vendor_id=vendor_id, vendor=vendor)
