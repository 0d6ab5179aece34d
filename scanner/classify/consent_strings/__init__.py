"""Offline decoders of the consent signals a page exposes to its vendors.

* :func:`decode_tc_string`: IAB TCF v2 TC strings (``__tcfapi``), every field of the
  core segment and the optional disclosed vendors, allowed vendors and publisher TC
  segments.
* :func:`decode_gpp_string`: IAB GPP strings (``__gpp``): the header, and sections 2
  (tcfeuv2), 6 (uspv1) and 7 (usnat); others are listed as not decoded.
* :func:`decode_us_privacy`: the CCPA US Privacy string (``__uspapi``, ``1YNN``).

Each returns a frozen dataclass whose ``to_json()`` is plain JSON for scan.json, or
raises :class:`DecodeError` (a ValueError) with a one-line reason, whatever the input:
sizes are bounded so that a hostile string costs milliseconds at most.
"""

from scanner.classify.consent_strings.bits import MAX_STRING_LENGTH, DecodeError
from scanner.classify.consent_strings.gpp import (
    SECTION_NAMES,
    GppSection,
    GppString,
    UsNat,
    decode_gpp_string,
)
from scanner.classify.consent_strings.tcf import (
    MAX_VENDOR_ID,
    MAX_VENDOR_IDS,
    RESTRICTION_TYPES,
    PublisherRestriction,
    PublisherTC,
    TCString,
    decode_tc_string,
)
from scanner.classify.consent_strings.us_privacy import UsPrivacy, decode_us_privacy

__all__ = [
    "MAX_STRING_LENGTH",
    "MAX_VENDOR_ID",
    "MAX_VENDOR_IDS",
    "RESTRICTION_TYPES",
    "SECTION_NAMES",
    "DecodeError",
    "GppSection",
    "GppString",
    "PublisherRestriction",
    "PublisherTC",
    "TCString",
    "UsNat",
    "UsPrivacy",
    "decode_gpp_string",
    "decode_tc_string",
    "decode_us_privacy",
]
