"""The scanner's Observatory grading against the MDN HTTP Observatory itself.

Every case of tests/data/observatory_cases.json (the reference's own test inputs, expressed
as data, plus real-site-like header sets) is graded twice: by the reference's analyzer tests
and grader (tests/references/observatory_harness.mjs, under Node.js) and by
``scanner.checks.observatory``. Both read the same HSTS preload list: the one the pinned
``hstspreload`` package ships, written out as the reference's conf file.

The bar: at least 95% agreement on each test's result, the exact grade and score on every
full-site case, and no disagreement beyond the documented ones below.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from importlib.resources import files
from pathlib import Path
from typing import Any

import hstspreload
import pytest

from scanner.checks.observatory import (
    CookieWrite,
    CorsResponse,
    Headers,
    Hop,
    ObservatoryReport,
    Response,
    grade_site,
    site_from_retrieval,
)

HERE = Path(__file__).resolve().parent
CASES = HERE / "data" / "observatory_cases.json"
HARNESS = HERE / "references" / "observatory_harness.mjs"
REFERENCE = HERE / "references" / "node_modules" / "@mdn" / "mdn-http-observatory"
MINIMUM_AGREEMENT = 0.95

# Case id -> why we differ on purpose (the README lists these).
KNOWN_DIFFERENCES = {
    "sri-unparseable": (
        "The reference's HTML parser (jsdom) throws on one malformed inline style and grades "
        "the page html-not-parseable (-20); the scanner reads the HTML as browsers do and "
        "finds no scripts: a parser accident is not a security weakness."
    ),
}


def _preload_json(directory: Path) -> Path:
    """The reference's conf/hsts-preload.json, written from hstspreload's packed list."""
    data = (files("hstspreload") / "hstspreload.bin").read_bytes()
    entries: dict[str, dict[str, Any]] = {}
    for layer in hstspreload._JUMPTABLE:
        for jump in layer:
            if jump is None:
                continue
            start, size = jump
            for leaf, subdomains, label in hstspreload._iter_entries(data[start : start + size]):
                if leaf:
                    entries[label.decode()] = {
                        "includeSubDomains": bool(subdomains),
                        "mode": "force-https",
                    }
    for label in hstspreload._GTLD_INCLUDE_SUBDOMAINS:
        entries[label.decode()] = {"includeSubDomains": True, "mode": "force-https"}
    path = directory / "hsts-preload.json"
    path.write_text(json.dumps(entries))
    return path


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    return json.loads(CASES.read_text())


@pytest.fixture(scope="module")
def reference(cases: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> dict:
    node = shutil.which("node")
    if node is None or not (REFERENCE / "src" / "analyzer").is_dir():
        pytest.fail("Node.js or the MDN HTTP Observatory reference is missing: run make setup")
    preload = _preload_json(tmp_path_factory.mktemp("observatory"))
    run = subprocess.run(
        [node, str(HARNESS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=300,
        env={"OBSERVATORY_HSTS_PRELOAD_JSON": str(preload), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return {graded["id"]: graded for graded in json.loads(run.stdout)}


def _response(spec: dict[str, Any] | None) -> Response | None:
    if spec is None:
        return None
    return Response(
        url=spec["url"],
        status=spec.get("status", 200),
        headers=Headers(spec.get("headers", [])),
        verified=spec.get("verified", True),
    )


def ours(case: dict[str, Any]) -> ObservatoryReport:
    cors = case.get("cors")
    site = site_from_retrieval(
        case["hostname"],
        _response(case["https"]),
        _response(case["http"]),
        http_redirects=[Hop(hop["url"], hop["status"]) for hop in case["http_redirects"]],
        cors=CorsResponse(Headers(cors["headers"]), cors.get("origin")) if cors else None,
        cors_observed=True,
        cookie_writes=[CookieWrite(w["url"], tuple(w["lines"])) for w in case["set_cookies"]],
        html=case.get("html"),
    )
    return grade_site(site)


def _compared(case: dict[str, Any], graded: dict[str, Any]) -> list[str]:
    return list(graded["tests"]) if case["tests"] == "all" else case["tests"]


def _disagreements(cases: list[dict[str, Any]], reference: dict) -> tuple[dict, list[str]]:
    """Per test (agreeing, compared) counts and one line per disagreement."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lines: list[str] = []
    for case in cases:
        graded = reference[case["id"]]
        report = ours(case)
        for test in _compared(case, graded):
            theirs = graded["tests"][test]
            mine = report.result(test)
            got = (mine.observatory_result, mine.passed, mine.score_modifier) if mine else None
            expected = (theirs["result"], theirs["pass"], theirs["modifier"])
            counts[test][1] += 1
            if got == expected:
                counts[test][0] += 1
            else:
                lines.append(f"{case['id']} [{test}]: reference {expected}, scanner {got}")
        if case["tests"] == "all" and (report.score, report.grade) != (
            graded["score"],
            graded["grade"],
        ):
            lines.append(
                f"{case['id']} [grade]: reference {graded['score']} {graded['grade']}, "
                f"scanner {report.score} {report.grade}"
            )
    return counts, lines


def test_every_test_agrees_with_the_reference(cases: list, reference: dict) -> None:
    counts, lines = _disagreements(cases, reference)
    agreed = sum(a for a, _ in counts.values())
    compared = sum(n for _, n in counts.values())
    print(f"\noverall: {agreed}/{compared} = {agreed / compared:.1%}")
    for test, (a, n) in sorted(counts.items()):
        print(f"{test}: {a}/{n} = {a / n:.1%}")
    print("\n".join(["disagreements:", *lines]) if lines else "no disagreement")
    assert set(counts) == set(next(iter(reference.values()))["tests"])  # all ten compared
    assert all(a / n >= MINIMUM_AGREEMENT for a, n in counts.values()), counts
    unexplained = [line for line in lines if line.split(" ", 1)[0] not in KNOWN_DIFFERENCES]
    assert unexplained == []


def test_full_site_cases_get_the_reference_grade_and_score(cases: list, reference: dict) -> None:
    full = [case for case in cases if case["tests"] == "all"]
    assert len(full) >= 8
    for case in full:
        report = ours(case)
        graded = reference[case["id"]]
        assert report.not_run == ()
        assert (report.score, report.grade) == (graded["score"], graded["grade"]), case["id"]
    # The example: a site the Observatory grades B (75).
    assert (reference["site-b-75"]["score"], reference["site-b-75"]["grade"]) == (75, "B")


def test_known_differences_still_differ(cases: list, reference: dict) -> None:
    """A documented difference that disappeared must leave the list (and the README)."""
    _, lines = _disagreements(cases, reference)
    differing = {line.split(" ", 1)[0] for line in lines}
    assert set(KNOWN_DIFFERENCES) <= differing
