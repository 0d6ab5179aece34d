"""Mixed-content rules, from small scan fixtures."""

from __future__ import annotations

from scanner.checks.mixed_content import check as CHECK
from tests.rule_fixtures import findings_of, page, scan, summary


def issue(url: str, resolution: str, resource_type: str) -> dict:
    return {
        "insecure_url": url,
        "main_resource_url": "https://www.shop.test/mixed",
        "resolution": resolution,
        "resource_type": resource_type,
        "request": None,
    }


def test_blockable_optionally_blockable_and_form() -> None:
    mixed = page(
        "https://www.shop.test/mixed",
        mixed_content=[
            issue("http://static.shop.test/legacy.js", "blocked", "Script"),
            issue("http://static.shop.test/banner.png", "automatically-upgraded", "Image"),
            issue("http://www.shop.test/subscribe", "warning", "Form"),
        ],
        forms=[{"action": "http://www.shop.test/subscribe", "method": "post", "fields": []}],
    )
    findings = findings_of(scan(mixed), CHECK)
    assert summary(findings) == {
        ("mixed-content-blockable", "http://static.shop.test/legacy.js", "high"),
        ("mixed-content-form", "http://www.shop.test/subscribe", "high"),
        ("mixed-content-optionally-blockable", "http://static.shop.test/banner.png", "low"),
    }
    upgraded = next(f for f in findings if f.rule_id == "mixed-content-optionally-blockable")
    assert upgraded.message == (
        "The HTTPS page loads http://static.shop.test/banner.png (image) over HTTP; the "
        "browser upgraded it to HTTPS automatically."
    )
    assert upgraded.evidence[0]["browser_decision"] == "automatically-upgraded"


def test_secure_page_and_forms_give_nothing() -> None:
    secure = page(forms=[{"action": "https://www.shop.test/s", "method": "post", "fields": []}])
    assert findings_of(scan(secure), CHECK) == []


def test_http_page_left_on_http() -> None:
    plain = page("http://www.shop.test/old")
    assert summary(findings_of(scan(plain), CHECK)) == {
        ("http-page-without-https-redirect", "www.shop.test", "medium")
    }
    failed = page("http://www.shop.test/gone", outcome="failed")
    assert findings_of(scan(failed), CHECK) == []
