"""The bundled autoconsent: the npm package's files unchanged, and the rules a frame gets."""

from __future__ import annotations

import json
import re

from scanner.capture import autoconsent_bundle
from scanner.capture.consent import autoconsent_config
from tests.vendored import assert_shipped_unchanged


def test_the_bundle_is_the_package_unchanged_under_its_licence() -> None:
    source = assert_shipped_unchanged(
        autoconsent_bundle.folder(), "MPL-2.0", "Mozilla Public License Version 2.0"
    )
    assert source["package"] == "@duckduckgo/autoconsent"
    assert set(source["sha256"]) == {"autoconsent.playwright.js", "rules.json"}
    assert "autoconsentReceiveMessage" in autoconsent_bundle.page_script()
    assert autoconsent_bundle.rule_count() > 500


def test_the_main_frame_gets_generic_rules_and_those_for_its_own_site_only() -> None:
    generic = autoconsent_bundle.rules_for("https://shop.example/", main_frame=True)
    names = {rule["name"] for rule in generic}
    assert all(not (r.get("runContext") or {}).get("urlPattern") for r in generic)
    assert all((r.get("runContext") or {}).get("main", True) for r in generic)
    rules = json.loads((autoconsent_bundle.folder() / "rules.json").read_text())["autoconsent"]
    simple = re.compile(r"\^https\??://\(www\\\.\)\?([a-z0-9-]+)\\\.([a-z]+)/")
    bound, site = next(
        (rule, f"https://www.{found[1]}.{found[2]}/")
        for rule in rules
        if (found := simple.fullmatch((rule.get("runContext") or {}).get("urlPattern", "")))
    )
    assert bound in autoconsent_bundle.rules_for(site, main_frame=True)
    assert bound["name"] not in names
    site_rules = [r for r in rules if (r.get("runContext") or {}).get("urlPattern")]
    assert len(json.dumps(generic)) < len(json.dumps(site_rules)) * 10


def test_a_sub_frame_gets_only_the_rules_written_for_frames() -> None:
    framed = autoconsent_bundle.rules_for("https://cmp.example/banner", main_frame=False)
    assert framed and all((r.get("runContext") or {}).get("frame") for r in framed)


def test_no_state_lets_autoconsent_guess_a_button() -> None:
    for action in ("optOut", "optIn", None):
        config = autoconsent_config(action)
        assert config["autoAction"] == action
        assert config["heuristicMode"] == "off" and config["enableHeuristicDetection"] is False
        assert config["enablePrehide"] is False
