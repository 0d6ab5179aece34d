"""Text from scanned sites, made safe and legible for the reports.

Scanned sites are hostile input: cookie names, URLs and header values may hold control
characters, bidirectional overrides (which can make a URL read backwards), lone
surrogates or megabytes of text. HTML escaping itself is Jinja's autoescape; this module
makes what is escaped *legible*: invisible characters are shown as escapes, values are
capped with their full length stated, and personal data is redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

from markupsafe import Markup, escape

DEFAULT_LIMIT = 300
INVISIBLE = re.compile(
    # C0 controls but tab and newline, DEL and C1 controls, bidi marks, embeddings,
    # overrides and isolates (a site could make its URL read backwards), the byte-order
    # mark, lone surrogates and the XML non-characters: none may reach a report as is.
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ufeff\ud800-\udfff\ufffe\uffff]"
)
_WHITESPACE = re.compile(r"[\t\n\r]+")
_EMAIL = re.compile(  # starts after a separator or a %XX escape ("email%3Djane%40...")
    r"(?:(?<=%[0-9A-Fa-f]{2})|(?<![\w.+%-]))[\w.+-]+(?:@|%40|%2540)[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
REDACTED_EMAIL = "[e-mail redacted]"
REDACTED = "[personal data redacted]"


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: object, limit: int = DEFAULT_LIMIT) -> str:
    """``value`` as one line of plain text: invisible characters shown, length capped."""
    text = "" if value is None else str(value)
    text = INVISIBLE.sub(_visible, _WHITESPACE.sub(" ", text))
    if len(text) > limit:
        return f"{text[:limit]}… ({len(text):,} characters in all)"
    return text


class Redactor:
    """Replaces personal data found in a scan by a marker, in everything a report shows.

    Known values (configured marker values and addresses seen in the clear) are replaced
    in their plain and URL-encoded forms; anything shaped like an e-mail address is
    replaced too, so an address the finder did not attribute still does not reach the
    report. The raw evidence (scan.json, HAR files) keeps the values.
    """

    def __init__(self, known_values: Iterable[str] = (), enabled: bool = True) -> None:
        self.enabled = enabled
        forms = {
            form
            for value in known_values
            if len(value) >= 4
            for form in (value, quote(value, safe=""), quote_plus(value), quote(quote(value)))
        }
        ordered = sorted(forms, key=len, reverse=True)
        self._known = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: str) -> str:
        if not self.enabled:
            return text
        if self._known is not None:
            text = self._known.sub(REDACTED, text)
        return _EMAIL.sub(REDACTED_EMAIL, text)

    def document(self, value: Any) -> Any:
        """A copy of a JSON document with every string redacted (keys included)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, list):
            return [self.document(item) for item in value]
        if isinstance(value, dict):
            return {self(key): self.document(item) for key, item in value.items()}
        return value


def value_markup(text: str) -> Markup:
    """An isolated, escaped run of site text: right-to-left text cannot reorder the cell."""
    return Markup('<bdi class="v">%s</bdi>') % escape(text)
