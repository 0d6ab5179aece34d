"""Response header values as DevTools hands them over, turned back into what the browser read.

Chromium's DevTools protocol gives a raw response header value (``responseReceivedExtraInfo``,
which Playwright's ``headers_array`` passes on) one character per byte, read as
windows-1252 (the five bytes that encoding leaves undefined as the same code points): the
UTF-8 bytes of ``café`` arrive as ``cafÃ©``, those of ``кука`` as ``ÐºÑƒÐºÐ°``.

The cookie jar reads a Set-Cookie line's bytes as UTF-8, and DevTools reports the jar's
names and values, and the lines in ``blockedCookies``, decoded from UTF-8 with the byte
sequences that are not UTF-8 left out (measured on Chromium 156: a lead byte and the bytes
it claims are dropped together, an overlong form is dropped, a surrogate code point is
kept). A cookie record decodes the same way to match the jar; the bytes themselves are
kept in an escaped form.
"""

from __future__ import annotations

import contextlib
import re

REPLACEMENT = "\ufffd"

# lead byte range -> (continuation bytes that follow, smallest code point that form may hold)
_LEADS = ((0xC0, 0xE0, 1, 0x80), (0xE0, 0xF0, 2, 0x800), (0xF0, 0xF8, 3, 0x10000))
_SURROGATE = re.compile("[\ud800-\udfff]")


def _windows_1252_table() -> dict[int, int]:
    """Code point -> Latin-1 code point, for the characters windows-1252 gives 0x80-0x9F."""
    table = {}
    for byte in range(0x80, 0xA0):
        # undefined in windows-1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D): DevTools keeps the byte
        with contextlib.suppress(UnicodeDecodeError):
            table[ord(bytes([byte]).decode("cp1252"))] = byte
    return table


_WINDOWS_1252 = _windows_1252_table()


def wire_bytes(value: str) -> bytes | None:
    """The bytes a header value stood for, or None when it is already text (a character
    beyond U+00FF cannot be one byte)."""
    try:
        return value.translate(_WINDOWS_1252).encode("latin-1")
    except UnicodeEncodeError:
        return None


def as_devtools_text(data: bytes) -> str:
    """The text DevTools shows for these bytes; a surrogate it would keep becomes U+FFFD
    (a lone surrogate cannot be written out as UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _lenient_utf8(data)


def escaped(data: bytes) -> str:
    """UTF-8 text with each byte that is not part of a UTF-8 character as ``\\xNN``."""
    return data.decode("utf-8", "backslashreplace")


def without_surrogates(text: str) -> str:
    """Lone surrogates (a Python string decoded from JSON holds no paired ones) as U+FFFD,
    as Chromium stores a JavaScript string and as UTF-8 output can hold it."""
    return _SURROGATE.sub(REPLACEMENT, text)


def _lenient_utf8(data: bytes) -> str:
    out: list[str] = []
    index, length = 0, len(data)
    while index < length:
        lead = data[index]
        index += 1
        if lead < 0x80:
            out.append(chr(lead))
            continue
        form = next((f for f in _LEADS if f[0] <= lead < f[1]), None)
        if form is None:  # a continuation byte, or 0xF8-0xFF: no character starts here
            continue
        _, _, count, smallest = form
        tail = data[index : index + count]
        index += count
        if len(tail) < count or any(byte & 0xC0 != 0x80 for byte in tail):
            continue
        code = lead & (0x3F >> count)
        for byte in tail:
            code = code << 6 | byte & 0x3F
        if smallest <= code <= 0x10FFFF:
            out.append(REPLACEMENT if 0xD800 <= code <= 0xDFFF else chr(code))
    return "".join(out)
