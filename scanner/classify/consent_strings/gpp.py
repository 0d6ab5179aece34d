"""IAB Global Privacy Platform (GPP) strings: the header and the sections we read.

A GPP string is a header and its sections joined by ``~``. The header is base64url: a
6-bit type (3), a 6-bit version (1) and the section ids as a Fibonacci-coded range list
(a 12-bit count, then per entry a flag and one or two Fibonacci-coded deltas from the
previous id), so ids come in increasing order, one section string per id in that order.

Decoded here: section 2 (tcfeuv2, a TC string), 6 (uspv1, a US Privacy string) and 7
(usnat). Any other section is listed by id and name as not decoded.

usnat's 2-bit fields take 0 (not applicable), 1 or 2; 1 is always the privacy-protective
answer: notice given, opted out, *no* consent (for the consent fields), covered by the
MSPA or in that MSPA mode. Version 1 of the section has 12 sensitive data categories and
2 known-child categories; version 2 has 16 and 3. An optional second ``.``-separated
sub-section carries the Global Privacy Control flag.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.classify.consent_strings.bits import BitReader, DecodeError, Record, check_text
from scanner.classify.consent_strings.tcf import TCString, decode_tc_string
from scanner.classify.consent_strings.us_privacy import UsPrivacy, decode_us_privacy

MAX_SECTION_ID = 255
"""Section ids read at most; the IAB had assigned up to 27 by 2025."""
_FIBONACCI_BITS = 16

SECTION_NAMES = {
    1: "tcfeuv1",
    2: "tcfeuv2",
    5: "tcfcav1",
    6: "uspv1",
    7: "usnat",
    8: "usca",
    9: "usva",
    10: "usco",
    11: "usut",
    12: "usct",
    13: "usfl",
    14: "usmt",
    15: "usor",
    16: "ustx",
    17: "usde",
    18: "usia",
    19: "usne",
    20: "usnh",
    21: "usnj",
    22: "ustn",
    23: "usmn",
    24: "usmd",
    25: "usin",
    26: "usky",
    27: "usri",
}
"""The sections the IAB has assigned (3 is the header itself, 4 was never used)."""

_USNAT_LAYOUT = {1: (12, 2), 2: (16, 3)}
"""usnat version -> (sensitive data categories, known-child categories)."""


@dataclass(frozen=True)
class UsNat(Record):
    """GPP section 7, the US national privacy section; see the module for the values."""

    version: int
    sharing_notice: int
    sale_opt_out_notice: int
    sharing_opt_out_notice: int
    targeted_advertising_opt_out_notice: int
    sensitive_data_processing_opt_out_notice: int
    sensitive_data_limit_use_notice: int
    sale_opt_out: int
    sharing_opt_out: int
    targeted_advertising_opt_out: int
    sensitive_data_processing: tuple[int, ...]
    known_child_sensitive_data_consents: tuple[int, ...]
    personal_data_consents: int
    mspa_covered_transaction: int
    mspa_opt_out_option_mode: int
    mspa_service_provider_mode: int
    gpc: bool | None
    """None when the string has no GPC sub-section."""


@dataclass(frozen=True)
class GppSection(Record):
    """One section; ``content`` is None for a section this module does not decode."""

    id: int
    name: str
    content: TCString | UsPrivacy | UsNat | None

    def to_json(self) -> dict[str, object]:
        plain = super().to_json()
        plain["status"] = "not decoded" if self.content is None else "decoded"
        return plain


@dataclass(frozen=True)
class GppString(Record):
    """A decoded GPP string."""

    version: int
    section_ids: tuple[int, ...]
    sections: tuple[GppSection, ...]


def decode_gpp_string(text: object) -> GppString:
    """Decodes a GPP string or raises DecodeError (also when any decoded section is bad)."""
    parts = check_text(text, "GPP string").split("~")
    header = BitReader(parts[0], "GPP header")
    kind = header.integer(6, "Type")
    if kind != 3:
        raise DecodeError(f"GPP header type is {kind}, not 3: this is not a GPP string")
    version = header.integer(6, "Version")
    if version != 1:
        raise DecodeError(f"GPP header version is {version}, not 1")
    ids = _section_ids(header)
    if len(ids) != len(parts) - 1:
        raise DecodeError(
            f"GPP header lists {len(ids)} sections but the string has {len(parts) - 1}"
        )
    return GppString(
        version=version,
        section_ids=ids,
        sections=tuple(_section(number, part) for number, part in zip(ids, parts[1:], strict=True)),
    )


def _section_ids(header: BitReader) -> tuple[int, ...]:
    """The header's Fibonacci-coded range list, each value a delta from the previous."""
    ids: list[int] = []
    last = 0
    for _ in range(header.integer(12, "SectionIds count")):
        is_range = header.flag("SectionIds IsARange")
        start = last + header.fibonacci("SectionIds", _FIBONACCI_BITS)
        end = start + header.fibonacci("SectionIds", _FIBONACCI_BITS) if is_range else start
        if end > MAX_SECTION_ID:
            raise DecodeError(f"GPP header lists section id {end}, above the {MAX_SECTION_ID} read")
        ids.extend(range(start, end + 1))
        last = end
    return tuple(ids)


