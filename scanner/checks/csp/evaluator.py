"""Find weaknesses in parsed Content-Security-Policies.

The checks follow the reasoning popularised by Google's CSP Evaluator and the "strict CSP"
guidance, re-expressed here in terms of CSP Level 3:

- Script checks look at the directive that actually applies (``script-src-elem`` /
  ``script-src-attr`` falling back to ``script-src`` and ``default-src``; eval uses
  ``script-src`` then ``default-src``), and name it in the weakness.
- A nonce or hash makes browsers ignore ``'unsafe-inline'``; ``'strict-dynamic'`` does too,
  and also makes them ignore host allowlists, scheme-sources and ``'self'`` for scripts, so
  allowlist findings are skipped for such a policy.
- With several enforced policies a resource must pass all of them. A script, plugin, base-URL
  or framing weakness of one policy is dropped when another enforced policy blocks the same
  thing on its own. Report-only policies block nothing: they are judged alone, with every
  severity one level lower and a remark in the message.
- A policy with no directives left (all dropped while parsing, or a report-only ``<meta>``
  policy browsers ignore) only yields the weaknesses that come from its parse notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .known_hosts import ANGULAR_HOSTS, JSONP_HOSTS, find_known_host, host_patterns_overlap
from .policy import (
    DEPRECATED_DIRECTIVES,
    NOTE_META_IGNORED_DIRECTIVE,
    NOTE_META_REPORT_ONLY,
    HostSource,
    Policy,
    is_nonce_or_hash,
    nonce_value,
    parse_host_source,
    scheme_source,
)

SEVERITIES = ("high", "medium", "low", "info")

SEVERITY: dict[str, str] = {
    "csp-missing-script-src": "high",
    "csp-script-unsafe-inline": "high",
    "csp-script-unsafe-eval": "medium",
    "csp-script-wildcard": "high",
    "csp-script-plain-scheme": "high",
    "csp-script-data-uri": "high",
    "csp-script-http-source": "high",
    "csp-jsonp-host": "high",
    "csp-angular-host": "high",
    "csp-missing-object-src": "high",
    "csp-missing-base-uri": "medium",
    "csp-missing-frame-ancestors": "medium",
    "csp-deprecated-directive": "low",
    "csp-report-uri-only": "info",
    "csp-missing-reporting": "low",
    "csp-meta-ignored-directive": "low",
    "csp-meta-report-only-ignored": "medium",
    "csp-parse-error": "low",
    "csp-nonce-reuse": "high",
}
"""Each weakness id and its severity for an enforced policy."""

SCRIPT_ELEMENTS = "script-src-elem"
SCRIPT_ATTRIBUTES = "script-src-attr"
_WEB_SCHEMES = ("http", "https", "ws", "wss")  # ws: scheme-part matches http(s) URLs too

Threat = tuple[str, str]
"""Something a policy may allow, as (kind, detail); see :func:`_allows`."""


@dataclass(frozen=True)
class Weakness:
    """One problem in one policy; ``policy_index`` is its position in the evaluated list."""

    id: str
    severity: str
    directive: str | None
    value: str | None
    message: str
    policy_index: int


@dataclass(frozen=True)
class _Finding:
    id: str
    directive: str | None
    value: str | None
    message: str
    threats: tuple[Threat, ...] = ()
    """What makes this a weakness; it stands while any of these passes every other enforced
    policy. Empty: not something another policy can mitigate."""


def evaluate(policies: Sequence[Policy], x_frame_options: str | None = None) -> list[Weakness]:
    """Weaknesses of the policies one page load received, in policy order.

    ``x_frame_options`` is the page's X-Frame-Options header value, if any: when it already
    stops framing (DENY or SAMEORIGIN) a missing frame-ancestors is not reported.
    """
    framing_protected = x_frame_options_protects(x_frame_options)
    enforced = [index for index, policy in enumerate(policies) if _restricts(policy)]
    weaknesses: list[Weakness] = []
    for index, policy in enumerate(policies):
        findings = list(_note_findings(policy))
        if policy.directives:
            findings.extend(_policy_findings(policy, framing_protected))
        others = [policies[j] for j in enforced if j != index] if policy.enforced else []
        seen: set[tuple[str, str | None, str | None]] = set()
        for finding in findings:
            key = (finding.id, finding.directive, finding.value)
            if key in seen or _mitigated(finding, others):
                continue
            seen.add(key)
            weaknesses.append(_weakness(finding, policy, index))
    return weaknesses


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
        message = (
            f"The same script nonce was sent on {len(loads)} page loads "
            f"({', '.join(urls)}), so it is not secret and fresh for each response and an "
            "attacker who learns it can run their own scripts."
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


def _mitigated(finding: _Finding, others: Sequence[Policy]) -> bool:
    if not finding.threats or not others:
        return False
    return not any(all(_allows(other, threat) for other in others) for threat in finding.threats)


def _weakness(finding: _Finding, policy: Policy, index: int) -> Weakness:
    severity = SEVERITY[finding.id]
    message = finding.message
    if not policy.enforced and finding.id != "csp-meta-report-only-ignored":
        severity = lower_severity(severity)
        message = (
            f"{message.rstrip('.')}; this policy is report-only, so browsers only report the "
            "problem and block nothing."
        )
    return Weakness(finding.id, severity, finding.directive, finding.value, message, index)


def _policy_findings(policy: Policy, framing_protected: bool) -> Iterator[_Finding]:
    yield from _script_findings(policy)
    yield from _object_findings(policy)
    yield from _base_uri_findings(policy)
    if not framing_protected:
        yield from _frame_ancestors_findings(policy)
    yield from _deprecated_findings(policy)
    yield from _reporting_findings(policy)


def _note_findings(policy: Policy) -> Iterator[_Finding]:
    for note in policy.notes:
        kind = getattr(note, "kind", None)
        directive = getattr(note, "directive", None)
        value = getattr(note, "value", None)
        if kind == NOTE_META_IGNORED_DIRECTIVE:
            yield _Finding("csp-meta-ignored-directive", directive, value, str(note))
        elif kind == NOTE_META_REPORT_ONLY:
            yield _Finding("csp-meta-report-only-ignored", directive, value, str(note))
        else:
            yield _Finding("csp-parse-error", directive, value, str(note))


# --- scripts --------------------------------------------------------------------------------


def _script_findings(policy: Policy) -> Iterator[_Finding]:
    unrestricted = tuple(
        ("unrestricted", kind)
        for kind in (SCRIPT_ELEMENTS, SCRIPT_ATTRIBUTES)
        if policy.effective(kind) is None
    )
    if unrestricted:
        yield _Finding(
            "csp-missing-script-src",
            "script-src",
            None,
            "The policy does not limit where scripts may come from (there is no script-src or "
            "default-src), so it gives no protection against injected scripts.",
            unrestricted,
        )
    yield from _inline_findings(policy)
    yield from _eval_findings(policy)
    elements = policy.effective(SCRIPT_ELEMENTS)
    if elements is not None and "'strict-dynamic'" not in elements[1]:
        for value in elements[1]:
            yield from _script_source_findings(elements[0], value)


def allows_all_inline(values: Iterable[str]) -> bool:
    """Whether a script source list lets every inline script run (CSP3's inline rule).

    ``'unsafe-inline'`` only counts when the list has no nonce, no hash and no
    ``'strict-dynamic'``: browsers ignore it otherwise.
    """
    values = tuple(values)
    return (
        "'unsafe-inline'" in values
        and "'strict-dynamic'" not in values
        and not any(is_nonce_or_hash(value) for value in values)
    )


def _inline_findings(policy: Policy) -> Iterator[_Finding]:
    kinds_by_directive: dict[str, list[str]] = {}
    for kind in (SCRIPT_ELEMENTS, SCRIPT_ATTRIBUTES):
        effective = policy.effective(kind)
        if effective is not None and allows_all_inline(effective[1]):
            kinds_by_directive.setdefault(effective[0], []).append(kind)
    for directive, kinds in kinds_by_directive.items():
        yield _Finding(
            "csp-script-unsafe-inline",
            directive,
            "'unsafe-inline'",
            f"The {directive} directive allows 'unsafe-inline' without a nonce or hash, so any "
            "script an attacker manages to inject into the page will run, which defeats the "
            "main purpose of the policy.",
            tuple(("inline", kind) for kind in kinds),
        )


def _eval_findings(policy: Policy) -> Iterator[_Finding]:
    effective = policy.effective("script-src")
    if effective is not None and "'unsafe-eval'" in effective[1]:
        yield _Finding(
            "csp-script-unsafe-eval",
            effective[0],
            "'unsafe-eval'",
            f"The {effective[0]} directive allows 'unsafe-eval', so scripts may turn text into "
            "running code (eval), which makes injected data much easier to exploit.",
            (("eval", ""),),
        )


def _script_source_findings(directive: str, value: str) -> Iterator[_Finding]:
    scheme = scheme_source(value)
    host = parse_host_source(value) if scheme is None else None
    if value == "*" or (host is not None and host.host == "*"):
        yield _Finding(
            "csp-script-wildcard",
            directive,
            value,
            f"The {directive} directive allows scripts from any web site ({value}), so an "
            "attacker can load their own script from a server they control.",
            (("any-host", ""),),
        )
        return
    if scheme == "data":
        yield _Finding(
            "csp-script-data-uri",
            directive,
            value,
            f"The {directive} directive allows scripts written into data: addresses, so an "
            "attacker who can inject markup can run any script without hosting it anywhere.",
            (("data", ""),),
        )
    elif scheme in _WEB_SCHEMES:
        yield _Finding(
            "csp-script-plain-scheme",
            directive,
            value,
            f"The {directive} directive allows scripts from every address starting with "
            f"{value}, so an attacker can load their own script from a server they control.",
            (("any-host", ""),),
        )
    if host is not None:
        yield from _host_source_findings(directive, value, host)


def _host_source_findings(directive: str, value: str, source: HostSource) -> Iterator[_Finding]:
    if source.scheme == "http":
        yield _Finding(
            "csp-script-http-source",
            directive,
            value,
            f"The {directive} directive allows scripts from {value} over unencrypted http, so "
            "anyone on the network path can swap that script for their own.",
            (("host", source.host),),
        )
    if source.path not in ("", "/"):
        # Pinned to a path: reaching other files on that host needs an open redirect there.
        return
    if (jsonp := find_known_host(source.host, JSONP_HOSTS)) is not None:
        yield _Finding(
            "csp-jsonp-host",
            directive,
            value,
            f"The {directive} directive allows scripts from {value}, which offers endpoints "
            "that return attacker-chosen JavaScript (such as JSONP callbacks), so an attacker "
            "can run their own code through it despite the allowlist.",
            (("host", jsonp),),
        )
    if (angular := find_known_host(source.host, ANGULAR_HOSTS)) is not None:
        yield _Finding(
            "csp-angular-host",
            directive,
            value,
            f"The {directive} directive allows scripts from {value}, which serves old AngularJS "
            "releases (or any published package) that attackers load to turn injected markup "
            "into running code despite the allowlist.",
            (("host", angular),),
        )


# --- plugins, base URL, framing, housekeeping -----------------------------------------------


def _none_only(values: tuple[str, ...]) -> bool:
    return values in ((), ("'none'",))


def _object_findings(policy: Policy) -> Iterator[_Finding]:
    effective = policy.effective("object-src")
    if effective is None:
        yield _Finding(
            "csp-missing-object-src",
            "object-src",
            None,
            "Neither object-src nor default-src is set, so plugin content (<object> and "
            "<embed>) may load from anywhere and can be used to get around the script rules.",
            (("object", ""),),
        )
    elif not _none_only(effective[1]):
        value = " ".join(effective[1])
        yield _Finding(
            "csp-missing-object-src",
            effective[0],
            value,
            f"The {effective[0]} directive lets plugin content (<object> and <embed>) load from "
            f"{value} instead of blocking it with object-src 'none', which can be used to get "
            "around the script rules.",
            (("object", ""),),
        )


def _is_permissive(value: str) -> bool:
    """Any host (``*``, ``https://*``) or any address of a scheme (``https:``, ``data:``)."""
    if value == "*" or scheme_source(value) is not None:
        return True
    host = parse_host_source(value)
    return host is not None and host.host == "*"


def _base_uri_findings(policy: Policy) -> Iterator[_Finding]:
    elements = policy.effective(SCRIPT_ELEMENTS)
    if elements is None or not any(is_nonce_or_hash(value) for value in elements[1]):
        return
    base = policy.directives.get("base-uri")
    if base is None:
        yield _Finding(
            "csp-missing-base-uri",
            "base-uri",
            None,
            "There is no base-uri directive, so an injected <base> tag can send the page's "
            "approved scripts with relative addresses to an attacker's server.",
            (("base", ""),),
        )
        return
    for value in base:
        if _is_permissive(value):
            yield _Finding(
                "csp-missing-base-uri",
                "base-uri",
                value,
                f"The base-uri directive allows {value}, so an injected <base> tag can send the "
                "page's approved scripts with relative addresses to an attacker's server.",
                (("base", ""),),
            )


def _frame_ancestors_findings(policy: Policy) -> Iterator[_Finding]:
    ancestors = policy.directives.get("frame-ancestors")
    if ancestors is None:
        # In a <meta> policy the directive cannot work at all: say where it has to go.
        where = " (it only works in an HTTP header)" if policy.source == "meta" else ""
        yield _Finding(
            "csp-missing-frame-ancestors",
            "frame-ancestors",
            None,
            f"There is no frame-ancestors directive{where}, so unless another header forbids "
            "it, other sites can show this page inside a frame and trick visitors into "
            "clicking on it (clickjacking).",
            (("framing", ""),),
        )
        return
    for value in ancestors:
        if _is_permissive(value):
            yield _Finding(
                "csp-missing-frame-ancestors",
                "frame-ancestors",
                value,
                f"The frame-ancestors directive allows {value}, so other sites can show this "
                "page inside a frame and trick visitors into clicking on it (clickjacking).",
                (("framing", ""),),
            )


def _deprecated_findings(policy: Policy) -> Iterator[_Finding]:
    for name in policy.directives:
        if name in DEPRECATED_DIRECTIVES:
            yield _Finding(
                "csp-deprecated-directive",
                name,
                None,
                f"The {name} directive is obsolete and ignored by current browsers, so whatever "
                "it was meant to do does not happen.",
            )


def _reporting_findings(policy: Policy) -> Iterator[_Finding]:
    report_uri = policy.directives.get("report-uri")
    if "report-to" in policy.directives:
        return
    if report_uri is None:
        yield _Finding(
            "csp-missing-reporting",
            None,
            None,
            "The policy has no report-uri or report-to directive, so the site never hears "
            "about blocked attacks or about pages the policy breaks.",
        )
    else:
        yield _Finding(
            "csp-report-uri-only",
            "report-uri",
            " ".join(report_uri) or None,
            "Violations are reported only through the older report-uri directive; adding "
            "report-to as well keeps reports coming as browsers move to the Reporting API.",
        )


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
        return effective is None or not _none_only(effective[1])
    if kind in ("base", "framing"):
        name = "base-uri" if kind == "base" else "frame-ancestors"
        values = policy.directives.get(name)
        return values is None or any(_is_permissive(value) for value in values)
    raise ValueError(f"unknown threat kind {kind!r}")


def _script_list_allows(policy: Policy, kind: str, host: str) -> bool:
    effective = policy.effective(SCRIPT_ELEMENTS)
    if effective is None:
        return True
    values = effective[1]
    if "'strict-dynamic'" in values:
        return False
    if kind == "data":
        return "data:" in values
    if any(_allows_any_host(value) for value in values):
        return True
    if kind == "any-host":
        return False
    return any(
        (source := parse_host_source(value)) is not None
        and host_patterns_overlap(source.host, host)
        for value in values
    )


def _allows_any_host(value: str) -> bool:
    if value == "*" or scheme_source(value) in _WEB_SCHEMES:
        return True
    source = parse_host_source(value)
    return source is not None and source.host == "*"
