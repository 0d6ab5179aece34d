"""Security-header rules: each page's MDN HTTP Observatory results mapped to the catalog.

Every rendered page is graded with the Observatory's tests (``scanner.checks.observatory``);
each result that is a weakness becomes an observation of its rule, carrying the
Observatory's own result name, the page's score and grade and the scoring table's version.
CSP and cookie results count in the grade but have their own, finer rules (the CSP and
cookie checks), so they are not mapped here. Permissions-Policy has no Observatory test;
its rule is checked beside the grade.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scanner.checks.observatory import (
    SCORING_VERSION,
    Headers,
    ObservatoryReport,
    TestResult,
    grade_site,
    site_from_page,
)
from scanner.checks.observatory.probe import site_report
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

# Observatory result -> rule id; passing results and those with a rule elsewhere are absent.
# ALLOW-FROM passes in the Observatory, but browsers ignore it: the page can be framed.
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
    "redirection-missing": "http-not-redirected-to-https",
    "redirection-not-to-https": "http-not-redirected-to-https",
    "redirection-invalid-cert": "http-not-redirected-to-https",
    "redirection-off-host-from-http": "http-redirect-indirect",
    "redirection-not-to-https-on-initial-redirection": "http-redirect-indirect",
    "sri-not-implemented-but-external-scripts-loaded-securely": "sri-missing",
    "sri-implemented-but-external-scripts-not-loaded-securely": "third-party-script-insecure",
    "sri-not-implemented-and-external-scripts-not-loaded-securely": "third-party-script-insecure",
    "cross-origin-resource-sharing-implemented-with-universal-access": (
        "cors-any-origin-credentials"
    ),
    "corp-header-invalid": "corp-invalid",
    "permissions-policy-not-implemented": "permissions-policy-missing",
}


PROBE_TESTS = ("cross-origin-resource-sharing", "redirection", "subresource-integrity")
"""Tests whose input only the site probe has (a preflight, the http route, the HTML as
served): their results come from the probe's grade of the start host."""


def check(ctx: ScanContext) -> Iterator[Observation]:
    site = site_report(ctx.scan)
    if site is not None:
        for result in site.results:
            rule_id = RULE_FOR_RESULT.get(result.result)
            if rule_id and result.test in PROBE_TESTS:
                url = ctx.scan["site_probe"]["https"]["url"]
                yield _observation(rule_id, result, url, url, site)
    for page in ctx.pages:
        if page["outcome"] != "rendered":
            continue
        url = ctx.page_url(page)
        report = grade_site(site_from_page({**page, "final_url": url}))
        for result in (*report.results, _permissions_policy(page)):
            rule_id = RULE_FOR_RESULT.get(result.result)
            if rule_id:
                # A redirect belongs to the host asked for over http, not to where it led.
                asked = page["url"] if result.test == "redirection" else url
                yield _observation(rule_id, result, asked, url, report)


def _permissions_policy(page: dict[str, Any]) -> TestResult:
    """Not an Observatory test: reported for its own rule, never scored."""
    values = Headers(page.get("response_headers") or []).values("permissions-policy")
    present = bool(values and values[0].strip())
    code = "permissions-policy-implemented" if present else "permissions-policy-not-implemented"
    message = (
        "A Permissions-Policy header limits which browser features the page and embedded "
        "content may use."
        if present
        else "No Permissions-Policy is set, so the page and content embedded in it are not "
        "limited in which browser features (camera, microphone, location...) they may ask for."
    )
    return TestResult(
        test="permissions-policy",
        result=code,
        observatory_result="",
        passed=present,
        score_modifier=0,
        message=message,
        header="Permissions-Policy" if values else None,
        value=values[0] if values else None,
    )


def _observation(
    rule_id: str, result: TestResult, subject_url: str, url: str, report: ObservatoryReport
) -> Observation:
    return Observation(
        rule_id,
        urlsplit(subject_url).hostname or subject_url,
        url,
        result.message,
        {
            "kind": "header",
            "header": result.header,
            "value": result.value,
            "observatory_test": result.test,
            "observatory_result": result.observatory_result or None,
            "observatory_score": report.score,
            "observatory_grade": report.grade,
            "observatory_scoring": SCORING_VERSION,
            "observatory_tests_not_run": list(report.not_run),
        },
    )
