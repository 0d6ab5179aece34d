"""The scanner's CSP weaknesses against Google CSP Evaluator's findings on the same policies.

The reference runs for real (``tests/references/csp_evaluator_harness.mjs``, the npm
package ``csp_evaluator`` that ``make setup`` installs): its default checks on the policy
as a CSP3 browser applies it, its strict-CSP checks, and Lighthouse's reporting check. The
corpus (``tests/data/csp_evaluator_cases.json``) holds every policy of the package's own
test files plus the MDN Observatory's CSP test policies and real-world shapes.

Findings are compared as multisets of (directive, kind, severity), where kind is the
reference's finding type and the scanner's weakness ids map onto those types (``KIND``);
severities map as the evaluator's docstring says (``SEVERITY``). Agreement is the share of
the union of both sides that both sides hold. Weakness ids with no counterpart in the
reference (``NOT_COMPARED``) and the reference's "ignored" notes (severity NONE) are left
out of the comparison; everything else counts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scanner.checks.csp import Weakness, evaluate, parse_policy_list
from scanner.checks.csp.script_checks import is_wildcard

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "references" / "csp_evaluator_harness.mjs"
PACKAGE = HERE / "references" / "node_modules" / "csp_evaluator" / "package.json"
CASES = HERE / "data" / "csp_evaluator_cases.json"
BAR = 0.95

SEVERITY = {
    "HIGH": "high",
    "MEDIUM": "medium",
    "HIGH_MAYBE": "medium",
    "MEDIUM_MAYBE": "low",
    "STRICT_CSP": "low",
    "SYNTAX": "low",
    "INFO": "info",
}
"""CSP Evaluator's severities on the scanner's scale ("possible" ones one step down)."""

KIND = {
    "csp-missing-script-src": "MISSING_DIRECTIVES",
    "csp-missing-object-src": "MISSING_DIRECTIVES",
    "csp-missing-base-uri": "MISSING_DIRECTIVES",
    "csp-script-unsafe-inline": "SCRIPT_UNSAFE_INLINE",
    "csp-script-unsafe-hashes": "SCRIPT_UNSAFE_HASHES",
    "csp-script-unsafe-eval": "SCRIPT_UNSAFE_EVAL",
    "csp-script-plain-scheme": "PLAIN_URL_SCHEMES",
    "csp-script-data-uri": "PLAIN_URL_SCHEMES",
    "csp-script-wildcard": "PLAIN_WILDCARD",
    "csp-object-src-broad": "PLAIN_URL_SCHEMES or PLAIN_WILDCARD",
    "csp-base-uri-broad": "PLAIN_URL_SCHEMES or PLAIN_WILDCARD",
    "csp-script-bypass-host": "SCRIPT_ALLOWLIST_BYPASS",
    "csp-script-allowlist-host": "SCRIPT_ALLOWLIST_BYPASS",
    "csp-script-self": "SCRIPT_ALLOWLIST_BYPASS",
    "csp-object-bypass-host": "OBJECT_ALLOWLIST_BYPASS",
    "csp-object-src-allowlist": "OBJECT_ALLOWLIST_BYPASS",
    "csp-ip-source": "IP_SOURCE",
    "csp-nonce-short": "NONCE_LENGTH",
    "csp-nonce-charset": "NONCE_CHARSET",
    "csp-http-source": "SRC_HTTP",
    "csp-deprecated-directive": "DEPRECATED_DIRECTIVE",
    "csp-unknown-directive": "UNKNOWN_DIRECTIVE",
    "csp-missing-semicolon": "MISSING_SEMICOLON",
    "csp-invalid-keyword": "INVALID_KEYWORD",
    "csp-script-allowlist-policy": "STRICT_DYNAMIC",
    "csp-strict-dynamic-without-nonce": "STRICT_DYNAMIC_NOT_STANDALONE",
    "csp-inline-fallback-missing": "UNSAFE_INLINE_FALLBACK",
    "csp-allowlist-fallback-missing": "ALLOWLIST_FALLBACK",
    "csp-trusted-types-missing": "REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS",
    "csp-missing-reporting": "REPORTING_DESTINATION_MISSING",
    "csp-report-to-only": "REPORT_TO_ONLY",
}
"""Which CSP Evaluator finding type each weakness id stands for."""

NOT_COMPARED = {
    "csp-report-uri-only": "CSP Level 3 deprecates report-uri; the reference accepts it alone",
    "csp-insecure-scheme": "from the Observatory's CSP test (http:/ftp: schemes)",
    "csp-style-unsafe": "from the Observatory's CSP test (style-src)",
    "csp-form-action-unrestricted": "from the Observatory's CSP test (form-action)",
    "csp-missing-frame-ancestors": "framing: the Observatory's and the scanner's own rule",
    "csp-parse-error": "browser parsing problems the reference does not look for",
    "csp-meta-ignored-directive": "the reference reads no <meta> policies",
    "csp-meta-report-only-ignored": "the reference reads no <meta> policies",
    "csp-nonce-reuse": "needs several responses; the reference sees one policy",
}
"""Weakness ids the reference has no finding type for, and why."""

Key = tuple[str | None, str, str]


def test_every_weakness_id_is_mapped_or_excluded() -> None:
    from scanner.checks.csp import SEVERITY as RULES

    assert set(RULES) == set(KIND) | set(NOT_COMPARED)
    assert not set(KIND) & set(NOT_COMPARED)


def test_corpus_holds_every_policy_of_the_reference_tests() -> None:
    published = {entry["policy"] for entry in _run_harness(["--test-policies"], None)}
    assert len(published) > 100
    assert published - {case["policy"] for case in _cases()} == set()


def test_scanner_agrees_with_csp_evaluator_on_its_cases() -> None:
    reference, ours, not_compared = Counter[Key](), Counter[Key](), Counter[str]()
    disagreements: list[str] = []
    results = _reference_results()
    for case, result in zip(_cases(), results, strict=True):
        assert result["error"] is None, (case["policy"], result["error"])
        theirs = Counter(_reference_key(finding) for finding in _compared(result["findings"]))
        mine: Counter[Key] = Counter()
        for weakness in _our_weaknesses(case["policy"]):
            if (key := _our_key(weakness)) is None:
                not_compared[weakness.id] += 1
            else:
                mine[key] += 1
        reference.update(theirs)
        ours.update(mine)
        if theirs != mine:
            disagreements.append(
                f"{case['policy']!r} [{case['source']}]\n"
                f"    only CSP Evaluator: {sorted((theirs - mine).elements(), key=str)}\n"
                f"    only scanner:       {sorted((mine - theirs).elements(), key=str)}"
            )
    both = sum((reference & ours).values())
    union = sum((reference | ours).values())
    agreement = both / union
    always_on = {"REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS", "REPORTING_DESTINATION_MISSING"}
    ref_rest = Counter({k: n for k, n in reference.items() if k[1] not in always_on})
    our_rest = Counter({k: n for k, n in ours.items() if k[1] not in always_on})
    agreement_rest = sum((ref_rest & our_rest).values()) / sum((ref_rest | our_rest).values())
    print(
        f"\n{len(results)} policies; findings: CSP Evaluator {sum(reference.values())}, "
        f"scanner {sum(ours.values())}, in both {both}; agreement {agreement:.1%} "
        f"({agreement_rest:.1%} without the Trusted Types and reporting findings every "
        f"policy lacking them gets); policies with identical findings "
        f"{len(results) - len(disagreements)}/{len(results)}; not compared: "
        f"{dict(not_compared)}"
    )
    print("\n".join(disagreements))
    assert agreement >= BAR
    assert agreement_rest >= BAR


def _compared(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [finding for finding in findings if finding["severity"] != "NONE"]


def _reference_key(finding: dict[str, Any]) -> Key:
    directive = finding["directive"]
    if finding["type"] == "REPORTING_DESTINATION_MISSING":
        directive = None  # about the whole policy: the scanner names no directive
    return (directive, finding["type"], SEVERITY[finding["severity"]])


def _our_key(weakness: Weakness) -> Key | None:
    if weakness.id in NOT_COMPARED or weakness.value in ("ws:", "wss:"):
        return None  # ws:/wss: allow any web host too; the reference only knows http(s):
    kind = KIND[weakness.id]
    if " or " in kind:
        kind = "PLAIN_WILDCARD" if is_wildcard(weakness.value or "") else "PLAIN_URL_SCHEMES"
    return (weakness.directive, kind, weakness.severity)


def _our_weaknesses(policy: str) -> list[Weakness]:
    return evaluate(parse_policy_list(policy, "header", "enforce"))


@cache
def _cases() -> tuple[dict[str, str], ...]:
    return tuple(json.loads(CASES.read_text(encoding="utf-8"))["cases"])


@cache
def _reference_results() -> list[dict[str, Any]]:
    return _run_harness([], [case["policy"] for case in _cases()])


def _run_harness(arguments: list[str], policies: list[str] | None) -> Any:
    node = shutil.which("node")
    if node is None or not PACKAGE.is_file():
        pytest.fail(
            "CSP Evaluator is not installed (node and tests/references/node_modules/"
            "csp_evaluator are needed): run make setup"
        )
    completed = subprocess.run(
        [node, str(HARNESS), *arguments],
        input=json.dumps(policies) if policies is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
