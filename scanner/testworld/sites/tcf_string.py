"""The core segment of an IAB TCF v2 TC string, encoded by hand from the specification.

www.consentshop.test's hand-made ``__tcfapi`` stub reports a string made here. Its fields
follow "Transparency and Consent String with Global Vendor & CMP List Formats" (IAB Tech
Lab, TCF v2.2): each field is an unsigned big-endian bit field of the width the
specification gives, in its order; the bits are padded with zeros to whole bytes and
base64url-encoded without padding. Letters (language, country) are 6 bits each, A = 0.
Vendor sections use the bit-field encoding; with ``MaxVendorId`` 0 the field is empty,
which is how a string says that no vendor has consent (or a legitimate interest).

Encoding with ``@iabtcf/core`` itself is not possible without a Global Vendor List (its
encoder refuses), so the tests decode this string with ``@iabtcf/core`` instead, and an
independent decoder is the proof that it says what it is meant to.
"""

import base64
from dataclasses import dataclass
from datetime import UTC, datetime

TCF_V2_2_POLICY_VERSION = 4
"""``TcfPolicyVersion`` of TCF v2.2 (policy version 4)."""


def _bits(value: int, width: int) -> str:
    if not 0 <= value < 1 << width:
        raise ValueError(f"{value} does not fit in {width} bits")
    return format(value, f"0{width}b")


def _letters(code: str) -> str:
    if len(code) != 2 or not code.isascii() or not code.isupper():
        raise ValueError(f"not two capital letters: {code!r}")
    return "".join(_bits(ord(letter) - ord("A"), 6) for letter in code)


def _deciseconds(moment: datetime) -> int:
    return round(moment.timestamp() * 10)


def _flags(chosen: frozenset[int], width: int) -> str:
    """Bit ``n`` (1-based, left to right) set for every id ``n`` in ``chosen``."""
    return "".join("1" if n in chosen else "0" for n in range(1, width + 1))


def _vendor_bit_field(vendors: frozenset[int]) -> str:
    max_vendor_id = max(vendors, default=0)
    return _bits(max_vendor_id, 16) + "0" + _flags(vendors, max_vendor_id)


@dataclass(frozen=True)
class CoreSegment:
    """The fields of a TC string's core segment (version 2); empty sets mean "no"."""

    created: datetime
    last_updated: datetime
    cmp_id: int
    cmp_version: int
    consent_screen: int
    consent_language: str
    vendor_list_version: int
    publisher_cc: str
    tcf_policy_version: int = TCF_V2_2_POLICY_VERSION
    is_service_specific: bool = True
    special_feature_opt_ins: frozenset[int] = frozenset()
    purpose_consents: frozenset[int] = frozenset()
    purpose_legitimate_interests: frozenset[int] = frozenset()
    vendor_consents: frozenset[int] = frozenset()
    vendor_legitimate_interests: frozenset[int] = frozenset()

    def bits(self) -> str:
        """The segment as a string of '0' and '1', before padding."""
        return "".join(
            (
                _bits(2, 6),  # Version
                _bits(_deciseconds(self.created), 36),
                _bits(_deciseconds(self.last_updated), 36),
                _bits(self.cmp_id, 12),
                _bits(self.cmp_version, 12),
                _bits(self.consent_screen, 6),
                _letters(self.consent_language),
                _bits(self.vendor_list_version, 12),
                _bits(self.tcf_policy_version, 6),
                _bits(int(self.is_service_specific), 1),
                _bits(0, 1),  # UseNonStandardTexts
                _flags(self.special_feature_opt_ins, 12),
                _flags(self.purpose_consents, 24),
                _flags(self.purpose_legitimate_interests, 24),
                _bits(0, 1),  # PurposeOneTreatment
                _letters(self.publisher_cc),
                _vendor_bit_field(self.vendor_consents),
                _vendor_bit_field(self.vendor_legitimate_interests),
                _bits(0, 12),  # NumPubRestrictions
            )
        )

    def encode(self) -> str:
        """The segment as it appears in a TC string (base64url, no padding)."""
        bits = self.bits()
        bits += "0" * (-len(bits) % 8)
        raw = int(bits, 2).to_bytes(len(bits) // 8, "big")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


NEW_YEAR_2026 = datetime(2026, 1, 1, tzinfo=UTC)

NO_CONSENT = CoreSegment(
    created=NEW_YEAR_2026,
    last_updated=NEW_YEAR_2026,
    cmp_id=4095,  # the largest 12-bit id: the stub is hand-made, not a registered CMP
    cmp_version=1,
    consent_screen=1,
    consent_language="EN",
    vendor_list_version=100,
    publisher_cc="DE",
)
"""No purpose, special feature or vendor has consent or a legitimate interest."""
