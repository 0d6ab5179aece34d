"""The test oracle for the real-tracker shop: what the world's server really received.

It reads the world's request log (``--request-log``), decodes every body and URL itself
(independently of the scanner's own decoders: nothing from scanner.classify), and says
which vendors received the planted e-mail address on which page. The page comes from
the scan: each logged request is matched to the request of scan.json with the same method,
URL and body, which also gives the share of received requests that scan.json holds.

Decoding, applied recursively to a bounded depth: Content-Encoding and gzip/zlib magic
bytes (zlib/gzip), URL query and form fields, JSON (every string inside it), base64
(standard and URL-safe) and lz-string (the npm package, run by node).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import re
import shutil
import subprocess
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import tldextract

from scanner.crawl.site_probe import GPC_JSON_PATH

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "scanner" / "testworld" / "npm" / "node_modules"
LZ_SCRIPT = Path(__file__).resolve().parent / "data" / "lz_decompress.js"

MAX_DEPTH = 6
MAX_DECODED_BYTES = 20 * 1024 * 1024
MIN_PACKED_LENGTH = 16  # shorter strings are ids and words, not packed payloads
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+=*")
_ZLIB_HEADERS = (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")
_GZIP_MAGIC = b"\x1f\x8b"
# Requests the browser or the crawler make by themselves, not the page: preflights carry no
# payload of the page, favicons, robots/sitemap fetches and the site probe's gpc.json are
# not page requests.
_NOT_PAGE_PATHS = ("/favicon.ico", "/robots.txt", "/sitemap.xml", GPC_JSON_PATH)

_registrable = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(host: str) -> str:
    """'api-js.mixpanel.com' -> 'mixpanel.com' (offline Public Suffix List); for names
    under a suffix the list does not know ('www.realshop.test'), the last two labels."""
    return _registrable(host).top_domain_under_public_suffix or ".".join(host.split(".")[-2:])


@dataclass(frozen=True)
class SinkRequest:
    """One request the world's server received."""

    time: float
    method: str
    scheme: str
    host: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def url(self) -> str:
        """The URL as the browser asked for it (the Host header keeps the port)."""
        return f"{self.scheme}://{self.header('Host') or self.host}{self.target}"

    @property
    def from_page(self) -> bool:
        """False for what the browser or crawler sent on its own (preflights, favicons...)."""
        if self.method == "OPTIONS" and self.header("Access-Control-Request-Method"):
            return False
        return urlsplit(self.target).path not in _NOT_PAGE_PATHS


def read_log(path: Path) -> list[SinkRequest]:
    """Every request of a world's request log, in the order received."""
    requests = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        requests.append(
            SinkRequest(
                time=entry["time"],
                method=entry["method"],
                scheme=entry["scheme"],
                host=entry["host"],
                target=entry["target"],
                headers=tuple((k, v) for k, v in entry["headers"]),
                body=base64.b64decode(entry["body_base64"]),
                status=entry["status"],
            )
        )
    return requests


# Decoding ------------------------------------------------------------------------------


def _decompress(data: bytes) -> bytes | None:
    """gzip or zlib by magic bytes, bounded; None when it is neither."""
    try:
        if data.startswith(_GZIP_MAGIC):
            return gzip.GzipFile(fileobj=_Bounded(data)).read(MAX_DECODED_BYTES)
        if data[:2] in _ZLIB_HEADERS:
            return zlib.decompressobj().decompress(data, MAX_DECODED_BYTES)
    except (OSError, EOFError, zlib.error):
        return None
    return None


