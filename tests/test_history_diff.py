"""The diff between two audits: new, removed and changed items per consent state, pages
not compared, the approved list and the pre-launch gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import ConfigError
from scanner.history.approved import ApprovedList, load_approved
from scanner.history.diff import diff_audits
from scanner.history.render import diff_json, diff_text, summary_line
from tests.history_fixtures import HOME, PAGES, audit, cookie, finding, state, vendor

EARLIER = audit(
    state(
        items=(
            vendor("analytics"),
            vendor("social-widgets"),
            cookie("ls_session", flags=("HttpOnly",)),
            finding("cookie-missing-secure", "ls_session@www.shop.example"),
            finding("csp-missing", "www.shop.example", pages=(HOME,)),
        )
    )
)
LATER = audit(
    state(
        items=(
            vendor("analytics"),
            vendor("ad-network", pages=(HOME, f"{HOME}offers"), categories=("advertising",)),
            cookie("ls_session", flags=("Secure", "HttpOnly")),
            cookie("campaign_ref", pages=(f"{HOME}offers",)),
            finding("csp-missing", "www.shop.example", severity="high", pages=PAGES),
        )
    ),
    started="2026-12-01T10:00:00+00:00",
    folder="/audits/q4",
)


def _statuses(diff) -> list[tuple[str, str, str]]:
    return [(c.status, c.kind, c.key) for s in diff.states for c in s.changes]


def test_new_removed_and_changed_items_unapproved_new_first() -> None:
    diff = diff_audits(EARLIER, LATER)
    assert _statuses(diff) == [
        ("new", "vendor", "ad-network"),
        ("new", "cookie", "campaign_ref; www.shop.example"),
        ("changed", "finding", "csp-missing: www.shop.example"),
        ("changed", "cookie", "ls_session; www.shop.example"),
        ("removed", "vendor", "social-widgets"),
        ("removed", "finding", "cookie-missing-secure: ls_session@www.shop.example"),
    ]
    changes = {c.key: c for c in diff.states[0].changes}
    csp = changes["csp-missing: www.shop.example"]
    assert [(f.name, f.before, f.after) for f in csp.fields] == [
        ("severity", "medium", "high"),
        ("pages", 1, 3),
    ]
    assert csp.worse
    flags = changes["ls_session; www.shop.example"]
    assert [(f.name, f.before, f.after) for f in flags.fields] == [
        ("flags", ("HttpOnly",), ("Secure", "HttpOnly"))
    ]
    assert not flags.worse  # gaining Secure is no worse
    assert summary_line(diff) == (
        "1 new vendor (1 not approved), 1 new cookie (1 not approved); 1 removed vendor, "
        "1 removed finding; 2 changed."
    )


def test_the_same_audit_twice_is_unchanged() -> None:
    diff = diff_audits(EARLIER, EARLIER)
    assert diff.unchanged
    assert summary_line(diff) == "nothing new."
    assert diff.gate_failures(["vendor", "cookie", "finding"]) == {}


def test_an_approved_new_vendor_comes_after_the_unapproved_and_passes_the_gate(
    tmp_path: Path,
) -> None:
    approved_file = tmp_path / "approved.toml"
    approved_file.write_text(
        '[[vendor]]\nvendor = "Ad Network"\napproved_by = "J. Doe, DPO"\n'
        'reason = "DPA signed 2026-11-20"\n',
        encoding="utf-8",
    )
    approved = load_approved(approved_file)
    diff = diff_audits(EARLIER, LATER, approved)
    new = [(c.kind, c.key, c.approval is not None) for c in diff.states[0].changes][:2]
    assert new == [
        ("cookie", "campaign_ref; www.shop.example", False),
        ("vendor", "ad-network", True),
    ]
    failures = diff.gate_failures(["vendor", "cookie"])
    assert list(failures) == ["cookie"]
    assert [c.label for c in failures["cookie"]] == ["campaign_ref (www.shop.example)"]
    text = "\n".join(diff_text(diff))
    assert (
        "+ new     Ad Network (advertising; DPA undeclared; 2 pages) "
        "[approved by J. Doe, DPO: DPA signed 2026-11-20]" in text
    )
    assert (
        "+ new     campaign_ref (www.shop.example) (first party, the site, 30 days; 1 page) "
        "[not approved]" in text
    )


def test_every_new_finding_fails_the_gate_even_if_a_vendor_list_approves_it() -> None:
    later = audit(
        state(items=(*EARLIER.states["before"].findings.values(), finding("hsts-missing", "x"))),
        started="2026-12-01T10:00:00+00:00",
    )
    earlier = audit(state(items=tuple(EARLIER.states["before"].findings.values())))
    failures = diff_audits(earlier, later).gate_failures(["finding"])
    assert [c.key for c in failures["finding"]] == ["hsts-missing: x"]


def test_items_only_on_pages_the_other_audit_did_not_see_are_marked() -> None:
    campaign = f"{HOME}campaign/black-friday"
    later = audit(
        state(
            pages=(*PAGES, campaign),
            items=(vendor("analytics"), vendor("new-pixel", pages=(campaign,))),
        ),
        started="2026-12-01T10:00:00+00:00",
    )
    earlier = audit(state(pages=(*PAGES, f"{HOME}old"), items=(vendor("analytics"),)))
    diff = diff_audits(earlier, later)
    only = diff.states[0]
    assert (only.compared_pages, only.pages_only_before, only.pages_only_after) == (
        3,
        [f"{HOME}old"],
        [campaign],
    )
    [change] = only.changes
    assert (change.key, change.on_compared_pages) == ("new-pixel", False)
    assert diff.gate_failures(["vendor"])["vendor"][0].key == "new-pixel"  # still gated
    assert "[only on pages not compared]" in "\n".join(diff_text(diff))


def test_finding_page_counts_are_compared_on_the_pages_both_audits_saw() -> None:
    extra = f"{HOME}new-page"
    earlier = audit(state(items=(finding("sri-missing", "www.shop.example"),)))
    later = audit(
        state(
            pages=(*PAGES, extra),
            items=(finding("sri-missing", "www.shop.example", pages=(*PAGES, extra)),),
        ),
        started="2026-12-01T10:00:00+00:00",
    )
    assert diff_audits(earlier, later).unchanged


def test_a_dpa_status_is_compared_only_when_both_audits_checked_dpas() -> None:
    checked = audit(state(items=(vendor("analytics", dpa_status="compliant"),)))
    unchecked = audit(
        state(items=(vendor("analytics", dpa_status="not-checked"),)),
        started="2026-12-01T10:00:00+00:00",
    )
    violating = audit(
        state(items=(vendor("analytics", dpa_status="violations"),)),
        started="2026-12-01T10:00:00+00:00",
    )
    assert diff_audits(checked, unchecked).unchanged
    [change] = diff_audits(checked, violating).states[0].changes
    assert (change.status, change.worse, change.fields[0].after) == ("changed", True, "violations")


def test_states_are_compared_one_by_one_and_those_in_one_audit_only_named() -> None:
    earlier = audit(state("before"), state("reject", items=(vendor("analytics"),)))
    later = audit(
        state("before"),
        state("reject"),
        state("accept", items=(vendor("analytics"),)),
        started="2026-12-01T10:00:00+00:00",
    )
    diff = diff_audits(earlier, later)
    assert [s.state for s in diff.states] == ["before", "reject"]
    assert _statuses(diff) == [("removed", "vendor", "analytics")]
    assert diff.states_only_after == ["accept"]
    document = diff_json(diff)
    assert document["states"][1]["changes"][0]["status"] == "removed"
    assert document["states_only_after"] == ["accept"]


def test_cookie_approvals_match_name_patterns_and_domains(tmp_path: Path) -> None:
    approved_file = tmp_path / "approved.json"
    approved_file.write_text(
        '{"cookie": [{"name": "_ga*", "domain": ".Shop.Example", "approved_by": "DPO",'
        ' "reason": "consent-gated analytics"}]}',
        encoding="utf-8",
    )
    approved = load_approved(approved_file)
    assert approved.approval("cookie", "k", "_ga_XYZ", "shop.example") is not None
    assert approved.approval("cookie", "k", "_ga_XYZ", "other.example") is None
    assert approved.approval("cookie", "k", "_gid", "shop.example") is None
    assert ApprovedList().approval("cookie", "k", "_ga", "shop.example") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[vendor]]\nvendor = 'x'\nreason = 'y'\n", "vendor entry 1: 'approved_by' is required"),
        (
            "[[cookie]]\nname = 'x'\napproved_by = 'a'\nreason = 'b'\nwho = 1\n",
            "unknown key(s) ['who']",
        ),
        ("[[vendors]]\n", "unknown key(s) ['vendors']; use [[vendor]] and [[cookie]]"),
        ("vendor = 'x'\n", "'vendor' must be a list of entries"),
        (
            "[[cookie]]\nname = 'x'\napproved_by = 'a'\nreason = 'b'\ndomain = 3\n",
            "'domain' must be a string",
        ),
        ("[[vendor\n", "is not valid TOML"),
    ],
)
def test_a_bad_approved_list_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "approved.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_approved(path)
    assert str(raised.value).startswith(f"approved list {path}")
    assert message in str(raised.value)


def test_a_cookie_with_a_fixed_expiry_is_not_changed_by_time_alone() -> None:
    earlier = audit(state(items=(cookie("exp", lifetime_days=600.5),)))  # 2026-09-01
    later = audit(  # 91 days later, the same Expires date
        state(items=(cookie("exp", lifetime_days=509.9),)), started="2026-12-01T10:00:00+00:00"
    )
    longer = audit(
        state(items=(cookie("exp", lifetime_days=900.0),)), started="2026-12-01T10:00:00+00:00"
    )
    assert diff_audits(earlier, later).unchanged
    [change] = diff_audits(earlier, longer).states[0].changes
    assert (change.fields[0].name, change.worse) == ("lifetime_days", True)


def test_a_change_in_several_states_is_counted_once() -> None:
    states = ("before", "reject", "accept")
    earlier = audit(*(state(s, items=(cookie("c", flags=("Secure",)),)) for s in states))
    later = audit(
        *(state(s, items=(cookie("c", flags=()),)) for s in states),
        started="2026-12-01T10:00:00+00:00",
    )
    assert summary_line(diff_audits(earlier, later)) == "nothing new; 1 changed."


def test_audits_with_no_state_in_common_say_nothing_was_compared() -> None:
    earlier = audit(state("before"))
    later = audit(state("accept"), started="2026-12-01T10:00:00+00:00")
    diff = diff_audits(earlier, later)
    assert (
        diff.states == [] and summary_line(diff) == "no consent state in common, nothing compared."
    )


def test_terminal_output_shows_control_characters_as_escapes() -> None:
    later = audit(
        state(items=(cookie("\x1b[2Jx", flags=()), cookie("invoice\u202egpj.exe"))),
        started="2026-12-01T10:00:00+00:00",
    )
    text = "\n".join(diff_text(diff_audits(audit(state()), later)))
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[2Jx (www.shop.example)" in text and "invoice\\u202egpj.exe" in text
