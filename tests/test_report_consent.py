"""The report's comparison of consent states, judged as the consent rules judge."""

from __future__ import annotations

import re
from typing import Any

from scanner.consent_states import NO_BANNER
from scanner.findings.catalog import RuleCatalog
from scanner.findings.context import ScanContext
from scanner.findings.engine import run_checks
from scanner.findings.model import Finding
from scanner.findings.output import findings_document
from scanner.report.consent_comparison import (
    AFTER_REJECT,
    ONLY_AFTER_ACCEPT,
    accept_state_map,
    consent_comparison,
)
from scanner.report.contents import ReportMeta, build_contents
from scanner.report.render import render_html
from scanner.report.text import Redactor
from tests.report_fixtures import full_scan
from tests.rule_fixtures import HOME, context_of, cookie, page, request

ADS = "https://ads.adnet.example/ad.js"
TAGS = "https://tags.tagmgr.example/tm.js"
ANALYTICS = "https://cdn.analytics.example/a.js"
CHOICE_PAGE = HOME


def _page(state: str, urls: list[str], *, choice: dict[str, Any] | None = None, **kw: Any):
    document = page(
        kw.pop("url", HOME),
        requests=[request(n, url) for n, url in enumerate(urls)],
        **kw,
    )
    document["consent_state"] = state
    document["consent"] = {
        "state": state,
        "cmps": ["Klaro"],
        "banner_shown": choice is not None,
        "popups": ["Klaro"] if choice else [],
        "choice": choice,
        "cosmetic_only": False,
        "done": {"cmp": "Klaro", "cosmetic": False, "clicks": 1, "duration_ms": 90}
        if choice
        else None,
        "self_test": None,
        "errors": [],
        "messages": 4,
    }
    return document


def _visit(state: str, pages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "state": state,
        "summary": {"pages": len(pages), "rendered": len(pages), "failed": 0, "not_visited": 0},
        "choice": None,
        "banner_again": [],
        "not_visited": [],
        "pages": pages,
    }


def _scan(refusal_succeeded: bool = True) -> dict[str, Any]:
    """The site: an ad tag whatever the choice (and its cookie), a tag manager always,
    analytics only after "accept"."""
    ad_cookie = cookie("ad_uid", ".adnet.example", set_by=ADS)
    refused = {"cmp": "Klaro", "action": "optOut", "succeeded": refusal_succeeded}
    accepted = {"cmp": "Klaro", "action": "optIn", "succeeded": True}
    document = full_scan(_page("before", [ADS, TAGS], cookies=[ad_cookie]))
    document["consent"]["states"] = ["before", "reject", "accept"]
    document["consent_visits"] = [
        _visit(
            "reject",
            [
                _page("reject", [ADS, TAGS], choice=refused, cookies=[ad_cookie]),
                _page("reject", [TAGS], url=f"{HOME}about"),
            ],
        ),
        _visit("accept", [_page("accept", [ADS, TAGS, ANALYTICS], choice=accepted)]),
    ]
    return document


def test_rows_say_what_still_happens_after_reject_and_what_waits_for_accept() -> None:
    comparison = consent_comparison(context_of(_scan()))
    assert comparison is not None and comparison.refusal_made
    assert comparison.states == ["before", "reject", "accept"]
    vendors = {row.key: (row.pages, row.status) for row in comparison.vendors}
    assert vendors == {
        "example-ad-network": ({"before": 1, "reject": 1, "accept": 1}, AFTER_REJECT),
        "example-tag-manager": ({"before": 1, "reject": 2, "accept": 1}, ""),
        "example-analytics": ({"accept": 1}, ONLY_AFTER_ACCEPT),
    }
    assert next(row.key for row in comparison.vendors) == "example-ad-network"  # worst first
    cookies = {row.key: (row.pages, row.status) for row in comparison.cookies}
    assert cookies == {"ad_uid@.adnet.example": ({"before": 1, "reject": 1}, AFTER_REJECT)}
    reject = comparison.columns[1]
    assert (reject.title, reject.pages) == ("After “reject all”", 2)
    assert reject.choice == f"refused on {HOME} (Klaro), 1 click"


