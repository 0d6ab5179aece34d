"""Reading the bit fields of base64url-packed consent strings, with bounds on everything.

TC strings and GPP sections pack fixed-width integers, bit fields and Fibonacci-coded
integers most significant bit first, six bits to a base64url character. A site hands us
whatever its page holds, so every read checks that the bits are there and every failure
is a :class:`DecodeError` with a one-line reason.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAX_STRING_LENGTH = 16_384
"""Characters read at most. Consent strings are kept in cookies, which browsers cap at
4 KB; a TC string with every vendor of the 2025 list is under 1 KB. The cap bounds the
work: the longest string costs a few milliseconds."""

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_TO_STANDARD = str.maketrans("-_", "+/")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class DecodeError(ValueError):
    """A consent string that cannot be decoded; the message says why, in one line."""


def check_text(text: object, what: str) -> str:
    """``text`` itself, or a DecodeError when it is not a non-empty string of bounded size."""
    if not isinstance(text, str):
        raise DecodeError(f"{what} is not a string but {type(text).__name__}")
    if not text:
        raise DecodeError(f"{what} is empty")
    if len(text) > MAX_STRING_LENGTH:
        raise DecodeError(
            f"{what} is {len(text)} characters long, more than the {MAX_STRING_LENGTH} read"
        )
    return text


def moment(deciseconds: int) -> datetime:
    """The UTC time of a count of deciseconds since the Unix epoch (36 bits always fit)."""
    return _EPOCH + timedelta(milliseconds=deciseconds * 100)


class BitReader:
    """Reads one base64url segment from its first bit on, ``position`` being the next bit."""

    __slots__ = ("_bits", "position", "what")

    def __init__(self, text: str, what: str) -> None:
        """Decodes ``text`` (base64url, trailing ``=`` padding tolerated) for ``what``."""
        if not text:
            raise DecodeError(f"{what} is empty")
        if not _BASE64URL.fullmatch(text):
            raise DecodeError(f"{what} {_why_not_base64url(text)}")
        body = text.rstrip("=")
        data = binascii.a2b_base64(body.translate(_TO_STANDARD) + "A" * (-len(body) % 4))
        length = 6 * len(body)
        self._bits = format(int.from_bytes(data, "big"), "b").zfill(8 * len(data))[:length]
        self.position = 0
        self.what = what

    def _take(self, count: int, field: str) -> str:
        start = self.position
        if count > len(self._bits) - start:
            raise DecodeError(
                f"{self.what} ends inside {field}: {count} bits needed at bit {start}, "
                f"{len(self._bits) - start} left"
            )
        self.position = start + count
        return self._bits[start : self.position]

    def integer(self, count: int, field: str) -> int:
        """The next ``count`` bits as an unsigned integer."""
        return int(self._take(count, field), 2)

    def flag(self, field: str) -> bool:
        """The next bit as a boolean."""
        return self._take(1, field) == "1"

    def bitfield(self, count: int, field: str) -> frozenset[int]:
        """The positions (from 1) of the set bits among the next ``count`` bits."""
        bits = self._take(count, field)
        return frozenset(index for index, bit in enumerate(bits, 1) if bit == "1")

    def ranges(self, count: int, width: int, field: str) -> list[tuple[int, int]]:
        """``count`` entries of a flag and one ``width``-bit id, or two (an inclusive range)
        when the flag is set, as (start, end) pairs. One loop without calls: a string can
        hold ten thousand entries."""
        bits, position, length = self._bits, self.position, len(self._bits)
        entries = []
        for _ in range(count):
            end_of_start = position + 1 + width
            if end_of_start > length or (bits[position] == "1" and end_of_start + width > length):
                self.position = position
                raise DecodeError(f"{self.what} ends inside {field} at bit {position}")
            start = int(bits[position + 1 : end_of_start], 2)
            if bits[position] == "1":
                position = end_of_start + width
                entries.append((start, int(bits[end_of_start:position], 2)))
            else:
                position = end_of_start
                entries.append((start, start))
        self.position = position
        return entries

    def fibonacci(self, field: str, max_bits: int) -> int:
        """A Fibonacci-coded positive integer (its code ends at the first ``11``).

        Codes longer than ``max_bits`` are refused: the value grows exponentially with
        the length, and no field read this way needs large values.
        """
        value = 0
        previous = False
        low, high = 1, 2
        for _ in range(max_bits):
            bit = self.flag(field)
            if bit and previous:
                return value
            if bit:
                value += low
            previous = bit
            low, high = high, low + high
        raise DecodeError(f"{self.what}: the Fibonacci code of {field} is over {max_bits} bits")


def _why_not_base64url(text: str) -> str:
    if text.startswith("="):
        return "has no data before its padding"
    stray = re.search(r"[^A-Za-z0-9_-]", text.rstrip("="))
    if stray is None:
        return "has more than two padding characters"
    return f"holds {stray.group()!r} at {stray.start()}, which is not base64url"


@dataclass(frozen=True)
class Record:
    """A decoded value that becomes plain JSON for scan.json: sets as sorted lists,
    times as ISO 8601 UTC strings with milliseconds."""

    def to_json(self) -> dict[str, object]:
        return {name: _plain(value) for name, value in vars(self).items()}


def _plain(value: object) -> object:
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value
