"""Run every Observatory test on a site and grade it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .cookies import cookies_test
from .cors import cors_test
from .csp import content_security_policy_test
from .exchange import Site
from .hsts import strict_transport_security_test
from .redirection import redirection_test
from .referrer import referrer_policy_test
from .result import TestResult
from .scoring import SCORING_VERSION, letter_grade, total_score
from .simple_headers import (
    cross_origin_resource_policy_test,
    x_content_type_options_test,
    x_frame_options_test,
)
from .sri import subresource_integrity_test

# In the Observatory's order. A test returning None lacked its input and was not run.
TESTS: tuple[tuple[str, Callable[[Site], TestResult | None]], ...] = (
    ("content-security-policy", content_security_policy_test),
    ("cookies", cookies_test),
    ("cross-origin-resource-sharing", cors_test),
    ("redirection", redirection_test),
    ("referrer-policy", referrer_policy_test),
    ("strict-transport-security", strict_transport_security_test),
    ("subresource-integrity", subresource_integrity_test),
    ("x-content-type-options", x_content_type_options_test),
    ("x-frame-options", x_frame_options_test),
    ("cross-origin-resource-policy", cross_origin_resource_policy_test),
)
TEST_NAMES = tuple(name for name, _ in TESTS)


@dataclass(frozen=True)
class ObservatoryReport:
    hostname: str
    results: tuple[TestResult, ...]
    not_run: tuple[str, ...]
    """Tests left out because what they read was not observed: the score then covers
    only the others and is not the Observatory's full grade."""
    score: int
    grade: str
    scoring: str = SCORING_VERSION

    @property
    def complete(self) -> bool:
        return not self.not_run

    @property
    def tests_passed(self) -> int:
        return sum(result.passed for result in self.results)

    def result(self, test: str) -> TestResult | None:
        return next((r for r in self.results if r.test == test), None)


def grade_site(site: Site) -> ObservatoryReport:
    results: list[TestResult] = []
    not_run: list[str] = []
    for name, test in TESTS:
        outcome = test(site)
        if outcome is None:
            not_run.append(name)
        else:
            results.append(outcome)
    score = total_score(result.score_modifier for result in results)
    return ObservatoryReport(
        hostname=site.hostname,
        results=tuple(results),
        not_run=tuple(not_run),
        score=score,
        grade=letter_grade(score),
    )
