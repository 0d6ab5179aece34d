"""Find weaknesses in parsed Content-Security-Policies.

The checks cover what Google's CSP Evaluator checks, with its semantics and, through the
mapping below, its severities (see ``tests/test_csp_evaluator_parity.py``), plus what the
MDN HTTP Observatory's CSP test looks at (styles, form targets, unencrypted schemes) and
framing. Each check lives in the module for its subject: ``script_checks`` (scripts,
plugins, base URL), ``written_checks`` (syntax, nonces, addresses) and ``practice_checks``
(strict-CSP shape, Trusted Types, reporting, styles, forms, framing).

Severities follow CSP Evaluator's where the scanner has no stronger reason: HIGH -> high,
MEDIUM -> medium, "possible" severities one step down (HIGH_MAYBE -> medium, MEDIUM_MAYBE
-> low), the strict-CSP recommendations and syntax errors -> low, INFO -> info.

Several policies on one page: a resource must pass all enforced ones. A script, plugin,
base-URL or framing weakness of one policy is dropped when another enforced policy blocks
the same thing on its own. Report-only policies block nothing: they are judged alone, with
every severity one level lower and a remark in the message. A policy with no directives
left (all dropped while parsing, or a report-only ``<meta>`` policy browsers ignore) only
yields the weaknesses that come from its parse notes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .finding import Candidate, Threat
from .known_hosts import Endpoint, source_reaches
from .policy import Policy, nonce_value, parse_host_source, scheme_source
from .practice_checks import (
    form_action_findings,
    frame_ancestors_findings,
    reporting_findings,
    strict_csp_findings,
    style_findings,
    trusted_types_findings,
)
from .script_checks import (
    SCRIPT_ELEMENTS,
    active_values,
    allows_all_inline,
    ignored_values,
    is_wildcard,
    script_carrying_directives,
    script_findings,
)
from .written_checks import note_findings, written_findings

SEVERITIES = ("high", "medium", "low", "info")

SEVERITY: dict[str, str] = {
    # what may run
    "csp-missing-script-src": "high",
    "csp-missing-object-src": "high",
    "csp-missing-base-uri": "high",
    "csp-script-unsafe-inline": "high",
    "csp-script-unsafe-hashes": "low",
    "csp-script-unsafe-eval": "low",
    "csp-script-wildcard": "high",
    "csp-script-plain-scheme": "high",
    "csp-script-data-uri": "high",
    "csp-object-src-broad": "high",
    "csp-base-uri-broad": "high",
    "csp-script-bypass-host": "high",
    "csp-script-allowlist-host": "low",
    "csp-script-self": "low",
    "csp-object-bypass-host": "high",
    "csp-object-src-allowlist": "low",
    # how it is written
    "csp-nonce-short": "medium",
    "csp-nonce-charset": "info",
    "csp-ip-source": "info",
    "csp-http-source": "medium",
    "csp-insecure-scheme": "medium",
    "csp-deprecated-directive": "info",
    "csp-unknown-directive": "low",
    "csp-missing-semicolon": "low",
    "csp-invalid-keyword": "low",
    "csp-parse-error": "low",
    "csp-meta-ignored-directive": "low",
    "csp-meta-report-only-ignored": "medium",
    # recommended practice
    "csp-script-allowlist-policy": "low",
    "csp-strict-dynamic-without-nonce": "info",
    "csp-inline-fallback-missing": "low",
    "csp-allowlist-fallback-missing": "low",
    "csp-trusted-types-missing": "info",
    "csp-missing-reporting": "info",
    "csp-report-to-only": "info",
    "csp-report-uri-only": "info",
    "csp-style-unsafe": "low",
    "csp-form-action-unrestricted": "low",
    "csp-missing-frame-ancestors": "medium",
    # across responses
    "csp-nonce-reuse": "high",
}
"""Each weakness id and its usual severity for an enforced policy."""

_WEB_SCHEMES = ("http", "https", "ws", "wss")  # ws: scheme-part matches http(s) URLs too
_URLS_NAMED = 5


@dataclass(frozen=True)
class Weakness:
    """One problem in one policy; ``policy_index`` is its position in the evaluated list."""

    id: str
    severity: str
    directive: str | None
    value: str | None
    message: str
    policy_index: int


def evaluate(policies: Sequence[Policy], x_frame_options: str | None = None) -> list[Weakness]:
    """Weaknesses of the policies one page load received, in policy order.

    ``x_frame_options`` is the page's X-Frame-Options header value, if any: when it already
    stops framing (DENY or SAMEORIGIN) a missing frame-ancestors is not reported.
    """
    framing_protected = x_frame_options_protects(x_frame_options)
    enforced = [index for index, policy in enumerate(policies) if _restricts(policy)]
    weaknesses: list[Weakness] = []
    for index, policy in enumerate(policies):
        findings = list(note_findings(policy))
        if policy.directives:
            findings.extend(policy_findings(policy, framing_protected))
        others = [policies[j] for j in enforced if j != index] if policy.enforced else []
        seen: set[tuple[str, str | None, str | None]] = set()
        for finding in findings:
            key = (finding.id, finding.directive, finding.value)
            if key in seen or _mitigated(finding, others):
                continue
            seen.add(key)
            weaknesses.append(_weakness(finding, policy, index))
    return weaknesses


def policy_findings(policy: Policy, framing_protected: bool = False) -> Iterator[Candidate]:
    """Every check's findings for one policy, judged alone (no notes, no other policies)."""
    yield from script_findings(policy)
    yield from written_findings(policy, script_carrying_directives(policy), ignored_values(policy))
    yield from strict_csp_findings(policy)
    yield from trusted_types_findings(policy)
    yield from reporting_findings(policy)
    yield from style_findings(policy)
    yield from form_action_findings(policy)
    if not framing_protected:
        yield from frame_ancestors_findings(policy)


