"""www.cookiejar.test: a page that sets hostile cookies, from headers and from a script.

Its Set-Cookie lines are bytes: UTF-8 names and values (U+202E among them), bytes that are
not UTF-8, control characters, quotes, ``=`` in values, names and attributes past the
browser's size limits, one line repeated ``REPEATS`` times. Its script writes the same
kinds of names through ``document.cookie``, lone surrogates and line breaks included.
Everything is fixed (no random value), so two visits leave the same cookie jar: the
end-to-end test compares the scanner's cookie records with Chromium's own jar.

The server writes header values as Latin-1, one byte per character, so each line below is
given as bytes and handed over as its Latin-1 reading.
"""

import json

from ..hosts import COOKIE_JAR, WorldUrls
from ..layout import document, inline_script
from ..messages import Handler, Request, Response, html, redirect
from ..router import PathRouter

REPEATS = 200
REPEATED_LINE = b"repeated=same; Path=/"

HEADER_LINES: tuple[bytes, ...] = (
    "café=crème brûlée; Path=/".encode(),
    "кука=значение; Path=/; Max-Age=86400".encode(),
    "\U0001f36a=emoji; Path=/".encode(),
    "invoice\u202egpj.exe=rtl; Path=/".encode(),
    "zero\u200bwidth=1; Path=/".encode(),
    "nbsp\u00a0=kept; Path=/".encode(),
    "path=utf8; Path=/café".encode(),
    b"inval\xff\xfe=x\xc3; Path=/",
    b"latin1=\xe9t\xe9; Path=/",
    b"ctl=a\x01b; Path=/",
    b"del=a\x7fb; Path=/",
    b"tab=a\tb; Path=/",
    b"eq=a=b==c; Path=/",
    b'quoted="a value"; Path=/',
    b'halfquote="a; Path=/',
    b'json={"k":[1,2]}; Path=/',
    b"html=<script>alert(1)</script>; Path=/",
    b"sp ace = v a l ; Path=/",
    b"nameonly",
    b"=nameless; Path=/nameless",
    b"dup=first; Path=/",
    b"dup=second; Path=/",
    b"n" * 4090 + b"=1234567",  # 4097 bytes: one too many
    b"m" * 4090 + b"=123456; Path=/",  # 4096 bytes: the most allowed
    b"longpath=1; Path=/" + b"p" * 1100,
    b"wide=1; Domain=test",
    b"parent=1; Domain=cookiejar.test; Path=/",
    b"elsewhere=1; Domain=other.test",
    b"__Host-ok=1; Secure; Path=/",
    b"__Secure-no=1",
    b"huge_age=1; Path=/; Max-Age=99999999999999999999999999",
    b"old_date=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT",
    b"odd_date=1; Path=/; Expires=15 Apr 21:01:22 2037",
)

SCRIPT_WRITES: tuple[str, ...] = (
    "js_caf\u00e9=cr\u00e8me; path=/",
    "js_\u202eexe=rtl; path=/",
    "js_\ud800lone=surrogate; path=/",
    "js_ctl=a\x01b; path=/",
    "js_line=first\nsecond=2; path=/",
    "js_eq=a=b; path=/",
    "js_" + "l" * 4096 + "=x; path=/",
    "js_wide=1; domain=test; path=/",
    "js_parent=1; domain=cookiejar.test; path=/",
)


def header_lines() -> list[bytes]:
    """Every Set-Cookie line of the page, in the order it sends them."""
    return [*HEADER_LINES, *[REPEATED_LINE] * REPEATS]


def _script() -> str:
    writes = json.dumps(list(SCRIPT_WRITES)).replace("<", "\\u003c")
    return inline_script(f"for (const line of {writes}) document.cookie = line;")


def _page(request: Request) -> Response:
    body = "<h1>Cookie jar</h1>\n<p>This page sets hostile cookies.</p>\n" + _script()
    response = html(document("Cookie jar", body))
    for line in header_lines():
        response.with_header("Set-Cookie", line.decode("latin-1"))
    return response


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the cookie jar site (https only)."""
    router = PathRouter()
    router.add("/", _page)

    def answer(request: Request) -> Response:
        if request.scheme == "http":
            return redirect(urls.https(COOKIE_JAR, request.target))
        return router(request)

    return {COOKIE_JAR: answer}
