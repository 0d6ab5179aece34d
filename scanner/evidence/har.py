"""Each scanned page as an HTTP Archive (HAR 1.2) file, built from its record in scan.json.

A HAR file is what browser developer tools export and open (the Network panel's "Import
HAR"), so a reviewer can look at the requests of one page with familiar tools. It is made
after the scan from scan.json alone: no browser is needed. ``schemas/har-1.2.schema.json``
describes the format; every file written here is valid against it.

One file holds one page: ``log.pages`` has a single page (id ``page_1``) and
``log.entries`` one entry per request the page recorded, in the order they started,
failed requests included. How scan.json maps onto HAR:

* ``page.startedDateTime`` is when the visit started: the page's ``visited_at`` (when
  the record was made, at the end of the visit) minus its ``duration_ms``; an entry's
  ``startedDateTime`` is that plus the request's ``timing.started_ms`` (milliseconds
  since the navigation started). The page title is the page's title, or its URL when it has none.
  ``pageTimings`` are -1: scan.json does not record DOMContentLoaded or load times.
* Timings: ``send`` is 0, ``wait`` is the time to first byte and ``receive`` the rest of
  the request's duration; ``blocked``, ``dns``, ``connect`` and ``ssl`` are -1 (not
  recorded). When the time to first byte is not known, ``wait`` is 0 and the whole
  duration is ``receive``; when nothing is known (a failed request) all three are 0.
  ``time`` is always the sum of ``send``, ``wait`` and ``receive``, as the specification
  requires (the HAR format has no -1 for these three).
* ``queryString`` is parsed from the URL (percent-decoding and ``+`` as a space, as for
  a form; blank values and repeated names kept, in order). The URL loses its fragment,
  as the specification asks.
* Request cookies are parsed from the ``Cookie`` request headers, response cookies from
  the ``Set-Cookie`` response headers (one header value may hold several lines). A
  response cookie's ``expires`` comes from ``Max-Age`` (counted from when the response
  began to arrive: the request's start plus its time to first byte) or else ``Expires``;
  a ``SameSite`` attribute is kept as ``_sameSite``.
* ``postData`` holds the recorded request body: ``text`` is the body when it is UTF-8.
  A body that is not UTF-8 is stored base64-encoded in ``text`` with
  ``"_encoding": "base64"``, mirroring how HAR 1.2 marks a base64 response body
  (``content.encoding``). ``"_truncated": true`` marks a body of which only the start was
  kept (the scan's ``max_body_bytes``); ``request.bodySize`` is then still the full size.
* ``response.redirectURL`` is the ``Location`` header as sent (possibly relative).
  ``response.bodySize`` and ``content.size`` are the body bytes as received
  (``response_body_bytes``; -1 and 0 when not known); ``response._transferSize`` is the
  bytes received with headers (``transfer_bytes``, -1 when not known), under the name
  Chromium's own HAR export uses.
* A request without a response (failed, blocked or unfinished) has status 0, an empty
  statusText, no headers and ``_failure`` {reason, error_text} when it failed.
* Custom fields (named with a leading underscore, as HAR allows) keep what an audit
  needs: ``_requestId`` (the request's id in scan.json, which findings and cookie
  records refer to), ``_resourceType``, ``_phase`` ('load', or 'unload' for what the
  simulated leave sent), ``_initiator`` (who made the request; null when not known) and
  ``_failure``; the page has ``_url``.

What a HAR from this scanner does not contain:

* Response bodies: the scanner does not capture them, so ``content`` never has ``text``
  (and ``content.size`` is the size as received, i.e. compressed when the response was).
* Exact header sizes: ``headersSize`` is -1 for requests and responses.
* The HTTP version: scan.json does not record the protocol, so ``httpVersion`` is empty.
* Connection details: DNS, connect, TLS and queueing times, connection ids; the cache
  state (``cache`` is ``{}``).
* Cookies written by scripts (``document.cookie``) and Web Storage writes: these are in
  scan.json's ``cookies`` and ``storage``, not in HTTP traffic.

Data from scanned sites can hold anything: strings are written as they are (JSON escapes
control characters), except that lone UTF-16 surrogates, which cannot be written as
UTF-8, become U+FFFD; times and sizes that are negative or not finite count as unknown.
"""