def evaluate_nonce_reuse(pages: Sequence[tuple[str, Sequence[Policy]]]) -> list[Weakness]:
    """Nonces that appear in the policies of more than one page load.

    ``pages`` holds one entry per page load: its URL and the policies it received. A nonce
    must be fresh and unguessable for every response; one seen twice is fixed or predictable.
    The same URL loaded twice counts as two loads. ``policy_index`` refers to the policy
    list of the first load the nonce was seen in.
    """
    sightings: dict[str, list[tuple[int, str, int, str, bool]]] = {}
    for load, (url, policies) in enumerate(pages):
        for policy_index, policy in enumerate(policies):
            for directive, values in policy.directives.items():
                for value in values:
                    if (nonce := nonce_value(value)) is not None:
                        sightings.setdefault(nonce, []).append(
                            (load, url, policy_index, directive, policy.enforced)
                        )
    weaknesses = []
    for nonce, seen in sightings.items():
        loads = {load for load, *_ in seen}
        if len(loads) < 2:
            continue
        _, _, policy_index, directive, _ = seen[0]
        urls = list(dict.fromkeys(url for _, url, *_ in seen))
        severity = "high" if any(enforced for *_, enforced in seen) else "medium"
        shown = ", ".join(urls[:_URLS_NAMED])
        more = f" and {len(urls) - _URLS_NAMED} more" if len(urls) > _URLS_NAMED else ""
        message = (
            f"The same script nonce was sent on {len(loads)} page loads ({shown}{more}), so it "
            "is not secret and fresh for each response and an attacker who learns it can run "
            "their own scripts."
        )
        weaknesses.append(
            Weakness(
                "csp-nonce-reuse", severity, directive, f"'nonce-{nonce}'", message, policy_index
            )
        )
    return weaknesses


def x_frame_options_protects(value: str | None) -> bool:
    """Whether an X-Frame-Options header value stops cross-site framing (HTML's rules).

    DENY and SAMEORIGIN protect; browsers also refuse framing when several different values
    are sent and one of them is DENY, SAMEORIGIN or ALLOWALL. ALLOW-FROM is obsolete.
    """
    if not value:
        return False
    options = {part.strip().lower() for part in value.split(",") if part.strip()}
    if len(options) > 1:
        return bool(options & {"deny", "sameorigin", "allowall"})
    return options in ({"deny"}, {"sameorigin"})


def lower_severity(severity: str) -> str:
    """The next severity down (``info`` stays ``info``)."""
    position = SEVERITIES.index(severity)
    return SEVERITIES[min(position + 1, len(SEVERITIES) - 1)]


# --- assembling weaknesses ------------------------------------------------------------------


def _restricts(policy: Policy) -> bool:
    return policy.enforced and bool(policy.directives)


def _mitigated(finding: Candidate, others: Sequence[Policy]) -> bool:
    if not finding.threats or not others:
        return False
    return not any(all(_allows(other, threat) for other in others) for threat in finding.threats)


def _weakness(finding: Candidate, policy: Policy, index: int) -> Weakness:
    severity = finding.severity or SEVERITY[finding.id]
    message = finding.message
    if not policy.enforced and finding.id != "csp-meta-report-only-ignored":
        severity = lower_severity(severity)
        message = (
            f"{message.rstrip('.')}; this policy is report-only, so browsers only report the "
            "problem and block nothing."
        )
    return Weakness(finding.id, severity, finding.directive, finding.value, message, index)


# --- what another policy allows -------------------------------------------------------------


def _allows(policy: Policy, threat: Threat) -> bool:
    """Whether ``policy`` on its own lets ``threat`` through (a policy without the relevant
    directive lets everything through)."""
    kind, detail = threat
    if kind == "unrestricted":
        return policy.effective(detail) is None
    if kind == "inline":
        effective = policy.effective(detail)
        return effective is None or allows_all_inline(effective[1])
    if kind == "eval":
        effective = policy.effective("script-src")
        return effective is None or "'unsafe-eval'" in effective[1]
    if kind in ("any-host", "data", "host"):
        return _script_list_allows(policy, kind, detail)
    if kind == "object":
        effective = policy.effective("object-src")
        return effective is None or effective[1] not in ((), ("'none'",))
    if kind in ("base", "framing"):
        name = "base-uri" if kind == "base" else "frame-ancestors"
        values = policy.directives.get(name)
        return values is None or any(_is_permissive(value) for value in values)
    raise ValueError(f"unknown threat kind {kind!r}")


def _is_permissive(value: str) -> bool:
    """Any host (``*``, ``https://*``) or any address of a scheme (``https:``, ``data:``)."""
    return is_wildcard(value) or scheme_source(value) is not None


def _script_list_allows(policy: Policy, kind: str, detail: str) -> bool:
    effective = policy.effective(SCRIPT_ELEMENTS)
    if effective is None:
        return True
    values = active_values(effective[1])
    if kind == "data":
        return "data:" in values
    if any(is_wildcard(value) or scheme_source(value) in _WEB_SCHEMES for value in values):
        return True
    if kind == "any-host":
        return False
    host, _, path = detail.partition(" ")
    endpoint = Endpoint(host, path or "/")
    return any(
        (source := parse_host_source(value)) is not None and source_reaches(source, endpoint)
        for value in values
    )
