"""Checks of what a policy lets run: scripts, plugins and the base URL.

They judge the policy as a CSP Level 3 browser applies it, the way CSP Evaluator does:

- The script directives looked at are those that govern ``script-src``,
  ``script-src-attr`` and ``script-src-elem`` (each falling back to ``script-src``, then
  ``default-src``); eval is governed by ``script-src`` (then ``default-src``) alone.
- A nonce or hash makes browsers ignore ``'unsafe-inline'``; ``'strict-dynamic'`` makes
  them ignore it too, and also host-sources, scheme-sources and ``'self'``. Ignored values
  give no finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from .finding import Candidate
from .known_hosts import ANGULAR, FLASH, JSONP, bypass_list, find_endpoint
from .policy import HostSource, Policy, is_nonce_or_hash, parse_host_source, scheme_source

SCRIPT_DIRECTIVES = ("script-src", "script-src-attr", "script-src-elem")
SCRIPT_ELEMENTS = "script-src-elem"
SCRIPT_ATTRIBUTES = "script-src-attr"
_BROAD_SCHEMES = {
    "script": ("http", "https", "data", "ws", "wss"),
    "object": ("http", "https", "data"),
    "base": ("http", "https", "data"),
}
_FLASH_TYPE = "application/x-shockwave-flash"


def active_values(values: tuple[str, ...]) -> tuple[str, ...]:
    """A script source list without the values a CSP3 browser ignores in it."""
    if "'strict-dynamic'" in values:
        values = tuple(
            value
            for value in values
            if value.startswith("'") and value not in ("'self'", "'unsafe-inline'")
        )
    if any(is_nonce_or_hash(value) for value in values):
        values = tuple(value for value in values if value != "'unsafe-inline'")
    return values


def allows_all_inline(values: tuple[str, ...]) -> bool:
    """Whether a script source list lets every inline script run (CSP3's inline rule)."""
    return "'unsafe-inline'" in active_values(tuple(values))


def script_lists(
    policy: Policy, names: tuple[str, ...] = SCRIPT_DIRECTIVES
) -> list[tuple[str, tuple[str, ...]]]:
    """The directives governing ``names``, once each, with their active values."""
    found: dict[str, tuple[str, ...]] = {}
    for name in names:
        effective = policy.effective(name)
        if effective is not None and effective[0] not in found:
            found[effective[0]] = active_values(effective[1])
    return list(found.items())


def ignored_values(policy: Policy) -> frozenset[tuple[str, str]]:
    """(directive, value) pairs of the script directives that browsers ignore there."""
    ignored: set[tuple[str, str]] = set()
    for name in SCRIPT_DIRECTIVES:
        if (effective := policy.effective(name)) is not None:
            active = active_values(effective[1])
            ignored.update((effective[0], v) for v in effective[1] if v not in active)
    return frozenset(ignored)


def _governs(policy: Policy, directive: str) -> tuple[str, ...]:
    """Which of script-src-elem / script-src-attr ``directive`` governs in ``policy``."""
    kinds = tuple(
        kind
        for kind in (SCRIPT_ELEMENTS, SCRIPT_ATTRIBUTES)
        if (effective := policy.effective(kind)) is not None and effective[0] == directive
    )
    return kinds or (SCRIPT_ELEMENTS,)


def script_findings(policy: Policy) -> Iterator[Candidate]:
    yield from _missing_findings(policy)
    yield from _inline_findings(policy)
    yield from _eval_findings(policy)
    yield from _broad_findings(policy)
    yield from _allowlist_findings(policy)
    yield from _object_allowlist_findings(policy)


def _missing_findings(policy: Policy) -> Iterator[Candidate]:
    if "script-src" not in policy.directives and "default-src" not in policy.directives:
        yield Candidate(
            "csp-missing-script-src",
            "script-src",
            None,
            "The policy has neither script-src nor default-src, so it does not limit which "
            "scripts run and gives no protection against injected ones.",
            (("unrestricted", SCRIPT_ELEMENTS), ("unrestricted", SCRIPT_ATTRIBUTES)),
        )
    if policy.effective("object-src") is None:
        # An empty list (object-src with no valid value) blocks everything, as 'none' does.
        yield Candidate(
            "csp-missing-object-src",
            "object-src",
            None,
            "Neither object-src nor default-src restricts plugin content (<object>, <embed>), "
            "which can be used to run script around the policy; set object-src 'none'.",
            (("object", ""),),
        )
    scripts = policy.effective("script-src")
    values = scripts[1] if scripts else ()
    nonces = any(is_nonce_or_hash(v) and v.startswith("'nonce-") for v in values)
    hashes = any(is_nonce_or_hash(v) and not v.startswith("'nonce-") for v in values)
    needs_base = nonces or (hashes and "'strict-dynamic'" in values)
    if needs_base and "base-uri" not in policy.directives:
        yield Candidate(
            "csp-missing-base-uri",
            "base-uri",
            None,
            "The policy relies on nonces or hashes but has no base-uri directive, so an "
            "injected <base> element can point the page's trusted relative script addresses "
            "at an attacker's server; set base-uri 'none' or 'self'.",
            (("base", ""),),
        )


def _inline_findings(policy: Policy) -> Iterator[Candidate]:
    for directive, values in script_lists(policy):
        if "'unsafe-inline'" in values:
            yield Candidate(
                "csp-script-unsafe-inline",
                directive,
                "'unsafe-inline'",
                f"{directive} allows 'unsafe-inline' without a nonce, hash or 'strict-dynamic', "
                "so any inline script or event handler an attacker injects runs, which defeats "
                "the main purpose of the policy.",
                tuple(("inline", kind) for kind in _governs(policy, directive)),
            )
        if "'unsafe-hashes'" in values:
            yield Candidate(
                "csp-script-unsafe-hashes",
                directive,
                "'unsafe-hashes'",
                f"{directive} allows 'unsafe-hashes': event-handler attributes and javascript: "
                "addresses run when their hash is listed. Safer than 'unsafe-inline', but an "
                "attacker can reuse any listed handler; move the handlers into scripts.",
            )


def _eval_findings(policy: Policy) -> Iterator[Candidate]:
    effective = policy.effective("script-src")
    if effective is not None and "'unsafe-eval'" in effective[1]:
        yield Candidate(
            "csp-script-unsafe-eval",
            effective[0],
            "'unsafe-eval'",
            f"{effective[0]} allows 'unsafe-eval', so scripts may turn text into code (eval, "
            "new Function, string timers); attacker-controlled text reaching those calls runs.",
            (("eval", ""),),
        )


def is_wildcard(value: str) -> bool:
    """``*`` with or without a scheme (``*``, ``https://*``): any host at all."""
    if value == "*":
        return True
    source = parse_host_source(value)
    return source is not None and source.host == "*" and source.port is None and not source.path


def _families(policy: Policy) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Directive name -> (family, values) for the directives that can let script in."""
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for directive, values in script_lists(policy):
        found[directive] = ("script", values)
    objects = policy.effective("object-src")
    if objects is not None and objects[0] not in found:
        found[objects[0]] = ("object", objects[1])
    if "base-uri" in policy.directives:
        found["base-uri"] = ("base", policy.directives["base-uri"])
    return found


def script_carrying_directives(policy: Policy) -> frozenset[str]:
    """The directives that decide where scripts, plugins or the base URL may come from."""
    return frozenset(_families(policy))


def _broad_findings(policy: Policy) -> Iterator[Candidate]:
    for directive, (family, values) in _families(policy).items():
        for value in values:
            scheme = scheme_source(value)
            if not is_wildcard(value) and scheme not in _BROAD_SCHEMES[family]:
                continue
            yield _broad(family, directive, value, scheme)


def _broad(family: str, directive: str, value: str, scheme: str | None) -> Candidate:
    if family == "object":
        return Candidate(
            "csp-object-src-broad",
            directive,
            value,
            f"{directive} lets plugin content (<object>, <embed>) load from {value}, that is "
            "from any server; plugins can run script around the policy.",
            (("object", ""),),
        )
    if family == "base":
        return Candidate(
            "csp-base-uri-broad",
            directive,
            value,
            f"base-uri allows {value}, so an injected <base> element can point relative "
            "script addresses at any server.",
            (("base", ""),),
        )
    if scheme == "data":
        return Candidate(
            "csp-script-data-uri",
            directive,
            value,
            f"{directive} allows scripts from data: addresses, so injected markup can carry "
            "its own script without hosting it anywhere.",
            (("data", ""),),
        )
    if scheme is None:
        return Candidate(
            "csp-script-wildcard",
            directive,
            value,
            f"{directive} allows scripts from any host ({value}), so an attacker loads their "
            "own script from a server they control.",
            (("any-host", ""),),
        )
    return Candidate(
        "csp-script-plain-scheme",
        directive,
        value,
        f"{directive} allows scripts from every address starting with {value}, so an attacker "
        "loads their own script from a server they control.",
        (("any-host", ""),),
    )


def _allowlist_findings(policy: Policy) -> Iterator[Candidate]:
    for directive, values in script_lists(policy, ("script-src", SCRIPT_ELEMENTS)):
        if "'none'" in values:
            continue
        for value in values:
            if value == "'self'":
                yield Candidate(
                    "csp-script-self",
                    directive,
                    value,
                    f"{directive} allows 'self': safe only while the site itself serves no "
                    "JSONP endpoint, no AngularJS copy and no user-uploaded file as script.",
                )
                continue
            source = parse_host_source(value) if "." in value else None
            if source is None or value.startswith("'"):
                continue
            yield _host_finding(directive, value, values, source)


def _host_finding(
    directive: str, value: str, values: tuple[str, ...], source: HostSource
) -> Candidate:
    jsonp = find_endpoint(source, JSONP)
    if jsonp is not None and jsonp.host in bypass_list(JSONP).needs_eval:
        jsonp = None if "'unsafe-eval'" not in values else jsonp
    angular = find_endpoint(source, ANGULAR)
    endpoint = jsonp or angular
    if endpoint is None:
        return Candidate(
            "csp-script-allowlist-host",
            directive,
            value,
            f"{directive} allows scripts from {value}. No bypass is known there, but check it "
            "serves no JSONP endpoint, AngularJS copy or user-uploaded file: any of these lets "
            "an attacker run code despite the allowlist.",
        )
    what = " and ".join(
        name for name, hit in (("JSONP endpoints", jsonp), ("AngularJS copies", angular)) if hit
    )
    return Candidate(
        "csp-script-bypass-host",
        directive,
        value,
        f"{directive} allows scripts from {value}, and {endpoint.host} is known to serve {what} "
        f"(such as {endpoint.host}{endpoint.path}) that let an attacker run their own code "
        "despite the allowlist.",
        (("host", f"{endpoint.host} {endpoint.path}"),),
    )


def _object_allowlist_findings(policy: Policy) -> Iterator[Candidate]:
    effective = policy.effective("object-src")
    if effective is None or "'none'" in effective[1]:
        return
    plugin_types = policy.directives.get("plugin-types")
    if plugin_types is not None and _FLASH_TYPE not in (t.lower() for t in plugin_types):
        return
    directive, values = effective
    for value in values:
        source = parse_host_source(value) if not value.startswith("'") else None
        endpoint = find_endpoint(source, FLASH) if source is not None else None
        if endpoint is not None:
            yield Candidate(
                "csp-object-bypass-host",
                directive,
                value,
                f"{directive} lets plugins load from {value}, and {endpoint.host} serves Flash "
                f"files ({endpoint.host}{endpoint.path}) that run an attacker's script.",
                (("object", ""),),
            )
        elif directive == "object-src":
            yield Candidate(
                "csp-object-src-allowlist",
                directive,
                value,
                f"object-src allows {value}; plugin content is rarely needed and can run script "
                "around the policy. Can it be object-src 'none'?",
            )
