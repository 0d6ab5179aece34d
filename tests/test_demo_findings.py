"""End to end: the rules on the demo scan give exactly the findings planted in the test
world, and ``scanner report`` re-runs them on the finished scan without crawling."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, Draft202012Validator

from scanner.resources import load_schema
from tests.e2e_helpers import CliRun, run_scanner, stderr_lines

pytestmark = pytest.mark.browser

_PORT = re.compile(r":\d{2,5}(?=[/ ]|$)")

NOT_GATED = {
    "cookies": (
        "_ae_cid@www.shop.test",
        "_ae_uid@.analytics.example",
        "ad_uid@ads.adnet.example",
        "fp_uid@sync.fourthparty.example",
        "rt_id@.retarget.example",
        "sw_sess@widgets.social.example",
    ),
    "vendors": (
        "example-ad-network",
        "example-analytics",
        "example-data-exchange",
        "example-recommendations",
        "example-retargeting",
        "example-social",
    ),
}
"""The shop's Klaro! banner gates nothing: after "reject all" every tracker still runs and
every non-essential cookie is still set."""

EXPECTED = {
    *(("cookie-after-refusal", cookie) for cookie in NOT_GATED["cookies"]),
    *(("tracker-after-refusal", vendor) for vendor in NOT_GATED["vendors"]),
    ("coop-missing", "www.shop.test"),
    ("cookie-lifetime-excessive", "_ae_cid@www.shop.test"),
    ("cookie-lifetime-excessive", "_ae_uid@.analytics.example"),
    ("cookie-lifetime-excessive", "ad_uid@ads.adnet.example"),
    ("cookie-lifetime-excessive", "rt_id@.retarget.example"),
    ("cookie-missing-samesite", "_ae_cid@www.shop.test"),
    ("cookie-missing-secure", "_ae_cid@www.shop.test"),
    ("cookie-nonessential-before-consent", "_ae_cid@www.shop.test"),
    ("cookie-nonessential-before-consent", "_ae_uid@.analytics.example"),
    ("cookie-nonessential-before-consent", "ad_uid@ads.adnet.example"),
    ("cookie-nonessential-before-consent", "fp_uid@sync.fourthparty.example"),
    ("cookie-nonessential-before-consent", "rt_id@.retarget.example"),
    ("cookie-nonessential-before-consent", "sw_sess@widgets.social.example"),
    ("cookie-refused-by-browser", "ad_bad@.other.example"),
    ("cookie-refused-by-browser", "ad_pref@ads.adnet.example"),
    ("cookie-samesite-none-insecure", "ad_pref@ads.adnet.example"),
    ("cookie-third-party", "_ae_uid@.analytics.example"),
    ("cookie-third-party", "ad_uid@ads.adnet.example"),
    ("cookie-third-party", "fp_uid@sync.fourthparty.example"),
    ("cookie-third-party", "rt_id@.retarget.example"),
    ("cookie-third-party", "sw_sess@widgets.social.example"),
    # the test world's hosts use a non-default port, which a host source without a port
    # does not match (CSP3): so *.analytics.example counts as unused there too
    (
        "csp-allowed-host-unused",
        "script-src *.analytics.example, https://cdn.unused-widgets.example",
    ),
    ("csp-allowlist-fallback-missing", "script-src"),
    ("csp-form-action-unrestricted", "form-action"),
    ("csp-inline-fallback-missing", "script-src"),
    (
        "csp-script-allowlist-host",
        "script-src *.analytics.example, https://cdn.unused-widgets.example",
    ),
    ("csp-script-allowlist-policy", "script-src"),
    ("csp-script-self", "default-src 'self'"),
    ("csp-script-self", "script-src 'self'"),
    ("csp-trusted-types-missing", "require-trusted-types-for"),
    ("csp-blocked-resource", "https://cdn.analytics.example img-src enforce"),
    ("csp-blocked-resource", "https://cdn.analytics.example img-src report"),
    ("csp-blocked-resource", "https://cdn.analytics.example script-src-elem enforce"),
    ("csp-blocked-resource", "https://cdn.analytics.example script-src-elem report"),
    ("csp-blocked-resource", "https://collect.analytics.example img-src report"),
    ("csp-blocked-resource", "inline script-src-elem enforce"),
    ("csp-missing", "www.shop.test"),
    ("csp-missing-frame-ancestors", "frame-ancestors"),
    ("csp-missing-object-src", "object-src"),
    ("csp-missing-reporting", "csp-missing-reporting"),
    ("csp-missing-script-src", "script-src"),
    ("csp-report-uri-only", "report-uri /csp-report"),
    ("csp-script-plain-scheme", "script-src https:"),
    ("csp-script-unsafe-eval", "script-src 'unsafe-eval'"),
    ("csp-script-unsafe-inline", "script-src 'unsafe-inline'"),
    ("fourth-party", "example-data-exchange"),
    ("framing-protection-missing", "www.shop.test"),
    ("http-redirect-indirect", "shop.test"),
    ("mixed-content-blockable", "http://static.shop.test/legacy.js"),
    ("mixed-content-form", "http://www.shop.test/subscribe"),
    ("mixed-content-optionally-blockable", "http://static.shop.test/banner.png"),
    ("permissions-policy-missing", "www.shop.test"),
    ("personal-data-to-third-party", "example-analytics/email/query:dl"),
    ("personal-data-to-third-party", "example-retargeting/email/body:email"),
    ("referrer-policy-personal-data-url", "https://www.shop.test/newsletter/thanks"),
    ("sri-missing", "www.shop.test"),  # the start page's external scripts, from the site probe
    ("tracker-before-consent", "example-ad-network"),
    ("tracker-before-consent", "example-analytics"),
    ("tracker-before-consent", "example-data-exchange"),
    ("tracker-before-consent", "example-recommendations"),
    ("tracker-before-consent", "example-retargeting"),
    ("tracker-before-consent", "example-social"),
    ("transfer-outside-eea", "example-analytics"),
    ("transfer-outside-eea", "example-data-exchange"),
    ("transfer-outside-eea", "example-social"),
    # the example DPAs (schemas/dpa-examples) applied to the demo's vendors
    ("dpa-undeclared-vendor", "example-retargeting"),
    ("dpa-undeclared-vendor", "example-data-exchange"),
    ("dpa-undeclared-vendor", "example-social"),
    ("dpa-violation", "example-analytics data_categories 4.2"),
    ("dpa-violation", "example-analytics cookies 5.1"),
    ("dpa-violation", "example-ad-network before_consent 3.1"),
    ("dpa-violation", "example-recommendations latency_ms 7.2"),
}


def _findings(out_dir: Path) -> dict[str, Any]:
    return json.loads((out_dir / "findings.json").read_text(encoding="utf-8"))


def _by_key(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["rule_id"], _PORT.sub("", f["subject"])): f for f in document["findings"]}


def test_findings_file_validates_and_says_how_many(demo_run: CliRun) -> None:
    document = _findings(demo_run.out_dir)
    assert (
        list(Draft202012Validator(load_schema("findings.schema.json")).iter_errors(document)) == []
    )
    counts = document["summary"]["by_severity"]
    line = [text for text in stderr_lines(demo_run) if "findings (" in text]
    assert line == [
        f"{document['summary']['total']} findings ("
        + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        + f") -> {demo_run.out_dir / 'findings.json'}"
    ]


def test_exactly_the_planted_findings(demo_run: CliRun) -> None:
    assert set(_by_key(_findings(demo_run.out_dir))) == EXPECTED


def test_email_leaks_to_the_retargeter_in_the_unload_beacon(demo_run: CliRun) -> None:
    finding = _by_key(_findings(demo_run.out_dir))[
        ("personal-data-to-third-party", "example-retargeting/email/body:email")
    ]
    assert finding["severity"] == "high"
    assert [_PORT.sub("", page) for page in finding["pages"]] == ["https://www.shop.test/account"]
    evidence = finding["evidence"][0]
    assert (evidence["method"], _PORT.sub("", evidence["url"])) == (
        "POST",
        "https://px.retarget.example/unload",
    )
    assert any(ref["ref"].startswith("Art. 5(1)(c)") for ref in finding["references"])


def test_fourth_party_names_who_brought_it(demo_run: CliRun) -> None:
    finding = _by_key(_findings(demo_run.out_dir))[("fourth-party", "example-data-exchange")]
    assert finding["message"].startswith(
        "Example Data Exchange was loaded by Example Retargeting, not by the site."
    )
    assert _PORT.sub("", finding["evidence"][0]["loaded_by_script"]) == (
        "https://cdn.retarget.example/rt.js"
    )
    assert len(finding["pages"]) == 11  # home, products list, 8 products, account


def test_report_reruns_the_rules_without_crawling(demo_run: CliRun, tmp_path: Path) -> None:
    copy = tmp_path / "scan"
    copy.mkdir()
    (copy / "scan.json").write_bytes((demo_run.out_dir / "scan.json").read_bytes())
    config = tmp_path / "scanner.toml"
    root = Path(__file__).resolve().parent.parent
    config.write_text(
        '[rules]\ndisabled = ["csp-missing"]\n'
        f'vendor_files = ["{root / "scanner/testworld/vendors.json"}"]\n'
        f'dpa_dir = "{root / "schemas/dpa-examples"}"\n'
        '[rules.severity]\n"fourth-party" = "critical"\n'
    )
    run = run_scanner("report", str(copy), "--config", str(config))
    assert run.returncode == 0, run.stderr
    findings = _by_key(_findings(copy))
    assert set(findings) == EXPECTED - {("csp-missing", "www.shop.test")}
    assert findings[("fourth-party", "example-data-exchange")]["severity"] == "critical"
    assert not (copy / "crawl.log").exists()


def test_report_on_a_folder_without_a_scan_is_one_clear_line(tmp_path: Path) -> None:
    run = run_scanner("report", str(tmp_path))
    assert (run.returncode, stderr_lines(run)) == (
        2,
        [f"error: {tmp_path / 'scan.json'} does not exist; give the folder of a finished scan"],
    )


def test_dpa_findings_quote_the_contract(demo_run: CliRun) -> None:
    findings = _by_key(_findings(demo_run.out_dir))
    email = findings[("dpa-violation", "example-analytics data_categories 4.2")]
    assert email["message"].startswith(
        "Example Analytics received e-mail addresses; the agreement allows only online "
        "identifiers, page URLs, IP addresses and device data (clause 4.2)."
    )
    assert email["severity"] == "high"
    assert [_PORT.sub("", page) for page in email["pages"]] == [
        "https://www.shop.test/newsletter/thanks?email=jane.doe%40example.com"
    ]
    assert email["evidence"][0]["agreement"] == (
        "Data Processing Addendum to the Example Analytics Terms of Service"
    )
    cookie = findings[("dpa-violation", "example-analytics cookies 5.1")]
    assert "for 730 days; the agreement allows at most 395 days (clause 5.1)" in cookie["message"]
    latency = findings[("dpa-violation", "example-recommendations latency_ms 7.2")]
    assert "the agreement allows 800 ms (clause 7.2)" in latency["message"]
    undeclared = findings[("dpa-undeclared-vendor", "example-data-exchange")]
    assert undeclared["message"].endswith("it was brought in by example-retargeting. (on 11 pages)")


def test_fail_on_is_the_pre_launch_gate(demo_run: CliRun, tmp_path: Path) -> None:
    vendors = str(Path(__file__).resolve().parent.parent / "scanner/testworld/vendors.json")
    copy = tmp_path / "scan"
    copy.mkdir()
    (copy / "scan.json").write_bytes((demo_run.out_dir / "scan.json").read_bytes())
    failing = run_scanner("report", str(copy), "--vendors", vendors, "--fail-on", "high")
    counts = _findings(copy)["summary"]["by_severity"]
    assert failing.returncode == 1
    assert stderr_lines(failing)[-1] == (
        f"fail-on high: {counts['critical'] + counts['high']} findings at high or above "
        f"({counts['critical']} critical, {counts['high']} high)"
    )
    # what still happens after "reject all" is what makes the demo critical: the scan
    # as a before-only audit passes a critical gate
    before_only = tmp_path / "before-only"
    before_only.mkdir()
    scan = json.loads((copy / "scan.json").read_text(encoding="utf-8"))
    scan["consent_visits"] = []
    scan["consent"]["states"] = scan["settings"]["consent"] = ["before"]
    (before_only / "scan.json").write_text(json.dumps(scan), encoding="utf-8")
    passing = run_scanner("report", str(before_only), "--vendors", vendors, "--fail-on", "critical")
    assert (passing.returncode, _findings(before_only)["summary"]["by_severity"]["critical"]) == (
        0,
        0,
    )
    assert not [line for line in stderr_lines(passing) if line.startswith("fail-on")]


def test_sarif_results_validate_and_match_the_findings(demo_run: CliRun) -> None:
    sarif = json.loads((demo_run.out_dir / "results.sarif").read_text(encoding="utf-8"))
    schema_file = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert list(Draft4Validator(schema).iter_errors(sarif)) == []
    [run] = sarif["runs"]
    findings = _findings(demo_run.out_dir)["findings"]
    assert [r["ruleId"] for r in run["results"]] == [f["rule_id"] for f in findings]
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}
