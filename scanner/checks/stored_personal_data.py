"""Personal data kept in the browser: cookie values and localStorage/sessionStorage values.

Whoever wrote it (the site or a vendor), every script running on the page can read a
non-HttpOnly cookie and the origin's web storage, and the value stays on the device.
Values are searched as they were written: plain, percent-encoded, base64, JSON inside.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scanner.classify.parties import Party
from scanner.classify.pii import PersonalData
from scanner.domains import is_top_level_domain
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

RULE = "personal-data-in-browser-storage"
CATEGORIES = frozenset({"email", "phone"})
"""Direct identifiers found by their value; field-name guesses (a 'name' field may hold a
product) are left out so that a finding here is never a guess."""


@dataclass(frozen=True)
class _StoredValue:
    store: str
    """'cookie', 'localStorage' or 'sessionStorage'."""
    key: str
    place: str
    """The cookie's domain or the storage origin."""
    value: str
    written_by: str | None
    setter: Party | None


def check(ctx: ScanContext) -> Iterator[Observation]:
    for page in ctx.pages:
        for stored, found in stored_personal_data(ctx, page):
            yield _observation(ctx, page, stored, found)


def stored_personal_data(
    ctx: ScanContext, page: dict[str, Any]
) -> Iterator[tuple[_StoredValue, PersonalData]]:
    """Each stored value of the page that holds personal data, with what it holds."""
    for stored in _stored_values(ctx, page):
        for found in personal_data_in_value(ctx, stored):
            yield stored, found


def personal_data_in_value(ctx: ScanContext, stored: _StoredValue) -> list[PersonalData]:
    """Personal data in one stored value (the one place that asks the finder)."""
    location = "cookie" if stored.store == "cookie" else "storage"
    found = ctx.personal_data.find_in_value(stored.value, stored.key, location)
    limit = ctx.scan.get("settings", {}).get("max_value_chars")
    cut = limit is not None and len(stored.value) >= limit  # the capture kept the start
    return [
        item
        for item in found
        if item.category in CATEGORIES and not (cut and _cut_off(item, stored.value))
    ]


def _cut_off(item: PersonalData, value: str) -> bool:
    """Whether a match in a value the capture cut may be the cut's stump: it ends the
    value, or (encoded inside it, so not at its very end) it is an e-mail address whose
    last label is no top-level domain ("jane@shop.examp" from "jane@shop.example")."""
    if value.endswith(item.raw):
        return True
    return item.category == "email" and not is_top_level_domain(item.value.rsplit(".", 1)[-1])


def _stored_values(ctx: ScanContext, page: dict[str, Any]) -> Iterator[_StoredValue]:
    for cookie in ctx.cookies_set(page):
        if cookie["outcome"] == "stored" and cookie["value"]:
            yield _StoredValue(
                "cookie",
                cookie["name"],
                cookie["domain"],
                cookie["value"],
                cookie["set_by_url"],
                ctx.cookie_setter(page, cookie),
            )
    for write in page["storage"]:
        if write["op"] == "set" and write["value"]:
            script = write["script_url"]
            yield _StoredValue(
                write["area"],
                write["key"],
                write["origin"],
                write["value"],
                script,
                ctx.party_of(script or write["frame_url"] or ctx.page_url(page)),
            )


def _observation(
    ctx: ScanContext, page: dict[str, Any], stored: _StoredValue, found: PersonalData
) -> Observation:
    third_party_writer = stored.setter is not None and not stored.setter.first_party
    field = _inner_path(found.path, stored.key)
    where = f"{stored.store} {stored.key} ({stored.place})"
    inside = f" in {field}" if field else ""
    writer = f", written by {stored.setter.vendor_name}" if third_party_writer else ""
    return Observation(
        RULE,
        f"{stored.store}:{stored.key}@{stored.place}/{found.category}",
        ctx.page_url(page),
        f"{where} holds {_ARTICLES[found.category]}{inside} ({found.encoding}){writer}.",
        {
            "kind": "stored-personal-data",
            "store": stored.store,
            "key": stored.key,
            "domain_or_origin": stored.place,
            "category": found.category,
            "value": found.value,
            "field": field,
            "encoding": found.encoding,
            "decoding": found.decoding,
            "written_by": stored.written_by,
            "written_by_vendor": stored.setter.vendor_name if third_party_writer else None,
        },
        stored.setter.vendor_id if third_party_writer and stored.setter else None,
    )


def _inner_path(path: str, key: str) -> str | None:
    """Where inside the stored value the data sits (``u.mail``); None for the whole value.

    The finder's paths start at the cookie or storage key that holds the value.
    """
    if path == key:
        return None
    return path.removeprefix(f"{key}.") if path.startswith(f"{key}.") else path or None


_ARTICLES = {"email": "an e-mail address", "phone": "a phone number"}
