"""The vendor catalog: which company is behind a third-party host.

The project's own catalog (rules/vendors.json) is loaded first, then the user's catalog
files in the order given. A later file's vendor replaces an earlier vendor with the same
id, and a domain it lists is taken away from whichever vendor listed it before, so a user
can correct or extend the bundled data without copying it. Every file is checked against
schemas/vendor-catalog.schema.json.

Hosts that no catalog file names fall back to the third-party-web data set
(scanner/classify/third_party_web.py), merged under the catalog.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from scanner.classify.third_party_web import ThirdPartyWebVendors
from scanner.classify.vendor_record import Vendor
from scanner.errors import ConfigError, read_user_file
from scanner.resources import data_dir, load_schema

CATALOG_SCHEMA = "vendor-catalog.schema.json"
MAX_PROBLEM_CHARS = 200

_FORMAT_HINT = f"see schemas/{CATALOG_SCHEMA} for the format"
_FIELD_HINTS = {
    "id": "use lowercase letters and digits joined by single hyphens, e.g. 'acme-analytics'",
    "country": "use the ISO 3166-1 alpha-2 code of the organisation's headquarters in "
    "capitals, e.g. 'US' or 'DE'",
    "domains": "write each domain in lowercase without scheme, port, path, wildcard or "
    "trailing dot, e.g. 'example.com', and list it once",
    "format_version": 'set it to "1.0"',
}


def bundled_catalog_path() -> Path:
    """The catalog maintained by this project."""
    return data_dir("rules") / "vendors.json"


class VendorCatalog:
    """Vendors indexed by id and by domain, for fast host look-ups.

    Vendors added later replace earlier ones with the same id and take over the
    domains they list; a vendor that loses a domain keeps its other domains. With
    ``third_party_web``, hosts that no vendor's domain covers are looked up in that
    data set, merged with the vendors given here (built once, here).
    """

    def __init__(self, vendors: Iterable[Vendor] = (), third_party_web: bool = False) -> None:
        self._by_id: dict[str, Vendor] = {}
        self._owner: dict[str, str] = {}  # domain -> id of the vendor holding it
        for vendor in vendors:
            self._add(vendor)
        self._fallback = (
            ThirdPartyWebVendors.bundled(list(self._by_id.values())) if third_party_web else None
        )

    @classmethod
    def load(cls, extra_files: Sequence[Path] = (), third_party_web: bool = True) -> VendorCatalog:
        """The bundled catalog, then each user file in order (later files win), then
        (unless told not to) the third-party-web data for hosts none of them names."""
        vendors: list[Vendor] = []
        for path in (bundled_catalog_path(), *extra_files):
            vendors.extend(read_catalog_file(path))
        return cls(vendors, third_party_web)

    def _add(self, vendor: Vendor) -> None:
        """Add or replace by id; the newcomer takes its domains away from earlier vendors."""
        replaced = self._by_id.get(vendor.id)
        if replaced is not None:
            for domain in replaced.domains:
                self._owner.pop(domain, None)
        for domain in vendor.domains:
            holder = self._owner.get(domain)
            if holder is not None and holder != vendor.id:
                self._release(holder, domain)
            self._owner[domain] = vendor.id
        self._by_id[vendor.id] = vendor

    def _release(self, vendor_id: str, domain: str) -> None:
        vendor = self._by_id[vendor_id]
        kept = tuple(d for d in vendor.domains if d != domain)
        self._by_id[vendor_id] = dataclasses.replace(vendor, domains=kept)

    def vendor_for_host(self, host: str) -> Vendor | None:
        """The catalog vendor whose domain is the longest suffix of ``host`` (on label
        boundaries), else the third-party-web vendor for it.

        One exception to the catalog's precedence: when the catalog only knows the host
        as part of a shared CDN or hosting domain (d123.cloudfront.net) and the data set
        names a longer domain for a vendor that is not a host itself, that more specific
        vendor answers. Both look-ups walk the
        host's labels, so the cost does not depend on the size of the data.
        """
        name = host.strip().lower().rstrip(".")
        ours = self._match(name)
        theirs = self._fallback.match(name) if self._fallback is not None else None
        if theirs is None:
            return ours[0] if ours else None
        if ours is None or _more_specific_than_hosting(theirs, ours):
            return theirs[0]
        return ours[0]

    def _match(self, name: str) -> tuple[Vendor, str] | None:
        """The catalog vendor for ``name`` and the domain that matched, longest first."""
        while name:
            vendor_id = self._owner.get(name)
            if vendor_id is not None:
                return self._by_id[vendor_id], name
            _, _, name = name.partition(".")
        return None

    def get(self, vendor_id: str) -> Vendor | None:
        """The vendor with this id (from the catalog or the third-party-web data), if any."""
        vendor = self._by_id.get(vendor_id)
        if vendor is None and self._fallback is not None:
            return self._fallback.get(vendor_id)
        return vendor

    def __len__(self) -> int:
        """The number of catalog vendors (third-party-web vendors are not counted)."""
        return len(self._by_id)

    def __iter__(self) -> Iterator[Vendor]:
        """The catalog vendors, in the order they were first added."""
        return iter(self._by_id.values())


def _more_specific_than_hosting(theirs: tuple[Vendor, str], ours: tuple[Vendor, str]) -> bool:
    """A non-hosting vendor on a longer domain than the catalog's CDN or hosting match."""
    (their_vendor, their_domain), (our_vendor, our_domain) = theirs, ours
    return (
        our_vendor.is_cdn
        and not their_vendor.is_cdn
        and their_domain.count(".") > our_domain.count(".")
    )


