"""End to end: ``scanner demo`` crawls the test world in real Chromium.

One scan per test session (the real command in a subprocess); each test asserts, by
exact sets, one part of what a privacy auditor relies on.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from scanner.result.validation import scan_file_problems
from tests.e2e_helpers import (
    CliRun,
    pages_by_place,
    request_to,
    stderr_lines,
    third_party_hosts,
    where,
)

pytestmark = pytest.mark.browser

SHOP = "www.shop.test"
DAY = 86400
CHROMIUM_MAX_COOKIE_DAYS = 400


@pytest.fixture(scope="module")
def scan(demo_run: CliRun) -> dict[str, Any]:
    return demo_run.scan


@pytest.fixture(scope="module")
def pages(scan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return pages_by_place(scan)


def test_the_command_writes_a_schema_valid_scan_and_says_so(demo_run: CliRun) -> None:
    assert scan_file_problems(demo_run.out_dir / "scan.json") == []
    assert not (demo_run.out_dir / "scan.pages.jsonl").exists()
    summary = [line for line in stderr_lines(demo_run) if line.startswith("Scanned")]
    assert summary == [
        f"Scanned 53 pages (50 rendered, 2 failed, 1 not HTML) -> {demo_run.out_dir / 'scan.json'}"
    ]


def test_envelope_says_what_was_scanned_and_how(scan: dict[str, Any]) -> None:
    assert scan["site"] == "shop.test"
    assert scan["complete"] is True
    assert scan["finish_reason"] == "finished"
    assert scan["consent"]["state"] == "before-consent"
    # the default states; Klaro!'s banner is on the shop's pages, so both visitors
    # choose on their first page and visit every page the crawl rendered
    assert scan["consent"]["states"] == ["before", "reject", "accept"]
    rendered = {p["url"] for p in scan["pages"] if p["outcome"] == "rendered"}
    for visit, action in zip(scan["consent_visits"], ("optOut", "optIn"), strict=True):
        first = visit["pages"][0]
        assert (visit["skipped"], visit["not_visited"], visit["banner_again"]) == (None, [], [])
        assert {p["url"] for p in visit["pages"]} == rendered
        assert (visit["choice"]["page"], visit["choice"]["cmp"]) == (first["url"], "Klaro")
        assert (visit["choice"]["action"], visit["choice"]["succeeded"]) == (action, True)
    assert scan["browser"]["third_party_cookies"] == "accepted"
    assert "HeadlessChrome" not in scan["browser"]["user_agent"]
    assert scan["not_visited"] == []
    assert scan["summary"]["skipped"] == {"robots": 1, "trap": 2}
    assert scan["external_hosts"] == {"www.othersite.example": 50}


def test_pages_found_by_links_sitemaps_and_redirects(pages: dict[str, dict[str, Any]]) -> None:
    outcomes = {place: page["outcome"] for place, page in pages.items()}
    calendar = {place for place in outcomes if place.startswith(f"{SHOP}/calendar")}
    rendered = {
        "/", "/about", "/contact", "/privacy", "/terms", "/account", "/newsletter",
        "/newsletter/thanks?email=jane.doe%40example.com", "/orphan", "/slow",
        "/products/", *(f"/products/{n}" for n in range(1, 9)),
        "/blog/", "/blog/1", "/blog/2", "/blog/3",
        "/security/", "/security/mixed", "/security/csp-strong", "/security/csp-weak",
        "/security/csp-report-only", "/security/csp-meta",
    }  # fmt: skip
    expected = {f"{SHOP}{path}": "rendered" for path in rendered}
    expected |= {f"{SHOP}/broken": "failed", f"{SHOP}/missing": "failed"}
    expected |= {f"{SHOP}/files/catalogue.pdf": "not-html", "shop.test/old-home": "rendered"}
    expected |= dict.fromkeys(calendar, "rendered")
    assert outcomes == expected
    # the crawler-trap guard: 20 calendar months (the cap per URL shape), no more
    assert len(calendar) == 20
    assert pages[f"{SHOP}/orphan"]["found_via"] == "sitemap"
    assert where(pages[f"{SHOP}/orphan"]["found_on"]) == f"{SHOP}/sitemap-pages.xml"
    assert pages[f"{SHOP}/"]["found_via"] == "start"


def test_tracking_parameters_session_ids_and_fragments_are_not_new_pages(
    pages: dict[str, dict[str, Any]],
) -> None:
    urls = [page["url"] for page in pages.values()]
    assert not [url for url in urls if "utm_" in url or "sessionid" in url or "#" in url]
    assert {f"{SHOP}/products/1", f"{SHOP}/products/2", f"{SHOP}/products/3"} <= set(pages)


def test_skipped_urls_say_why(scan: dict[str, Any]) -> None:
    skipped = {(where(s["url"]), s["reason"]) for s in scan["skipped"]}
    assert (f"{SHOP}/private/", "robots") in skipped
    traps = sorted(place for place, reason in skipped if reason == "trap")
    assert len(traps) == 2 and all(place.startswith(f"{SHOP}/calendar?month=") for place in traps)


def test_failed_pages_have_their_reason(pages: dict[str, dict[str, Any]]) -> None:
    assert pages[f"{SHOP}/broken"]["error"] == {"kind": "http-status", "message": "HTTP 500"}
    assert pages[f"{SHOP}/missing"]["error"] == {"kind": "http-status", "message": "HTTP 404"}
    pdf = pages[f"{SHOP}/files/catalogue.pdf"]
    assert (pdf["status"], pdf["content_type"], pdf["requests"]) == (200, "application/pdf", [])
    assert pdf["size_bytes"] > 100


def test_redirect_chain_is_recorded(pages: dict[str, dict[str, Any]]) -> None:
    page = pages["shop.test/old-home"]
    hops = [(where(hop["url"]), hop["status"], where(hop["location"])) for hop in page["redirects"]]
    assert hops == [
        ("shop.test/old-home", 301, f"{SHOP}/old-home"),
        (f"{SHOP}/old-home", 301, f"{SHOP}/"),
    ]
    assert where(page["final_url"]) == f"{SHOP}/"
    assert page["status"] == 200


@pytest.mark.parametrize(
    ("path", "hosts"),
    [
        ("/about", set()),
        ("/blog/", {"cdn.analytics.example", "collect.analytics.example"}),
        (
            "/blog/1",
            {
                "cdn.analytics.example",
                "collect.analytics.example",
                "widgets.social.example",
                "cdn.social.example",
            },
        ),
        (
            "/",
            {
                "tags.tagmgr.example",
                "cdn.retarget.example",
                "px.retarget.example",
                "sync.fourthparty.example",
                "cdn.analytics.example",
                "collect.analytics.example",
            },
        ),
        (
            "/products/4",
            {
                "tags.tagmgr.example",
                "cdn.retarget.example",
                "px.retarget.example",
                "sync.fourthparty.example",
                "cdn.analytics.example",
                "collect.analytics.example",
                "ads.adnet.example",
                "api.slowvendor.example",
            },
        ),
        ("/security/mixed", set()),
    ],
)
def test_third_party_hosts_per_page(
    pages: dict[str, dict[str, Any]], path: str, hosts: set[str]
) -> None:
    assert third_party_hosts(pages[f"{SHOP}{path}"]) == hosts


def test_who_loaded_whom_tag_manager_to_retargeter_to_fourth_party(
    pages: dict[str, dict[str, Any]],
) -> None:
    page = pages[f"{SHOP}/products/1"]

    def initiator(place: str) -> tuple[str, str]:
        found = request_to(page, place)["initiator"]
        return found["type"], where(found["url"])

    assert initiator("tags.tagmgr.example/tm.js") == ("parser", f"{SHOP}/products/1")
    assert initiator("cdn.retarget.example/rt.js") == ("script", "tags.tagmgr.example/tm.js")
    fourth_party = initiator("sync.fourthparty.example/match.js")
    assert fourth_party == ("script", "cdn.retarget.example/rt.js")
    assert initiator("sync.fourthparty.example/pixel.gif") == (
        "script",
        "sync.fourthparty.example/match.js",
    )
    assert initiator("collect.analytics.example/c") == ("script", "cdn.analytics.example/a.js")
    assert initiator("ads.adnet.example/creative.png") == ("script", "ads.adnet.example/ad.js")


def _cookie_facts(page: dict[str, Any]) -> set[tuple[Any, ...]]:
    return {
        (
            c["name"],
            c["domain"],
            c["source"],
            where(c["set_by_url"]).split("?")[0],
            c["stored"],
            tuple(c["refused_reasons"]),
            c["requested_lifetime_s"],
            c["secure"],
            c["http_only"],
            c["same_site"],
        )
        for c in page["cookies"]
        if c["name"] != "_ae_cid"  # set from script once per visitor, on whichever page is first
    }


def test_cookies_set_on_a_product_page_with_setter_flags_and_refusals(
    pages: dict[str, dict[str, Any]],
) -> None:
    assert _cookie_facts(pages[f"{SHOP}/products/1"]) == {
        ("ad_uid", "ads.adnet.example", "header", "ads.adnet.example/ad.js", True, (),
         63072000.0, True, False, "None"),
        ("ad_pref", "ads.adnet.example", "header", "ads.adnet.example/ad.js", False,
         ("SameSiteNoneInsecure",), 2592000.0, False, False, "None"),
        ("ad_bad", ".other.example", "header", "ads.adnet.example/ad.js", False,
         ("InvalidDomain",), None, False, False, None),
        ("_ae_uid", ".analytics.example", "header", "collect.analytics.example/c", True, (),
         63072000.0, True, False, "None"),
        ("rt_id", ".retarget.example", "header", "px.retarget.example/sync", True, (),
         157680000.0, True, False, "None"),
        ("fp_uid", "sync.fourthparty.example", "header", "sync.fourthparty.example/pixel.gif",
         True, (), 34128000.0, True, False, "None"),
    }  # fmt: skip
    refused = [c for c in pages[f"{SHOP}/products/1"]["cookies"] if not c["stored"]]
    assert {c["refusal_source"] for c in refused} == {"browser"}
    assert all(c["expires"] is None for c in refused)


def test_stored_lifetimes_are_capped_by_the_browser_but_the_request_is_kept(
    pages: dict[str, dict[str, Any]],
) -> None:
    page = pages[f"{SHOP}/products/1"]
    rt_id = next(c for c in page["cookies"] if c["name"] == "rt_id")
    days_left = (rt_id["expires"] - time.time()) / DAY
    assert CHROMIUM_MAX_COOKIE_DAYS - 2 < days_left <= CHROMIUM_MAX_COOKIE_DAYS
    assert rt_id["requested_lifetime_s"] == 5 * 365 * DAY


def test_first_party_session_cookie_and_script_cookie(
    scan: dict[str, Any], pages: dict[str, dict[str, Any]]
) -> None:
    session = next(c for c in pages[f"{SHOP}/"]["cookies"] if c["name"] == "session")
    assert (session["session"], session["secure"], session["http_only"], session["same_site"]) == (
        True,
        True,
        True,
        "Lax",
    )
    assert (session["domain"], session["host_only"], session["expires"]) == (SHOP, True, None)
    script_writes = [c for page in scan["pages"] for c in page["cookies"] if c["name"] == "_ae_cid"]
    assert script_writes, "the analytics tag's document.cookie write was not seen"
    for cookie in script_writes:
        assert (cookie["source"], where(cookie["set_by_url"])) == (
            "script",
            "cdn.analytics.example/a.js",
        )
        assert (cookie["domain"], cookie["stored"], cookie["requested_lifetime_s"]) == (
            SHOP,
            True,
            63072000.0,
        )


def test_cross_site_iframe_requests_cookies_and_storage(pages: dict[str, dict[str, Any]]) -> None:
    page = pages[f"{SHOP}/blog/2"]
    frames = {(f["id"], where(f["url"]), f["parent"]) for f in page["frames"]}
    assert frames == {(0, f"{SHOP}/blog/2", None), (1, "widgets.social.example/embed?post=2", 0)}
    in_frame = {
        (where(r["url"]), r["initiator"]["type"]) for r in page["requests"] if r["frame"] == 1
    }
    assert in_frame == {
        ("widgets.social.example/embed?post=2", "parser"),
        ("widgets.social.example/widget.js", "frame-document"),
        ("cdn.social.example/like.png", "frame-document"),
    }
    sw_sess = next(c for c in page["cookies"] if c["name"] == "sw_sess")
    assert (where(sw_sess["frame_url"]), sw_sess["stored"], sw_sess["requested_lifetime_s"]) == (
        "widgets.social.example/embed?post=2",
        True,
        31536000.0,
    )
    storage = {
        (s["area"], where(s["origin"]), s["key"], where(s["script_url"])) for s in page["storage"]
    }
    assert storage == {
        ("localStorage", SHOP, "_ae_last_visit", "cdn.analytics.example/a.js"),
        ("localStorage", "widgets.social.example", "sw_seen", "widgets.social.example/widget.js"),
    }


def test_unload_beacon_carries_the_email_address(pages: dict[str, dict[str, Any]]) -> None:
    page = pages[f"{SHOP}/account"]
    unload = [r for r in page["requests"] if r["phase"] == "unload"]
    assert [(r["method"], where(r["url"]), r["resource_type"]) for r in unload] == [
        ("POST", "px.retarget.example/unload", "ping")
    ]
    assert '"email":"jane.doe@example.com"' in unload[0]["body"]["text"]
    assert unload[0]["initiator"]["type"] == "script"
    assert where(unload[0]["initiator"]["url"]) == "cdn.retarget.example/rt.js"
    assert unload[0]["response"]["status"] == 204


def _violations(page: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (
            where(v["blocked_url"]) if "://" in v["blocked_url"] else v["blocked_url"],
            v["effective_directive"],
            v["disposition"],
        )
        for v in page["csp_violations"]
    }


def test_csp_policies_and_violations(pages: dict[str, dict[str, Any]]) -> None:
    strong = pages[f"{SHOP}/security/csp-strong"]
    assert [(p["source"], p["disposition"]) for p in strong["csp_policies"]] == [
        ("header", "enforce")
    ]
    assert "'strict-dynamic'" in strong["csp_policies"][0]["value"]
    assert _violations(strong) == {
        ("inline", "script-src-elem", "enforce"),
        ("cdn.analytics.example/a.js", "script-src-elem", "enforce"),
    }
    blocked = request_to(strong, "cdn.analytics.example/a.js")
    assert blocked["failure"] == {"error_text": "csp", "reason": "csp"}

    report_only = pages[f"{SHOP}/security/csp-report-only"]
    assert [(p["source"], p["disposition"]) for p in report_only["csp_policies"]] == [
        ("header", "report")
    ]
    assert {(url.split("?")[0], d, disp) for url, d, disp in _violations(report_only)} == {
        ("cdn.analytics.example/a.js", "script-src-elem", "report"),
        ("cdn.analytics.example/pixel.gif", "img-src", "report"),
        ("collect.analytics.example/c", "img-src", "report"),
    }

    meta = pages[f"{SHOP}/security/csp-meta"]
    assert [(p["source"], p["value"]) for p in meta["csp_policies"]] == [("meta", "img-src 'self'")]
    assert _violations(meta) == {("cdn.analytics.example/pixel.gif", "img-src", "enforce")}

    weak = pages[f"{SHOP}/security/csp-weak"]
    assert _violations(weak) == set()
    assert "'unsafe-eval'" in weak["csp_policies"][0]["value"]
    assert pages[f"{SHOP}/about"]["csp_policies"] == []


def test_mixed_content_blocked_upgraded_and_insecure_form(pages: dict[str, dict[str, Any]]) -> None:
    page = pages[f"{SHOP}/security/mixed"]
    issues = {
        (where(issue["insecure_url"]), issue["resolution"], issue["resource_type"])
        for issue in page["mixed_content"]
    }
    assert issues == {
        ("static.shop.test/legacy.js", "blocked", "Script"),
        ("static.shop.test/banner.png", "automatically-upgraded", "Image"),
        ("www.shop.test/subscribe", "warning", "Form"),
    }
    assert request_to(page, "static.shop.test/legacy.js")["failure"]["reason"] == "mixed-content"
    upgraded = request_to(page, "static.shop.test/banner.png")
    assert upgraded["url"].startswith("https://") and upgraded["response"]["status"] == 200
    assert [(f["action"].split(":")[0], f["method"]) for f in page["forms"]] == [("http", "post")]


def test_security_headers_of_the_document_are_kept(pages: dict[str, dict[str, Any]]) -> None:
    headers = {name.lower(): value for name, value in pages[f"{SHOP}/about"]["response_headers"]}
    assert headers["strict-transport-security"] == "max-age=31536000"
    assert headers["x-content-type-options"] == "nosniff"
    assert "referrer-policy" not in headers
    assert pages[f"{SHOP}/about"]["tls"]["protocol"].startswith("TLS")


def test_request_details_for_an_analytics_hit(pages: dict[str, dict[str, Any]]) -> None:
    page = pages[f"{SHOP}/newsletter/thanks?email=jane.doe%40example.com"]
    hit = request_to(page, "collect.analytics.example/c")
    assert "jane.doe%2540example.com" in hit["url"]  # the full page URL, e-mail included
    headers = {name.lower(): value for name, value in hit["headers"]}
    # no Referrer-Policy: Chromium's default (strict-origin-when-cross-origin) sends the origin
    assert where(headers["referer"]) == f"{SHOP}/"
    assert (hit["method"], hit["resource_type"], hit["response"]["status"]) == ("GET", "image", 200)
    assert hit["transfer_bytes"] > hit["response_body_bytes"] > 0
    assert hit["timing"]["duration_ms"] >= hit["timing"]["ttfb_ms"] >= 0


def test_slow_vendor_latency_is_measured(pages: dict[str, dict[str, Any]]) -> None:
    recs = request_to(pages[f"{SHOP}/products/2"], "api.slowvendor.example/recs.js")
    assert recs["timing"]["ttfb_ms"] >= 1400
    assert pages[f"{SHOP}/slow"]["duration_ms"] >= 4000


def test_scan_output_folder_holds_the_log(demo_run: CliRun) -> None:
    assert sorted(path.name for path in Path(demo_run.out_dir).iterdir()) == [
        "crawl.log",
        "evidence",
        "findings.json",
        "manifest.json",
        "report.html",
        "report.pdf",
        "results.sarif",
        "scan.json",
    ]
