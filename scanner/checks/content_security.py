"""CSP rules: what is wrong in each page's policies, and what only a crawl can show
(pages without a policy, resources the policy blocked, allowed hosts never used,
nonces reused across responses)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scanner.checks.csp import (
    Policy,
    evaluate,
    evaluate_nonce_reuse,
    parse_host_source,
    parse_policy_list,
    source_allows_host,
)
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation


def check(ctx: ScanContext) -> Iterator[Observation]:
    loads: list[tuple[str, list[Policy]]] = []
    script_hosts_used: dict[tuple[str, str], _PolicyUse] = {}
    for page in ctx.pages:
        if page["outcome"] != "rendered":
            continue
        url = ctx.page_url(page)
        policies = page_policies(page)
        loads.append((url, policies))
        if not any(policy.enforced for policy in policies):
            yield Observation(
                "csp-missing",
                urlsplit(url).hostname or url,
                url,
                "The page has no enforced Content-Security-Policy.",
                {"kind": "csp", "policies": [p.raw for p in policies]},
            )
        yield from _weaknesses(page, url, policies)
        yield from _violations(page, url)
        _record_script_use(page, url, policies, script_hosts_used)
    for weakness in evaluate_nonce_reuse(loads):
        first_url = next(url for url, policies in loads if _has(policies, weakness.value))
        yield Observation(
            weakness.id,
            weakness.value or "",
            first_url,
            weakness.message,
            {"kind": "csp", "directive": weakness.directive, "value": weakness.value},
            severity=weakness.severity,
        )
    yield from _unused_hosts(script_hosts_used)


def page_policies(page: dict[str, Any]) -> list[Policy]:
    policies: list[Policy] = []
    for captured in page["csp_policies"]:
        policies += parse_policy_list(
            captured["value"], captured["source"], captured["disposition"]
        )
    return policies


def _weaknesses(page: dict[str, Any], url: str, policies: list[Policy]) -> Iterator[Observation]:
    frame_options = next(
        (value for name, value in page["response_headers"] if name.lower() == "x-frame-options"),
        None,
    )
    for weakness in evaluate(policies, frame_options):
        policy = policies[weakness.policy_index]
        yield Observation(
            weakness.id,
            f"{weakness.directive or ''} {weakness.value or ''}".strip() or weakness.id,
            url,
            weakness.message,
            {
                "kind": "csp",
                "directive": weakness.directive,
                "value": weakness.value,
                "policy": policy.raw,
                "source": policy.source,
                "disposition": policy.disposition,
            },
            severity=weakness.severity,
        )


def _violations(page: dict[str, Any], url: str) -> Iterator[Observation]:
    for violation in page["csp_violations"]:
        blocked = violation["blocked_url"]
        parts = urlsplit(blocked)
        what = f"{parts.scheme}://{parts.netloc}" if parts.netloc else blocked
        verb = "blocked" if violation["disposition"] == "enforce" else "reported (report-only)"
        yield Observation(
            "csp-blocked-resource",
            f"{what} {violation['effective_directive']} {violation['disposition']}",
            url,
            f"The page's policy {verb} {blocked} ({violation['effective_directive']}).",
            {
                "kind": "csp",
                "blocked_url": blocked,
                "directive": violation["effective_directive"],
                "disposition": violation["disposition"],
            },
        )


@dataclass
class _PolicyUse:
    """One enforced script policy and the scripts loaded by the pages that received it."""

    policy: Policy
    directive: str
    first_page: str
    scripts: set[str] = field(default_factory=set)


def _record_script_use(
    page: dict[str, Any], url: str, policies: list[Policy], used: dict[tuple[str, str], _PolicyUse]
) -> None:
    scripts = [
        r["url"] for r in page["requests"] if r["resource_type"] == "script" and not r["failure"]
    ]
    for policy in policies:
        if policy.enforced and (effective := policy.effective("script-src-elem")):
            key = (policy.raw, effective[0])
            use = used.setdefault(key, _PolicyUse(policy, effective[0], url))
            use.scripts.update(scripts)


def _unused_hosts(used: dict[tuple[str, str], _PolicyUse]) -> Iterator[Observation]:
    """Host sources of a script policy that no page under that policy loaded from."""
    for use in used.values():
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(use.first_page))
        for value in use.policy.directives.get(use.directive, ()):
            source = parse_host_source(value)
            if source is None or source.host == "*":
                continue
            if not any(source_allows_host(value, script, origin) for script in use.scripts):
                yield Observation(
                    "csp-allowed-host-unused",
                    f"{value} ({use.directive})",
                    use.first_page,
                    f"The policy allows scripts from {value}, but no crawled page under it "
                    "loaded a script from there.",
                    {
                        "kind": "csp",
                        "directive": use.directive,
                        "value": value,
                        "policy": use.policy.raw,
                    },
                )


def _has(policies: list[Policy], value: str | None) -> bool:
    return any(value in values for policy in policies for values in policy.directives.values())