# -- reading and checking one catalog file ----------------------------------------------


def read_catalog_file(path: Path) -> list[Vendor]:
    """The vendors of one catalog file, after checking it completely.

    Raises ConfigError with one line naming the file, the place and what to do.
    """
    document = _read_json(path)
    _check_schema(path, document)
    _check_unique(path, document["vendors"])
    return [_vendor(entry, str(path)) for entry in document["vendors"]]


def _read_json(path: Path) -> Any:
    text = read_user_file(path, "vendor catalog", "check the path")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"vendor catalog {path} is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}; correct the syntax there"
        ) from None


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema(CATALOG_SCHEMA))


def _check_schema(path: Path, document: Any) -> None:
    """Report the first problem in document order (earliest vendor first)."""
    errors = list(_validator().iter_errors(document))
    if not errors:
        return
    error = min(errors, key=lambda e: _path_sort_key(e.absolute_path))
    where = json_path(error.absolute_path)
    raise ConfigError(f"vendor catalog {path}: {where}: {_problem(error)}; {_hint(error)}")


def _path_sort_key(parts: Iterable[str | int]) -> tuple[tuple[int, int, str], ...]:
    # Array indices and property names never compete at the same depth in a valid
    # layout, but the key must be total for any document, hence the tagged tuples.
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in parts)


def json_path(parts: Iterable[str | int]) -> str:
    """``['vendors', 3, 'country']`` -> ``vendors[3].country``; the root is ``(top level)``."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return text.lstrip(".") or "(top level)"


def _problem(error: ValidationError) -> str:
    if error.validator == "enum":
        problem = f"{_short(error.instance)} is not an allowed value"
    elif error.validator == "pattern":
        problem = f"{_short(error.instance)} is not in the required form"
    elif error.validator == "type":
        problem = f"expected {error.validator_value}, found {_json_type(error.instance)}"
    else:
        problem = error.message
    problem = problem.replace("\n", " ")
    if len(problem) > MAX_PROBLEM_CHARS:
        problem = problem[: MAX_PROBLEM_CHARS - 3] + "..."
    return problem


def _hint(error: ValidationError) -> str:
    if error.validator == "enum" and "categories" in error.absolute_path:
        allowed = load_schema(CATALOG_SCHEMA)["$defs"]["category"]["enum"]
        return f"use categories from: {', '.join(allowed)}"
    if error.validator == "additionalProperties":
        allowed = ", ".join(error.schema.get("properties", {}))
        return f"remove or rename the field (allowed: {allowed})"
    fields = [part for part in error.absolute_path if isinstance(part, str)]
    hint = _FIELD_HINTS.get(fields[-1]) if fields else None
    return hint or f"correct it ({_FORMAT_HINT})"


def _short(value: Any) -> str:
    # Quoted like jsonschema's own messages ('x'), so that one line reads consistently.
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _check_unique(path: Path, entries: list[dict[str, Any]]) -> None:
    """Ids and domains may appear only once per file (the schema cannot say so)."""
    first_by_id: dict[str, int] = {}
    owner_by_domain: dict[str, int] = {}
    for index, entry in enumerate(entries):
        earlier = first_by_id.setdefault(entry["id"], index)
        if earlier != index:
            raise ConfigError(
                f"vendor catalog {path}: vendors[{index}].id: id {entry['id']!r} is already "
                f"used by vendors[{earlier}]; give each vendor its own id or merge the two"
            )
        for position, domain in enumerate(entry["domains"]):
            owner = owner_by_domain.setdefault(domain, index)
            if owner != index:
                raise ConfigError(
                    f"vendor catalog {path}: vendors[{index}].domains[{position}]: domain "
                    f"{domain!r} of vendor {entry['id']!r} is already listed by vendor "
                    f"{entries[owner]['id']!r} (vendors[{owner}]); list each domain under "
                    "one vendor only"
                )


def _vendor(entry: dict[str, Any], source: str) -> Vendor:
    return Vendor(
        id=entry["id"],
        name=entry["name"],
        organisation=entry["organisation"],
        country=entry["country"],
        categories=tuple(entry["categories"]),
        domains=tuple(entry["domains"]),
        notes=entry.get("notes"),
        source=source,
    )
