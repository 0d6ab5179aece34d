"""Consent strings: TCF v2 TC strings, GPP strings and US Privacy strings, decoded offline.

The references run for real under Node.js (installed by ``make setup`` under
tests/references): ``tcf_harness.mjs`` makes TC strings with @iabtcf/core 1.5.6 (the IAB
Tech Lab's TCF library) from seeded random choices and decodes them with it;
``gpp_harness.mjs`` does the same for GPP strings with @iabgpp/cmpapi 3.2.0. Our decoder
must give every field the libraries give, for every string. The hand-made strings below
are written bit by bit from the specifications, for the cases the encoders never make
(overlapping ranges, trailing bits, every kind of broken string).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scanner.classify.consent_strings import (
    MAX_STRING_LENGTH,
    MAX_VENDOR_ID,
    DecodeError,
    GppString,
    TCString,
    UsNat,
    UsPrivacy,
    decode_gpp_string,
    decode_tc_string,
    decode_us_privacy,
)

HERE = Path(__file__).resolve().parent
REFERENCES = HERE / "references"
TCF_HARNESS = REFERENCES / "tcf_harness.mjs"
GPP_HARNESS = REFERENCES / "gpp_harness.mjs"
TCF_PACKAGE = REFERENCES / "node_modules" / "@iabtcf" / "core" / "package.json"
GPP_PACKAGE = REFERENCES / "node_modules" / "@iabgpp" / "cmpapi" / "package.json"
SEED = 20_240_501
CASES = 300
TIME_BOUND = 0.05
"""Seconds for any one string; the worst measured is a few milliseconds."""


def _run(harness: Path, package: Path, arguments: list[str], stdin: Any = None) -> Any:
    node = shutil.which("node")
    if node is None or not package.is_file():
        name = package.parent.relative_to(REFERENCES / "node_modules")
        pytest.fail(f"Node.js or {name} (tests/references/node_modules) is missing: run make setup")
    completed = subprocess.run(
        [node, str(harness), *arguments],
        input=json.dumps(stdin) if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@cache
def _tcf_cases() -> list[dict[str, Any]]:
    return _run(TCF_HARNESS, TCF_PACKAGE, ["generate", str(SEED), str(CASES)])


@cache
def _gpp_cases() -> list[dict[str, Any]]:
    return _run(GPP_HARNESS, GPP_PACKAGE, ["generate", str(SEED), str(CASES)])


def _tcf_reference_decode(strings: list[str]) -> list[dict[str, Any]]:
    return _run(TCF_HARNESS, TCF_PACKAGE, ["decode"], strings)


# -- our values in the references' shape ------------------------------------------------


def _millis(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def _ids(values: frozenset[int] | None) -> list[int] | None:
    return None if values is None else sorted(values)


def _tcf_view(tc: TCString) -> dict[str, Any]:
    """Our decoding with @iabtcf/core's names (tcf_harness.mjs's ``decoded``)."""
    segments = ["core"]
    segments += [
        name
        for name, value in (
            ("vendorsDisclosed", tc.disclosed_vendors),
            ("vendorsAllowed", tc.allowed_vendors),
            ("publisherTC", tc.publisher_tc),
        )
        if value is not None
    ]
    publisher = tc.publisher_tc
    return {
        "segments": segments,
        "version": tc.version,
        "created": _millis(tc.created),
        "lastUpdated": _millis(tc.last_updated),
        "cmpId": tc.cmp_id,
        "cmpVersion": tc.cmp_version,
        "consentScreen": tc.consent_screen,
        "consentLanguage": tc.consent_language,
        "vendorListVersion": tc.vendor_list_version,
        "policyVersion": tc.tcf_policy_version,
        "isServiceSpecific": tc.is_service_specific,
        "useNonStandardStacks": tc.use_non_standard_texts,
        "specialFeatureOptins": _ids(tc.special_feature_opt_ins),
        "purposeConsents": _ids(tc.purposes_consent),
        "purposeLegitimateInterests": _ids(tc.purposes_li_transparency),
        "purposeOneTreatment": tc.purpose_one_treatment,
        "publisherCountryCode": tc.publisher_cc,
        "vendorConsents": _ids(tc.vendor_consents),
        "vendorLegitimateInterests": _ids(tc.vendor_legitimate_interests),
        "publisherRestrictions": [
            {
                "purposeId": restriction.purpose_id,
                "restrictionType": restriction.restriction_type,
                "vendors": _ids(restriction.vendor_ids),
            }
            for restriction in tc.publisher_restrictions
        ],
        "vendorsDisclosed": _ids(tc.disclosed_vendors),
        "vendorsAllowed": _ids(tc.allowed_vendors),
        "publisherTC": None
        if publisher is None
        else {
            "publisherConsents": _ids(publisher.purposes_consent),
            "publisherLegitimateInterests": _ids(publisher.purposes_li_transparency),
            "numCustomPurposes": publisher.num_custom_purposes,
            "publisherCustomConsents": _ids(publisher.custom_purposes_consent),
            "publisherCustomLegitimateInterests": _ids(publisher.custom_purposes_li_transparency),
        },
    }


def _tcf_reference_view(decoded: dict[str, Any]) -> dict[str, Any]:
    """The library's decoding, restrictions in our order and without the test-only keys."""
    view = {key: value for key, value in decoded.items() if key != "encodings"}
    view["publisherRestrictions"] = sorted(
        decoded["publisherRestrictions"],
        key=lambda restriction: (restriction["purposeId"], restriction["restrictionType"]),
    )
    return view


