"""Vendors from the third-party-web data set, for hosts the project's catalog does not name.

The data (rules/third-party-web/, see its README) lists some 2,100 entities, each with a
name, an optional company, one category and domain patterns. It says nothing of
countries or legal entities, which only our catalog knows, so it is merged under it:

- An entity that is plainly the same vendor as one catalog vendor lends that vendor its
  domains: every catalog vendor its domains touch is that one vendor (shared CDN and
  hosting vendors aside), and the catalog vendor's name is contained in the entity's
  name and company. A broad parent entity ("Yandex") thus never lends its domains to a
  narrower catalog product ("Yandex Metrica"), nor does an entity spanning several
  catalog vendors.
- Any other entity becomes a vendor of its own (id ``tpw-<name>``). Its organisation is
  the entity's company (or name); when that company is, by name, exactly one
  organisation of the catalog, the catalog's legal entity and country are taken over.
  Otherwise the country is unknown (None).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from scanner.classify.vendor_record import CDN_CATEGORY, Vendor
from scanner.resources import data_dir

DATA_FOLDER = "third-party-web"
SOURCE_FILE = "source.json"
CATEGORY_FILE = "categories.json"
FALLBACK_CATEGORY = "other"
ID_PREFIX = "tpw-"
_WILDCARD = "*."
# Words that say what kind of legal entity a company is, not which one.
_LEGAL_WORDS = frozenset(
    {"inc", "llc", "ltd", "limited", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "ab"}
    | {"as", "asa", "aps", "oy", "oyj", "plc", "corp", "corporation", "co", "company"}
    | {"srl", "spa", "pty", "kk", "lp", "llp", "se", "com"}
)

T = TypeVar("T")


@dataclass(frozen=True)
class Entity:
    """One entity of the data set, with the fields the scanner uses."""

    name: str
    company: str | None
    category: str
    domains: tuple[str, ...]


def data_folder() -> Path:
    return data_dir("rules") / DATA_FOLDER


@cache
def source() -> dict[str, str]:
    """Package, version, file name and checksum of the bundled copy (source.json)."""
    document: dict[str, str] = json.loads((data_folder() / SOURCE_FILE).read_text(encoding="utf-8"))
    return document


def entities_path() -> Path:
    return data_folder() / source()["file"]


@cache
def bundled_entities() -> tuple[Entity, ...]:
    document = json.loads(entities_path().read_text(encoding="utf-8"))
    return tuple(entity for entry in document if (entity := _entity(entry)) is not None)


def _entity(entry: Any) -> Entity | None:
    """An entry in the form the package documents, or None (a future format change must
    not break the scan: such entries are just not used)."""
    if not isinstance(entry, dict):
        return None
    name, company, category = entry.get("name"), entry.get("company"), entry.get("category")
    domains = entry.get("domains")
    if not isinstance(name, str) or not name.strip() or not isinstance(domains, list):
        return None
    return Entity(
        name=name.strip(),
        company=company.strip() if isinstance(company, str) and company.strip() else None,
        category=category if isinstance(category, str) else FALLBACK_CATEGORY,
        domains=tuple(d.strip().lower() for d in domains if isinstance(d, str) and d.strip()),
    )


@cache
def category_map() -> dict[str, tuple[str, ...]]:
    """third-party-web category -> our categories (rules/third-party-web/categories.json)."""
    document = json.loads((data_folder() / CATEGORY_FILE).read_text(encoding="utf-8"))
    return {key: tuple(value) for key, value in document["categories"].items()}


def our_categories(category: str) -> tuple[str, ...]:
    return category_map().get(category, (FALLBACK_CATEGORY,))


class PatternIndex(Generic[T]):
    """Host look-up with third-party-web's domain semantics, in O(labels) per host.

    ``example.com`` matches only that host; ``*.example.com`` matches example.com and
    every host below it. An exact entry wins over wildcards, a longer wildcard over a
    shorter one, and the first value added for a pattern is kept.
    """

    def __init__(self) -> None:
        self._exact: dict[str, T] = {}
        self._wildcard: dict[str, T] = {}

    def add(self, pattern: str, value: T) -> None:
        if pattern.startswith(_WILDCARD):
            base = pattern[len(_WILDCARD) :]
            if "." in base:  # '*.com' would claim a whole top-level domain
                self._wildcard.setdefault(base, value)
        else:
            self._exact.setdefault(pattern, value)

    def match(self, host: str) -> tuple[T, str] | None:
        """The value for ``host`` (lowercase, no trailing dot) and the domain it matched."""
        value = self._exact.get(host)
        if value is not None:
            return value, host
        name = host
        while "." in name:
            value = self._wildcard.get(name)
            if value is not None:
                return value, name
            _, _, name = name.partition(".")
        return None


class ThirdPartyWebVendors:
    """The data set's entities as vendors, merged with the catalog's ``known`` vendors."""

    def __init__(
        self, entities: Iterable[Entity], known: Sequence[Vendor], source_file: str
    ) -> None:
        self._index: PatternIndex[Vendor] = PatternIndex()
        self._by_id: dict[str, Vendor] = {}
        catalog = _CatalogView(known)
        for entity in entities:
            vendor = catalog.same_vendor(entity) or self._own_vendor(entity, catalog, source_file)
            for pattern in entity.domains:
                self._index.add(pattern, vendor)

    @classmethod
    def bundled(cls, known: Sequence[Vendor]) -> ThirdPartyWebVendors:
        return cls(bundled_entities(), known, str(entities_path()))

    def match(self, host: str) -> tuple[Vendor, str] | None:
        """The vendor for ``host`` (lowercase, no trailing dot) and the domain it matched."""
        return self._index.match(host)

    def get(self, vendor_id: str) -> Vendor | None:
        """A vendor this data set added (catalog vendors are not repeated here)."""
        return self._by_id.get(vendor_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def _own_vendor(self, entity: Entity, catalog: _CatalogView, source_file: str) -> Vendor:
        vendor_id = _unique(ID_PREFIX + _slug(entity.name), self._by_id)
        borrowed = catalog.organisation(entity.company or entity.name)
        organisation, country = borrowed or (entity.company or entity.name, None)
        where = (
            f"The organisation's country ({country}) is that of the vendor catalog's entry for "
            f"{organisation}."
            if country
            else "The data set does not say where the organisation is based."
        )
        release = source()
        vendor = Vendor(
            id=vendor_id,
            name=entity.name,
            organisation=organisation,
            country=country,
            categories=our_categories(entity.category),
            domains=entity.domains,
            notes=f"Named by the {release['package']} data set, version {release['version']}. "
            + where,
            source=source_file,
        )
        self._by_id[vendor_id] = vendor
        return vendor


class _CatalogView:
    """What the merge needs to know about the catalog's vendors."""

    def __init__(self, known: Sequence[Vendor]) -> None:
        self._owner: dict[str, Vendor] = {}
        self._below: dict[str, list[Vendor]] = defaultdict(list)
        self._by_name: dict[str, list[Vendor]] = defaultdict(list)
        self._organisations: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
        for vendor in known:
            self._by_name[" ".join(sorted(_name_words(vendor.name)))].append(vendor)
            key = _organisation_key(vendor.organisation)
            if key:
                self._organisations[key].add((vendor.organisation, vendor.country))
            for domain in vendor.domains:
                self._owner[domain] = vendor
                parent = domain
                while "." in parent:
                    _, _, parent = parent.partition(".")
                    self._below[parent].append(vendor)

    def same_vendor(self, entity: Entity) -> Vendor | None:
        """The one catalog vendor that ``entity`` plainly is, if any (see the module)."""
        shared_hosting = CDN_CATEGORY in our_categories(entity.category)
        touched = {
            vendor.id: vendor
            for pattern in entity.domains
            for vendor in self._touched(pattern.removeprefix(_WILDCARD))
            if shared_hosting or not vendor.is_cdn
        }
        if not touched:
            same_name = self._by_name.get(" ".join(sorted(_name_words(entity.name))), [])
            return same_name[0] if len(same_name) == 1 else None
        if len(touched) > 1:
            return None
        (vendor,) = touched.values()
        words = _name_words(entity.name) | _name_words(entity.company or "")
        return vendor if _name_words(vendor.name) <= words else None

    def organisation(self, company: str) -> tuple[str, str | None] | None:
        """The catalog's (legal entity, country) for a company name, if unambiguous."""
        found = self._organisations.get(_organisation_key(company), set())
        return next(iter(found)) if len(found) == 1 else None

    def _touched(self, domain: str) -> Iterable[Vendor]:
        """Catalog vendors owning ``domain``, a parent of it, or a host below it."""
        name = domain
        while name:
            owner = self._owner.get(name)
            if owner is not None:
                yield owner
                break
            _, _, name = name.partition(".")
        yield from self._below.get(domain, ())


def _name_words(name: str) -> set[str]:
    """Lowercase words of a name, without any part in parentheses."""
    return set(re.findall(r"[a-z0-9]+", re.sub(r"\([^)]*\)", " ", name.lower())))


def _organisation_key(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return " ".join(word for word in words if word not in _LEGAL_WORDS)


def _slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower())) or "entity"


def _unique(candidate: str, taken: dict[str, Vendor]) -> str:
    number, vendor_id = 1, candidate
    while vendor_id in taken:
        number += 1
        vendor_id = f"{candidate}-{number}"
    return vendor_id