from __future__ import annotations

import contextlib
import json
import math
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

HAR_VERSION = "1.2"
CREATOR_NAME = "site-compliance-scanner"
PAGE_ID = "page_1"
INDEX_FILE = "index.json"
LOG_COMMENT = (
    "Recorded by site-compliance-scanner without any interaction with a consent banner "
    "(before consent). Response bodies were not captured."
)


def page_har(page: dict[str, Any], *, creator_version: str, browser: dict | None) -> dict:
    """Return one HAR 1.2 document (``{"log": ...}``) for one page record of scan.json.

    ``browser`` gives ``log.browser`` (its ``name`` and ``version``; other keys, such as
    those of scan.json's ``browser``, are ignored); None leaves it out.
    """
    duration = page.get("duration_ms")
    started_at = _parse_time(page.get("visited_at")) - timedelta(
        milliseconds=duration if isinstance(duration, int | float) else 0
    )
    requests = [r for r in page.get("requests") or [] if isinstance(r, dict)]
    requests.sort(key=_started_ms)  # stable: scan.json already lists them as they started
    log: dict[str, Any] = {
        "version": HAR_VERSION,
        "creator": {"name": CREATOR_NAME, "version": _string(creator_version)},
    }
    if browser is not None:
        log["browser"] = {
            "name": _string(browser.get("name")),
            "version": _string(browser.get("version")),
        }
    log["pages"] = [
        {
            "startedDateTime": _iso(started_at),
            "id": PAGE_ID,
            "title": _string(page.get("title") or page.get("url")),
            "pageTimings": {"onContentLoad": -1, "onLoad": -1},
            "_url": page.get("url"),
        }
    ]
    log["entries"] = [_entry(request, started_at) for request in requests]
    log["comment"] = LOG_COMMENT
    return _clean({"log": log})


def har_file_name(index: int) -> str:
    """File name of the HAR of the page at 1-based position ``index`` in scan["pages"]."""
    if index < 1:
        raise ValueError(f"HAR file index must be 1 or more, not {index}")
    return f"{index:04d}.har"


def write_page_hars(scan: dict[str, Any], folder: Path) -> list[Path]:
    """Write one HAR file per page of ``scan`` that recorded requests; return their paths.

    Files are named by the page's position in ``scan["pages"]`` (pages[0] -> 0001.har),
    so numbers of pages without requests (not rendered) are missing. ``index.json`` in the
    same folder maps each file name to its page's URL. The folder is created if needed;
    other files in it are left alone. Files are UTF-8 JSON.
    """
    folder.mkdir(parents=True, exist_ok=True)
    creator_version = str((scan.get("scanner") or {}).get("version") or "")
    scan_browser = scan.get("browser")
    browser = (
        {"name": scan_browser.get("name"), "version": scan_browser.get("version")}
        if isinstance(scan_browser, dict)
        else None
    )
    written: list[Path] = []
    index: dict[str, Any] = {}
    for position, page in enumerate(scan.get("pages") or [], start=1):
        if not page.get("requests"):
            continue
        name = har_file_name(position)
        path = folder / name
        _write_json(path, page_har(page, creator_version=creator_version, browser=browser))
        index[name] = page.get("url")
        written.append(path)
    _write_json(folder / INDEX_FILE, _clean(index))
    return written


def _write_json(path: Path, document: Any) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    path.write_bytes((text + "\n").encode("utf-8"))


# --- entries ---------------------------------------------------------------------------


def _entry(request: dict[str, Any], page_started: datetime) -> dict[str, Any]:
    timing = request.get("timing") or {}
    started = _started_ms(request)
    timings = _timings(_ms(timing.get("ttfb_ms")), _ms(timing.get("duration_ms")))
    try:
        started_at = page_started + timedelta(milliseconds=started)
    except OverflowError:  # an absurd start time: last, as it is sorted
        started_at = _LATEST
    response = request.get("response")
    entry: dict[str, Any] = {
        "pageref": PAGE_ID,
        "startedDateTime": _iso(started_at),
        "time": round(timings["send"] + timings["wait"] + timings["receive"], 3),
        "request": _request(request),
        "response": _response(request, response if isinstance(response, dict) else None),
        "cache": {},
        "timings": timings,
    }
    if isinstance(response, dict):
        server_ip = _server_ip(response.get("remote_address"))
        if server_ip:
            entry["serverIPAddress"] = server_ip
    entry["_requestId"] = request.get("id")
    entry["_resourceType"] = _string(request.get("resource_type"))
    entry["_phase"] = _string(request.get("phase"))
    entry["_initiator"] = request.get("initiator")
    failure = request.get("failure")
    if isinstance(failure, dict):
        entry["_failure"] = {
            "reason": _string(failure.get("reason")),
            "error_text": _string(failure.get("error_text")),
        }
    try:
        received_at = started_at + timedelta(milliseconds=timings["wait"])
    except OverflowError:
        received_at = started_at
    for cookie in entry["response"]["cookies"]:
        _set_expiry(cookie, received_at)
    return entry