_USNAT_FIELDS = {
    "Version": "version",
    "SharingNotice": "sharing_notice",
    "SaleOptOutNotice": "sale_opt_out_notice",
    "SharingOptOutNotice": "sharing_opt_out_notice",
    "TargetedAdvertisingOptOutNotice": "targeted_advertising_opt_out_notice",
    "SensitiveDataProcessingOptOutNotice": "sensitive_data_processing_opt_out_notice",
    "SensitiveDataLimitUseNotice": "sensitive_data_limit_use_notice",
    "SaleOptOut": "sale_opt_out",
    "SharingOptOut": "sharing_opt_out",
    "TargetedAdvertisingOptOut": "targeted_advertising_opt_out",
    "SensitiveDataProcessing": "sensitive_data_processing",
    "KnownChildSensitiveDataConsents": "known_child_sensitive_data_consents",
    "PersonalDataConsents": "personal_data_consents",
    "MspaCoveredTransaction": "mspa_covered_transaction",
    "MspaOptOutOptionMode": "mspa_opt_out_option_mode",
    "MspaServiceProviderMode": "mspa_service_provider_mode",
    "Gpc": "gpc",
}
_USP_LETTERS = {True: "Y", False: "N", None: "-"}


def _usnat_view(usnat: UsNat) -> dict[str, Any]:
    view = {name: getattr(usnat, ours) for name, ours in _USNAT_FIELDS.items()}
    view["SensitiveDataProcessing"] = list(usnat.sensitive_data_processing)
    view["KnownChildSensitiveDataConsents"] = list(usnat.known_child_sensitive_data_consents)
    return view


def _uspv1_view(usp: UsPrivacy) -> dict[str, Any]:
    return {
        "Version": usp.version,
        "Notice": _USP_LETTERS[usp.notice_given],
        "OptOutSale": _USP_LETTERS[usp.opted_out_of_sale],
        "LspaCovered": _USP_LETTERS[usp.lspa_covered],
    }


def _section(gpp: GppString, name: str) -> Any:
    return next(section.content for section in gpp.sections if section.name == name)


# -- writing strings bit by bit, from the specifications --------------------------------

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


