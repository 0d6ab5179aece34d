"""The Observatory's cookies test, and the cookie jar its retrieval would keep.

Every cookie the site set while the page was fetched is checked: all should be ``Secure``
(HSTS softens a missing flag), those whose name looks like a session or login cookie
("sess", "login") also ``HttpOnly``, anti-CSRF tokens ("csrf") need ``SameSite``, and a
``SameSite`` value other than Strict, Lax or None is invalid (as is ``SameSite=None``
without ``Secure``). The worst finding decides; ``SameSite`` on every cookie earns a bonus.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .exchange import SET_COOKIE, JarCookie, Site, hostname_of
from .hsts import strict_transport_security_test
from .jsstr import js_trim
from .result import TestResult, make

TEST = "cookies"
IGNORED = frozenset({"heroku-session-affinity"})
"""Set by a hosting platform on every site; the Observatory leaves it out."""
_CONTROL = frozenset(chr(code) for code in range(0x20))

# Worst last, as the Observatory orders them.
SEVERITY_ORDER = (
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
)

MESSAGES = {
    "cookies-secure-with-httponly-sessions-and-samesite": (
        "Every cookie is sent over secure connections only, session cookies are hidden from "
        "scripts (HttpOnly), and every cookie limits cross-site use (SameSite)."
    ),
    "cookies-secure-with-httponly-sessions": (
        "Every cookie is sent over secure connections only and session cookies are hidden "
        "from scripts, but not every cookie limits cross-site use (SameSite)."
    ),
    "cookies-not-found": "The page sets no cookies.",
    "cookies-without-secure-flag-but-protected-by-hsts": (
        "Some cookies lack the Secure flag; HSTS keeps them off unencrypted connections for "
        "returning visitors, but the flag should be set."
    ),
    "cookies-session-without-secure-flag-but-protected-by-hsts": (
        "A session cookie lacks the Secure flag; HSTS mostly keeps it off unencrypted "
        "connections, but a first visit over http could expose it."
    ),
    "cookies-without-secure-flag": (
        "Some cookies lack the Secure flag, so they can travel over unencrypted connections "
        "where others on the network can read them."
    ),
    "cookies-samesite-flag-invalid": (
        "A cookie's SameSite attribute is not Strict, Lax or None (or None without Secure), "
        "so browsers do not apply the intended cross-site restriction."
    ),
    "cookies-anticsrf-without-samesite-flag": (
        "An anti-CSRF token cookie is set without SameSite, which weakens the protection "
        "against forged requests from other sites."
    ),
    "cookies-session-without-httponly-flag": (
        "A session cookie can be read by scripts (no HttpOnly), so an injected script could "
        "steal the visitor's session."
    ),
    "cookies-session-without-secure-flag": (
        "A session cookie lacks the Secure flag, so it can travel over unencrypted "
        "connections and the visitor's session can be hijacked."
    ),
}


def _worse(new: str, old: str | None) -> str:
    if old is None or SEVERITY_ORDER.index(new) > SEVERITY_ORDER.index(old):
        return new
    return old


def has_invalid_same_site(line: str) -> bool:
    """A SameSite attribute that is empty or not Strict, Lax or None."""
    for part in js_trim(line).split(";"):
        key, *rest = js_trim(part).split("=")
        value = rest[0] if rest else ""
        if js_trim(key).lower() == "samesite" and (
            not value or js_trim(value).lower() not in ("lax", "strict", "none")
        ):
            return True
    return False


def cookies_test(site: Site) -> TestResult | None:
    """None when the cookies the site set are not known."""
    if site.cookies is None:
        return None
    result: str | None = None
    response = site.auto
    for line in response.headers.values(SET_COOKIE) if response is not None else []:
        if has_invalid_same_site(line):
            result = _worse("cookies-samesite-flag-invalid", result)
    cookies = [cookie for cookie in site.cookies if cookie.name and cookie.name not in IGNORED]
    if not cookies:
        return make(TEST, "cookies-not-found", MESSAGES["cookies-not-found"])
    hsts = strict_transport_security_test(site).passed
    for cookie in cookies:
        result = _judge(cookie, hsts, result)
    if result is None:
        if all(cookie.same_site for cookie in cookies):
            result = "cookies-secure-with-httponly-sessions-and-samesite"
        else:
            result = "cookies-secure-with-httponly-sessions"
    names = ", ".join(sorted({cookie.name for cookie in cookies}))
    return make(TEST, result, MESSAGES[result], "Set-Cookie", names[:1024])


def _judge(cookie: JarCookie, hsts: bool, result: str | None) -> str | None:
    name = cookie.name.lower()
    session = "login" in name or "sess" in name
    if not cookie.secure and cookie.same_site == "none":
        result = _worse("cookies-samesite-flag-invalid", result)
    if not cookie.secure:
        plain = "cookies-without-secure-flag"
        result = _worse(f"{plain}-but-protected-by-hsts" if hsts else plain, result)
    if "csrf" in name and not cookie.same_site:
        result = _worse("cookies-anticsrf-without-samesite-flag", result)
    if session and not cookie.secure:
        plain = "cookies-session-without-secure-flag"
        result = _worse(f"{plain}-but-protected-by-hsts" if hsts else plain, result)
    if session and not cookie.http_only:
        result = _worse("cookies-session-without-httponly-flag", result)
    return result


# ---------------------------------------------------------------- the retrieval's jar


@dataclass(frozen=True)
class _Parsed:
    cookie: JarCookie
    domain: str | None
    path: str | None


def parse_set_cookie(line: str) -> _Parsed | None:
    """A Set-Cookie line read as the Observatory's cookie library (strict mode) reads it."""
    line = js_trim(line)
    pair, _, attributes = line.partition(";")
    for terminator in ("\n", "\r", "\0"):
        pair = pair.split(terminator, 1)[0]
    if pair.find("=") <= 0:
        return None  # strict mode wants a name
    name, _, value = pair.partition("=")
    name, value = js_trim(name), js_trim(value)
    if _CONTROL & set(name + value):
        return None
    secure = http_only = False
    same_site: str | None = None
    domain: str | None = None
    path: str | None = None
    for attribute in attributes.split(";"):
        key, has_value, raw = js_trim(attribute).partition("=")
        key = js_trim(key).lower()
        raw = js_trim(raw) if has_value else ""
        if key == "secure":
            secure = True
        elif key == "httponly":
            http_only = True
        elif key == "samesite":
            lowered = raw.lower()
            same_site = lowered if lowered in ("strict", "lax", "none") else None
        elif key == "domain" and raw:
            domain = raw.removeprefix(".").lower() or domain
        elif key == "path":
            path = raw if raw.startswith("/") else None
    return _Parsed(JarCookie(name, secure, http_only, same_site), domain, path)


def jar_from_set_cookie(written: Iterable[tuple[str, Sequence[str]]]) -> tuple[JarCookie, ...]:
    """The cookies a jar keeps from Set-Cookie lines, each given with the URL that set it.

    A cookie for another domain is refused, and a later cookie with the same name, domain
    and path replaces an earlier one.
    """
    jar: dict[tuple[str, str, str], JarCookie] = {}
    for url, lines in written:
        host = hostname_of(url)
        for line in lines:
            parsed = parse_set_cookie(line)
            if parsed is None:
                continue
            domain = parsed.domain or host
            if host != domain and not host.endswith(f".{domain}"):
                continue
            jar[(parsed.cookie.name, domain, parsed.path or _default_path(url))] = parsed.cookie
    return tuple(jar.values())


def _default_path(url: str) -> str:
    path = "/" + url.split("://", 1)[-1].partition("/")[2].split("?")[0].split("#")[0]
    return path[: path.rfind("/")] or "/"