def _started_ms(request: dict[str, Any]) -> float:
    return _ms((request.get("timing") or {}).get("started_ms")) or 0.0


def _timings(ttfb: float | None, duration: float | None) -> dict[str, float]:
    wait = round(ttfb, 3) if ttfb is not None else 0.0
    receive = round(max(duration - wait, 0.0), 3) if duration is not None else 0.0
    return {
        "blocked": -1,
        "dns": -1,
        "connect": -1,
        "ssl": -1,
        "send": 0.0,
        "wait": wait,
        "receive": receive,
    }


def _request(request: dict[str, Any]) -> dict[str, Any]:
    headers = _headers(request.get("headers"))
    url = _string(request.get("url")).partition("#")[0]
    body = request.get("body")
    result: dict[str, Any] = {
        "method": _string(request.get("method")),
        "url": url,
        "httpVersion": "",
        "cookies": _request_cookies(headers),
        "headers": headers,
        "queryString": _query_string(url),
        "headersSize": -1,
        "bodySize": _size(body.get("size"), unknown=-1) if isinstance(body, dict) else 0,
    }
    if isinstance(body, dict):
        result["postData"] = _post_data(body, headers)
    return result


def _response(request: dict[str, Any], response: dict[str, Any] | None) -> dict[str, Any]:
    body_bytes = _size(request.get("response_body_bytes"), unknown=-1)
    transfer_bytes = _size(request.get("transfer_bytes"), unknown=-1)
    if response is None:
        headers: list[dict[str, str]] = []
        status: Any = 0
        status_text = ""
        mime_type = ""
    else:
        headers = _headers(response.get("headers"))
        status = response.get("status")
        status_text = _string(response.get("status_text"))
        mime_type = _string(response.get("mime_type"))
    return {
        "status": status if _is_number(status) else 0,
        "statusText": status_text,
        "httpVersion": "",
        "cookies": _response_cookies(headers),
        "headers": headers,
        "content": {"size": max(body_bytes, 0), "mimeType": mime_type},
        "redirectURL": _header_value(headers, "location") or "",
        "headersSize": -1,
        "bodySize": body_bytes,
        "_transferSize": transfer_bytes,
    }


def _post_data(body: dict[str, Any], headers: list[dict[str, str]]) -> dict[str, Any]:
    post: dict[str, Any] = {"mimeType": _header_value(headers, "content-type") or ""}
    if isinstance(body.get("text"), str):
        post["text"] = body["text"]
    elif isinstance(body.get("base64"), str):
        post["text"] = body["base64"]
        post["_encoding"] = "base64"
    else:
        post["text"] = ""
    if body.get("truncated"):
        post["_truncated"] = True
    return post


def _headers(pairs: Any) -> list[dict[str, str]]:
    headers = []
    for pair in pairs or []:
        if isinstance(pair, (list, tuple)) and len(pair) >= 2:
            headers.append({"name": _string(pair[0]), "value": _string(pair[1])})
    return headers


def _header_value(headers: list[dict[str, str]], name: str) -> str | None:
    for header in headers:
        if header["name"].lower() == name:
            return header["value"]
    return None


def _query_string(url: str) -> list[dict[str, str]]:
    query = url.partition("?")[2]
    pairs = parse_qsl(query, keep_blank_values=True, errors="replace")
    return [{"name": name, "value": value} for name, value in pairs]


