"""String operations with the semantics of the JavaScript the Observatory runs.

The Observatory's tests trim, split and parse numbers with JavaScript's built-ins, which do
not always agree with Python's (``str.strip`` removes a few characters ``String.trim`` keeps,
``parseInt`` reads a leading number and ignores the rest). Grading like the Observatory means
reading values exactly as it does.
"""

from __future__ import annotations

import math
import re

# ECMAScript WhiteSpace and LineTerminator code points (what String.prototype.trim removes
# and what the regular expression class \s matches).
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_WHITESPACE_RUN = re.compile(f"[{re.escape(JS_WHITESPACE)}]+")
_LEADING_INT = re.compile(r"[+-]?[0-9]+")


def js_trim(text: str) -> str:
    return text.strip(JS_WHITESPACE)


def js_split_whitespace(text: str) -> list[str]:
    """``text.split(/\\s+/)``: an empty string gives ``[""]``."""
    return _WHITESPACE_RUN.split(text)


def js_parse_int(text: str) -> float:
    """``parseInt(text, 10)``: the leading decimal number, NaN when there is none.

    NaN compares false with everything, as in JavaScript, which the HSTS test relies on.
    """
    match = _LEADING_INT.match(js_trim(text))
    return float(int(match.group(0))) if match else math.nan
