"""Content-Security-Policy parsing, URL matching and weakness evaluation (scanner.checks.csp)."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest

from scanner.checks.csp import (
    ANGULAR,
    FLASH,
    JSONP,
    SEVERITY,
    ParseNote,
    Policy,
    Weakness,
    bypass_list,
    directive_allows_url,
    evaluate,
    evaluate_nonce_reuse,
    find_endpoint,
    lower_severity,
    parse_host_source,
    parse_policy_list,
    source_allows_host,
    x_frame_options_protects,
)
from scanner.resources import data_dir
from tests.vendored import assert_shipped_unchanged

# The test site's policies (scanner/testworld/sites/shop_security.py), written out here so
# that a change there has to be reflected here on purpose.
STRONG = (
    "default-src 'self'; script-src 'nonce-abc123' 'strict-dynamic'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; report-uri /csp-report"
)
WEAK = (
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' https: *.analytics.example; "
    "report-uri /csp-report"
)
REPORT_ONLY = "default-src 'self'; report-uri /csp-report"
META = "img-src 'self'"

# A strict policy to which single weaknesses are added in the tests below.
STRICT_TAIL = (
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; report-uri /r; report-to csp"
)

ORIGIN = "https://www.shop.test"


def header(value: str, disposition: str = "enforce") -> list[Policy]:
    return parse_policy_list(value, "header", disposition)


def only(value: str, source: str = "header", disposition: str = "enforce") -> Policy:
    policies = parse_policy_list(value, source, disposition)
    assert len(policies) == 1, policies
    return policies[0]


Summary = tuple[str, str, str | None, str | None]


KW = "csp-invalid-keyword"
BYPASS = "csp-script-bypass-host"
HOST = "csp-script-allowlist-host"
PE = "csp-parse-error"
AMBIENT = frozenset(
    {
        "csp-trusted-types-missing",
        "csp-form-action-unrestricted",
        "csp-script-allowlist-policy",
        "csp-inline-fallback-missing",
        "csp-allowlist-fallback-missing",
        "csp-script-self",
        "csp-script-allowlist-host",
        "csp-style-unsafe",
    }
)
"""Recommendations most policies get; tests of other checks leave them out (``summary``)."""


def summary(weaknesses: list[Weakness], keep: frozenset[str] = frozenset()) -> list[Summary]:
    return sorted(
        (w.id, w.severity, w.directive, w.value)
        for w in weaknesses
        if w.id not in AMBIENT or w.id in keep
    )


def ids(weaknesses: list[Weakness]) -> list[str]:
    return sorted(w.id for w in weaknesses if w.id not in AMBIENT)


def kinds(policy: Policy) -> list[str]:
    return [note.kind for note in policy.notes]  # type: ignore[attr-defined]


# --- the test site's four policies ----------------------------------------------------------


def test_strong_policy_only_lacks_report_to_and_a_long_enough_nonce() -> None:
    assert summary(evaluate(header(STRONG))) == [
        ("csp-nonce-short", "medium", "script-src", "'nonce-abc123'"),
        ("csp-report-uri-only", "info", "report-uri", "/csp-report"),
    ]


def test_weak_policy() -> None:
    assert summary(evaluate(header(WEAK))) == [
        ("csp-missing-frame-ancestors", "medium", "frame-ancestors", None),
        ("csp-missing-object-src", "high", "object-src", None),
        ("csp-report-uri-only", "info", "report-uri", "/csp-report"),
        ("csp-script-plain-scheme", "high", "script-src", "https:"),
        ("csp-script-unsafe-eval", "low", "script-src", "'unsafe-eval'"),
        ("csp-script-unsafe-inline", "high", "script-src", "'unsafe-inline'"),
    ]


def test_report_only_policy_is_one_level_lower_and_says_so() -> None:
    weaknesses = evaluate(header(REPORT_ONLY, "report"))
    assert summary(weaknesses) == [
        # default-src 'self' restricts plugins too: CSP Evaluator does not flag it either
        ("csp-missing-frame-ancestors", "low", "frame-ancestors", None),
        ("csp-report-uri-only", "info", "report-uri", "/csp-report"),
    ]
    assert all("report-only" in w.message for w in weaknesses)


def test_meta_image_policy_leaves_scripts_and_plugins_open() -> None:
    weaknesses = evaluate([only(META, "meta")])
    assert summary(weaknesses) == [
        ("csp-missing-frame-ancestors", "medium", "frame-ancestors", None),
        ("csp-missing-object-src", "high", "object-src", None),
        ("csp-missing-reporting", "info", None, None),
        ("csp-missing-script-src", "high", "script-src", None),
    ]
    framing = next(w for w in weaknesses if w.id == "csp-missing-frame-ancestors")
    assert "HTTP header" in framing.message


def test_weak_policy_as_report_only_lowers_every_severity() -> None:
    assert summary(evaluate(header(WEAK, "report"))) == [
        ("csp-missing-frame-ancestors", "low", "frame-ancestors", None),
        ("csp-missing-object-src", "medium", "object-src", None),
        ("csp-report-uri-only", "info", "report-uri", "/csp-report"),
        ("csp-script-plain-scheme", "medium", "script-src", "https:"),
        ("csp-script-unsafe-eval", "info", "script-src", "'unsafe-eval'"),
        ("csp-script-unsafe-inline", "medium", "script-src", "'unsafe-inline'"),
    ]


@pytest.mark.parametrize("value", [STRONG, WEAK, REPORT_ONLY, META])
def test_messages_are_plain_sentences(value: str) -> None:
    for disposition in ("enforce", "report"):
        for weakness in evaluate(header(value, disposition)):
            assert weakness.message.endswith(".")
            assert weakness.message[0].isupper() or weakness.message.startswith(
                weakness.directive or "-"
            )


# --- parsing --------------------------------------------------------------------------------


def test_several_policies_in_one_header() -> None:
    policies = header("script-src 'self', object-src 'none' ;  img-src https:")
    assert [p.directives for p in policies] == [
        {"script-src": ("'self'",)},
        {"object-src": ("'none'",), "img-src": ("https:",)},
    ]
    assert [p.raw for p in policies] == ["script-src 'self'", "object-src 'none' ;  img-src https:"]
    assert all(p.source == "header" and p.disposition == "enforce" for p in policies)


def test_empty_policies_in_a_list_are_skipped() -> None:
    assert [p.raw for p in header(" , script-src 'self';;, ;")] == ["script-src 'self';;"]
    assert header("") == []
    assert parse_policy_list("  ", "meta", "enforce") == []


def test_directives_keep_their_order() -> None:
    policy = only("img-src *; default-src 'none'; script-src 'self'")
    assert list(policy.directives) == ["img-src", "default-src", "script-src"]


def test_duplicate_directive_first_wins_and_is_noted() -> None:
    policy = only("script-src 'self'; object-src 'none'; SCRIPT-SRC *")
    assert policy.directives == {"script-src": ("'self'",), "object-src": ("'none'",)}
    assert kinds(policy) == ["duplicate-directive"]
    assert policy.notes[0].directive == "script-src"  # type: ignore[attr-defined]
    assert ("csp-parse-error", "low", "script-src", None) in summary(evaluate([policy]))


def test_directive_names_are_lower_cased() -> None:
    policy = only("Script-SRC 'self'; OBJECT-src 'none'")
    assert policy.directives == {"script-src": ("'self'",), "object-src": ("'none'",)}
    assert policy.notes == ()


def test_keywords_are_lower_cased() -> None:
    policy = only(
        "script-src 'SELF' 'Unsafe-Inline' 'UNSAFE-EVAL' 'Strict-Dynamic' 'UNSAFE-HASHES' "
        "'Report-Sample' 'WASM-unsafe-eval'; object-src 'NONE'"
    )
    assert policy.directives == {
        "script-src": (
            "'self'",
            "'unsafe-inline'",
            "'unsafe-eval'",
            "'strict-dynamic'",
            "'unsafe-hashes'",
            "'report-sample'",
            "'wasm-unsafe-eval'",
        ),
        "object-src": ("'none'",),
    }


def test_nonce_and_hash_values_keep_their_case() -> None:
    policy = only("script-src 'NONCE-AbC123==' 'SHA256-Xy/Z+w_-=' 'sha512-QQ'")
    assert policy.directives["script-src"] == (
        "'nonce-AbC123=='",
        "'sha256-Xy/Z+w_-='",
        "'sha512-QQ'",
    )


def test_host_sources_lower_case_scheme_and_host_but_not_path() -> None:
    policy = only("script-src HTTPS://CDN.Example.COM:8443/JS/App.js Data: *.Example.org")
    assert policy.directives["script-src"] == (
        "https://cdn.example.com:8443/JS/App.js",
        "data:",
        "*.example.org",
    )


def test_values_split_on_ascii_whitespace_only() -> None:
    policy = only("script-src\t'self'\n https://a.example\f\r'unsafe-eval'")
    assert policy.directives["script-src"] == ("'self'", "https://a.example", "'unsafe-eval'")
    # A vertical tab is not ASCII whitespace in the CSP grammar: the token is one bad source.
    odd = only("script-src 'self'\x0b'unsafe-eval'")
    assert odd.directives["script-src"] == ()
    assert kinds(odd) == ["invalid-source"]


def test_directive_with_non_ascii_text_is_dropped_and_noted() -> None:
    policy = only("script-src 'self' https://exämple.com; object-src 'none'")
    assert policy.directives == {"object-src": ("'none'",)}
    note = policy.notes[0]
    assert isinstance(note, ParseNote)
    assert (note.kind, note.directive, note.value) == (
        "non-ascii",
        "script-src",
        "https://exämple.com",
    )


def test_policy_of_only_non_ascii_directives_is_kept_for_its_note() -> None:
    policies = header("script-src 'nonce-ü'")
    assert len(policies) == 1
    assert policies[0].directives == {}
    # Nothing else is judged: the policy has no directive left to judge.
    assert summary(evaluate(policies)) == [("csp-parse-error", "low", "script-src", "'nonce-ü'")]


@pytest.mark.parametrize(
    ("value", "kind", "directive", "bad", "kept", "rule"),
    [
        ("script-src 'unsafe-inline", "invalid-source", "script-src", "'unsafe-inline", (), KW),
        ("script-src 'nonce-'", "invalid-source", "script-src", "'nonce-'", (), KW),
        ("script-src 'sha1-abc'", "invalid-source", "script-src", "'sha1-abc'", (), KW),
        ("script-src https://a..b", "invalid-source", "script-src", "https://a..b", (), PE),
        (
            "img-src https://a.example//x",
            "invalid-source",
            "img-src",
            "https://a.example//x",
            (),
            PE,
        ),
        ("script-src self", "unquoted-keyword", "script-src", "self", ("self",), KW),
        ("script-src nonce-abc", "unquoted-keyword", "script-src", "nonce-abc", ("nonce-abc",), KW),
        ("sandbox sha256-x", "unquoted-keyword", "sandbox", "sha256-x", ("sha256-x",), KW),
        (
            "sandbox 'allow-forms'",
            "invalid-source",
            "sandbox",
            "'allow-forms'",
            ("'allow-forms'",),
            KW,
        ),
        (
            "script-src 'self' object-src",
            "missing-semicolon",
            "script-src",
            "object-src",
            ("'self'", "object-src"),
            "csp-missing-semicolon",
        ),
        (
            "report-uri /r img-src",
            "missing-semicolon",
            "report-uri",
            "img-src",
            ("/r", "img-src"),
            "csp-missing-semicolon",
        ),
        (
            "object-src 'none' https:",
            "none-with-other-sources",
            "object-src",
            "'none'",
            ("'none'", "https:"),
            PE,
        ),
    ],
)
def test_source_problems_are_noted(
    value: str, kind: str, directive: str, bad: str, kept: tuple[str, ...], rule: str
) -> None:
    policy = only(value)
    assert kinds(policy) == [kind]
    note = policy.notes[0]
    assert (note.directive, note.value) == (directive, bad)  # type: ignore[attr-defined]
    assert policy.directives[directive] == kept
    syntax = [w for w in evaluate([policy]) if w.id in (rule, PE)]
    assert summary(syntax) == [(rule, "low", directive, bad)]


def test_allowed_quoted_values_outside_source_lists() -> None:
    for value in ("require-trusted-types-for 'script'", "trusted-types a 'allow-duplicates'"):
        assert only(value).notes == ()
    assert kinds(only("web-rtc 'allow'")) == ["unknown-directive"]


def test_unknown_and_invalid_directive_names_are_noted_but_kept() -> None:
    policy = only("scirpt-src 'self'; script_src 'self'")
    assert list(policy.directives) == ["scirpt-src", "script_src"]
    assert kinds(policy) == ["unknown-directive", "invalid-directive-name"]


def test_non_source_directives_keep_values_as_written() -> None:
    policy = only(
        "sandbox allow-scripts Allow-Forms; report-uri https://r.example/Path; report-to Main; "
        "upgrade-insecure-requests; trusted-types default"
    )
    assert policy.directives == {
        "sandbox": ("allow-scripts", "Allow-Forms"),
        "report-uri": ("https://r.example/Path",),
        "report-to": ("Main",),
        "upgrade-insecure-requests": (),
        "trusted-types": ("default",),
    }
    assert policy.notes == ()


def test_meta_policy_drops_directives_browsers_ignore_there() -> None:
    policy = only(
        "script-src 'self'; frame-ancestors 'none'; report-uri /r; report-to g; sandbox",
        "meta",
    )
    assert policy.source == "meta"
    assert policy.directives == {"script-src": ("'self'",)}
    assert kinds(policy) == ["meta-ignored-directive"] * 4
    ignored = [w for w in evaluate([policy]) if w.id == "csp-meta-ignored-directive"]
    assert summary(ignored) == [
        ("csp-meta-ignored-directive", "low", "frame-ancestors", None),
        ("csp-meta-ignored-directive", "low", "report-to", None),
        ("csp-meta-ignored-directive", "low", "report-uri", None),
        ("csp-meta-ignored-directive", "low", "sandbox", None),
    ]


def test_meta_policy_is_not_split_on_commas() -> None:
    policy = only("script-src 'self', img-src 'self'", "meta")
    assert policy.directives == {"script-src": ("img-src", "'self'")}
    assert kinds(policy) == ["missing-semicolon", "invalid-source"]


def test_report_only_meta_policy_is_ignored_entirely() -> None:
    policy = only("script-src 'self' 'unsafe-inline'", "meta", "report")
    assert policy.directives == {}
    assert policy.raw == "script-src 'self' 'unsafe-inline'"
    assert kinds(policy) == ["meta-report-only-ignored"]
    assert summary(evaluate([policy])) == [("csp-meta-report-only-ignored", "medium", None, None)]


def test_header_policy_may_use_frame_ancestors() -> None:
    assert only("frame-ancestors 'none'; report-uri /r").notes == ()


@pytest.mark.parametrize(("source", "disposition"), [("http", "enforce"), ("meta", "block")])
def test_source_and_disposition_are_checked(source: str, disposition: str) -> None:
    with pytest.raises(ValueError):
        parse_policy_list("script-src 'self'", source, disposition)


def test_policy_is_frozen_and_hashable_and_notes_are_strings() -> None:
    policy = only("script-src 'self'; script-src *")
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.raw = "x"  # type: ignore[misc]
    assert hash(policy) == hash(only("script-src 'self'; script-src *"))
    note = policy.notes[0]
    assert isinstance(note, str) and note.startswith("The script-src directive appears")
    copy = pickle.loads(pickle.dumps(note))
    assert (copy, copy.kind, copy.directive) == (note, note.kind, "script-src")  # type: ignore[attr-defined]


# --- fallback lists -------------------------------------------------------------------------

FULL = only(
    "default-src 'self'; script-src 'nonce-s'; child-src https://child.example; "
    "style-src 'unsafe-inline'; form-action 'self'"
)
SCRIPT_AND_DEFAULT = only("default-src 'self'; script-src 'nonce-s'")
DEFAULT_ONLY = only("default-src https://d.example")


@pytest.mark.parametrize(
    ("policy", "directive", "expected"),
    [
        (FULL, "script-src-elem", ("script-src", ("'nonce-s'",))),
        (FULL, "script-src-attr", ("script-src", ("'nonce-s'",))),
        (FULL, "script-src", ("script-src", ("'nonce-s'",))),
        (FULL, "style-src-elem", ("style-src", ("'unsafe-inline'",))),
        (FULL, "style-src-attr", ("style-src", ("'unsafe-inline'",))),
        (FULL, "worker-src", ("child-src", ("https://child.example",))),
        (FULL, "frame-src", ("child-src", ("https://child.example",))),
        (FULL, "child-src", ("child-src", ("https://child.example",))),
        (FULL, "img-src", ("default-src", ("'self'",))),
        (FULL, "IMG-SRC", ("default-src", ("'self'",))),
        (FULL, "font-src", ("default-src", ("'self'",))),
        (FULL, "connect-src", ("default-src", ("'self'",))),
        (FULL, "media-src", ("default-src", ("'self'",))),
        (FULL, "object-src", ("default-src", ("'self'",))),
        (FULL, "manifest-src", ("default-src", ("'self'",))),
        (FULL, "form-action", ("form-action", ("'self'",))),
        # worker-src falls back to script-src when there is no child-src; frame-src never does
        (SCRIPT_AND_DEFAULT, "worker-src", ("script-src", ("'nonce-s'",))),
        (SCRIPT_AND_DEFAULT, "frame-src", ("default-src", ("'self'",))),
        (DEFAULT_ONLY, "worker-src", ("default-src", ("https://d.example",))),
        (DEFAULT_ONLY, "script-src-attr", ("default-src", ("https://d.example",))),
        (
            only("script-src-elem 'self'; script-src 'none'"),
            "script-src-elem",
            ("script-src-elem", ("'self'",)),
        ),
        (only("worker-src 'self'; child-src 'none'"), "worker-src", ("worker-src", ("'self'",))),
        # no fallback for these, even with default-src present
        (FULL, "base-uri", None),
        (FULL, "frame-ancestors", None),
        (FULL, "sandbox", None),
        (FULL, "report-uri", None),
        (FULL, "report-to", None),
        (FULL, "upgrade-insecure-requests", None),
        (only("img-src 'self'"), "script-src", None),
        (only("img-src 'self'"), "worker-src", None),
    ],
)
def test_effective_directive(
    policy: Policy, directive: str, expected: tuple[str, tuple[str, ...]] | None
) -> None:
    assert policy.effective(directive) == expected


# --- URL matching ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "url", "allowed"),
    [
        # "*": any http(s) URL, or the page's own scheme; not data:, blob: or ws:
        ("*", "https://evil.example/x.js", True),
        ("*", "http://evil.example/x.js", True),
        ("*", "data:text/javascript,alert(1)", False),
        ("*", "blob:https://www.shop.test/0b1c", False),
        ("*", "wss://evil.example/socket", False),
        # scheme-sources, with the secure upgrade
        ("https:", "https://evil.example/x.js", True),
        ("https:", "http://evil.example/x.js", False),
        ("http:", "https://evil.example/x.js", True),
        ("HTTPS:", "https://evil.example/x.js", True),
        ("data:", "data:text/javascript,alert(1)", True),
        ("ws:", "wss://chat.example/", True),
        ("wss:", "ws://chat.example/", False),
        # hosts without scheme take the page's scheme (and its upgrade)
        ("cdn.example", "https://cdn.example/a.js", True),
        ("cdn.example", "http://cdn.example/a.js", False),
        ("cdn.example", "https://www.cdn.example/a.js", False),
        ("CDN.Example", "https://cdn.EXAMPLE/a.js", True),
        # wildcard subdomains do not include the bare domain
        ("*.example.com", "https://cdn.example.com/a.js", True),
        ("*.example.com", "https://a.b.example.com/a.js", True),
        ("*.example.com", "https://example.com/a.js", False),
        ("*.example.com", "https://notexample.com/a.js", False),
        ("https://*", "https://anything.example/a.js", True),
        # ports
        ("https://cdn.example", "https://cdn.example:443/a.js", True),
        ("https://cdn.example", "https://cdn.example:8443/a.js", False),
        ("https://cdn.example:8443", "https://cdn.example:8443/a.js", True),
        ("https://cdn.example:8443", "https://cdn.example/a.js", False),
        ("https://cdn.example:*", "https://cdn.example:1234/a.js", True),
        ("https://cdn.example:443", "https://cdn.example/a.js", True),
        # http sources also match the upgraded https URL, port 80 included
        ("http://cdn.example", "https://cdn.example/a.js", True),
        ("http://cdn.example:80", "https://cdn.example/a.js", True),
        ("https://cdn.example:80", "https://cdn.example/a.js", False),
        ("https://cdn.example", "http://cdn.example/a.js", False),
        # paths: a trailing slash is a prefix, otherwise exact; case-sensitive; query ignored
        ("https://cdn.example/js/", "https://cdn.example/js/app.js", True),
        ("https://cdn.example/js/", "https://cdn.example/js/lib/app.js", True),
        ("https://cdn.example/js/", "https://cdn.example/jsx/app.js", False),
        ("https://cdn.example/js/", "https://cdn.example/JS/app.js", False),
        ("https://cdn.example/js/app.js", "https://cdn.example/js/app.js?v=2", True),
        ("https://cdn.example/js/app.js", "https://cdn.example/js/app.js/x", False),
        ("https://cdn.example/js", "https://cdn.example/js/app.js", False),
        ("https://cdn.example/", "https://cdn.example", True),
        ("https://cdn.example/%7Euser/", "https://cdn.example/~user/a.js", True),
        # 'self' and its upgrade
        ("'self'", "https://www.shop.test/app.js", True),
        ("'SELF'", "https://www.shop.test:443/app.js", True),
        ("'self'", "/static/app.js", True),
        ("'self'", "http://www.shop.test/app.js", False),
        ("'self'", "https://www.shop.test:8443/app.js", False),
        ("'self'", "https://shop.test/app.js", False),
        ("'self'", "https://static.www.shop.test/app.js", False),
        ("'self'", "wss://www.shop.test/socket", True),
        # keywords, nonces, hashes and garbage never match a URL
        ("'none'", "https://www.shop.test/app.js", False),
        ("'unsafe-inline'", "https://www.shop.test/app.js", False),
        ("'nonce-abc123'", "https://www.shop.test/app.js", False),
        ("'sha256-abc'", "https://www.shop.test/app.js", False),
        ("'bogus'", "https://www.shop.test/app.js", False),
        # IP addresses never match, except the loopback literal
        ("1.2.3.4", "https://1.2.3.4/a.js", False),
        ("https://*", "https://1.2.3.4/a.js", False),
        ("https://127.0.0.1", "https://127.0.0.1/a.js", True),
        # a host-source never matches a URL without a host
        ("cdn.example", "data:text/javascript,1", False),
    ],
)
def test_source_allows_host(expression: str, url: str, allowed: bool) -> None:
    assert source_allows_host(expression, url, ORIGIN) is allowed


@pytest.mark.parametrize(
    ("expression", "url", "allowed"),
    [
        ("'self'", "https://www.shop.test/app.js", True),
        ("'self'", "http://www.shop.test/app.js", True),
        ("'self'", "ws://www.shop.test/socket", True),
        ("'self'", "http://www.shop.test:8080/app.js", False),
        ("cdn.example", "http://cdn.example/a.js", True),
        ("cdn.example", "https://cdn.example/a.js", True),
        ("*", "http://evil.example/a.js", True),
    ],
)
def test_matching_on_an_http_page(expression: str, url: str, allowed: bool) -> None:
    assert source_allows_host(expression, url, "http://www.shop.test") is allowed


def test_star_matches_the_pages_own_scheme() -> None:
    assert source_allows_host("*", "ftp://files.example/a", "ftp://files.example")
    assert not source_allows_host("*", "ftp://files.example/a", ORIGIN)


@pytest.mark.parametrize(
    ("values", "url", "allowed"),
    [
        (("'none'",), "https://www.shop.test/a.js", False),
        (("'NONE'",), "https://www.shop.test/a.js", False),
        ((), "https://www.shop.test/a.js", False),
        (("'self'", "https://cdn.example"), "https://cdn.example/a.js", True),
        (("'self'", "https://cdn.example"), "https://other.example/a.js", False),
        (("'none'", "https:"), "https://other.example/a.js", True),
        (("'nonce-abc'", "'strict-dynamic'"), "https://www.shop.test/a.js", False),
    ],
)
def test_directive_allows_url(values: tuple[str, ...], url: str, allowed: bool) -> None:
    assert directive_allows_url(values, url, ORIGIN) is allowed


def test_directive_allows_url_with_a_parsed_policy() -> None:
    policy = only("default-src 'self'; img-src 'self' https://*.cdn.example:*/img/")
    name, values = policy.effective("img-src")  # type: ignore[misc]
    assert name == "img-src"
    assert directive_allows_url(values, "https://eu.cdn.example:8443/img/a.png", ORIGIN)
    assert not directive_allows_url(values, "https://eu.cdn.example/css/a.css", ORIGIN)
    _, fonts = policy.effective("font-src")  # type: ignore[misc]
    assert not directive_allows_url(fonts, "https://eu.cdn.example/img/a.woff", ORIGIN)


# --- script weaknesses ----------------------------------------------------------------------


def script_weaknesses(value: str) -> list[Summary]:
    """Weaknesses of ``value`` plus a strict tail, so only the script side is left."""
    return summary(evaluate(header(f"{value}; {STRICT_TAIL}")))


def test_missing_script_src() -> None:
    assert script_weaknesses("img-src 'self'") == [
        ("csp-missing-script-src", "high", "script-src", None)
    ]
    assert script_weaknesses("default-src 'self'") == []
    assert script_weaknesses("script-src 'self'") == []


def test_script_src_elem_alone_leaves_event_handlers_unrestricted() -> None:
    assert script_weaknesses("script-src-elem 'self'") == [
        ("csp-missing-script-src", "high", "script-src", None)
    ]
    # as in CSP Evaluator: without script-src (or default-src) eval stays unrestricted
    assert script_weaknesses("script-src-elem 'self'; script-src-attr 'none'") == [
        ("csp-missing-script-src", "high", "script-src", None)
    ]


@pytest.mark.parametrize(
    ("value", "directive"),
    [
        ("script-src 'self' 'unsafe-inline'", "script-src"),
        ("script-src 'self' 'UNSAFE-INLINE'", "script-src"),
        ("default-src 'self' 'unsafe-inline'", "default-src"),
        # a nonce on script-src does not help inline event handlers governed by script-src-attr
        ("script-src 'nonce-r4nd0mN0nce'; script-src-attr 'unsafe-inline'", "script-src-attr"),
    ],
)
def test_unsafe_inline(value: str, directive: str) -> None:
    assert script_weaknesses(value) == [
        ("csp-script-unsafe-inline", "high", directive, "'unsafe-inline'")
    ]


@pytest.mark.parametrize(
    "value",
    [
        "script-src 'self' 'unsafe-inline' 'nonce-r4nd0mN0nce'",
        "script-src 'self' 'unsafe-inline' 'sha256-AbCdEf0123='",
        "script-src 'unsafe-inline' 'strict-dynamic'",
        "script-src 'self'; style-src 'unsafe-inline'",
    ],
)
def test_unsafe_inline_ignored_by_browsers_is_not_flagged(value: str) -> None:
    assert "csp-script-unsafe-inline" not in ids(evaluate(header(value)))


def test_unsafe_eval() -> None:
    assert script_weaknesses("script-src 'self' 'unsafe-eval'") == [
        ("csp-script-unsafe-eval", "low", "script-src", "'unsafe-eval'")
    ]
    assert script_weaknesses("default-src 'self' 'unsafe-eval'") == [
        ("csp-script-unsafe-eval", "low", "default-src", "'unsafe-eval'")
    ]
    assert script_weaknesses("script-src 'self' 'wasm-unsafe-eval'") == []
    # 'strict-dynamic' does nothing about eval
    assert script_weaknesses("script-src 'nonce-r4nd0mN0nce' 'strict-dynamic' 'unsafe-eval'") == [
        ("csp-script-unsafe-eval", "low", "script-src", "'unsafe-eval'")
    ]


@pytest.mark.parametrize(
    ("value", "directive", "bad"),
    [
        ("script-src *", "script-src", "*"),
        ("default-src *", "default-src", "*"),
        ("script-src 'self' https://*", "script-src", "https://*"),
        ("script-src-elem *; script-src 'self'", "script-src-elem", "*"),
    ],
)
def test_script_wildcard(value: str, directive: str, bad: str) -> None:
    assert script_weaknesses(value) == [("csp-script-wildcard", "high", directive, bad)]


@pytest.mark.parametrize("scheme", ["https:", "http:", "wss:"])
def test_script_plain_scheme(scheme: str) -> None:
    assert script_weaknesses(f"script-src 'self' {scheme}") == [
        ("csp-script-plain-scheme", "high", "script-src", scheme)
    ]


def test_script_data_uri_has_its_own_id() -> None:
    assert script_weaknesses("script-src 'self' data:") == [
        ("csp-script-data-uri", "high", "script-src", "data:")
    ]
    assert script_weaknesses("script-src 'self'; img-src data:") == []


def test_script_http_source() -> None:
    assert script_weaknesses("script-src 'self' http://cdn.example") == [
        ("csp-http-source", "medium", "script-src", "http://cdn.example")
    ]
    # an unencrypted address anywhere, an unencrypted scheme outside the script directives
    value = "default-src 'self'; img-src http: http://i.example; report-uri http://r.example"
    unencrypted = ("csp-http-source", "csp-insecure-scheme")
    assert summary([w for w in evaluate(header(value)) if w.id in unencrypted]) == [
        ("csp-http-source", "medium", "img-src", "http://i.example"),
        ("csp-http-source", "medium", "report-uri", "http://r.example"),
        ("csp-insecure-scheme", "low", "img-src", "http:"),
    ]


def test_nonce_length_and_charset() -> None:
    assert script_weaknesses("script-src 'nonce-abc' 'nonce-a*b*c*d*e*'") == [
        ("csp-invalid-keyword", "low", "script-src", "'nonce-a*b*c*d*e*'"),
        ("csp-nonce-charset", "info", "script-src", "'nonce-a*b*c*d*e*'"),
        ("csp-nonce-short", "medium", "script-src", "'nonce-abc'"),
    ]


def test_ip_sources() -> None:
    value = "script-src 'self' 8.8.8.8; img-src http://127.0.0.1:8080 https://[::1]"
    found = [(w.directive, w.value) for w in evaluate(header(value)) if w.id == "csp-ip-source"]
    assert found == [
        ("script-src", "8.8.8.8"),
        ("img-src", "http://127.0.0.1:8080"),
        ("img-src", "https://[::1]"),
    ]


def test_unsafe_hashes_and_strict_dynamic_without_nonce() -> None:
    assert script_weaknesses("script-src 'unsafe-hashes' 'sha256-AbCdEf0123='") == [
        ("csp-script-unsafe-hashes", "low", "script-src", "'unsafe-hashes'")
    ]
    assert script_weaknesses("script-src 'strict-dynamic' https://a.example") == [
        ("csp-strict-dynamic-without-nonce", "info", "script-src", None)
    ]


def test_strict_csp_recommendations() -> None:
    def recommended(value: str) -> list[str]:
        return sorted(w.id for w in evaluate(header(f"{value}; {STRICT_TAIL}")) if w.id in AMBIENT)

    assert recommended("script-src 'self' https://a.example") == [
        "csp-form-action-unrestricted",
        "csp-script-allowlist-host",
        "csp-script-allowlist-policy",
        "csp-script-self",
        "csp-trusted-types-missing",
    ]
    assert (
        recommended(
            "script-src 'nonce-r4nd0mN0nce' 'strict-dynamic' 'unsafe-inline' https:; "
            "require-trusted-types-for 'script'; form-action 'self'"
        )
        == []
    )
    assert recommended("script-src 'nonce-r4nd0mN0nce' 'strict-dynamic'; form-action 'none'") == [
        "csp-allowlist-fallback-missing",
        "csp-inline-fallback-missing",
        "csp-trusted-types-missing",
    ]


def test_styles_and_form_targets() -> None:
    value = "default-src 'self'; style-src 'self' 'unsafe-inline' data:; form-action https:"
    found = summary(evaluate(header(f"{value}; {STRICT_TAIL}")), AMBIENT)
    assert [f for f in found if f[0] in ("csp-style-unsafe", "csp-form-action-unrestricted")] == [
        ("csp-form-action-unrestricted", "low", "form-action", "https:"),
        ("csp-style-unsafe", "low", "style-src", "'unsafe-inline'"),
        ("csp-style-unsafe", "low", "style-src", "data:"),
    ]
    hashed = "default-src 'self'; style-src 'unsafe-inline' 'sha256-AbCdEf0123='"
    assert "csp-style-unsafe" not in {w.id for w in evaluate(header(hashed))}
    assert script_weaknesses("script-src 'self' https://cdn.example") == []
    assert script_weaknesses("script-src 'self' cdn.example") == []


@pytest.mark.parametrize(
    "value",
    [
        "script-src 'nonce-r4nd0mN0nce' 'strict-dynamic' * https: http: data: http://cdn.example",
        "script-src 'sha256-AbCdEf0123=' 'strict-dynamic' https://www.google.com",
        "script-src 'self' https://cdn.example/js/app.js",
    ],
)
def test_allowlist_ignored_by_strict_dynamic_or_safe_is_not_flagged(value: str) -> None:
    assert script_weaknesses(value) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("https://www.google.com", [(BYPASS, "high", "https://www.google.com")]),
        ("https://www.google.com/tools/", [(BYPASS, "high", "https://www.google.com/tools/")]),
        ("https://ajax.googleapis.com", [(BYPASS, "high", "https://ajax.googleapis.com")]),
        ("https://cdn.jsdelivr.net", [(BYPASS, "high", "https://cdn.jsdelivr.net")]),
        ("https://cdnjs.cloudflare.com/", [(BYPASS, "high", "https://cdnjs.cloudflare.com/")]),
        ("*.googleapis.com", [(BYPASS, "high", "*.googleapis.com")]),
        ("https://*.doubleclick.net", [(BYPASS, "high", "https://*.doubleclick.net")]),
        ("https://www.youtube.com", [(BYPASS, "high", "https://www.youtube.com")]),
        ("*.s3.amazonaws.com", [(BYPASS, "high", "*.s3.amazonaws.com")]),
        # tag-manager and analytics hosts only help an attacker together with 'unsafe-eval'
        ("https://googletagmanager.com", [(HOST, "low", "https://googletagmanager.com")]),
        ("www.google-analytics.com", [(HOST, "low", "www.google-analytics.com")]),
        # over http it is both a JSONP host and an unencrypted source
        (
            "http://www.google.com",
            [
                ("csp-http-source", "medium", "http://www.google.com"),
                (BYPASS, "high", "http://www.google.com"),
            ],
        ),
        # hosts without such endpoints, and sources pinned to a path none is under
        ("https://fonts.googleapis.com", [(HOST, "low", "https://fonts.googleapis.com")]),
        ("https://static.shop.test", [(HOST, "low", "https://static.shop.test")]),
        (
            "https://www.google.com/recaptcha/",
            [(HOST, "low", "https://www.google.com/recaptcha/")],
        ),
    ],
)
def test_known_bypass_hosts(source: str, expected: list[tuple[str, str, str]]) -> None:
    found = summary(evaluate(header(f"script-src 'self' {source}; {STRICT_TAIL}")), {HOST})
    assert found == [(rule, severity, "script-src", value) for rule, severity, value in expected]


def test_eval_dependent_bypass_hosts_with_unsafe_eval() -> None:
    value = "script-src https://googletagmanager.com www.google-analytics.com 'unsafe-eval'"
    assert [w.value for w in evaluate(header(value)) if w.id == BYPASS] == [
        "https://googletagmanager.com",
        "www.google-analytics.com",
    ]


# --- plugins, base URL, framing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("script-src 'self'", [("csp-missing-object-src", "high", "object-src", None)]),
        (
            "script-src 'self'; object-src 'self' https:",
            [
                ("csp-object-src-allowlist", "low", "object-src", "'self'"),
                ("csp-object-src-allowlist", "low", "object-src", "https:"),
                ("csp-object-src-broad", "high", "object-src", "https:"),
            ],
        ),
        (
            "script-src 'self'; object-src https://*.googleapis.com",
            [("csp-object-bypass-host", "high", "object-src", "https://*.googleapis.com")],
        ),
        (
            "script-src 'self'; object-src vk.com; plugin-types application/pdf",
            [("csp-deprecated-directive", "info", "plugin-types", None)],
        ),
        # default-src restricts plugins; only a known Flash host or any host is reported
        ("default-src https://cdn.example 'self'", []),
        (
            "script-src 'none'; default-src *",
            [("csp-object-src-broad", "high", "default-src", "*")],
        ),
        ("default-src 'self'; object-src 'none'", []),
        ("default-src 'none'; script-src 'self'", []),
        # an empty list blocks everything, as 'none' does
        ("script-src 'self'; object-src", []),
    ],
)
def test_missing_object_src(value: str, expected: list[Summary]) -> None:
    tail = "base-uri 'none'; frame-ancestors 'none'; report-uri /r; report-to csp"
    assert summary(evaluate(header(f"{value}; {tail}"))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("script-src 'nonce-r4nd0mN0nce'", [("csp-missing-base-uri", "high", "base-uri", None)]),
        # hashes alone only admit those exact scripts; with 'strict-dynamic' they load more
        ("script-src 'sha384-AbC'", []),
        (
            "script-src 'sha384-AbC' 'strict-dynamic'",
            [("csp-missing-base-uri", "high", "base-uri", None)],
        ),
        (
            "default-src 'self' 'nonce-r4nd0mN0nce'",
            [("csp-missing-base-uri", "high", "base-uri", None)],
        ),
        (
            "script-src 'nonce-r4nd0mN0nce'; base-uri *",
            [("csp-base-uri-broad", "high", "base-uri", "*")],
        ),
        (
            "script-src 'nonce-r4nd0mN0nce'; base-uri 'self' https:",
            [("csp-base-uri-broad", "high", "base-uri", "https:")],
        ),
        ("script-src 'nonce-r4nd0mN0nce'; base-uri 'self'", []),
        ("script-src 'nonce-r4nd0mN0nce'; base-uri 'none'", []),
        # not nonce- or hash-based: a <base> tag cannot redirect anything the policy trusts
        ("script-src 'self'", []),
    ],
)
def test_missing_base_uri(value: str, expected: list[Summary]) -> None:
    tail = "object-src 'none'; frame-ancestors 'none'; report-uri /r; report-to csp"
    assert summary(evaluate(header(f"{value}; {tail}"))) == expected


FRAMELESS = "default-src 'self'; object-src 'none'; report-uri /r; report-to csp"


@pytest.mark.parametrize(
    ("extra", "x_frame_options", "expected"),
    [
        ("", None, [("csp-missing-frame-ancestors", "medium", "frame-ancestors", None)]),
        ("", "DENY", []),
        ("", " sameorigin ", []),
        (
            "",
            "ALLOW-FROM https://partner.example",
            [("csp-missing-frame-ancestors", "medium", "frame-ancestors", None)],
        ),
        ("", "ALLOWALL", [("csp-missing-frame-ancestors", "medium", "frame-ancestors", None)]),
        ("; frame-ancestors 'self'", None, []),
        ("; frame-ancestors 'none'", None, []),
        ("; frame-ancestors https://partner.example", None, []),
        (
            "; frame-ancestors *",
            None,
            [("csp-missing-frame-ancestors", "medium", "frame-ancestors", "*")],
        ),
        (
            "; frame-ancestors 'self' https:",
            None,
            [("csp-missing-frame-ancestors", "medium", "frame-ancestors", "https:")],
        ),
    ],
)
def test_missing_frame_ancestors(
    extra: str, x_frame_options: str | None, expected: list[Summary]
) -> None:
    assert summary(evaluate(header(FRAMELESS + extra), x_frame_options)) == expected


@pytest.mark.parametrize(
    ("value", "protects"),
    [
        (None, False),
        ("", False),
        ("DENY", True),
        ("SameOrigin", True),
        ("deny, deny", True),
        ("DENY, SAMEORIGIN", True),
        ("ALLOWALL", False),
        ("ALLOW-FROM https://partner.example", False),
        ("nonsense", False),
    ],
)
def test_x_frame_options_protects(value: str | None, protects: bool) -> None:
    assert x_frame_options_protects(value) is protects


# --- housekeeping directives ----------------------------------------------------------------


@pytest.mark.parametrize(
    "directive",
    [
        "block-all-mixed-content",
        "plugin-types application/pdf",
        "prefetch-src 'self'",
        "referrer no-referrer",
        "reflected-xss block",
        "disown-opener",
        "navigate-to 'self'",
        "require-sri-for script",
    ],
)
def test_deprecated_directive(directive: str) -> None:
    name = directive.split()[0]
    assert summary(evaluate(header(f"default-src 'self'; {STRICT_TAIL}; {directive}"))) == [
        ("csp-deprecated-directive", "info", name, None)
    ]


def test_current_directives_are_not_deprecated() -> None:
    value = f"default-src 'self'; {STRICT_TAIL}; upgrade-insecure-requests; form-action 'self'"
    assert summary(evaluate(header(value))) == []


@pytest.mark.parametrize(
    ("reporting", "expected"),
    [
        ("", [("csp-missing-reporting", "info", None, None)]),
        (
            "; report-uri /csp-report https://r.example/csp",
            [("csp-report-uri-only", "info", "report-uri", "/csp-report https://r.example/csp")],
        ),
        ("; report-to csp-endpoint", [("csp-report-to-only", "info", "report-to", "csp-endpoint")]),
        ("; report-uri /csp-report; report-to csp-endpoint", []),
    ],
)
def test_reporting(reporting: str, expected: list[Summary]) -> None:
    value = "default-src 'self'; object-src 'none'; frame-ancestors 'none'" + reporting
    assert summary(evaluate(header(value))) == expected


# --- several policies -----------------------------------------------------------------------


def test_a_second_enforced_policy_mitigates_unsafe_inline() -> None:
    policies = header(
        f"script-src 'self' 'unsafe-inline', script-src 'nonce-r4nd0mN0nce'; {STRICT_TAIL}"
    )
    weaknesses = evaluate(policies)
    assert "csp-script-unsafe-inline" not in ids(weaknesses)
    # what the first policy alone still lacks is covered by the second one too
    assert summary([w for w in weaknesses if w.policy_index == 0]) == [
        ("csp-missing-reporting", "info", None, None)
    ]


def test_default_src_in_a_second_policy_also_blocks_inline_script() -> None:
    policies = header("script-src 'unsafe-inline' *, default-src 'self'")
    first = {w.id for w in evaluate(policies) if w.policy_index == 0}
    assert "csp-script-unsafe-inline" not in first
    assert "csp-script-wildcard" not in first


def test_a_second_policy_must_block_the_same_thing() -> None:
    policies = header("script-src * 'unsafe-inline', script-src https: 'unsafe-inline'")
    assert summary([w for w in evaluate(policies) if w.id.startswith("csp-script")]) == [
        ("csp-script-plain-scheme", "high", "script-src", "https:"),
        ("csp-script-unsafe-inline", "high", "script-src", "'unsafe-inline'"),
        ("csp-script-unsafe-inline", "high", "script-src", "'unsafe-inline'"),
        ("csp-script-wildcard", "high", "script-src", "*"),
    ]


def test_mitigation_is_per_inline_kind() -> None:
    # The second policy only restricts <script> elements, so event handlers stay open.
    policies = header("script-src 'unsafe-inline', script-src-elem 'nonce-r4nd0mN0nce'")
    unsafe = [w for w in evaluate(policies) if w.id == "csp-script-unsafe-inline"]
    assert [(w.policy_index, w.directive) for w in unsafe] == [(0, "script-src")]


def test_jsonp_host_mitigated_only_by_a_policy_without_that_host() -> None:
    jsonp = "script-src 'self' https://www.google.com"
    blocked = evaluate(header(f"{jsonp}, script-src 'self'"))
    assert BYPASS not in ids(blocked)
    still_open = evaluate(header(f"{jsonp}, script-src 'self' *.google.com"))
    assert BYPASS in ids(still_open)


def test_missing_directives_mitigated_by_another_enforced_policy() -> None:
    policies = header(
        "script-src 'nonce-r4nd0mN0nce'; report-to csp, "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; report-to csp"
    )
    assert summary(evaluate(policies)) == [
        ("csp-report-to-only", "info", "report-to", "csp"),
        ("csp-report-to-only", "info", "report-to", "csp"),
    ]


def test_report_only_policies_neither_mitigate_nor_are_mitigated() -> None:
    enforced = header("script-src 'self' 'unsafe-inline'; " + STRICT_TAIL)
    report_only = header("script-src 'nonce-r4nd0mN0nce'; " + STRICT_TAIL, "report")
    assert summary(evaluate(enforced + report_only)) == [
        ("csp-script-unsafe-inline", "high", "script-src", "'unsafe-inline'")
    ]
    weak_report = header("script-src 'self' 'unsafe-inline'; " + STRICT_TAIL, "report")
    strong = header("script-src 'nonce-r4nd0mN0nce'; " + STRICT_TAIL)
    weaknesses = [w for w in evaluate(strong + weak_report) if w.id not in AMBIENT]
    assert [(w.id, w.severity, w.policy_index) for w in weaknesses] == [
        ("csp-script-unsafe-inline", "medium", 1)
    ]


def test_the_test_sites_header_and_meta_policies_together() -> None:
    policies = [*header(STRONG), only(META, "meta")]
    # The strong header blocks what the meta policy leaves open.
    assert summary(evaluate(policies)) == [
        ("csp-missing-reporting", "info", None, None),
        ("csp-nonce-short", "medium", "script-src", "'nonce-abc123'"),
        ("csp-report-uri-only", "info", "report-uri", "/csp-report"),
    ]
    assert {w.policy_index for w in evaluate(policies)} == {0, 1}


# --- nonce reuse ----------------------------------------------------------------------------


def page(nonce: str, disposition: str = "enforce") -> list[Policy]:
    return header(f"script-src 'nonce-{nonce}' 'strict-dynamic'; {STRICT_TAIL}", disposition)


def test_nonce_reused_across_pages() -> None:
    pages = [
        ("https://www.shop.test/", page("abc123")),
        ("https://www.shop.test/cart", page("fresh1")),
        ("https://www.shop.test/security/csp-strong", page("abc123")),
    ]
    weaknesses = evaluate_nonce_reuse(pages)
    assert summary(weaknesses) == [("csp-nonce-reuse", "high", "script-src", "'nonce-abc123'")]
    message = weaknesses[0].message
    assert "https://www.shop.test/ " in message or "https://www.shop.test/," in message
    assert "https://www.shop.test/security/csp-strong" in message
    assert "/cart" not in message
    assert weaknesses[0].policy_index == 0


def test_same_page_loaded_twice_with_the_same_nonce() -> None:
    url = "https://www.shop.test/security/csp-strong"
    weaknesses = evaluate_nonce_reuse([(url, page("abc123")), (url, page("abc123"))])
    assert ids(weaknesses) == ["csp-nonce-reuse"]
    assert "2 page loads" in weaknesses[0].message and url in weaknesses[0].message


def test_fresh_nonces_and_repeats_within_one_load_are_fine() -> None:
    one_load = [*page("abc123"), only("script-src 'nonce-abc123'", "meta")]
    pages = [("https://www.shop.test/", one_load), ("https://www.shop.test/a", page("xyz789"))]
    assert evaluate_nonce_reuse(pages) == []


def test_nonces_compare_case_sensitively() -> None:
    pages = [
        ("https://www.shop.test/", page("AbC123")),
        ("https://www.shop.test/a", page("abc123")),
    ]
    assert evaluate_nonce_reuse(pages) == []


def test_nonce_reuse_in_report_only_policies_is_medium() -> None:
    pages = [
        ("https://www.shop.test/", page("abc123", "report")),
        ("https://www.shop.test/a", page("abc123", "report")),
    ]
    assert summary(evaluate_nonce_reuse(pages)) == [
        ("csp-nonce-reuse", "medium", "script-src", "'nonce-abc123'")
    ]


# --- known hosts, severities, data types ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "host"),
    [
        ("*.google.com", JSONP, "www.google.com"),
        ("https://googletagmanager.com", JSONP, "googletagmanager.com"),
        ("www.google-analytics.com", JSONP, "www.google-analytics.com"),
        ("*.doubleclick.net", JSONP, "googleads.g.doubleclick.net"),
        ("www.youtube.com", JSONP, "www.youtube.com"),
        ("gstatic.com", ANGULAR, "gstatic.com"),
        ("cdnjs.cloudflare.com", ANGULAR, "cdnjs.cloudflare.com"),
        ("cdn.jsdelivr.net", ANGULAR, "cdn.jsdelivr.net"),
        ("*.s3.amazonaws.com", ANGULAR, "elysiumwebsite.s3.amazonaws.com"),
        ("https://*.googleapis.com", FLASH, "ajax.googleapis.com"),
        ("static.shop.test", JSONP, None),
        ("ajax.googleapis.com/ajax/libs/jquery/", ANGULAR, None),
        ("ajax.googleapis.com/ajax/libs/", ANGULAR, "ajax.googleapis.com"),
        ("google.com", JSONP, None),
    ],
)
def test_bypass_lists_match_as_the_reference_does(value: str, kind: str, host: str | None) -> None:
    source = parse_host_source(value)
    assert source is not None
    endpoint = find_endpoint(source, kind)
    assert (endpoint.host if endpoint else None) == host


def test_bypass_data_is_the_reference_data_unchanged() -> None:
    assert_shipped_unchanged(data_dir("rules") / "csp-bypasses", "Apache-2.0", "Apache License")
    assert len(bypass_list(JSONP).endpoints) > 100
    assert "www.google-analytics.com" in bypass_list(JSONP).needs_eval
    assert len(bypass_list(ANGULAR).endpoints) > 40


def test_every_weakness_id_has_a_valid_severity() -> None:
    assert set(SEVERITY.values()) <= {"high", "medium", "low", "info"}
    assert len(SEVERITY) == 40


@pytest.mark.parametrize(
    ("severity", "lower"),
    [("high", "medium"), ("medium", "low"), ("low", "info"), ("info", "info")],
)
def test_lower_severity(severity: str, lower: str) -> None:
    assert lower_severity(severity) == lower


def test_weakness_is_frozen() -> None:
    weakness = evaluate(header(WEAK))[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        weakness.severity = "info"  # type: ignore[misc]
    assert weakness.policy_index == 0


# --- bounded outputs ------------------------------------------------------------------------


def huge_policy() -> str:
    """A 51 KB policy with hundreds of sources of every kind the checks report one by one."""
    script = ["'self'", "'unsafe-inline'", "https://www.google.com", "*.doubleclick.net"]
    script += [f"https://cdn{n}.example{n % 7}.com" for n in range(700)]
    script += [f"http://legacy{n}.example.net" for n in range(150)]
    script += [f"10.0.{n // 250}.{n % 250}" for n in range(100)]
    images = [f"https://img{n}.example.org/path/{n}/" for n in range(600)]
    value = (
        f"script-src {' '.join(script)}; img-src {' '.join(images)} http:; "
        "object-src 'self' vk.com; report-uri http://r.example"
    )
    return value + "; connect-src " + " ".join(f"api{n}.example.io" for n in range(200))


def test_a_huge_policy_on_many_pages_gives_few_small_findings() -> None:
    from scanner.checks import content_security
    from scanner.findings.output import findings_document
    from tests.rule_fixtures import findings_of, page, scan

    value = huge_policy()
    assert 50_000 <= len(value) <= 56_000
    pages = [
        page(
            f"https://www.shop.test/p/{n}",
            csp_policies=[{"source": "header", "disposition": "enforce", "value": value}],
        )
        for n in range(40)
    ]
    document = scan(*pages)
    findings = findings_of(document, content_security.check)
    size = len(json.dumps(findings_document(findings, document), indent=1))
    assert len(findings) <= 30, len(findings)
    assert size < 400_000, size  # 51 KB on 40 pages; the issue measured 89 MB
    allowlist = next(f for f in findings if f.rule_id == "csp-script-allowlist-host")
    assert len(allowlist.pages) == 40
    evidence = allowlist.evidence[0]
    assert evidence["values_total"] == 950 and len(evidence["values"]) == 20
    assert evidence["policy_length"] == len(value)
    assert evidence["policy"].endswith(f"({len(value)} characters in all)")
    assert len(evidence["policy"]) < 1100
    assert "949 more value(s)" in allowlist.message
    ips = next(f for f in findings if f.rule_id == "csp-ip-source")
    assert ips.subject.endswith("(+97 more)")
