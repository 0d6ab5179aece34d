"""findings.json as SARIF 2.1.0, for code-scanning dashboards (e.g. GitHub code scanning).

Choices worth knowing:

* ``tool.driver.rules`` lists *every* catalog rule, in catalog order, not only those with
  findings: a rule's ``ruleIndex`` then depends on the catalog alone, so it is the same in
  every scan, and dashboards get the help text of all rules. A finding whose rule is not
  in the catalog gets a descriptor built from the finding's own metadata, appended.
* Results point at web pages, not files. GitHub code scanning needs a
  ``physicalLocation`` to show a result, so each page (the first
  :data:`MAX_LOCATIONS`) is one location whose ``artifactLocation.uri`` is the page's
  absolute URL (SARIF allows absolute URIs); there is no ``region``, as a finding has no
  line. The finding's subject (a cookie, a header, a vendor...) is given as a
  ``logicalLocation`` beside it.
* ``partialFingerprints`` hold a hash of rule id + subject only, so a dashboard tracks the
  same finding across scans even when the pages it was seen on change.
* Rules are tagged ``security`` besides their area: GitHub reads
  ``security-severity`` only on rules with that tag.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from scanner.findings.catalog import Rule, RuleCatalog
from scanner.report.text import INVISIBLE

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "site-compliance-scanner"
MAX_LOCATIONS = 20
"""GitHub code scanning keeps at most this many locations of a result."""
FINGERPRINT_KEY = "siteComplianceFinding/v1"
_URI_SAFE = "%:/?#[]@!$&'()*+,;=-._~"
"""RFC 3986 reserved and unreserved characters, plus '%' so escapes stay as they are."""

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.5", "medium": "5.0", "low": "3.0", "info": "0.0"}
PRECISION = "high"
"""The scanner reports what a real browser observed, not what a heuristic guessed."""


def legible(text: str) -> str:
    """Control, bidi and other invisible characters written as ``\\uXXXX``.

    In text a dashboard shows (messages, subjects), the escape is what the reader sees:
    a site's U+202E cannot make a cookie name or URL read backwards. Applied to the JSON
    text of the whole file, the same six characters are JSON escapes: values are
    unchanged for a program, nothing invisible reaches a terminal or editor, and a lone
    surrogate cannot break the UTF-8 encoding.
    """
    return INVISIBLE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def rule_name(rule_id: str) -> str:
    """CamelCase from a kebab-case rule id: ``csp-missing`` -> ``CspMissing``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", rule_id))


def fingerprint(rule_id: str, subject: str) -> str:
    """A stable hash of rule id + subject (JSON-encoded, so no separator can collide)."""
    encoded = json.dumps([rule_id, subject], ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def artifact_uri(url: str) -> str:
    """A page URL as a valid URI reference: characters a URI can't hold are %-encoded.

    Browsers give URLs already encoded; this only guards against the odd raw space,
    quote, angle bracket or non-ASCII character, and leaves existing escapes alone.
    """
    return quote(url, safe=_URI_SAFE)


def level(severity: str) -> str:
    """The SARIF level of a severity; unknown severities are an error, not a guess."""
    try:
        return LEVELS[severity]
    except KeyError:
        raise ValueError(f"unknown severity: {severity!r}") from None


def utc_timestamp(value: Any) -> str | None:
    """An ISO 8601 time as SARIF's UTC ``...Z`` form; None when missing or unparsable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:  # a naive time can't be placed in UTC honestly
        return None
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def _help_text(remediation: str, references: Any) -> str:
    lines = [remediation]
    if references:
        lines += ["", "References:"]
        lines += [
            "- " + " ".join(part for part in (ref.get("source", ""), ref.get("ref", "")) if part)
            for ref in references
        ]
    return "\n".join(lines)


def _descriptor(
    rule_id: str,
    area: str,
    title: str,
    severity: str,
    rationale: str,
    references: Any,
    remediation: str,
) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": rule_name(rule_id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": rationale},
        "help": {"text": _help_text(remediation, references)},
        "defaultConfiguration": {"level": level(severity)},
        "properties": {
            "area": area,
            "tags": ["security", area],
            "precision": PRECISION,
            "security-severity": SECURITY_SEVERITY[severity],
            "severity": severity,
        },
    }


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return _descriptor(
        rule.id,
        rule.area,
        rule.title,
        rule.severity,
        rule.rationale,
        rule.references,
        rule.remediation,
    )


def _result(finding: dict[str, Any], rule_index: int, start_url: str) -> dict[str, Any]:
    pages: list[str] = list(finding["pages"]) or [start_url]
    subject = finding["subject"]
    locations = []
    for page in pages[:MAX_LOCATIONS]:
        location: dict[str, Any] = {
            "physicalLocation": {"artifactLocation": {"uri": artifact_uri(page)}},
            "logicalLocations": [{"name": legible(subject), "kind": "resource"}],
        }
        if artifact_uri(page) != page:
            location["properties"] = {"page": page}  # the URL exactly as the scan saw it
        locations.append(location)
    return {
        "ruleId": finding["rule_id"],
        "ruleIndex": rule_index,
        "level": level(finding["severity"]),
        "message": {"text": legible(finding["message"])},
        "locations": locations,
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding["rule_id"], subject)},
        "properties": {
            "subject": subject,
            "vendor": finding.get("vendor"),
            "pages_total": len(finding["pages"]),
            "evidence_count": finding["evidence_count"],
            "severity": finding["severity"],
            "consent_states": finding["consent_states"],
        },
    }


def sarif_document(findings_doc: dict[str, Any], catalog: RuleCatalog) -> dict[str, Any]:
    """The SARIF 2.1.0 log of a findings document (as findings.json holds it)."""
    scan = findings_doc["scan"]
    rules = [_rule_descriptor(rule) for rule in catalog]
    index = {descriptor["id"]: position for position, descriptor in enumerate(rules)}
    results = []
    for finding in findings_doc["findings"]:
        rule_id = finding["rule_id"]
        if rule_id not in index:
            index[rule_id] = len(rules)
            rules.append(
                _descriptor(
                    rule_id,
                    finding["area"],
                    finding["title"],
                    finding["severity"],
                    finding["rationale"],
                    finding["references"],
                    finding["remediation"],
                )
            )
        results.append(_result(finding, index[rule_id], scan["start_url"]))

    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "properties": {
            "start_url": scan["start_url"],
            "complete": scan.get("complete"),
            "consent_state": scan.get("consent_state"),
            "consent_states": scan["consent_states"],
        },
    }
    for key, sarif_key in (("started_at", "startTimeUtc"), ("finished_at", "endTimeUtc")):
        timestamp = utc_timestamp(scan.get(key))
        if timestamp is not None:
            invocation[sarif_key] = timestamp

    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": findings_doc["scanner"]["version"],
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"{TOOL_NAME}/{scan['site']}/"},
                "invocations": [invocation],
                "results": results,
            }
        ],
    }


def write_sarif(path: Path, findings_doc: dict[str, Any], catalog: RuleCatalog) -> None:
    """Write the SARIF log atomically: a reader never sees half a file."""
    text = legible(json.dumps(sarif_document(findings_doc, catalog), indent=1, ensure_ascii=False))
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".partial", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
