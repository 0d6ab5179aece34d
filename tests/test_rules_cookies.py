"""Cookie rules, from small scan fixtures: exact findings, positive and negative."""

from __future__ import annotations

from scanner.checks.cookies import check as CHECK
from scanner.findings.settings import RuleSettings
from tests.rule_fixtures import HOME, YEAR, cookie, findings_of, page, scan, summary

ANALYTICS_COLLECT = "https://collect.analytics.example/c"
AD_SCRIPT = "https://ads.adnet.example/ad.js"


def test_long_lived_third_party_analytics_cookie() -> None:
    uid = cookie("_ae_uid", ".analytics.example", set_by=ANALYTICS_COLLECT, lifetime_s=2 * YEAR,
                 same_site="None")  # fmt: skip
    findings = findings_of(scan(page(cookies=[uid])), CHECK)
    assert summary(findings) == {
        ("cookie-nonessential-before-consent", "_ae_uid@.analytics.example", "high"),
        ("cookie-third-party", "_ae_uid@.analytics.example", "medium"),
        ("cookie-lifetime-excessive", "_ae_uid@.analytics.example", "medium"),
    }
    lifetime = next(f for f in findings if f.rule_id == "cookie-lifetime-excessive")
    assert lifetime.message == (
        "Cookie _ae_uid (.analytics.example) asks to live 730 days; the maximum is 395 days."
    )
    assert lifetime.evidence == [
        {
            "page": HOME,
            "kind": "cookie",
            "name": "_ae_uid",
            "domain": ".analytics.example",
            "source": "header",
            "set_by": ANALYTICS_COLLECT,
            "set_by_vendor": "Example Analytics",
            "lifetime_days": 730.0,
            "secure": True,
            "http_only": False,
            "same_site": "None",
            "stored": True,
            "outcome": "stored",
            "refused_reasons": [],
        }
    ]
    assert lifetime.vendor == "example-analytics"
    assert lifetime.references[0]["source"].startswith("GDPR")


def test_well_configured_first_party_session_cookie_gives_nothing() -> None:
    session = cookie("session", "www.shop.test", set_by=HOME, lifetime_s=None, http_only=True)
    assert findings_of(scan(page(cookies=[session])), CHECK) == []


def test_first_party_session_cookie_without_flags() -> None:
    weak = cookie("sessionid", "www.shop.test", set_by=HOME, lifetime_s=None, secure=False,
                  same_site=None)  # fmt: skip
    assert summary(findings_of(scan(page(cookies=[weak])), CHECK)) == {
        ("cookie-missing-secure", "sessionid@www.shop.test", "medium"),
        ("cookie-missing-samesite", "sessionid@www.shop.test", "low"),
        ("cookie-missing-httponly", "sessionid@www.shop.test", "low"),
    }


def test_script_cookie_is_not_blamed_for_missing_httponly() -> None:
    from_script = cookie("sid_pref", "www.shop.test", set_by=HOME, source="script",
                         lifetime_s=None)  # fmt: skip
    assert findings_of(scan(page(cookies=[from_script])), CHECK) == []


def test_refused_cookies_say_why() -> None:
    refused = cookie("ad_pref", "ads.adnet.example", set_by=AD_SCRIPT, secure=False,
                     same_site="None", stored=False, refused=("SameSiteNoneInsecure",))  # fmt: skip
    findings = findings_of(scan(page(cookies=[refused])), CHECK)
    assert summary(findings) == {
        ("cookie-samesite-none-insecure", "ad_pref@ads.adnet.example", "medium"),
        ("cookie-refused-by-browser", "ad_pref@ads.adnet.example", "medium"),
    }
    refusal = next(f for f in findings if f.rule_id == "cookie-refused-by-browser")
    assert refusal.message == (
        "The browser refused cookie ad_pref (ads.adnet.example): SameSiteNoneInsecure."
    )


def test_known_tracking_name_set_by_first_party_script() -> None:
    ga = cookie("_ga", ".shop.test", set_by=HOME, source="script")
    findings = findings_of(scan(page(cookies=[ga])), CHECK)
    assert summary(findings) == {("cookie-nonessential-before-consent", "_ga@.shop.test", "high")}
    assert findings[0].message == (
        "Cookie _ga (.shop.test, analytics, Google Analytics) was set before consent."
    )


def test_deleting_a_cookie_is_not_setting_one() -> None:
    gone = cookie("_ga", ".shop.test", set_by=HOME, lifetime_s=-1.0, deletion=True)
    assert findings_of(scan(page(cookies=[gone])), CHECK) == []


