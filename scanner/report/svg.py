"""Building blocks for the report's inline SVG pictures.

Labels come from scanned sites (vendor names, hosts), so they are hostile input: every
string is cleaned (characters that make XML invalid or reorder text become U+FFFD),
escaped, and truncated to the space it has. The pictures must render identically in a
browser and in WeasyPrint, so they use presentation attributes only (no CSS, no script,
no external references) and estimate text widths instead of measuring them.

Known limit: WeasyPrint 70 lays SVG text out one character at a time, so right-to-left
labels come out unshaped and in reverse in the PDF (browsers draw them correctly); the
report's HTML tables, which WeasyPrint shapes properly, carry the same names.
"""

from __future__ import annotations

import math
import re
import unicodedata
from xml.sax.saxutils import escape

from markupsafe import Markup

from scanner.report.text import INVISIBLE

FONT_FAMILY = "DejaVu Sans, WenQuanYi Micro Hei, sans-serif"
TEXT_COLOR = "#1f2933"
MUTED_COLOR = "#5f6b7a"
OTHERS_COLOR = "#9aa5b1"
PALETTE = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#8c6d31",
    "#6a3d9a",
    "#b8a500",
    "#7f7f7f",
)
"""Colour-blind-friendly colours for series with no meaning of their own."""

EM_PER_CHAR = 0.6
ELLIPSIS = "…"

_SPACES = re.compile(r"\s+")
_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}")
_INSIDE_MARKS = ("Mn", "Me", "Cf")
_BYTE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


def clean_text(value: object) -> str:
    """One line of text that is valid XML: unsafe characters shown as U+FFFD.

    Replaced rather than dropped, so a reader sees that the site sent something odd; a
    picture's short labels have no room for the escapes the report's tables show.
    """
    text = INVISIBLE.sub("\ufffd", "" if value is None else str(value))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def char_width(char: str) -> float:
    """Estimated advance of one character in em: wide East Asian characters count double."""
    if unicodedata.category(char) in _INSIDE_MARKS:
        return 0.0
    wide = unicodedata.east_asian_width(char) in ("W", "F")
    return EM_PER_CHAR * (2 if wide else 1)


def text_width(text: str, font_size: float) -> float:
    """Estimated width in user units; an estimate, since no renderer is at hand."""
    return sum(char_width(char) for char in text) * font_size


def truncate(text: str, max_width: float, font_size: float) -> str:
    """``text`` cut to ``max_width`` with an ellipsis when it does not fit."""
    if text_width(text, font_size) <= max_width:
        return text
    budget = max_width / font_size - char_width(ELLIPSIS)
    kept: list[str] = []
    used = 0.0
    for char in text:
        used += char_width(char)
        if used > budget:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def label(value: object, max_width: float, font_size: float, empty: str = "(unnamed)") -> str:
    """Cleaned and truncated, not yet escaped: what a picture shows for a site's string."""
    return truncate(clean_text(value) or empty, max_width, font_size)


def esc(text: str) -> str:
    """Escaped for element content or a double- or single-quoted attribute."""
    return escape(text, {'"': "&quot;", "'": "&#39;"})


def num(value: float) -> str:
    """A coordinate, rounded so that the same picture always gives the same string."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def color(value: str) -> str:
    """A colour given by a caller: ``#hex`` or a name, never ``url(...)`` or other paint."""
    if not _COLOR.fullmatch(value):
        raise ValueError(f"not a plain colour: {value!r}")
    return value


def finite(value: float) -> float:
    """Values as bar lengths: negative, NaN and infinite values count as zero."""
    return value if math.isfinite(value) and value > 0 else 0.0


def format_bytes(size: float) -> str:
    """1.2 kB, 34.5 MB, 123 GB: decimal units, as browsers' developer tools show them."""
    value, step = float(size), 0
    while abs(value) >= 999.5 and step < len(_BYTE_UNITS) - 1:
        value, step = value / 1000, step + 1
    unit = _BYTE_UNITS[step]
    if step == 0 or abs(value) >= 99.95:
        return f"{value:.0f} {unit}"
    return f"{value:.1f} {unit}"


def format_value(value: float, unit: str = "") -> str:
    """A number as charts show it: ``unit="B"`` or ``"bytes"`` means bytes (1.2 kB);
    other units are appended."""
    if unit in ("B", "bytes"):
        return format_bytes(value)
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} {clean_text(unit)}" if unit else text


def svg_open(width: float, height: float, title: str, font_size: float = 11) -> str:
    """The root element and its accessible name; fonts are attributes for WeasyPrint."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{num(width)}" '
        f'height="{num(height)}" viewBox="0 0 {num(width)} {num(height)}" '
        f'font-family="{FONT_FAMILY}" font-size="{num(font_size)}" fill="{TEXT_COLOR}">'
        f"<title>{esc(clean_text(title)[:300])}</title>"
    )


def text_element(x: float, y: float, text: str, **attributes: str) -> str:
    """A ``<text>`` element; ``text`` must already be cleaned, it is escaped here."""
    extra = "".join(f' {name.replace("_", "-")}="{esc(v)}"' for name, v in attributes.items())
    return f'<text x="{num(x)}" y="{num(y)}"{extra}>{esc(text)}</text>'


def labelled(full: str, shown: str, element: str) -> str:
    """An element, with the full text as a tooltip when ``shown`` was truncated."""
    if full == shown:
        return element
    return f"<g><title>{esc(full)}</title>{element}</g>"


def empty_svg(title: str, width: int, message: str = "nothing to show") -> Markup:
    """A small placeholder, so that a section without data still says so."""
    height = 28
    return Markup(
        svg_open(width, height, title)
        + text_element(4, 18, message, fill=MUTED_COLOR, font_style="italic")
        + "</svg>"
    )