class _Bounded:
    """A minimal readable file over bytes, for GzipFile."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._at + size
        chunk = self._data[self._at : end]
        self._at += len(chunk)
        return chunk


def _unbase64(value: str) -> bytes | None:
    if len(value) < MIN_PACKED_LENGTH or not _BASE64.fullmatch(value):
        return None
    padded = value + "=" * (-len(value) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            return decode(padded)
        except (binascii.Error, ValueError):
            continue
    return None


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


class Decoder:
    """Expands a body or URL into every text it holds; lz-string calls are batched to node."""

    def __init__(self) -> None:
        self._lz_candidates: set[str] = set()

    def texts(self, data: bytes | str, depth: int = 0) -> Iterator[str]:
        """The text itself and everything decoded from it, depth-first."""
        if depth > MAX_DEPTH:
            return
        if isinstance(data, bytes):
            inflated = _decompress(data)
            if inflated is not None:
                yield from self.texts(inflated, depth + 1)
                return
            text = data.decode("utf-8", errors="replace")
        else:
            text = data
        yield text
        stripped = text.strip()
        if stripped[:1] in ("{", "["):
            try:
                parsed = json.loads(stripped)
            except ValueError:
                parsed = None
            if parsed is not None:
                for item in _json_strings(parsed):
                    if item != stripped:
                        yield from self.texts(item, depth + 1)
                return
        if "=" in stripped and not stripped.startswith("="):
            pairs = parse_qsl(stripped, keep_blank_values=True)
            if pairs and not (len(pairs) == 1 and _BASE64.fullmatch(stripped)):
                for _, value in pairs:
                    yield from self.texts(value, depth + 1)
        decoded = _unbase64(stripped)
        if decoded is not None:
            self._lz_candidates.add(stripped)
            yield from self.texts(decoded, depth + 1)
        elif len(stripped) >= MIN_PACKED_LENGTH and "%" in stripped:
            yield from self.texts(unquote(stripped), depth + 1)

    def url_texts(self, url: str) -> Iterator[str]:
        """The URL, its decoded query values and what they hold."""
        yield url
        yield unquote(url)
        for _, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
            yield from self.texts(value, 1)

    def request_texts(self, request: SinkRequest) -> list[str]:
        texts = list(self.url_texts(request.url))
        if request.body:
            texts.extend(self.texts(request.body))
        return texts

    def lz_texts(self) -> dict[str, list[str]]:
        """What lz-string recovers from every base64-looking string seen so far."""
        candidates = sorted(self._lz_candidates)
        if not candidates:
            return {}
        return dict(zip(candidates, lz_decompress(candidates), strict=True))


def lz_decompress(values: list[str]) -> list[list[str]]:
    """lz-string's decompressFromBase64 / EncodedURIComponent / UTF16 of each value, by node."""
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "lz-string").is_dir():
        raise RuntimeError("node and the npm packages (scripts/setup.sh) are needed")
    result = subprocess.run(
        [node, str(LZ_SCRIPT), str(NODE_MODULES)],
        input=json.dumps(values),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [[text for text in row if text] for row in json.loads(result.stdout)]


# Matching with scan.json ---------------------------------------------------------------


def _scan_body(request: dict[str, Any]) -> tuple[bytes, bool] | None:
    body = request.get("body")
    if not body:
        return None
    if body.get("text") is not None:
        data = body["text"].encode("utf-8")
    else:
        data = base64.b64decode(body.get("base64") or "")
    return data, bool(body.get("truncated"))


def _same_body(sink: SinkRequest, scanned: dict[str, Any]) -> bool:
    recorded = _scan_body(scanned)
    if recorded is None:
        return True  # the scan did not keep a body: method and URL decide
    data, truncated = recorded
    return sink.body.startswith(data) if truncated else sink.body == data


def match_pages(requests: Iterable[SinkRequest], scan: dict[str, Any]) -> dict[int, str | None]:
    """For each sink request (by index), the URL of the scanned page that recorded it."""
    index: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    for page in scan["pages"]:
        for scanned in page["requests"]:
            key = (scanned["method"].upper(), scanned["url"])
            index.setdefault(key, []).append((page["url"], scanned))
    pages: dict[int, str | None] = {}
    for number, sink in enumerate(requests):
        candidates = index.get((sink.method.upper(), sink.url), [])
        found = next((i for i, (_, s) in enumerate(candidates) if _same_body(sink, s)), None)
        pages[number] = None if found is None else candidates.pop(found)[0]
    return pages


@dataclass(frozen=True)
class OracleResult:
    requests: list[SinkRequest]
    pages: dict[int, str | None]
    email_requests: list[int]
    """Indexes of the third-party requests that carried the planted e-mail address."""

    @property
    def page_requests(self) -> list[int]:
        return [n for n, r in enumerate(self.requests) if r.from_page]

    @property
    def coverage(self) -> float:
        """Share of the requests sent by pages that scan.json holds."""
        wanted = self.page_requests
        found = [n for n in wanted if self.pages[n] is not None]
        return len(found) / len(wanted) if wanted else 1.0

    @property
    def missing(self) -> list[SinkRequest]:
        return [self.requests[n] for n in self.page_requests if self.pages[n] is None]

    @property
    def email_pairs(self) -> set[tuple[str, str | None]]:
        """(vendor registrable domain, page URL) wherever the e-mail left; page None when the
        request is not in scan.json."""
        return {
            (registrable_domain(self.requests[n].host), self.pages[n]) for n in self.email_requests
        }


def analyse(log: Path, scan: dict[str, Any], email: str, first_party: str) -> OracleResult:
    """Decode the log, find the e-mail in third-party requests, map requests to pages."""
    requests = read_log(log)
    decoder = Decoder()
    texts = {n: decoder.request_texts(r) for n, r in enumerate(requests)}
    lz = decoder.lz_texts()
    needle = email.lower()
    carried = []
    for number, request in enumerate(requests):
        if registrable_domain(request.host) == first_party:
            continue
        found = texts[number]
        extra = [t for s in found for t in lz.get(s.strip(), [])]
        if any(needle in t.lower() for t in [*found, *extra]):
            carried.append(number)
    return OracleResult(requests, match_pages(requests, scan), carried)
