"""Small scan results for rule tests, shaped exactly like scan.json (checked against its
schema), so a rule test exercises the same data a real scan gives it."""

from __future__ import annotations

from functools import cache
from typing import Any

from scanner.classify.parties import PartyClassifier
from scanner.classify.trackers import TrackerMatcher
from scanner.classify.vendors import VendorCatalog
from scanner.findings.catalog import RuleCatalog
from scanner.findings.context import ScanContext
from scanner.findings.engine import Check, run_checks
from scanner.findings.model import Finding
from scanner.findings.settings import RuleSettings
from scanner.result.validation import page_problems
from scanner.testworld import DEMO_VENDORS

SITE = "shop.test"
HOME = "https://www.shop.test/"
YEAR = 365 * 86400


def request(
    request_id: int,
    url: str,
    *,
    method: str = "GET",
    resource_type: str = "script",
    initiator: tuple[str, str | None] | None = ("parser", HOME),
    headers: list[list[str]] | None = None,
    body: str | None = None,
    phase: str = "load",
) -> dict[str, Any]:
    kind, by = initiator if initiator else (None, None)
    return {
        "id": request_id,
        "url": url,
        "method": method,
        "resource_type": resource_type,
        "frame": 0,
        "navigation": False,
        "phase": phase,
        "timing": {"started_ms": 10.0 * request_id, "ttfb_ms": 5.0, "duration_ms": 20.0},
        "initiator": {"type": kind, "url": by, "line": None, "stack_urls": [by] if by else []}
        if kind
        else None,
        "redirected_from": None,
        "headers": headers or [],
        "body": {"size": len(body.encode()), "text": body, "base64": None, "truncated": False}
        if body is not None
        else None,
        "response": {
            "status": 200,
            "status_text": "OK",
            "headers": [],
            "mime_type": None,
            "remote_address": None,
        },
        "response_body_bytes": 100,
        "transfer_bytes": 200,
        "failure": None,
    }


def cookie(
    name: str,
    domain: str,
    *,
    set_by: str,
    source: str = "header",
    lifetime_s: float | None = YEAR,
    secure: bool = True,
    http_only: bool = False,
    same_site: str | None = "Lax",
    stored: bool = True,
    refused: tuple[str, ...] = (),
    deletion: bool = False,
    outcome: str | None = None,
    probe: bool = False,
    value: str = "v",
) -> dict[str, Any]:
    """A cookie record; the outcome follows from deletion and stored unless given."""
    if outcome is None:
        outcome = "deleted" if deletion else "stored" if stored else "refused"
    return {
        "name": name,
        "value": value,
        "domain": domain,
        "host_only": not domain.startswith("."),
        "path": "/",
        "source": source,
        "set_by_url": set_by,
        "set_by_request": None,
        "frame_url": HOME,
        "raw": f"{name}=v",
        "secure": secure,
        "http_only": http_only,
        "same_site": same_site,
        "partitioned": False,
        "session": lifetime_s is None,
        "expires": None if lifetime_s is None or not stored else 2_000_000_000.0,
        "requested_lifetime_s": lifetime_s,
        "stored": stored,
        "deletion": deletion,
        "outcome": outcome,
        "probe": probe,
        "refused_reasons": list(refused),
        "refusal_source": "browser" if refused else None,
    }


def page(
    url: str = HOME,
    *,
    requests: list[dict[str, Any]] = (),  # type: ignore[assignment]
    cookies: list[dict[str, Any]] = (),  # type: ignore[assignment]
    headers: list[list[str]] = (),  # type: ignore[assignment]
    mixed_content: list[dict[str, Any]] = (),  # type: ignore[assignment]
    forms: list[dict[str, Any]] = (),  # type: ignore[assignment]
    csp_policies: list[dict[str, Any]] = (),  # type: ignore[assignment]
    csp_violations: list[dict[str, Any]] = (),  # type: ignore[assignment]
    storage: list[dict[str, Any]] = (),  # type: ignore[assignment]
    meta_referrer: str | None = None,
    outcome: str = "rendered",
) -> dict[str, Any]:
    document = {
        "url": url,
        "outcome": outcome,
        "depth": 0,
        "found_via": "start",
        "found_on": None,
        "visited_at": "2026-11-23T20:00:00+00:00",
        "duration_ms": 500.0,
        "final_url": url,
        "status": 200,
        "content_type": "text/html; charset=utf-8",
        "size_bytes": 1000,
        "redirects": [],
        "response_headers": list(headers),
        "tls": None,
        "error": None,
        "consent_state": "before-consent",
        "frames": [{"id": 0, "url": url, "parent": None, "name": ""}],
        "requests": list(requests),
        "cookies": list(cookies),
        "storage": list(storage),
        "csp_policies": list(csp_policies),
        "csp_violations": list(csp_violations),
        "mixed_content": list(mixed_content),
        "browser_issues": [],
        "forms": list(forms),
        "meta_referrer": meta_referrer,
        "title": "Page",
        "lang": "en",
        "capture_errors": [],
    }
    problems = page_problems(document)
    assert problems == [], problems
    return document


def scan(*pages: dict[str, Any]) -> dict[str, Any]:
    return {
        "start_url": HOME,
        "site": SITE,
        "started_at": "2026-11-23T20:00:00+00:00",
        "finished_at": "2026-11-23T20:01:00+00:00",
        "complete": True,
        "consent": {"state": "before-consent", "note": ""},
        "pages": list(pages),
    }


def findings_of(
    document: dict[str, Any], check: Check, settings: RuleSettings | None = None
) -> list[Finding]:
    """The findings one check (one rule area) makes of a scan fixture."""
    return run_checks(context_of(document, settings), RuleCatalog.load(), (check,))


def context_of(document: dict[str, Any], settings: RuleSettings | None = None) -> ScanContext:
    """A scan fixture classified with the demo's vendor file, as the rules see it."""
    settings = settings or RuleSettings()
    vendors = VendorCatalog.load([DEMO_VENDORS])
    parties = PartyClassifier(SITE, settings.own_domains, vendors)
    return ScanContext(document, settings, parties, _trackers())


@cache
def _trackers() -> TrackerMatcher:
    return TrackerMatcher.load()


def summary(findings: list[Finding]) -> set[tuple[str, str, str]]:
    """(rule id, subject, severity) of each finding."""
    return {(f.rule_id, f.subject, f.severity) for f in findings}
