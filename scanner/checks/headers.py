"""Security-header rules: each page's Observatory-style results mapped to the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from scanner.checks.security_headers import HeaderResult, grade
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

# Observatory result code -> rule id; passing codes and tests without a rule are absent.
RULE_FOR_RESULT = {
    "hsts-not-implemented": "hsts-missing",
    "hsts-implemented-max-age-less-than-six-months": "hsts-weak",
    "hsts-header-invalid": "hsts-weak",
    "x-content-type-options-not-implemented": "x-content-type-options-missing",
    "x-content-type-options-header-invalid": "x-content-type-options-missing",
    "x-frame-options-not-implemented": "framing-protection-missing",
    "x-frame-options-header-invalid": "framing-protection-missing",
    "x-frame-options-allow-from-origin": "framing-protection-missing",
    "referrer-policy-unsafe": "referrer-policy-unsafe",
    "referrer-policy-header-invalid": "referrer-policy-unsafe",
    "permissions-policy-not-implemented": "permissions-policy-missing",
}


def check(ctx: ScanContext) -> Iterator[Observation]:
    for page in ctx.pages:
        if page["outcome"] != "rendered":
            continue
        url = ctx.page_url(page)
        report = grade(url, page["response_headers"], meta_referrer=page.get("meta_referrer"))
        for result in report.results:
            rule_id = RULE_FOR_RESULT.get(result.result)
            if rule_id:
                yield _observation(rule_id, result, url, report.score, report.grade)


def _observation(
    rule_id: str, result: HeaderResult, url: str, score: int, letter: str
) -> Observation:
    return Observation(
        rule_id,
        urlsplit(url).hostname or url,
        url,
        result.message,
        {
            "kind": "header",
            "header": result.header,
            "value": result.value,
            "observatory_result": result.result,
            "observatory_score": score,
            "observatory_grade": letter,
        },
    )
