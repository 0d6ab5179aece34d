"""SARIF 2.1.0 output: structure, levels, fingerprints, locations and schema validity."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from jsonschema import Draft4Validator

from scanner import __version__
from scanner.findings.catalog import RuleCatalog
from scanner.findings.model import Finding
from scanner.findings.output import findings_document
from scanner.outputs.sarif import (
    FINGERPRINT_KEY,
    MAX_LOCATIONS,
    SARIF_SCHEMA_URI,
    rule_name,
    sarif_document,
    write_sarif,
)

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
START = "https://www.shop.test/"
HOSTILE_URL = 'https://www.shop.test/a b"c\'</script><!--ü€😀?q="x"&y=<b>#frag'
HOSTILE_SUBJECT = '"quoted"</script>\\back\nslash ünï'

SCAN: dict[str, Any] = {
    "start_url": START,
    "site": "shop.test",
    "started_at": "2026-11-23T20:00:00+00:00",
    "finished_at": "2026-11-23T21:30:05.250000+01:00",
    "complete": True,
    "consent": {"state": "before-consent", "states": ["before", "reject"]},
}


@pytest.fixture(scope="module")
def catalog() -> RuleCatalog:
    return RuleCatalog.load()


def make_finding(
    catalog: RuleCatalog,
    rule_id: str,
    subject: str,
    pages: list[str],
    severity: str | None = None,
    message: str = "Something was seen.",
    consent_states: tuple[str, ...] = ("before-consent",),
) -> Finding:
    rule = catalog[rule_id]
    return Finding(
        rule_id=rule.id,
        area=rule.area,
        title=rule.title,
        severity=severity or rule.severity,
        subject=subject,
        message=message,
        pages=pages,
        evidence=[{"page": page} for page in pages],
        evidence_count=len(pages),
        rationale=rule.rationale,
        references=list(rule.references),
        remediation=rule.remediation,
        vendor="example-analytics" if rule.area == "cookies" else None,
        consent_states=list(consent_states),
    )


@pytest.fixture(scope="module")
def findings_doc(catalog: RuleCatalog) -> dict[str, Any]:
    many_pages = [f"{START}products/{number}" for number in range(30)]
    findings = [
        make_finding(catalog, "cookie-nonessential-before-consent", "_ae_uid@.a.example", [START]),
        make_finding(catalog, "cookie-lifetime-excessive", "_ae_uid@.a.example", many_pages),
        make_finding(catalog, "cookie-missing-httponly", "sid@www.shop.test", [START]),
        make_finding(catalog, "permissions-policy-missing", "www.shop.test", [START]),
        make_finding(
            catalog,
            "tracker-after-refusal",
            "example-ads",
            [START],
            consent_states=("after-reject",),
        ),
        # A report-only CSP lowers the catalog's severity: the result follows the finding.
        make_finding(catalog, "csp-script-unsafe-inline", "report-only", [START], "low"),
        make_finding(
            catalog,
            "cookie-third-party",
            HOSTILE_SUBJECT,
            [HOSTILE_URL],
            message=f"Cookie {HOSTILE_SUBJECT} on {HOSTILE_URL}",
        ),
    ]
    return findings_document(findings, SCAN)


@pytest.fixture(scope="module")
def sarif(findings_doc: dict[str, Any], catalog: RuleCatalog) -> dict[str, Any]:
    return sarif_document(findings_doc, catalog)


def results_by_rule(sarif: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {result["ruleId"]: result for result in sarif["runs"][0]["results"]}


def test_envelope_and_tool(sarif: dict[str, Any], catalog: RuleCatalog) -> None:
    assert sarif["$schema"] == SARIF_SCHEMA_URI == "https://json.schemastore.org/sarif-2.1.0.json"
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"]) == 1
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "site-compliance-scanner"
    assert driver["version"] == __version__
    assert "informationUri" not in driver
    assert [rule["id"] for rule in driver["rules"]] == [rule.id for rule in catalog]


def test_rule_descriptor(sarif: dict[str, Any], catalog: RuleCatalog) -> None:
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    source = catalog["cookie-nonessential-before-consent"]
    descriptor = rules[source.id]
    assert descriptor["name"] == "CookieNonessentialBeforeConsent"
    assert descriptor["shortDescription"] == {"text": source.title}
    assert descriptor["fullDescription"] == {"text": source.rationale}
    assert descriptor["help"]["text"].startswith(source.remediation + "\n\nReferences:\n- ")
    for reference in source.references:
        assert f"- {reference['source']} {reference['ref']}" in descriptor["help"]["text"]
    assert descriptor["defaultConfiguration"] == {"level": "error"}
    assert descriptor["properties"] == {
        "area": "cookies",
        "tags": ["security", "cookies"],
        "precision": "high",
        "security-severity": "7.5",
        "severity": "high",
    }


@pytest.mark.parametrize(
    ("severity", "level", "security_severity"),
    [
        ("critical", "error", "9.0"),
        ("high", "error", "7.5"),
        ("medium", "warning", "5.0"),
        ("low", "note", "3.0"),
        ("info", "note", "0.0"),
    ],
)
def test_levels_mapping(
    catalog: RuleCatalog, severity: str, level: str, security_severity: str
) -> None:
    finding = make_finding(catalog, "csp-missing", "csp", [START], severity)
    document = sarif_document(findings_document([finding], SCAN), catalog)
    run = document["runs"][0]
    (result,) = run["results"]
    assert result["level"] == level
    assert result["properties"]["severity"] == severity
    descriptor = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    # The rule keeps the catalog's severity (medium) whatever the finding's override.
    assert descriptor["defaultConfiguration"]["level"] == "warning"
    assert descriptor["properties"]["security-severity"] == "5.0"
    rule_severities = {
        rule["properties"]["severity"]: rule["properties"]["security-severity"]
        for rule in run["tool"]["driver"]["rules"]
    }
    assert rule_severities.get(severity, security_severity) == security_severity


def test_results(sarif: dict[str, Any]) -> None:
    results = results_by_rule(sarif)
    assert len(sarif["runs"][0]["results"]) == 7
    assert results["cookie-nonessential-before-consent"]["level"] == "error"
    assert results["cookie-lifetime-excessive"]["level"] == "warning"
    assert results["cookie-missing-httponly"]["level"] == "note"
    assert results["permissions-policy-missing"]["level"] == "note"
    assert results["csp-script-unsafe-inline"]["level"] == "note"  # overridden to low
    result = results["cookie-nonessential-before-consent"]
    assert result["message"] == {"text": "Something was seen."}
    assert result["properties"] == {
        "subject": "_ae_uid@.a.example",
        "vendor": "example-analytics",
        "pages_total": 1,
        "evidence_count": 1,
        "severity": "high",
        "consent_states": ["before-consent"],
    }
    assert results["tracker-after-refusal"]["properties"]["consent_states"] == ["after-reject"]
    assert result["locations"] == [
        {
            "physicalLocation": {"artifactLocation": {"uri": START}},
            "logicalLocations": [{"name": "_ae_uid@.a.example", "kind": "resource"}],
        }
    ]


def test_rule_index_consistent(sarif: dict[str, Any]) -> None:
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    for result in sarif["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_unknown_rule_gets_descriptor_from_finding(catalog: RuleCatalog) -> None:
    finding = make_finding(catalog, "csp-missing", "csp", [START])
    finding.rule_id = "new-rule-not-in-catalog"
    document = sarif_document(findings_document([finding], SCAN), catalog)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    (result,) = document["runs"][0]["results"]
    assert result["ruleIndex"] == len(catalog) == len(rules) - 1
    assert rules[-1]["id"] == "new-rule-not-in-catalog"
    assert rules[-1]["name"] == "NewRuleNotInCatalog"


def test_locations_one_per_page_capped(sarif: dict[str, Any]) -> None:
    result = results_by_rule(sarif)["cookie-lifetime-excessive"]
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in result["locations"]]
    assert MAX_LOCATIONS == 20
    assert uris == [f"{START}products/{number}" for number in range(20)]
    assert result["properties"]["pages_total"] == 30


def test_fingerprints(findings_doc: dict[str, Any], catalog: RuleCatalog) -> None:
    first = results_by_rule(sarif_document(findings_doc, catalog))
    second = results_by_rule(sarif_document(findings_doc, catalog))
    prints = {
        rule_id: result["partialFingerprints"][FINGERPRINT_KEY] for rule_id, result in first.items()
    }
    assert prints == {
        rule_id: result["partialFingerprints"][FINGERPRINT_KEY]
        for rule_id, result in second.items()
    }
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in prints.values())
    assert len(set(prints.values())) == len(prints)
    # Same subject, different rules: different; same rule, different subject: different.
    assert prints["cookie-nonessential-before-consent"] != prints["cookie-lifetime-excessive"]
    other = make_finding(catalog, "cookie-nonessential-before-consent", "_other@x", [START])
    other_result = sarif_document(findings_document([other], SCAN), catalog)["runs"][0]
    assert (
        other_result["results"][0]["partialFingerprints"][FINGERPRINT_KEY]
        != prints["cookie-nonessential-before-consent"]
    )


def test_fingerprint_ignores_pages_and_message(catalog: RuleCatalog) -> None:
    def print_of(pages: list[str], message: str) -> str:
        finding = make_finding(catalog, "csp-missing", "csp", pages, message=message)
        result = sarif_document(findings_document([finding], SCAN), catalog)["runs"][0]
        return result["results"][0]["partialFingerprints"][FINGERPRINT_KEY]

    assert print_of([START], "one") == print_of([START, START + "x"], "two")


def test_invocation_and_automation(sarif: dict[str, Any]) -> None:
    run = sarif["runs"][0]
    assert run["automationDetails"] == {"id": "site-compliance-scanner/shop.test/"}
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "startTimeUtc": "2026-11-23T20:00:00Z",
            "endTimeUtc": "2026-11-23T20:30:05.25Z",
            "properties": {
                "start_url": START,
                "complete": True,
                "consent_state": "before-consent",
                "consent_states": ["before-consent", "after-reject"],
            },
        }
    ]


def test_unparsable_times_are_left_out(catalog: RuleCatalog) -> None:
    scan = {**SCAN, "started_at": "not a time", "finished_at": "2026-11-23T20:00:00"}
    invocation = sarif_document(findings_document([], scan), catalog)["runs"][0]["invocations"][0]
    assert "startTimeUtc" not in invocation
    assert "endTimeUtc" not in invocation


def test_hostile_data_survives_json_round_trip(sarif: dict[str, Any]) -> None:
    loaded = json.loads(json.dumps(sarif, ensure_ascii=False))
    result = results_by_rule(loaded)["cookie-third-party"]
    assert result["message"]["text"] == f"Cookie {HOSTILE_SUBJECT} on {HOSTILE_URL}"
    assert result["properties"]["subject"] == HOSTILE_SUBJECT
    (location,) = result["locations"]
    assert location["logicalLocations"][0]["name"] == HOSTILE_SUBJECT
    assert location["properties"] == {"page": HOSTILE_URL}
    uri = location["physicalLocation"]["artifactLocation"]["uri"]
    # The URI holds only characters a URI may hold, and decodes back to the page URL.
    assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", uri)
    assert unquote(uri) == HOSTILE_URL


def test_write_sarif_atomic(
    tmp_path: Path, findings_doc: dict[str, Any], catalog: RuleCatalog
) -> None:
    path = tmp_path / "findings.sarif"
    path.write_text("old", encoding="utf-8")
    write_sarif(path, findings_doc, catalog)
    assert json.loads(path.read_text(encoding="utf-8")) == sarif_document(findings_doc, catalog)
    assert "slash ünï" in path.read_text(encoding="utf-8")  # written as UTF-8, not \u-escaped
    assert [entry.name for entry in tmp_path.iterdir()] == ["findings.sarif"]


def test_validates_against_official_schema(sarif: dict[str, Any], catalog: RuleCatalog) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    Draft4Validator.check_schema(schema)
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    for document in (sarif, sarif_document(findings_document([], SCAN), catalog)):
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == []


def test_schema_rejects_a_broken_document(sarif: dict[str, Any]) -> None:
    """Guards the guard: the vendored schema really constrains what we emit."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(sarif))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert not Draft4Validator(schema).is_valid(broken)


