"""Which personal values the reports hide: one answer for the PDF, the HTML and SARIF.

Configured marker values and the addresses seen in the clear are not enough: the finder
also reports names, postal codes, ids and phone numbers found inside compressed or
encoded bodies and in stored values, and a report shows each finding's matched value.
Every value the finder reported, as normalised and as matched, is hidden.
"""

from __future__ import annotations

from scanner.checks.stored_personal_data import stored_personal_data
from scanner.findings.context import ScanContext
from scanner.report.text import Redactor

_MIN_NUMBER_DIGITS = 6


def report_redactor(ctx: ScanContext, enabled: bool = True) -> Redactor:
    """The redactor for everything a report or SARIF file shows of this scan."""
    values = set(ctx.personal_values)
    for page in ctx.pages:
        for request in page["requests"]:
            for found in ctx.personal_data.find_in_record(request).found:
                values.update((found.value, found.raw))
        for _, found in stored_personal_data(ctx, page):
            values.update((found.value, found.raw))
    return Redactor(sorted(value for value in values if not _common_number(value)), enabled)


def _common_number(value: str) -> bool:
    """A short number (a user id 2024, a postal code 1000) is everywhere in a report's
    own text (years, counts, paths): hiding it would hide the report, not the visitor."""
    return value.isdigit() and len(value) < _MIN_NUMBER_DIGITS
