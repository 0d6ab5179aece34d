"""End to end: a site is scanned, changes (a vendor and cookies added, another vendor
removed, a finding fixed), is scanned again, and ``scanner diff`` gives the exact change
and the pre-launch gate's exit code."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scanner.testworld import DEMO_VENDORS, TestWorld, running_test_world
from scanner.testworld.hosts import LAUNCH
from tests.e2e_helpers import CliRun, run_scanner, stderr_lines

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class TwoAudits:
    history: Path
    config: Path
    first: CliRun
    second: CliRun


def _release(world: TestWorld, number: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", world.http_port, timeout=10)
    connection.request("GET", f"/__release/{number}", headers={"Host": LAUNCH})
    response = connection.getresponse()
    assert (response.status, response.read()) == (200, f"release {number}".encode())
    connection.close()


@pytest.fixture(scope="module")
def audits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoAudits]:
    work = tmp_path_factory.mktemp("launch")
    history = work / "history.sqlite"
    config = work / "scanner.toml"
    config.write_text(
        f'[rules]\nvendor_files = ["{DEMO_VENDORS}"]\n[history]\ndatabase = "{history}"\n',
        encoding="utf-8",
    )
    with running_test_world() as world:

        def scan(name: str) -> CliRun:
            return run_scanner(
                "scan", world.url(LAUNCH), "--config", str(config), "--progress", "never",
                "--consent", "before", "--dwell", "0", "--screenshots", "0",
                "--map-host", "*=127.0.0.1", "--trust-spki", world.spki_sha256,
                out_dir=work / name,
            )  # fmt: skip

        first = scan("before-launch")
        _release(world, 2)
        second = scan("after-launch")
    yield TwoAudits(history, config, first, second)


def test_both_scans_are_recorded_and_the_second_names_the_change(audits: TwoAudits) -> None:
    assert audits.first.returncode == 0, audits.first.stderr
    assert audits.second.returncode == 0, audits.second.stderr
    assert stderr_lines(audits.first)[-1] == f"Recorded as audit #1 in the history {audits.history}"
    last = stderr_lines(audits.second)[-1]
    assert last.startswith(f"Recorded as audit #2 in the history {audits.history}; since #1 ")
    assert last.endswith(
        ": 1 new vendor (1 not approved), 4 new cookies (4 not approved), 7 new findings; "
        "1 removed vendor, 1 removed cookie, 5 removed findings; 1 changed."
    )


def test_the_diff_is_exactly_what_the_release_changed(audits: TwoAudits) -> None:
    run = run_scanner("diff", "previous", "latest", "--json", "--config", str(audits.config))
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    [state] = document["states"]
    assert (state["state"], state["compared_pages"]) == ("before", 3)
    assert state["pages_only_before"] == state["pages_only_after"] == []
    changes = {(c["status"], c["kind"], c["key"]) for c in state["changes"]}
    assert changes == {
        ("new", "vendor", "example-ad-network"),
        ("removed", "vendor", "example-social"),
        ("new", "cookie", "campaign_ref; www.launch.test"),
        ("new", "cookie", "ad_uid; ads.adnet.example"),
        ("new", "cookie", "ad_pref; ads.adnet.example"),
        ("new", "cookie", "ad_bad; .other.example"),
        ("removed", "cookie", "sw_sess; widgets.social.example"),
        ("changed", "cookie", "ls_session; www.launch.test"),
        ("removed", "finding", "cookie-missing-secure: ls_session@www.launch.test"),
        ("removed", "finding",
         "cookie-nonessential-before-consent: sw_sess@widgets.social.example"),
        ("removed", "finding", "cookie-third-party: sw_sess@widgets.social.example"),
        ("removed", "finding", "tracker-before-consent: example-social"),
        ("removed", "finding", "transfer-outside-eea: example-social"),
        ("new", "finding", "cookie-nonessential-before-consent: ad_uid@ads.adnet.example"),
        ("new", "finding", "cookie-lifetime-excessive: ad_uid@ads.adnet.example"),
        ("new", "finding", "cookie-third-party: ad_uid@ads.adnet.example"),
        ("new", "finding", "cookie-refused-by-browser: ad_bad@.other.example"),
        ("new", "finding", "cookie-refused-by-browser: ad_pref@ads.adnet.example"),
        ("new", "finding", "cookie-samesite-none-insecure: ad_pref@ads.adnet.example"),
        ("new", "finding", "tracker-before-consent: example-ad-network"),
    }  # fmt: skip
    assert len(state["changes"]) == len(changes)
    by_key = {c["key"]: c for c in state["changes"]}
    assert by_key["ls_session; www.launch.test"]["fields"] == [
        {"name": "flags", "before": ["HttpOnly", "SameSite=Lax"],
         "after": ["Secure", "HttpOnly", "SameSite=Lax"]}
    ]  # fmt: skip
    assert by_key["campaign_ref; www.launch.test"]["detail"] == (
        "first party, the site, 30 days; 1 page"
    )
    assert state["changes"][0]["status"] == "new" and state["changes"][0]["kind"] == "vendor"


def test_the_gate_fails_on_the_new_vendor_until_it_is_approved(
    audits: TwoAudits, tmp_path: Path
) -> None:
    config = ["--config", str(audits.config)]
    gate = run_scanner("diff", "previous", "latest", *config, "--fail-on-new", "vendor")
    assert gate.returncode == 1
    assert stderr_lines(gate) == ["fail-on-new: 1 new vendor (Example Ad Network)"]
    approved = tmp_path / "approved.toml"
    approved.write_text(
        '[[vendor]]\nvendor = "example-ad-network"\napproved_by = "Campaign team, DPO"\n'
        'reason = "DPA signed for the launch"\n',
        encoding="utf-8",
    )
    passed = run_scanner(
        "diff", "previous", "latest", *config, "--approved", str(approved),
        "--fail-on-new", "vendor",
    )  # fmt: skip
    assert passed.returncode == 0, passed.stderr
    assert "[approved by Campaign team, DPO: DPA signed for the launch]" in passed.stdout
    cookies = run_scanner(
        "diff", "previous", "latest", *config, "--approved", str(approved),
        "--fail-on-new", "vendor,cookie",
    )  # fmt: skip
    assert cookies.returncode == 1
    assert stderr_lines(cookies) == [
        "fail-on-new: 4 new cookies (ad_bad (other.example), ad_pref (ads.adnet.example), "
        "ad_uid (ads.adnet.example), campaign_ref (www.launch.test))"
    ]


def test_the_second_report_shows_the_change_and_the_trend(audits: TwoAudits) -> None:
    html = (audits.second.out_dir / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="change"') :]
    assert "Example Ad Network" in section and "Example Social" in section
    assert "Trend over the last audits" in section
    first = (audits.first.out_dir / "report.html").read_text(encoding="utf-8")
    assert "This is the first audit of this site in the audit history" in first
