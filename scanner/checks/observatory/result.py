"""One test's outcome, in the Observatory's terms and in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from .scoring import MODIFIERS, PASSING


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class

    test: str
    """The Observatory's test name (``strict-transport-security``...)."""
    result: str
    """Our result code; the rule mapping reads it."""
    observatory_result: str
    """The Observatory's own name for the result, to compare line by line."""
    passed: bool
    score_modifier: int
    message: str
    """One plain sentence for a reader who is not an engineer."""
    header: str | None = None
    """The header (or meta element) the result rests on; None when none was sent."""
    value: str | None = None
    """Its value as the Observatory read it."""


def make(
    test: str, code: str, message: str, header: str | None = None, value: str | None = None
) -> TestResult:
    """A result whose code is the Observatory's own, with its modifier and pass."""
    return TestResult(
        test=test,
        result=code,
        observatory_result=code,
        passed=code in PASSING,
        score_modifier=MODIFIERS[code],
        message=message,
        header=header,
        value=value,
    )