def test_rule_name() -> None:
    assert rule_name("x-content-type-options-missing") == "XContentTypeOptionsMissing"
    assert rule_name("csp-script-data-uri") == "CspScriptDataUri"


BIDI_SUBJECT = "admin\u202egpj.exe\u2066x\u2069\u200f@www.shop.test"
BIDI_URL = "https://www.shop.test/\u202elanigiro"


@pytest.fixture(scope="module")
def bidi_sarif_file(catalog: RuleCatalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    finding = make_finding(
        catalog,
        "cookie-third-party",
        BIDI_SUBJECT,
        [BIDI_URL],
        message=f"Cookie {BIDI_SUBJECT} on {BIDI_URL} \ud800",
    )
    path = tmp_path_factory.mktemp("bidi") / "results.sarif"
    write_sarif(path, findings_document([finding], SCAN), catalog)
    return path


def test_bidi_controls_are_shown_as_escapes_in_what_a_dashboard_displays(
    bidi_sarif_file: Path,
) -> None:
    [result] = json.loads(bidi_sarif_file.read_text(encoding="utf-8"))["runs"][0]["results"]
    visible = "admin\\u202egpj.exe\\u2066x\\u2069\\u200f@www.shop.test"
    assert result["message"]["text"] == (
        f"Cookie {visible} on https://www.shop.test/\\u202elanigiro \\ud800"
    )
    assert result["locations"][0]["logicalLocations"][0]["name"] == visible
    # machine-readable values stay exact, and the fingerprint is that of the real subject
    assert result["properties"]["subject"] == BIDI_SUBJECT
    assert result["locations"][0]["properties"]["page"] == BIDI_URL
    assert "%E2%80%AE" in result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_no_invisible_character_reaches_the_file_itself(bidi_sarif_file: Path) -> None:
    text = bidi_sarif_file.read_text(encoding="utf-8")
    for character in ("\u202e", "\u2066", "\u2069", "\u200f", "\ud800"):
        assert character not in text
    assert "\\u202e" in text
