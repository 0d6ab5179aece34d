"""HTTP Structured Field Items (RFC 9651), read the way browsers read COOP and COEP.

The HTML standard takes Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy as a
structured field Item: one bare item (here a token) with optional parameters such as
``; report-to="endpoint"``. A value that does not parse as exactly one Item (a typo in a
parameter, the header sent twice and so read as "a, b") is ignored by the browser, as if
the header were absent: :func:`parse_item` returns None for it.
"""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from dataclasses import dataclass, field
from string import ascii_letters, ascii_lowercase, digits

_TCHAR = frozenset("!#$%&'*+-.^_`|~" + digits + ascii_letters)
_TOKEN_CHARS = _TCHAR | {":", "/"}
_KEY_FIRST = frozenset(ascii_lowercase + "*")
_KEY_CHARS = _KEY_FIRST | frozenset(digits + "_-.")
_BASE64 = frozenset(ascii_letters + digits + "+/=")
_HEX_LOWER = frozenset(digits + "abcdef")
_NUMBER = re.compile(r"-?(\d+)(?:\.(\d*))?")


@dataclass(frozen=True)
class Token:
    """A token, told apart from a string: ``same-origin`` is one, ``"same-origin"`` is not."""

    name: str


@dataclass(frozen=True)
class DisplayString:
    text: str


@dataclass(frozen=True)
class Date:
    seconds: int


BareItem = int | float | str | bytes | bool | Token | Date | DisplayString


@dataclass(frozen=True)
class Item:
    value: BareItem
    params: dict[str, BareItem] = field(default_factory=dict)


class _Invalid(ValueError):
    pass


def parse_item(value: str) -> Item | None:
    """The Item a field value holds, or None when a browser would fail to parse it."""
    if not value.isascii():
        return None
    reader = _Reader(value.lstrip(" "))
    try:
        item = Item(reader.bare_item(), reader.parameters())
    except _Invalid:
        return None
    return item if not reader.rest().lstrip(" ") else None


class _Reader:
    def __init__(self, text: str) -> None:
        self._text = text
        self._at = 0

    def rest(self) -> str:
        return self._text[self._at :]

    def _peek(self) -> str:
        return self._text[self._at : self._at + 1]

    def _take(self) -> str:
        char = self._peek()
        if not char:
            raise _Invalid("unexpected end")
        self._at += 1
        return char

    def bare_item(self) -> BareItem:
        first = self._peek()
        if first == "-" or first.isdigit():
            return self._number()
        if first == '"':
            return self._string()
        if first and (first in ascii_letters or first == "*"):
            return self._token()
        if first == ":":
            return self._bytes()
        if first == "?":
            return self._boolean()
        if first == "@":
            return self._date()
        if first == "%":
            return self._display_string()
        raise _Invalid(f"no item starts with {first!r}")

    def parameters(self) -> dict[str, BareItem]:
        params: dict[str, BareItem] = {}
        while self._peek() == ";":
            self._at += 1
            while self._peek() == " ":
                self._at += 1
            key = self._key()
            value: BareItem = True
            if self._peek() == "=":
                self._at += 1
                value = self.bare_item()
            params[key] = value  # a repeated key keeps its last value
        return params

    def _key(self) -> str:
        if self._peek() not in _KEY_FIRST:
            raise _Invalid("a parameter key starts with a lower-case letter or *")
        start = self._at
        while self._peek() and self._peek() in _KEY_CHARS:
            self._at += 1
        return self._text[start : self._at]

    def _number(self) -> int | float:
        match = _NUMBER.match(self._text, self._at)
        if match is None:
            raise _Invalid("a number needs a digit")
        whole, fraction = match.groups()
        self._at = match.end()
        if fraction is None:
            if len(whole) > 15:
                raise _Invalid("an integer has at most 15 digits")
            return int(match.group())
        if len(whole) > 12 or not 1 <= len(fraction) <= 3:
            raise _Invalid("a decimal has at most 12 digits, a point and 1 to 3 digits")
        return float(match.group())

    def _string(self) -> str:
        self._at += 1
        chars: list[str] = []
        while True:
            char = self._take()
            if char == "\\":
                escaped = self._take()
                if escaped not in '"\\':
                    raise _Invalid('only \\ and " may be escaped')
                chars.append(escaped)
            elif char == '"':
                return "".join(chars)
            elif not " " <= char <= "~":
                raise _Invalid("a string holds printable ASCII only")
            else:
                chars.append(char)

    def _token(self) -> Token:
        start = self._at
        self._at += 1
        while self._peek() and self._peek() in _TOKEN_CHARS:
            self._at += 1
        return Token(self._text[start : self._at])

    def _bytes(self) -> bytes:
        end = self._text.find(":", self._at + 1)
        if end < 0:
            raise _Invalid("a byte sequence ends with ':'")
        encoded = self._text[self._at + 1 : end]
        self._at = end + 1
        if not set(encoded) <= _BASE64:
            raise _Invalid("a byte sequence is base64")
        try:
            return b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error as error:
            raise _Invalid("a byte sequence is base64") from error

    def _boolean(self) -> bool:
        self._at += 1
        char = self._take()
        if char not in "01":
            raise _Invalid("a boolean is ?0 or ?1")
        return char == "1"

    def _date(self) -> Date:
        self._at += 1
        seconds = self._number()
        if not isinstance(seconds, int):
            raise _Invalid("a date is an integer")
        return Date(seconds)

    def _display_string(self) -> DisplayString:
        self._at += 1
        if self._take() != '"':
            raise _Invalid('a display string starts with %"')
        octets = bytearray()
        while True:
            char = self._take()
            if char == "%":
                pair = self._take() + self._take()
                if not set(pair) <= _HEX_LOWER:
                    raise _Invalid("a display string escapes with two lower-case hex digits")
                octets.append(int(pair, 16))
            elif char == '"':
                try:
                    return DisplayString(octets.decode("utf-8"))
                except UnicodeDecodeError as error:
                    raise _Invalid("a display string is UTF-8") from error
            elif not " " <= char <= "~":
                raise _Invalid("a display string holds printable ASCII only")
            else:
                octets.append(ord(char))
