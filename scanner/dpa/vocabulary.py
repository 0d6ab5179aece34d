"""Words for the record's fields and values, so that findings read as sentences.

The DPA vocabulary's field names come from schemas/dataflow-record.schema.json; this
module turns them, and the values found in a record, into words a lawyer reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from scanner.resources import load_schema

RECORD_SCHEMA = "dataflow-record.schema.json"
VOCABULARY_SCHEMA = "dpa-vocabulary.schema.json"
SEVERITIES = ("critical", "high", "medium", "low", "info")
DEFAULT_SEVERITY = "high"

DATA_CATEGORY_WORDS = {
    "ip-address": "IP addresses",
    "device-data": "device data",
    "device-fingerprint": "device fingerprints",
    "online-identifier": "online identifiers",
    "page-url": "page URLs",
    "email": "e-mail addresses",
    "phone": "phone numbers",
    "name": "names",
    "postal-code": "postal codes",
}

FIELD_WORDS = {
    "vendor_id": "the vendor id",
    "vendor_name": "the vendor name",
    "organisation": "the organisation",
    "identified": "being named in the vendor catalog",
    "categories": "the vendor categories",
    "hosts": "the hosts contacted",
    "countries": "the countries",
    "pages": "the pages it was contacted on",
    "page_count": "the number of pages it was contacted on",
    "request_count": "the number of requests",
    "data_categories": "the categories of personal data received",
    "data_fields": "the fields that carried personal data",
    "cookies": "the cookies",
    "before_consent": "contact before consent",
    "consent_state": "the consent state",
    "loaded_by": "who brought it in",
    "loads": "the vendors it brought in",
    "latency_ms": "the response time",
    "bytes": "the bytes received from it",
    "insecure_requests": "the number of plain-http requests",
}

COOKIE_FIELD_WORDS = {
    "name": "name",
    "domain": "domain",
    "access": "access",
    "lifetime_days": "lifetime in days",
    "third_party": "third-party status",
}

DATA_FIELD_WORDS = {
    "category": "category",
    "field": "field name",
    "location": "location",
    "encoding": "encoding",
    "request_url": "request",
    "page": "page",
}

LATENCY_WORDS = {"median": "median", "p95": "95th percentile", "max": "slowest response"}

COUNTRY_NAMES = {
    "AD": "Andorra",
    "AE": "the United Arab Emirates",
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "BR": "Brazil",
    "CA": "Canada",
    "CH": "Switzerland",
    "CN": "China",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FO": "the Faroe Islands",
    "FR": "France",
    "GB": "the United Kingdom",
    "GG": "Guernsey",
    "GR": "Greece",
    "HK": "Hong Kong",
    "HR": "Croatia",
    "HU": "Hungary",
    "IE": "Ireland",
    "IL": "Israel",
    "IM": "the Isle of Man",
    "IN": "India",
    "IS": "Iceland",
    "IT": "Italy",
    "JE": "Jersey",
    "JP": "Japan",
    "KR": "the Republic of Korea",
    "LI": "Liechtenstein",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MT": "Malta",
    "MX": "Mexico",
    "NL": "the Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "RU": "Russia",
    "SE": "Sweden",
    "SG": "Singapore",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "TR": "Türkiye",
    "TW": "Taiwan",
    "UA": "Ukraine",
    "US": "the United States",
    "UY": "Uruguay",
    "ZA": "South Africa",
}


@cache
def record_fields() -> tuple[str, ...]:
    """The fields of the vendor data-flow record, in the record schema's order."""
    return tuple(load_schema(RECORD_SCHEMA)["properties"])


def nested_fields(field: str) -> tuple[str, ...]:
    """The fields of an object field (latency_ms) or of an array's entries (cookies)."""
    schema = load_schema(RECORD_SCHEMA)["properties"][field]
    schema = schema.get("items", schema)
    return tuple(schema.get("properties", {}))


def join_words(words: Iterable[str], conjunction: str = "and") -> str:
    """``['a', 'b', 'c']`` -> ``'a, b and c'`` (no serial comma, as in the contracts)."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def category_words(category: Any) -> str:
    """``'email'`` -> ``'e-mail addresses'``; unknown categories are shown as written."""
    return DATA_CATEGORY_WORDS.get(category, str(category))


def country_words(code: Any) -> str:
    """``'US'`` -> ``'the United States (US)'``; unknown codes are shown as written."""
    name = COUNTRY_NAMES.get(code) if isinstance(code, str) else None
    return f"{name} ({code})" if name else str(code)


def format_number(value: Any) -> str:
    """Numbers with thousands separators; measurements of 100 and more without decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and (value.is_integer() or abs(value) >= 100):
        value = round(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_bytes(value: Any) -> str:
    """A byte count in decimal units (``'2.4 MB'``), the way service levels state them."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if abs(value) >= size:
            return f"{format_number(round(value / size, 1))} {unit}"
    return f"{format_number(value)} bytes"


def value_words(field: str, value: Any) -> str:
    """A record value in words, according to the field it belongs to."""
    if isinstance(value, list):
        return join_words(value_words(field, item) for item in value) or "nothing"
    if field == "data_categories":
        return category_words(value)
    if field == "countries":
        return country_words(value)
    if field == "bytes":
        return format_bytes(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "unknown"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, str):
        return value
    return str(value)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 request``, ``3 requests``."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{format_number(count)} {word}"
