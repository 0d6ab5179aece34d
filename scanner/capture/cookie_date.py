"""Cookie dates (the Expires attribute) parsed with RFC 6265's algorithm, section 5.1.1.

The algorithm (kept unchanged by RFC 6265bis) is not an e-mail or HTTP date parser: it
splits the text at delimiters, takes the first token that looks like a time, then a day
of month, a month and a year, each at most once, and ignores everything else, the time
zone included (a cookie date is always UTC). It works on octets: any character outside
ASCII is a non-delimiter and a non-digit, as the bytes of its UTF-8 form would be.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime

# delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E; a token is a run of the rest
_DATE_TOKEN = re.compile(r"[^\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
# Each production may be followed by a non-digit and anything after it. The patterns are
# anchored and bounded (no backtracking over the token), so hostile tokens cost linear time.
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?![0-9])")
_DAY_OF_MONTH = re.compile(r"[0-9]{1,2}(?![0-9])")
_YEAR = re.compile(r"[0-9]{2,4}(?![0-9])")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NUMBER = {name: number for number, name in enumerate(_MONTHS, start=1)}


@dataclass
class _Found:
    """What the token walk found so far (RFC 6265 5.1.1 step 2's flags and values)."""

    time: tuple[int, int, int] | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None

    def take(self, token: str) -> None:
        """Offer one date-token to the productions, in the RFC's order; first match wins."""
        if self.time is None and (time := _TIME.match(token)):
            self.time = (int(time[1]), int(time[2]), int(time[3]))
        elif self.day is None and (day := _DAY_OF_MONTH.match(token)):
            self.day = int(day[0])
        elif self.month is None and token[:3].isascii() and token[:3].lower() in _MONTH_NUMBER:
            self.month = _MONTH_NUMBER[token[:3].lower()]
        elif self.year is None and (year := _YEAR.match(token)):
            self.year = int(year[0])


def parse_cookie_date(text: str) -> datetime | None:
    """The moment a cookie-date names (UTC), or None where the algorithm fails."""
    found = _Found()
    for token in _DATE_TOKEN.findall(text):
        found.take(token)
    if found.time is None or found.day is None or found.month is None or found.year is None:
        return None
    year = found.year
    if 70 <= year <= 99:
        year += 1900
    elif 0 <= year <= 69:
        year += 2000
    hour, minute, second = found.time
    if not 1 <= found.day <= 31 or year < 1601 or hour > 23 or minute > 59 or second > 59:
        return None
    if found.day > calendar.monthrange(year, found.month)[1]:
        return None  # step 6: no such date (30 February)
    return datetime(year, found.month, found.day, hour, minute, second, tzinfo=UTC)
