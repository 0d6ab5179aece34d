"""IAB TCF v2 TC strings (v2.2 and the earlier v2 policy versions): every field.

A TC string is one to four base64url segments joined by ``.``: the core segment (its
first six bits are the version, 2), then optional segments whose first three bits name
them: 1 disclosed vendors, 2 allowed vendors (dropped by TCF 2.2 but still found in
older strings), 3 publisher TC. Times are deciseconds since the epoch; letters are six
bits each counting from ``A``; vendor sets are a 16-bit MaxVendorId, a flag, then either
a bit field of MaxVendorId bits or a 12-bit count of entries, each a flag and one or two
16-bit vendor ids (a single id or an inclusive range).

Bounds, because a range entry can span 65,535 ids and a string can hold thousands of
entries: vendor ids above :data:`MAX_VENDOR_ID` are refused, and so is a string whose
vendor sets hold more than :data:`MAX_VENDOR_IDS` ids together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from scanner.classify.consent_strings.bits import (
    BitReader,
    DecodeError,
    Record,
    check_text,
    moment,
)

MAX_VENDOR_ID = 10_000
"""Vendor ids are given out one by one and stood near 1,500 in 2025."""
MAX_VENDOR_IDS = 50_000
"""Vendor ids in all the vendor sets of one string together. A string with every vendor
of the 2025 list in each set holds ~6,000; restricting ten purposes for all, ~15,000 more."""

RESTRICTION_TYPES = {0: "not allowed", 1: "require consent", 2: "require legitimate interest"}
"""A publisher restriction's type, as the TCF names it (3 is undefined)."""
_SEGMENTS = {1: "disclosed vendors", 2: "allowed vendors", 3: "publisher TC"}


@dataclass(frozen=True)
class PublisherRestriction(Record):
    """The publisher's restriction of one purpose for some vendors."""

    purpose_id: int
    restriction_type: int
    """A key of :data:`RESTRICTION_TYPES`."""
    vendor_ids: frozenset[int]


@dataclass(frozen=True)
class PublisherTC(Record):
    """The publisher TC segment: the publisher's own purposes and custom purposes."""

    purposes_consent: frozenset[int]
    purposes_li_transparency: frozenset[int]
    num_custom_purposes: int
    custom_purposes_consent: frozenset[int]
    custom_purposes_li_transparency: frozenset[int]


@dataclass(frozen=True)
class TCString(Record):
    """A decoded TC string; the optional segments are None when the string lacks them."""

    version: int
    created: datetime
    last_updated: datetime
    cmp_id: int
    cmp_version: int
    consent_screen: int
    consent_language: str
    vendor_list_version: int
    tcf_policy_version: int
    is_service_specific: bool
    use_non_standard_texts: bool
    """Called UseNonStandardStacks before TCF 2.2."""
    special_feature_opt_ins: frozenset[int]
    purposes_consent: frozenset[int]
    purposes_li_transparency: frozenset[int]
    purpose_one_treatment: bool
    publisher_cc: str
    vendor_consents: frozenset[int]
    vendor_legitimate_interests: frozenset[int]
    publisher_restrictions: tuple[PublisherRestriction, ...]
    """Sorted by purpose and type; entries for the same pair are merged."""
    disclosed_vendors: frozenset[int] | None
    allowed_vendors: frozenset[int] | None
    publisher_tc: PublisherTC | None