def test_the_matrix_agrees_with_the_after_refusal_findings() -> None:
    ctx = context_of(_scan())
    comparison = consent_comparison(ctx)
    assert comparison is not None
    findings = run_checks(ctx, RuleCatalog.load())
    flagged = {f.subject for f in findings if f.rule_id.endswith("-after-refusal")}
    rows = comparison.still_after_reject(comparison.vendors + comparison.cookies)
    assert flagged == {row.key for row in rows} == {"example-ad-network", "ad_uid@.adnet.example"}
    states = {f.subject: f.consent_states for f in findings if f.rule_id.endswith("-refusal")}
    assert set(map(tuple, states.values())) == {("after-reject",)}


def test_a_refusal_that_failed_marks_nothing_as_after_reject() -> None:
    comparison = consent_comparison(context_of(_scan(refusal_succeeded=False)))
    assert comparison is not None and not comparison.refusal_made
    assert comparison.still_after_reject(comparison.vendors + comparison.cookies) == []
    assert comparison.columns[1].choice == f"could not be refused on {HOME} (Klaro)"


def test_a_scan_of_one_state_has_no_comparison() -> None:
    document = _scan()
    del document["consent_visits"]
    document["consent"]["states"] = ["before"]
    assert consent_comparison(context_of(document)) is None


def test_the_accept_map_outlines_the_vendors_still_contacted_after_reject() -> None:
    ctx = context_of(_scan())
    comparison = consent_comparison(ctx)
    assert comparison is not None
    drawing = str(accept_state_map(ctx, comparison, set()))
    assert "Vendors after “accept all”" in drawing
    assert drawing.count('class="sc-flag"') == 2  # the ad network and its legend swatch
    assert "also contacted after “reject all”" in drawing
    assert "Example Analytics" in drawing


def _report_text(ctx: ScanContext) -> tuple[list[Finding], str]:
    """The findings of a scan and its HTML report's text, tags removed."""
    findings = run_checks(ctx, RuleCatalog.load())
    meta = ReportMeta("Auditor", "2026-11-23T20:02:00+00:00", "ab" * 32, None)
    html = render_html(build_contents(ctx, findings_document(findings, ctx.scan), meta), Redactor())
    return findings, " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_the_report_leads_with_what_happens_after_no() -> None:
    _, text = _report_text(context_of(_scan()))
    assert "Consent: Before a choice; After “reject all”; After “accept all”." in text  # cover
    summary = text[text.index("Executive summary") : text.index("Consent: what the visitor")]
    assert (
        "After the visitor said no Still contacted: Example Ad Network. Still set: ad_uid"
        in summary
    )
    section = text[text.index("Consent: what the visitor") :]
    assert "1 tracking vendor was still contacted and 1 non-essential cookie still set" in section
    assert (
        "1 vendor is loaded only after “accept all” (correctly gated): Example Analytics" in section
    )
    matrix = section[section.index("Vendors by consent state") :]
    assert matrix.index("Example Ad Network") < matrix.index("Example Analytics")


def _scan_without_a_banner() -> dict[str, Any]:
    """A site no page of which showed a banner: the choosing visitors did not visit."""
    document = full_scan(_page("before", [ADS, TAGS]))
    document["consent"]["states"] = ["before", "reject", "accept"]
    document["consent_visits"] = [
        {**_visit(state, []), "skipped": NO_BANNER} for state in ("reject", "accept")
    ]
    return document


def test_visitors_that_had_nothing_to_choose_are_no_columns_but_are_named() -> None:
    ctx = context_of(_scan_without_a_banner())
    assert ctx.states == ["before"]
    assert ctx.skipped_states == {"reject": NO_BANNER, "accept": NO_BANNER}
    comparison = consent_comparison(ctx)
    assert comparison is not None
    assert comparison.states == ["before"]
    assert [title for title, _ in comparison.skipped] == [
        "After “reject all”",
        "After “accept all”",
    ]


def test_the_report_says_why_no_choice_was_compared() -> None:
    findings, text = _report_text(context_of(_scan_without_a_banner()))
    assert "Consent: Before a choice (no banner, so no choice to make)." in text  # cover
    section = text[text.index("Consent: what the visitor") :]
    assert (
        "After “reject all”: not visited. No page of the crawl showed a consent banner" in section
    )
    assert "Vendors by consent state" not in section  # no matrix of one column
    assert {f.rule_id for f in findings} >= {"consent-banner-missing"}
    assert not {f.rule_id for f in findings} & {"tracker-after-refusal", "cookie-after-refusal"}
    limits = text[text.index("What the scanner cannot see") :]
    assert (
        "The visitors after “reject all” and after “accept all” did not visit: no page of "
        "the crawl showed a consent banner" in limits
    )
    assert "was not tested" not in limits