def test_the_same_cookie_on_many_pages_is_one_finding() -> None:
    def visit(path: str) -> dict:
        ad = cookie("ad_uid", "ads.adnet.example", set_by=AD_SCRIPT, same_site="None")
        return page(f"https://www.shop.test/{path}", cookies=[ad])

    findings = findings_of(scan(visit("a"), visit("b"), visit("a")), CHECK)
    third_party = next(f for f in findings if f.rule_id == "cookie-third-party")
    assert third_party.pages == ["https://www.shop.test/a", "https://www.shop.test/b"]
    assert third_party.evidence_count == 3
    assert third_party.message.endswith("(on 2 pages)")


def test_settings_disable_rules_change_severity_lifetime_and_own_domains() -> None:
    uid = cookie("_ae_uid", ".analytics.example", set_by=ANALYTICS_COLLECT, lifetime_s=2 * YEAR,
                 same_site="None")  # fmt: skip
    settings = RuleSettings(
        disabled=("cookie-nonessential-before-consent",),
        severity={"cookie-third-party": "low"},
        max_cookie_lifetime_days=800,
    )
    assert summary(findings_of(scan(page(cookies=[uid])), CHECK, settings)) == {
        ("cookie-third-party", "_ae_uid@.analytics.example", "low"),
    }
    own = RuleSettings(own_domains=("analytics.example",))
    assert summary(findings_of(scan(page(cookies=[uid])), CHECK, own)) == {
        ("cookie-lifetime-excessive", "_ae_uid@.analytics.example", "medium"),
    }


JS_COOKIE_FROM_CDN = "https://cdn.jsdelivr.net/npm/js-cookie@3/dist/js.cookie.min.js"


def test_probe_and_deletion_writes_raise_no_cookie_rule() -> None:
    # each of these would raise lifetime, SameSite and Secure findings if it counted
    probe = dict(set_by=ANALYTICS_COLLECT, source="script", lifetime_s=2 * YEAR, secure=False,
                 same_site="None", stored=False)  # fmt: skip
    writes = [
        cookie("_ga", ".test", **probe, outcome="refused", probe=True, refused=("InvalidDomain",)),
        cookie("_ga", ".shop.test", **probe, outcome="removed-by-script", probe=True),
        cookie("_ga", ".shop.test", **probe, deletion=True),
        cookie("gone", "www.shop.test", set_by=HOME, outcome="removed-by-server", stored=False),
    ]
    assert findings_of(scan(page(cookies=writes)), CHECK) == []


def test_a_cookie_missing_from_the_shared_jar_is_no_refusal_but_was_set() -> None:
    # nothing refused it; the jar, shared by the pages in flight, did not hold it at the end
    lost = cookie("lost", "ads.adnet.example", set_by=AD_SCRIPT, stored=False,
                  outcome="not-in-jar", lifetime_s=2 * YEAR)  # fmt: skip
    findings = findings_of(scan(page(cookies=[lost])), CHECK)
    rules = {finding.rule_id for finding in findings}
    assert "cookie-refused-by-browser" not in rules
    assert "cookie-lifetime-excessive" in rules


def test_first_party_cookie_of_a_cdn_served_helper_belongs_to_the_site() -> None:
    # js-cookie from a public CDN writes the site's own preference cookie: the CDN is not
    # the vendor that set it, and the script stays named as the writer
    pref = cookie("theme", "www.shop.test", set_by=JS_COOKIE_FROM_CDN, source="script",
                  lifetime_s=2 * YEAR)  # fmt: skip
    findings = findings_of(scan(page(cookies=[pref])), CHECK)
    assert summary(findings) == {("cookie-lifetime-excessive", "theme@www.shop.test", "medium")}
    [finding] = findings
    assert finding.vendor is None
    assert finding.evidence[0]["set_by"] == JS_COOKIE_FROM_CDN
    assert finding.evidence[0]["set_by_vendor"] is None


def test_a_cdn_hosted_frame_setting_its_own_cookie_stays_the_cdns() -> None:
    own = cookie("cdn_id", "cdn.jsdelivr.net", set_by=JS_COOKIE_FROM_CDN, source="script")
    findings = findings_of(scan(page(cookies=[own])), CHECK)
    third = next(f for f in findings if f.rule_id == "cookie-third-party")
    assert third.vendor == "jsdelivr"
    assert third.evidence[0]["set_by_vendor"] == "jsDelivr"
