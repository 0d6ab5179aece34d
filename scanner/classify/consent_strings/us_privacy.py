"""The CCPA US Privacy string (``1YNN``), also GPP section 6 (uspv1).

Four characters: the version (1), then whether notice was given, whether the user opted
out of the sale of personal information, and whether the publisher is covered by the
IAB Limited Service Provider Agreement, each ``Y``, ``N`` or ``-`` (not applicable).
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.classify.consent_strings.bits import DecodeError, Record

_ANSWERS = {"Y": True, "N": False, "-": None}
_FIELDS = ("notice given", "opted out of sale", "LSPA covered")


@dataclass(frozen=True)
class UsPrivacy(Record):
    """A decoded US Privacy string; None means not applicable (``-``)."""

    version: int
    notice_given: bool | None
    opted_out_of_sale: bool | None
    lspa_covered: bool | None


def decode_us_privacy(text: object) -> UsPrivacy:
    """Decodes a US Privacy string such as ``1YNN`` or raises DecodeError."""
    if not isinstance(text, str):
        raise DecodeError(f"US Privacy string is not a string but {type(text).__name__}")
    if len(text) != 4:
        shown = repr(text) if len(text) <= 16 else f"{len(text)} characters"
        raise DecodeError(f"US Privacy string {shown} is not 4 characters long")
    if text[0] != "1":
        raise DecodeError(f"US Privacy string {text!r} has version {text[0]!r}, not '1'")
    answers = []
    for field, character in zip(_FIELDS, text[1:], strict=True):
        if character not in _ANSWERS:
            raise DecodeError(
                f"US Privacy string {text!r} has {character!r} for {field}, not Y, N or -"
            )
        answers.append(_ANSWERS[character])
    notice, opted_out, covered = answers
    return UsPrivacy(
        version=1, notice_given=notice, opted_out_of_sale=opted_out, lspa_covered=covered
    )
