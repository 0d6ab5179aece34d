"""CSP rules: what is wrong in each page's policies, and what only a crawl can show
(pages without a policy, resources the policy blocked, allowed hosts never used,
nonces reused across responses).

Outputs stay proportional to distinct problems, not to the size of a policy: the weaknesses
of one policy are one observation per rule and directive (the values in its evidence,
capped at ``MAX_VALUES`` with the total beside), quoted policies and values are cut with
their length stated, and the engine merges the same observation from many pages into one
finding listing the pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scanner.checks.csp import (
    SEVERITIES,
    Policy,
    Weakness,
    evaluate,
    evaluate_nonce_reuse,
    parse_host_source,
    parse_policy_list,
    source_allows_host,
)
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

MAX_VALUES = 20
"""Values (hosts, sources) listed in one finding's evidence; the total is given beside."""
MAX_POLICY_CHARS = 500
MAX_VALUE_CHARS = 200
MAX_MESSAGE_CHARS = 600
MAX_SUBJECT_VALUE_CHARS = 80
SUBJECT_VALUES = 3


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
                {"kind": "csp", "policies": [clip(p.raw, MAX_POLICY_CHARS) for p in policies]},
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
    """One observation per policy, rule and directive: a policy listing hundreds of hosts
    gives one finding per problem, naming the hosts in its evidence."""
    frame_options = next(
        (value for name, value in page["response_headers"] if name.lower() == "x-frame-options"),
        None,
    )
    groups: dict[tuple[int, str, str | None], list[Weakness]] = {}
    for weakness in evaluate(policies, frame_options):
        key = (weakness.policy_index, weakness.id, weakness.directive)
        groups.setdefault(key, []).append(weakness)
    for (index, rule, directive), found in groups.items():
        policy = policies[index]
        values = [w.value for w in found if w.value is not None]
        message = clip(found[0].message, MAX_MESSAGE_CHARS)
        if len(values) > 1:
            message += (
                f" The same applies to {len(values) - 1} more value(s) of {directive} "
                "(listed in the evidence)."
            )
        yield Observation(
            rule,
            _subject(directive, values) or rule,
            url,
            message,
            {
                "kind": "csp",
                "directive": directive,
                **_values_evidence(values),
                **_policy_evidence(policy),
                "source": policy.source,
                "disposition": policy.disposition,
            },
            severity=min((w.severity for w in found), key=SEVERITIES.index),
        )


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters in all)"


def _subject(directive: str | None, values: list[str]) -> str:
    shown = ", ".join(clip(value, MAX_SUBJECT_VALUE_CHARS) for value in values[:SUBJECT_VALUES])
    more = f" (+{len(values) - SUBJECT_VALUES} more)" if len(values) > SUBJECT_VALUES else ""
    return f"{directive or ''} {shown}{more}".strip()


def _values_evidence(values: list[str]) -> dict[str, Any]:
    return {
        "value": clip(values[0], MAX_VALUE_CHARS) if values else None,
        "values": [clip(value, MAX_VALUE_CHARS) for value in values[:MAX_VALUES]],
        "values_total": len(values),
    }


def _policy_evidence(policy: Policy) -> dict[str, Any]:
    return {"policy": clip(policy.raw, MAX_POLICY_CHARS), "policy_length": len(policy.raw)}


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
            f"The page's policy {verb} {clip(blocked, MAX_VALUE_CHARS)} "
            f"({violation['effective_directive']}).",
            {
                "kind": "csp",
                "blocked_url": clip(blocked, MAX_VALUE_CHARS),
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
    """Host sources of a script policy that no page under that policy loaded from: one
    observation per policy, the hosts in its evidence."""
    for use in used.values():
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(use.first_page))
        unused = []
        for value in use.policy.directives.get(use.directive, ()):
            source = parse_host_source(value)
            if source is None or source.host == "*":
                continue
            if not any(source_allows_host(value, script, origin) for script in use.scripts):
                unused.append(value)
        if not unused:
            continue
        listed = ", ".join(clip(value, MAX_SUBJECT_VALUE_CHARS) for value in unused[:MAX_VALUES])
        more = f" and {len(unused) - MAX_VALUES} more" if len(unused) > MAX_VALUES else ""
        yield Observation(
            "csp-allowed-host-unused",
            _subject(use.directive, unused),
            use.first_page,
            f"The policy allows scripts from {listed}{more} ({use.directive}), but no crawled "
            "page under it loaded a script from there.",
            {
                "kind": "csp",
                "directive": use.directive,
                **_values_evidence(unused),
                **_policy_evidence(use.policy),
            },
        )


def _has(policies: list[Policy], value: str | None) -> bool:
    return any(value in values for policy in policies for values in policy.directives.values())