class _Budget:
    """Counts down the vendor ids a string may still expand to."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_VENDOR_IDS

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise DecodeError(f"TC string lists more than {MAX_VENDOR_IDS} vendor ids in all")


def decode_tc_string(text: object) -> TCString:
    """Decodes a TC string (base64url, padding tolerated) or raises DecodeError."""
    parts = check_text(text, "TC string").split(".")
    if len(parts) > 4:
        raise DecodeError(f"TC string has {len(parts)} segments, more than the 4 defined")
    budget = _Budget()
    core = BitReader(parts[0], "TC string core segment")
    version = core.integer(6, "Version")
    if version == 1:
        raise DecodeError("TC string is TCF v1 (version 1), which is not decoded")
    if version != 2:
        raise DecodeError(f"TC string version is {version}, not 2")
    fields: dict[str, Any] = {
        "version": version,
        "created": moment(core.integer(36, "Created")),
        "last_updated": moment(core.integer(36, "LastUpdated")),
        "cmp_id": core.integer(12, "CmpId"),
        "cmp_version": core.integer(12, "CmpVersion"),
        "consent_screen": core.integer(6, "ConsentScreen"),
        "consent_language": _letters(core, "ConsentLanguage"),
        "vendor_list_version": core.integer(12, "VendorListVersion"),
        "tcf_policy_version": core.integer(6, "TcfPolicyVersion"),
        "is_service_specific": core.flag("IsServiceSpecific"),
        "use_non_standard_texts": core.flag("UseNonStandardTexts"),
        "special_feature_opt_ins": core.bitfield(12, "SpecialFeatureOptIns"),
        "purposes_consent": core.bitfield(24, "PurposesConsent"),
        "purposes_li_transparency": core.bitfield(24, "PurposesLITransparency"),
        "purpose_one_treatment": core.flag("PurposeOneTreatment"),
        "publisher_cc": _letters(core, "PublisherCC"),
        "vendor_consents": _vendor_set(core, "VendorConsents", budget),
        "vendor_legitimate_interests": _vendor_set(core, "VendorLegitimateInterests", budget),
        "publisher_restrictions": _restrictions(core, budget),
    }
    optional: dict[int, object] = {}
    for number, part in enumerate(parts[1:], 2):
        reader = BitReader(part, f"TC string segment {number}")
        kind = reader.integer(3, "SegmentType")
        if kind not in _SEGMENTS:
            what = "a second core segment" if kind == 0 else f"of undefined type {kind}"
            raise DecodeError(f"TC string segment {number} is {what}")
        if kind in optional:
            raise DecodeError(f"TC string has two {_SEGMENTS[kind]} segments")
        optional[kind] = (
            _publisher_tc(reader) if kind == 3 else _vendor_set(reader, _SEGMENTS[kind], budget)
        )
    return TCString(
        **fields,
        disclosed_vendors=optional.get(1),
        allowed_vendors=optional.get(2),
        publisher_tc=optional.get(3),
    )


def _letters(reader: BitReader, field: str) -> str:
    """Two letters of six bits each, 0 being ``A``."""
    letters = []
    for _ in range(2):
        value = reader.integer(6, field)
        if value > 25:
            raise DecodeError(f"{reader.what}: {field} has letter number {value}, past Z")
        letters.append(chr(ord("A") + value))
    return "".join(letters)


def _vendor_set(reader: BitReader, field: str, budget: _Budget) -> frozenset[int]:
    """A MaxVendorId, then a bit field or a list of ranges of vendor ids."""
    max_id = reader.integer(16, f"{field} MaxVendorId")
    if max_id > MAX_VENDOR_ID:
        raise DecodeError(
            f"{reader.what}: {field} MaxVendorId is {max_id}, above the {MAX_VENDOR_ID} read"
        )
    if reader.flag(f"{field} IsRangeEncoding"):
        count = reader.integer(12, f"{field} NumEntries")
        ids = _expand(_checked(reader.ranges(count, 16, field), reader, field, max_id), budget)
    else:
        ids = reader.bitfield(max_id, f"{field} bit field")
        budget.spend(len(ids))
    return ids


def _checked(
    ranges: list[tuple[int, int]], reader: BitReader, field: str, max_id: int
) -> list[tuple[int, int]]:
    """``ranges`` if each lies within 1..``max_id`` with its start before its end."""
    for start, end in ranges:
        if not 1 <= start <= end <= max_id:
            raise DecodeError(
                f"{reader.what}: {field} has the range {start}-{end}, outside 1-{max_id}"
            )
    return ranges


def _expand(ranges: list[tuple[int, int]], budget: _Budget) -> frozenset[int]:
    """The ids of the ranges, paid for before they are made."""
    merged = _merge(ranges)
    budget.spend(_count(merged))
    return _ids(merged)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted disjoint ranges covering the same ids, so that overlaps cost nothing."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _count(ranges: list[tuple[int, int]]) -> int:
    return sum(end - start + 1 for start, end in ranges)


def _ids(ranges: list[tuple[int, int]]) -> frozenset[int]:
    return frozenset(chain.from_iterable(range(start, end + 1) for start, end in ranges))


def _restrictions(reader: BitReader, budget: _Budget) -> tuple[PublisherRestriction, ...]:
    """The core segment's publisher restrictions, merged by purpose and type; all of them
    are paid for before any is made."""
    grouped: dict[tuple[int, int], list[tuple[int, int]]] = {}
    field = "PubRestrictionEntry"
    for _ in range(reader.integer(12, "NumPubRestrictions")):
        # PurposeId (6 bits), RestrictionType (2) and NumEntries (12) in one read.
        head = reader.integer(20, field)
        purpose, kind, count = head >> 14, head >> 12 & 3, head & 0xFFF
        if purpose == 0:
            raise DecodeError(f"{reader.what}: a publisher restriction is for purpose 0")
        if kind not in RESTRICTION_TYPES:
            raise DecodeError(f"{reader.what}: publisher restriction type {kind} is undefined")
        ranges = _checked(reader.ranges(count, 16, field), reader, field, MAX_VENDOR_ID)
        grouped.setdefault((purpose, kind), []).extend(ranges)
    merged = {key: _merge(ranges) for key, ranges in sorted(grouped.items()) if ranges}
    budget.spend(sum(_count(ranges) for ranges in merged.values()))
    return tuple(
        PublisherRestriction(purpose, kind, _ids(ranges))
        for (purpose, kind), ranges in merged.items()
    )


def _publisher_tc(reader: BitReader) -> PublisherTC:
    consent = reader.bitfield(24, "PubPurposesConsent")
    transparency = reader.bitfield(24, "PubPurposesLITransparency")
    custom = reader.integer(6, "NumCustomPurposes")
    return PublisherTC(
        purposes_consent=consent,
        purposes_li_transparency=transparency,
        num_custom_purposes=custom,
        custom_purposes_consent=reader.bitfield(custom, "CustomPurposesConsent"),
        custom_purposes_li_transparency=reader.bitfield(custom, "CustomPurposesLITransparency"),
    )
