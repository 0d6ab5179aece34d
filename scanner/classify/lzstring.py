"""lz-string decompression (the JavaScript library's four input forms), bounded.

lz-string is an LZW variant some tracking SDKs use to pack event batches. Its output is
a bit stream of variable-width codes: a 2-bit (later ``num_bits``-bit) code selects
"next character is a literal of 8 bits", "... of 16 bits", "end of stream" or a
dictionary entry. Every entry read adds one entry (previous entry + first character of
the current one) and the code width grows by one bit each time the dictionary size
passes a power of two. Within each input symbol, bits are read from the most
significant end; a code's bits are assembled least significant first.

The input forms differ only in how bits are packed into symbols: 16 bits per UTF-16
code unit (``compress``), 15 bits offset by 32 (``compressToUTF16``), and 6 bits per
character of a base64 alphabet (``compressToBase64``, ``compressToEncodedURIComponent``).

Every function returns ``None`` for a stream that is not valid lz-string (an unknown
code, a stream that ends before its end marker) and raises :class:`OutputLimit` when
the output would pass ``max_output`` code units: a hostile stream can expand
quadratically.
"""

from __future__ import annotations

from collections.abc import Callable

_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_URI_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$"
_BASE64_VALUES = {char: index for index, char in enumerate(_BASE64)}
_URI_SAFE_VALUES = {char: index for index, char in enumerate(_URI_SAFE)}
DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024
"""Code units (characters) of output at most."""


class OutputLimit(Exception):
    """The decompressed text would exceed the output limit."""


class _Bits:
    """Reads codes from symbols of ``width`` bits each."""

    __slots__ = ("_next", "_reset", "_symbols", "index", "position", "value")

    def __init__(self, symbols: list[int], width: int) -> None:
        self._symbols = symbols
        self._reset = 1 << (width - 1)
        self._next = 1
        self.value = symbols[0] if symbols else 0
        self.position = self._reset

    def read(self, count: int) -> int:
        result = 0
        power = 1
        for _ in range(count):
            if self.value & self.position:
                result |= power
            self.position >>= 1
            if self.position == 0:
                self.position = self._reset
                index = self._next
                self.value = self._symbols[index] if index < len(self._symbols) else 0
                self._next = index + 1
            power <<= 1
        return result

    @property
    def exhausted(self) -> bool:
        return self._next > len(self._symbols)


def _decompress(symbols: list[int], width: int, max_output: int) -> str | None:
    bits = _Bits(symbols, width)
    first = bits.read(2)
    if first == 2:
        return ""
    if first > 2:
        return None
    char = chr(bits.read(8 if first == 0 else 16))
    dictionary: list[str] = ["", "", "", char]
    previous = char
    parts = [char]
    produced = 1
    enlarge_in = 4
    num_bits = 3
    while True:
        if bits.exhausted:
            return None  # the stream ended without its end marker
        code = bits.read(num_bits)
        if code == 2:
            return _join(parts)
        if code < 2:
            dictionary.append(chr(bits.read(8 if code == 0 else 16)))
            code = len(dictionary) - 1
            enlarge_in -= 1
            if enlarge_in == 0:
                enlarge_in = 1 << num_bits
                num_bits += 1
        if code < len(dictionary):
            entry = dictionary[code]
        elif code == len(dictionary):
            entry = previous + previous[0]
        else:
            return None
        produced += len(entry)
        if produced > max_output:
            raise OutputLimit(f"lz-string output above {max_output} characters")
        parts.append(entry)
        dictionary.append(previous + entry[0])
        previous = entry
        enlarge_in -= 1
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1


def _join(parts: list[str]) -> str:
    """The output as Python text: UTF-16 surrogate pairs joined, lone ones kept."""
    text = "".join(parts)
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _units(text: str) -> list[int]:
    """UTF-16 code units, as JavaScript's ``charCodeAt`` sees the string."""
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def _from_alphabet(
    text: str, values: dict[str, int], max_output: int, prepare: Callable[[str], str]
) -> str | None:
    if not text:
        return None
    prepared = prepare(text)
    return _decompress([values.get(char, 0) for char in prepared], 6, max_output)


def decompress(text: str, max_output: int = DEFAULT_MAX_OUTPUT) -> str | None:
    """The inverse of ``LZString.compress`` (16 bits per code unit)."""
    return _decompress(_units(text), 16, max_output) if text else None


def decompressFromUTF16(text: str, max_output: int = DEFAULT_MAX_OUTPUT) -> str | None:
    """The inverse of ``LZString.compressToUTF16`` (15 bits per code unit, offset 32)."""
    if not text:
        return None
    return _decompress([unit - 32 for unit in _units(text)], 15, max_output)


def decompressFromBase64(text: str, max_output: int = DEFAULT_MAX_OUTPUT) -> str | None:
    """The inverse of ``LZString.compressToBase64``."""
    return _from_alphabet(text, _BASE64_VALUES, max_output, lambda value: value)


def decompressFromEncodedURIComponent(
    text: str, max_output: int = DEFAULT_MAX_OUTPUT
) -> str | None:
    """The inverse of ``LZString.compressToEncodedURIComponent`` (a space reads as ``+``)."""
    return _from_alphabet(text, _URI_SAFE_VALUES, max_output, lambda v: v.replace(" ", "+"))