def _section(number: int, text: str) -> GppSection:
    name = SECTION_NAMES.get(number, "unknown")
    try:
        content: TCString | UsPrivacy | UsNat | None
        if number == 2:
            content = decode_tc_string(text)
        elif number == 6:
            content = decode_us_privacy(text)
        elif number == 7:
            content = _usnat(text)
        else:
            content = None
    except DecodeError as error:
        raise DecodeError(f"GPP section {number} ({name}): {error}") from None
    return GppSection(id=number, name=name, content=content)


def _usnat(text: str) -> UsNat:
    parts = text.split(".")
    if len(parts) > 2:
        raise DecodeError(f"usnat has {len(parts)} sub-sections, more than 2")
    core = BitReader(parts[0], "usnat core")
    version = core.integer(6, "Version")
    if version not in _USNAT_LAYOUT:
        raise DecodeError(f"usnat version is {version}, not 1 or 2")
    sensitive, child = _USNAT_LAYOUT[version]

    def answer(field: str) -> int:
        value = core.integer(2, field)
        if value == 3:
            raise DecodeError(f"usnat {field} is 3, which is undefined")
        return value

    def answers(field: str, count: int) -> tuple[int, ...]:
        return tuple(answer(f"{field} {index}") for index in range(1, count + 1))

    return UsNat(
        version=version,
        sharing_notice=answer("SharingNotice"),
        sale_opt_out_notice=answer("SaleOptOutNotice"),
        sharing_opt_out_notice=answer("SharingOptOutNotice"),
        targeted_advertising_opt_out_notice=answer("TargetedAdvertisingOptOutNotice"),
        sensitive_data_processing_opt_out_notice=answer("SensitiveDataProcessingOptOutNotice"),
        sensitive_data_limit_use_notice=answer("SensitiveDataLimitUseNotice"),
        sale_opt_out=answer("SaleOptOut"),
        sharing_opt_out=answer("SharingOptOut"),
        targeted_advertising_opt_out=answer("TargetedAdvertisingOptOut"),
        sensitive_data_processing=answers("SensitiveDataProcessing", sensitive),
        known_child_sensitive_data_consents=answers("KnownChildSensitiveDataConsents", child),
        personal_data_consents=answer("PersonalDataConsents"),
        mspa_covered_transaction=answer("MspaCoveredTransaction"),
        mspa_opt_out_option_mode=answer("MspaOptOutOptionMode"),
        mspa_service_provider_mode=answer("MspaServiceProviderMode"),
        gpc=_gpc(parts[1]) if len(parts) == 2 else None,
    )


def _gpc(text: str) -> bool:
    reader = BitReader(text, "usnat GPC sub-section")
    kind = reader.integer(2, "SubsectionType")
    if kind != 1:
        raise DecodeError(f"usnat sub-section type is {kind}, not 1 (GPC)")
    return reader.flag("Gpc")