def _server_ip(remote_address: Any) -> str | None:
    """'1.2.3.4:443' -> '1.2.3.4'; '[2001:db8::1]:443' -> '2001:db8::1'."""
    if not isinstance(remote_address, str) or not remote_address:
        return None
    if remote_address.startswith("["):
        host, closed, _ = remote_address[1:].partition("]")
        return host if closed else remote_address
    if remote_address.count(":") == 1:
        return remote_address.partition(":")[0]
    return remote_address


# --- cookies ---------------------------------------------------------------------------


def _request_cookies(headers: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Cookies of the Cookie request headers: 'a=1; b=2'; a part without '=' is a cookie
    with an empty name (how browsers send a nameless cookie)."""
    cookies = []
    for header in headers:
        if header["name"].lower() != "cookie":
            continue
        for part in header["value"].split(";"):
            part = part.strip()
            if not part:
                continue
            name, equals, value = part.partition("=")
            if not equals:
                name, value = "", name
            cookies.append({"name": name.strip(), "value": value.strip()})
    return cookies


def _response_cookies(headers: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Cookies of the Set-Cookie response headers, one per non-empty line (Chromium joins
    repeated Set-Cookie headers with newlines; other control characters are not breaks)."""
    cookies = []
    for header in headers:
        if header["name"].lower() != "set-cookie":
            continue
        for line in header["value"].split("\n"):
            if line.strip():
                cookies.append(_set_cookie(line))
    return cookies


def _set_cookie(line: str) -> dict[str, Any]:
    """Parse one Set-Cookie line (RFC 6265). Expiry attributes are kept aside in
    ``_maxAge`` / ``_expiresAt`` until :func:`_set_expiry` knows when the response came."""
    pair, *attributes = line.split(";")
    name, equals, value = pair.partition("=")
    if not equals:
        name, value = "", name
    cookie: dict[str, Any] = {
        "name": name.strip(),
        "value": value.strip(),
        "httpOnly": False,
        "secure": False,
    }
    for attribute in attributes:
        key, _, attr_value = attribute.partition("=")
        key = key.strip().lower()
        attr_value = attr_value.strip()
        if key == "path":
            cookie["path"] = attr_value
        elif key == "domain":
            cookie["domain"] = attr_value
        elif key == "expires":
            expires = _cookie_date(attr_value)
            if expires is not None:
                cookie["_expiresAt"] = expires
        elif key == "max-age":
            digits = attr_value[1:] if attr_value.startswith("-") else attr_value
            if digits.isascii() and digits.isdigit():
                cookie["_maxAge"] = int(attr_value)
        elif key == "httponly":
            cookie["httpOnly"] = True
        elif key == "secure":
            cookie["secure"] = True
        elif key == "samesite":
            cookie["_sameSite"] = attr_value
    return cookie


def _set_expiry(cookie: dict[str, Any], received_at: datetime) -> None:
    """Turn the expiry attributes into HAR's ``expires`` (Max-Age wins over Expires)."""
    max_age = cookie.pop("_maxAge", None)
    expires = cookie.pop("_expiresAt", None)
    if max_age is not None:
        try:
            expires = received_at + timedelta(seconds=max_age)
        except OverflowError:
            expires = _LATEST if max_age > 0 else _EPOCH
    if expires is not None:
        with contextlib.suppress(OverflowError):  # a date near year 1 or 9999 moved into UTC
            cookie["expires"] = _iso(expires)


def _cookie_date(value: str) -> datetime | None:
    """An Expires attribute as a date: RFC 1123 and the common '21-Oct-2015' variant."""
    for candidate in (value, value.replace("-", " ")):
        try:
            parsed = parsedate_to_datetime(candidate)
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


# --- values ----------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"page has no visited_at time: {value!r}")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as HAR writers usually give it."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.removesuffix("+00:00") + "Z"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _ms(value: Any) -> float | None:
    """A recorded time in milliseconds; None when unknown or not a sane number."""
    if not _is_number(value) or value < 0:
        return None
    return float(value)


def _size(value: Any, *, unknown: int) -> int:
    if not _is_number(value) or value < 0:
        return unknown
    return int(value)


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _clean(value: Any) -> Any:
    """A copy of ``value`` that JSON can hold and UTF-8 can encode: lone surrogates in
    strings (and keys) become U+FFFD; floats that are not finite become -1."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, dict):
        return {_clean(str(key)): _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return -1
    return value