class Bits:
    """Fields written most significant bit first, packed as base64url (zero-filled)."""

    def __init__(self) -> None:
        self._bits: list[str] = []

    def add(self, value: int, width: int) -> Bits:
        self._bits.append(format(value, f"0{width}b"))
        return self

    def fibonacci(self, value: int) -> Bits:
        weights = [1, 2]
        while weights[-1] + weights[-2] <= value:
            weights.append(weights[-1] + weights[-2])
        code = ["0"] * len(weights)
        for index in range(len(weights) - 1, -1, -1):
            if weights[index] <= value:
                code[index] = "1"
                value -= weights[index]
        self._bits.append("".join(code).rstrip("0") + "1")
        return self

    def text(self) -> str:
        bits = "".join(self._bits)
        bits += "0" * (-len(bits) % 6)
        return "".join(_ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


def core(version: int = 2, language: tuple[int, int] = (4, 13)) -> Bits:
    """A core segment's fixed fields, up to the vendor consents."""
    bits = Bits().add(version, 6).add(16_000_000_000, 36).add(16_000_000_001, 36)
    bits.add(300, 12).add(7, 12).add(1, 6).add(language[0], 6).add(language[1], 6)
    bits.add(150, 12).add(5, 6).add(1, 1).add(0, 1)
    bits.add(0b100000000001, 12).add((1 << 24) - 1, 24).add(0b0100001, 24).add(0, 1)
    return bits.add(3, 6).add(4, 6)  # publisher CC "DE"


def vendor_ranges(bits: Bits, max_id: int, entries: list[tuple[int, int]]) -> Bits:
    bits.add(max_id, 16).add(1, 1).add(len(entries), 12)
    for start, end in entries:
        if start == end:
            bits.add(0, 1).add(start, 16)
        else:
            bits.add(1, 1).add(start, 16).add(end, 16)
    return bits


def vendor_bitfield(bits: Bits, ids: set[int], max_id: int) -> Bits:
    bits.add(max_id, 16).add(0, 1)
    for vendor in range(1, max_id + 1):
        bits.add(vendor in ids, 1)
    return bits


def restrictions(bits: Bits, groups: list[tuple[int, int, list[tuple[int, int]]]]) -> Bits:
    bits.add(len(groups), 12)
    for purpose, kind, entries in groups:
        bits.add(purpose, 6).add(kind, 2).add(len(entries), 12)
        for start, end in entries:
            bits.add(1, 1).add(start, 16).add(end, 16)
    return bits


def empty_vendors(bits: Bits) -> Bits:
    """Empty vendor consents and legitimate interests, no restrictions."""
    return bits.add(0, 16).add(0, 1).add(0, 16).add(0, 1).add(0, 12)


def gpp_header(sections: list[int], version: int = 1, kind: int = 3) -> Bits:
    bits = Bits().add(kind, 6).add(version, 6).add(len(sections), 12)
    last = 0
    for section in sections:
        bits.add(0, 1).fibonacci(section - last)
        last = section
    return bits


def usnat(values: list[int], version: int = 2) -> str:
    bits = Bits().add(version, 6)
    for value in values:
        bits.add(value, 2)
    return bits.text()


USNAT_V2 = [1, 2, 0, 1, 2, 0, 1, 2, 1, *([2] * 16), 1, 0, 2, 2, 1, 2, 0]
"""The 31 two-bit fields of usnat version 2, in order."""


# -- TCF: parity with @iabtcf/core --------------------------------------------------------


def test_every_generated_tc_string_decodes_as_iabtcf_core_decodes_it() -> None:
    cases = _tcf_cases()
    disagreements = [
        case["tcString"]
        for case in cases
        if _tcf_view(decode_tc_string(case["tcString"])) != _tcf_reference_view(case["decoded"])
    ]
    agreed = len(cases) - len(disagreements)
    assert len(cases) == CASES
    assert not disagreements, f"{agreed}/{len(cases)} agree; first other: {disagreements[0]}"


def test_the_generated_strings_cover_every_encoding_and_segment() -> None:
    cases = [case["decoded"] for case in _tcf_cases()]
    encodings = Counter(encoding for case in cases for encoding in case["encodings"].items())
    for vector in ("vendorConsents", "vendorLegitimateInterests"):
        assert encodings[(vector, "range")] >= 10
        assert encodings[(vector, "bitfield")] >= 10
    segments = Counter(segment for case in cases for segment in case["segments"])
    assert min(segments.values()) >= 30 and len(segments) == 4
    assert sum(1 for case in cases if case["publisherRestrictions"]) >= 30
    kinds = {entry["restrictionType"] for case in cases for entry in case["publisherRestrictions"]}
    assert kinds == {0, 1, 2}
    assert len({case["vendorListVersion"] for case in cases}) >= 100
    assert len({case["consentLanguage"] for case in cases}) >= 5
    assert any(case["publisherTC"] and case["publisherTC"]["numCustomPurposes"] for case in cases)
    assert max(max(case["vendorConsents"], default=0) for case in cases) > 2000


def _hand_made_tc_strings() -> dict[str, str]:
    """Valid strings no encoder makes: overlaps, repeated restriction groups, trailing bits."""
    overlapping = vendor_ranges(core(), 40, [(5, 20), (1, 10), (3, 3), (30, 30), (21, 22)])
    vendor_bitfield(overlapping, {1, 3, 8}, 8)
    restrictions(overlapping, [(2, 1, [(4, 9)]), (7, 0, [(1, 1)]), (2, 1, [(8, 12), (20, 21)])])
    trailing = empty_vendors(core()).add(0b101101, 6)
    segments = empty_vendors(core()).text()
    segments += "." + vendor_ranges(Bits().add(1, 3), 9000, [(1, 9000)]).text()
    segments += "." + vendor_bitfield(Bits().add(2, 3), {2, 7}, 7).text()
    custom = Bits().add(3, 3).add(5, 24).add(9, 24).add(63, 6)
    custom.add((1 << 63) - 1, 63).add(1, 63)
    return {
        "overlapping ranges and repeated groups": overlapping.text(),
        "non-zero bits after the last field": trailing.text(),
        "all optional segments": segments + "." + custom.text(),
        "empty vendor sets": empty_vendors(core()).text(),
    }


def test_hand_made_tc_strings_decode_as_iabtcf_core_decodes_them() -> None:
    strings = _hand_made_tc_strings()
    references = _tcf_reference_decode(list(strings.values()))
    for (name, text), reference in zip(strings.items(), references, strict=True):
        assert "decoded" in reference, f"{name}: {reference}"
        ours = _tcf_view(decode_tc_string(text))
        assert ours == _tcf_reference_view(reference["decoded"]), name


def test_the_fields_of_a_hand_made_tc_string() -> None:
    tc = decode_tc_string(_hand_made_tc_strings()["overlapping ranges and repeated groups"])
    assert tc.created == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
    assert tc.last_updated == datetime(2020, 9, 13, 12, 26, 40, 100_000, tzinfo=UTC)
    assert (tc.cmp_id, tc.cmp_version, tc.consent_screen) == (300, 7, 1)
    assert (tc.consent_language, tc.publisher_cc) == ("EN", "DE")
    assert (tc.vendor_list_version, tc.tcf_policy_version) == (150, 5)
    assert tc.is_service_specific and not tc.use_non_standard_texts
    assert tc.special_feature_opt_ins == {1, 12}
    assert tc.purposes_consent == frozenset(range(1, 25))
    assert tc.purposes_li_transparency == {19, 24}
    assert tc.vendor_consents == frozenset(range(1, 23)) | {30}
    assert tc.vendor_legitimate_interests == {1, 3, 8}
    assert [
        (r.purpose_id, r.restriction_type, sorted(r.vendor_ids)) for r in tc.publisher_restrictions
    ] == [
        (2, 1, [4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 21]),
        (7, 0, [1]),
    ]
    assert tc.disclosed_vendors is None and tc.publisher_tc is None


def test_padding_is_tolerated() -> None:
    text = empty_vendors(core()).add(0, 12).text()
    assert len(text) % 4 == 2
    assert decode_tc_string(text + "==") == decode_tc_string(text)
    assert decode_tc_string(text + ".IAAA==").disclosed_vendors == set()


def test_to_json_is_plain_json_with_sorted_lists_and_utc_times() -> None:
    case = next(
        c
        for c in _tcf_cases()
        if c["decoded"]["publisherTC"]
        and c["decoded"]["publisherRestrictions"]
        and c["decoded"]["vendorsDisclosed"]
    )
    tc = decode_tc_string(case["tcString"])
    plain = tc.to_json()
    assert json.loads(json.dumps(plain)) == plain
    assert plain["vendor_consents"] == sorted(tc.vendor_consents)
    assert plain["created"].endswith("Z") and datetime.fromisoformat(plain["created"]) == tc.created
    restriction = plain["publisher_restrictions"][0]
    assert set(restriction) == {"purpose_id", "restriction_type", "vendor_ids"}
    assert plain["publisher_tc"]["purposes_consent"] == sorted(tc.publisher_tc.purposes_consent)
    assert plain["disclosed_vendors"] == sorted(tc.disclosed_vendors)
    with pytest.raises(AttributeError):
        tc.cmp_id = 1  # type: ignore[misc]


# -- TCF: hostile input -------------------------------------------------------------------


def _restriction_flood() -> str:
    """One range over every vendor in each of 180 restriction groups: ~1.8 million ids."""
    groups = [
        (purpose, kind, [(1, MAX_VENDOR_ID)]) for purpose in range(1, 61) for kind in range(3)
    ]
    return restrictions(core().add(0, 16).add(0, 1).add(0, 16).add(0, 1), groups).text()


def _longest_range_list() -> str:
    """As many range entries as the longest string read holds, each over every vendor."""
    bits = core()
    for _ in range(2):
        vendor_ranges(
            bits, MAX_VENDOR_ID, [(1, MAX_VENDOR_ID)] * ((MAX_STRING_LENGTH * 6 - 300) // 66)
        )
    return bits.add(0, 12).text()


HOSTILE_TC: list[tuple[str, object, str]] = [
    ("empty", "", "is empty"),
    ("None", None, "not a string but NoneType"),
    ("bytes", b"COw4XqLOw4XqLAAAAAENAXCAAAAAAAAAAAAAAAAAAAAA", "not a string but bytes"),
    ("a number", 12, "not a string but int"),
    ("huge", "C" + "A" * 5_000_000, "more than the 16384 read"),
    ("a million range entries", "C" + "A" * (1_000_000 * 33 // 6), "more than the 16384 read"),
    ("not base64", "CO!w4XqLOw4XqL", "holds '!' at 2"),
    ("spaces", "COw4 XqL", "holds ' ' at 4"),
    ("non-ASCII", "COw4Xé", "holds 'é' at 5"),
    ("padding inside", "CO=w4XqL", "holds '=' at 2"),
    ("padding only", "===", "no data before its padding"),
    ("three padding characters", "COw4X===", "more than two padding characters"),
    ("one character", "C", "ends inside Created"),
    ("truncated core", empty_vendors(core()).text()[:30], "ends inside"),
    ("version 1", "BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA", "TCF v1 (version 1)"),
    ("version 3", core(version=3).text(), "version is 3, not 2"),
    ("version 0", "AAAA", "version is 0, not 2"),
    ("language letter past Z", empty_vendors(core(language=(4, 40))).text(), "letter number 40"),
    (
        "MaxVendorId 65535 ranges",
        vendor_ranges(core(), 65535, [(1, 65535)]).add(0, 48).text(),
        "MaxVendorId is 65535, above the 10000 read",
    ),
    (
        "bit field longer than the string",
        core().add(5000, 16).add(0, 1).add(0, 100).text(),
        "ends inside VendorConsents bit field",
    ),
    (
        "range entries past the end",
        core().add(100, 16).add(1, 1).add(4095, 12).add(0, 1).add(3, 16).text(),
        "ends inside VendorConsents",
    ),
    (
        "range ending before it starts",
        vendor_ranges(core(), 50, [(20, 10)]).add(0, 29).text(),
        "range 20-10, outside 1-50",
    ),
    ("vendor 0", vendor_ranges(core(), 50, [(0, 0)]).add(0, 29).text(), "range 0-0"),
    (
        "vendor above MaxVendorId",
        vendor_ranges(core(), 50, [(40, 60)]).add(0, 29).text(),
        "range 40-60, outside 1-50",
    ),
    (
        "restriction type 3",
        restrictions(core().add(0, 34), [(2, 3, [(1, 5)])]).text(),
        "restriction type 3 is undefined",
    ),
    (
        "restriction for purpose 0",
        restrictions(core().add(0, 34), [(0, 1, [(1, 5)])]).text(),
        "for purpose 0",
    ),
    (
        "restriction vendor above the cap",
        restrictions(core().add(0, 34), [(2, 1, [(1, 60000)])]).text(),
        "range 1-60000, outside 1-10000",
    ),
    ("restriction flood", _restriction_flood(), "more than 50000 vendor ids in all"),
    (
        "five segments",
        ".".join([empty_vendors(core()).text(), "IAAA", "QAAA", "YAAA", "IAAA"]),
        "5 segments",
    ),
    ("empty segment", empty_vendors(core()).text() + "..IAAA", "TC string segment 2 is empty"),
    (
        "second core segment",
        empty_vendors(core()).text() + "." + core().text(),
        "a second core segment",
    ),
    ("undefined segment type", empty_vendors(core()).text() + ".oAAA", "undefined type 5"),
    (
        "repeated segment",
        empty_vendors(core()).text() + ".IAAA.IAAA",
        "two disclosed vendors segments",
    ),
    (
        "truncated publisher TC",
        empty_vendors(core()).text() + "." + Bits().add(3, 3).add(0, 48).add(63, 6).text(),
        "ends inside CustomPurposesConsent",
    ),
]


@pytest.mark.parametrize(
    ("text", "reason"),
    [pytest.param(text, reason, id=name) for name, text, reason in HOSTILE_TC],
)
def test_hostile_tc_strings_give_a_one_line_decode_error_quickly(text: object, reason: str) -> None:
    elapsed = []
    for _ in range(3):
        start = time.perf_counter()
        with pytest.raises(DecodeError) as caught:
            decode_tc_string(text)
        elapsed.append(time.perf_counter() - start)
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message and len(message) < 200
    assert min(elapsed) < TIME_BOUND, f"{min(elapsed) * 1000:.1f} ms"


def test_the_longest_valid_string_decodes_quickly() -> None:
    """A string of the longest length read, every entry a range: the slowest success."""
    text = _longest_range_list()
    assert MAX_STRING_LENGTH - 100 < len(text) <= MAX_STRING_LENGTH
    elapsed = []
    for _ in range(3):
        start = time.perf_counter()
        tc = decode_tc_string(text)
        elapsed.append(time.perf_counter() - start)
    assert tc.vendor_consents == frozenset(range(1, MAX_VENDOR_ID + 1))
    assert min(elapsed) < TIME_BOUND


def _mutations(text: str, rng: random.Random) -> list[str]:
    cut = rng.randrange(len(text))
    position = rng.randrange(len(text))
    replaced = text[:position] + rng.choice(_ALPHABET + ".~=") + text[position + 1 :]
    noise = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(1, 80)))
    return [text[:cut], replaced, noise, text + noise, "C" + noise, "DB" + noise]


def test_mutated_strings_decode_or_raise_decode_error_only() -> None:
    rng = random.Random(SEED)
    outcomes = Counter()
    strings = [case["tcString"] for case in _tcf_cases()] + [c["gppString"] for c in _gpp_cases()]
    for text in strings:
        for mutated in _mutations(text, rng):
            for decode in (decode_tc_string, decode_gpp_string, decode_us_privacy):
                try:
                    decode(mutated)
                    outcomes["decoded"] += 1
                except DecodeError:
                    outcomes["refused"] += 1
    assert outcomes["decoded"] > 100 and outcomes["refused"] > 1000


# -- US Privacy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1YNN", (True, False, False)),
        ("1NYY", (False, True, True)),
        ("1---", (None, None, None)),
        ("1Y-N", (True, None, False)),
    ],
)
def test_us_privacy_strings(text: str, expected: tuple[bool | None, ...]) -> None:
    usp = decode_us_privacy(text)
    assert usp.version == 1
    assert (usp.notice_given, usp.opted_out_of_sale, usp.lspa_covered) == expected
    assert usp.to_json() == dict(
        zip(
            ("version", "notice_given", "opted_out_of_sale", "lspa_covered"),
            (1, *expected),
            strict=True,
        )
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is not 4 characters long"),
        ("1YN", "'1YN' is not 4 characters long"),
        ("1YNNN", "is not 4 characters long"),
        ("1YNN" * 10_000, "40000 characters is not 4"),
        ("2YNN", "version '2', not '1'"),
        ("1ynn", "'y' for notice given"),
        ("1YXN", "'X' for opted out of sale"),
        ("1YN\n", "'\\n' for LSPA covered"),
        (None, "not a string but NoneType"),
        (["1YNN"], "not a string but list"),
    ],
)
def test_invalid_us_privacy_strings(text: object, reason: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_us_privacy(text)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


# -- GPP: parity with @iabgpp/cmpapi ------------------------------------------------------


def test_every_generated_gpp_string_decodes_as_iabgpp_cmpapi_decodes_it() -> None:
    cases = _gpp_cases()
    disagreements = []
    for case in cases:
        gpp = decode_gpp_string(case["gppString"])
        reference = case["decoded"]
        ours: dict[str, Any] = {"sectionIds": list(gpp.section_ids), "usnat": None, "uspv1": None}
        if 7 in gpp.section_ids:
            ours["usnat"] = _usnat_view(_section(gpp, "usnat"))
        if 6 in gpp.section_ids:
            ours["uspv1"] = _uspv1_view(_section(gpp, "uspv1"))
        if ours != reference:
            disagreements.append(case["gppString"])
    assert len(cases) == CASES
    assert not disagreements, f"{len(cases) - len(disagreements)}/{len(cases)} agree"


def test_the_generated_gpp_strings_cover_both_usnat_versions_and_gpc() -> None:
    kinds = Counter(
        (case["decoded"]["usnat"]["Version"], case["decoded"]["usnat"]["Gpc"] is not None)
        for case in _gpp_cases()
        if case["decoded"]["usnat"]
    )
    assert len(kinds) == 4 and min(kinds.values()) >= 20
    assert sum(1 for case in _gpp_cases() if case["tcfeuv2"]) >= 30
    assert len({tuple(case["decoded"]["sectionIds"]) for case in _gpp_cases()}) >= 30


def test_tcfeuv2_sections_hold_what_the_gpp_encoder_was_given() -> None:
    """The GPP library is a second TC string encoder (its own range/bit field choice)."""
    checked = 0
    for case in _gpp_cases():
        given = case["tcfeuv2"]
        if given is None:
            continue
        tc = _section(decode_gpp_string(case["gppString"]), "tcfeuv2")
        grouped: dict[tuple[int, int], set[int]] = {}
        for entry in given["publisherRestrictions"]:
            grouped.setdefault((entry["purposeId"], entry["restrictionType"]), set()).update(
                entry["vendors"]
            )
        assert _millis(tc.created) == given["created"]
        assert (tc.cmp_id, tc.vendor_list_version) == (given["cmpId"], given["vendorListVersion"])
        assert sorted(tc.purposes_consent) == given["purposeConsents"]
        assert sorted(tc.purposes_li_transparency) == given["purposeLegitimateInterests"]
        assert sorted(tc.vendor_consents) == given["vendorConsents"]
        assert sorted(tc.vendor_legitimate_interests) == given["vendorLegitimateInterests"]
        assert {
            (r.purpose_id, r.restriction_type): set(r.vendor_ids) for r in tc.publisher_restrictions
        } == grouped
        checked += 1
    assert checked >= 30


def test_a_hand_made_gpp_string() -> None:
    text = "~".join(
        [
            gpp_header([2, 6, 7, 8, 30]).text(),
            empty_vendors(core()).text(),
            "1YYN",
            usnat(USNAT_V2) + "." + Bits().add(1, 2).add(1, 1).text(),
            "BVVVVVVQ",
            "anything",
        ]
    )
    gpp = decode_gpp_string(text)
    assert gpp.version == 1 and gpp.section_ids == (2, 6, 7, 8, 30)
    assert [(s.id, s.name) for s in gpp.sections] == [
        (2, "tcfeuv2"),
        (6, "uspv1"),
        (7, "usnat"),
        (8, "usca"),
        (30, "unknown"),
    ]
    assert _section(gpp, "tcfeuv2").cmp_id == 300
    assert _section(gpp, "uspv1").opted_out_of_sale is True
    nat = _section(gpp, "usnat")
    assert (nat.version, nat.sharing_notice, nat.sale_opt_out_notice) == (2, 1, 2)
    assert (nat.sale_opt_out, nat.sharing_opt_out, nat.targeted_advertising_opt_out) == (1, 2, 1)
    assert nat.sensitive_data_processing == (2,) * 16
    assert nat.known_child_sensitive_data_consents == (1, 0, 2)
    assert (nat.personal_data_consents, nat.mspa_covered_transaction) == (2, 1)
    assert (nat.mspa_opt_out_option_mode, nat.mspa_service_provider_mode, nat.gpc) == (2, 0, True)
    plain = gpp.to_json()
    assert json.loads(json.dumps(plain)) == plain
    assert plain["sections"][3] == {
        "id": 8,
        "name": "usca",
        "content": None,
        "status": "not decoded",
    }
    assert plain["sections"][2]["status"] == "decoded"
    assert plain["sections"][2]["content"]["sensitive_data_processing"] == [2] * 16


def test_a_gpp_header_range_of_sections() -> None:
    header = Bits().add(3, 6).add(1, 6).add(1, 12).add(1, 1).fibonacci(6).fibonacci(2).text()
    gpp = decode_gpp_string("~".join([header, "1NNN", usnat(USNAT_V2), "x"]))
    assert gpp.section_ids == (6, 7, 8)
    assert _section(gpp, "usnat").gpc is None


def test_an_empty_gpp_string() -> None:
    assert decode_gpp_string(gpp_header([]).text()).sections == ()


def test_us_privacy_agrees_with_the_gpp_librarys_uspv1_on_every_value() -> None:
    header = gpp_header([6]).text()
    values = [f"1{a}{b}{c}" for a in "YN-" for b in "YN-" for c in "YN-"]
    references = _run(GPP_HARNESS, GPP_PACKAGE, ["decode"], [f"{header}~{v}" for v in values])
    for value, reference in zip(values, references, strict=True):
        assert reference["decoded"]["uspv1"] == _uspv1_view(decode_us_privacy(value)), value


HOSTILE_GPP: list[tuple[str, object, str]] = [
    ("empty", "", "GPP string is empty"),
    ("None", None, "not a string but NoneType"),
    ("huge", "DB" + "A" * 100_000, "more than the 16384 read"),
    ("a TC string", empty_vendors(core()).text(), "type is 2, not 3: this is not a GPP string"),
    ("header version 2", gpp_header([6], version=2).text() + "~1YNN", "version is 2, not 1"),
    (
        "too many sections",
        gpp_header([6]).text() + "~1YNN~1YNN",
        "lists 1 sections but the string has 2",
    ),
    (
        "too few sections",
        gpp_header([6, 7]).text() + "~1YNN",
        "lists 2 sections but the string has 1",
    ),
    ("truncated header", "DBAB", "ends inside SectionIds"),
    (
        "endless Fibonacci code",
        Bits().add(3, 6).add(1, 6).add(1, 12).add(0, 1).add(0, 40).text(),
        "over 16 bits",
    ),
    ("section id past the cap", gpp_header([300]).text() + "~x", "section id 300, above the 255"),
    ("not base64", "DB!A~1YNN", "holds '!' at 2"),
    (
        "bad uspv1",
        gpp_header([6]).text() + "~2YNN",
        "GPP section 6 (uspv1): US Privacy string '2YNN'",
    ),
    ("usnat value 3", gpp_header([7]).text() + "~" + usnat([3] * 31), "usnat SharingNotice is 3"),
    (
        "usnat version 3",
        gpp_header([7]).text() + "~" + usnat(USNAT_V2, version=3),
        "usnat version is 3",
    ),
    (
        "usnat truncated",
        gpp_header([7]).text() + "~" + usnat(USNAT_V2)[:6],
        "usnat core ends inside",
    ),
    (
        "usnat v1 truncated",
        gpp_header([7]).text() + "~" + usnat([0] * 20, version=1),
        "ends inside",
    ),
    (
        "usnat three parts",
        gpp_header([7]).text() + "~" + usnat(USNAT_V2) + ".QA.QA",
        "3 sub-sections",
    ),
    (
        "usnat GPC type 2",
        gpp_header([7]).text() + "~" + usnat(USNAT_V2) + ".gA",
        "sub-section type is 2",
    ),
    (
        "usnat GPC empty",
        gpp_header([7]).text() + "~" + usnat(USNAT_V2) + ".",
        "usnat GPC sub-section is empty",
    ),
    (
        "bad tcfeuv2",
        gpp_header([2]).text() + "~BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA",
        "GPP section 2 (tcfeuv2): TC string is TCF v1",
    ),
]


@pytest.mark.parametrize(
    ("text", "reason"),
    [pytest.param(text, reason, id=name) for name, text, reason in HOSTILE_GPP],
)
def test_hostile_gpp_strings_give_a_one_line_decode_error_quickly(
    text: object, reason: str
) -> None:
    start = time.perf_counter()
    with pytest.raises(DecodeError) as caught:
        decode_gpp_string(text)
    assert time.perf_counter() - start < TIME_BOUND
    assert reason in str(caught.value) and "\n" not in str(caught.value)
