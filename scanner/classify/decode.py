"""Bytes and packed text as trackers send them, decoded to the text they carry.

Pure and offline: every function takes bytes or text and returns the decoded text with
its decoding *chain* (the steps peeled, outermost first, e.g. ``("gzip", "json")``), or a
:class:`Problem` saying why it could not look (or not at everything).

What is decoded
    * Compression: ``Content-Encoding`` gzip, deflate (zlib-wrapped or raw), br, zstd,
      applied in the order the header lists them; and gzip, zlib and zstd recognised by
      their magic bytes whatever the headers say (SDKs send raw gzip as ``text/plain``
      with only a query parameter such as ``compression=gzip-js`` saying so).
    * base64 (standard or URL-safe, padded or not) to text, or to compressed bytes.
    * lz-string in its base64, URI-component and UTF-16 forms (see ``lzstring``).

Limits (stated in the report's coverage section)
    * Decompressed output: at most :data:`MAX_OUTPUT_BYTES` per request, all bodies and
      values together, and at most :data:`MAX_RATIO` times the compressed size (never
      less than :data:`RATIO_FLOOR_BYTES`). A stream that goes past is cut there, what
      came before is searched, and a ``partial`` problem says so.
    * At most :data:`MAX_COMPRESSION_LAYERS` nested compressions per body or value.
    * A body the capture truncated is decompressed as far as it goes (``partial``).

Structures (JSON, forms, multipart, URLs inside values) are taken apart by
``scanner.classify.walk``, which calls these functions on every value it reaches.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scanner.classify import lzstring

try:
    import brotli
except ImportError:  # pragma: no cover - a declared dependency; reported, not fatal
    brotli = None
try:
    import zstandard
except ImportError:  # pragma: no cover - a declared dependency; reported, not fatal
    zstandard = None

MAX_OUTPUT_BYTES = 8 * 1024 * 1024
MAX_RATIO = 250
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_COMPRESSION_LAYERS = 3
MIN_OPAQUE_BASE64 = 128
"""Characters from which a base64 value that decodes to unknown binary is reported."""
_ZSTD_FEED = 32
CUT_BY_CAPTURE = "body truncated by the capture (decoded as far as it goes)"
MIN_TEXT_RUN = 4
"""Bytes of printable text that count as a text run inside an unknown binary body."""

COMPRESSIONS = ("gzip", "deflate", "deflate-raw", "br", "zstd")
LZ_STEPS = ("lz-string", "lz-string(base64)", "lz-string(uri)", "lz-string(utf16)")
_CONTENT_ENCODINGS = {
    "gzip": "gzip",
    "x-gzip": "gzip",
    "deflate": "deflate",
    "br": "br",
    "zstd": "zstd",
}
_TEXT_RUN_RE = re.compile(rb"(?:[\x20-\x7e]|[\xc2-\xf4][\x80-\xbf]{1,3}){%d,}" % MIN_TEXT_RUN)
_HEX_RE = re.compile(r"[0-9A-Fa-f]+")
_ZSTD_MAX_WINDOW = 8 * 1024 * 1024
_B64_ALPHABET_RE = re.compile(r"[A-Za-z0-9+/_\-]+={0,2}")
_LZ_URI_RE = re.compile(r"[A-Za-z0-9+\-$ ]+")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the scanner could not decode, or decoded only in part."""

    kind: str
    """``undecodable`` (nothing beyond this point was searched) or ``partial``."""
    reason: str
    chain: tuple[str, ...] = ()
    """The steps that worked before the problem."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text reached by decoding, with the steps taken."""

    text: str
    chain: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BodyDecoding:
    """What a recorded request body decodes to."""

    text: str | None
    """The body as text, once decompressed; None when it is not text."""
    chain: tuple[str, ...]
    text_runs: tuple[str, ...] = ()
    """Printable runs of a body in an unknown binary format (searched all the same)."""
    problems: tuple[Problem, ...] = ()


class Budget:
    """Decompressed bytes still allowed for one request."""

    __slots__ = ("remaining",)

    def __init__(self, total: int = MAX_OUTPUT_BYTES) -> None:
        self.remaining = total

    def allowance(self, compressed_size: int) -> int:
        return min(self.remaining, max(RATIO_FLOOR_BYTES, compressed_size * MAX_RATIO))

    def spend(self, produced: int) -> None:
        self.remaining = max(self.remaining - produced, 0)


# --- compression ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Inflated:
    data: bytes
    problem: str | None = None
    """Why the output stops early (a cut stream, the output limit); None when complete."""
    failed: bool = False
    """Nothing could be decompressed: the data is not in this format."""


def sniff_compression(data: bytes) -> str | None:
    """The compression whose magic bytes ``data`` starts with: gzip, deflate (zlib) or zstd."""
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and data[0] >> 4 <= 7
    # The header's check bits make it a multiple of 31; a preset dictionary is never sent.
    if zlib_header and ((data[0] << 8) | data[1]) % 31 == 0 and not data[1] & 0x20:
        return "deflate"
    return None


def _zlib(data: bytes, wbits: int, limit: int) -> _Inflated:
    """zlib/gzip/raw deflate, multi-member gzip included, cut at ``limit`` bytes."""
    out: list[bytes] = []
    produced = 0
    rest = data
    while rest:
        engine = zlib.decompressobj(wbits)
        try:
            chunk = engine.decompress(rest, limit - produced + 1)
        except zlib.error as error:
            if produced or out:
                return _Inflated(b"".join(out), f"corrupt stream after {produced} bytes")
            return _Inflated(b"", f"corrupt stream ({error})", failed=True)
        out.append(chunk)
        produced += len(chunk)
        if produced > limit or engine.unconsumed_tail:
            return _Inflated(b"".join(out)[:limit], _limit_words(limit))
        if not engine.eof:
            return _Inflated(b"".join(out), "stream ends early (truncated)")
        rest = engine.unused_data if wbits > 16 and engine.unused_data[:2] == b"\x1f\x8b" else b""
    return _Inflated(b"".join(out))


def _brotli(data: bytes, limit: int) -> _Inflated:
    if brotli is None:
        return _Inflated(b"", "br decoder not installed", failed=True)
    engine = brotli.Decompressor()
    try:
        out = engine.process(data, output_buffer_limit=limit + 1)
    except brotli.error as error:
        return _Inflated(b"", f"corrupt stream ({error})", failed=True)
    if len(out) > limit or not engine.can_accept_more_data():
        return _Inflated(out[:limit], _limit_words(limit))
    if not engine.is_finished():
        return _Inflated(out, "stream ends early (truncated)")
    return _Inflated(out)


def _zstd(data: bytes, limit: int) -> _Inflated:
    """zstd, fed in small pieces so that the output passes the limit by little (a few
    bytes of zstd can stand for a 128 KiB block)."""
    if zstandard is None:
        return _Inflated(b"", "zstd decoder not installed", failed=True)
    # a frame may ask for a window of up to 2 GiB: refuse more than the output limit
    engine = zstandard.ZstdDecompressor(max_window_size=_ZSTD_MAX_WINDOW).decompressobj()
    out = bytearray()
    try:
        for start in range(0, len(data), _ZSTD_FEED):
            out += engine.decompress(data[start : start + _ZSTD_FEED])
            if len(out) > limit:
                return _Inflated(bytes(out[:limit]), _limit_words(limit))
            if engine.eof:
                break
    except zstandard.ZstdError as error:
        if out:
            return _Inflated(bytes(out), f"corrupt stream after {len(out)} bytes")
        return _Inflated(b"", f"corrupt stream ({error})", failed=True)
    if not engine.eof:
        return _Inflated(bytes(out), "stream ends early (truncated)")
    return _Inflated(bytes(out))


def _limit_words(limit: int) -> str:
    return f"decompressed size limit reached ({limit:,} bytes); the rest was not searched"


def decompress(data: bytes, method: str, budget: Budget) -> tuple[bytes, str, str | None]:
    """``data`` decompressed with ``method``: (output, step name, problem or None).

    ``deflate`` accepts the zlib wrapping and raw deflate (both are sent as "deflate").
    Raises ``ValueError`` when the data is not in that format at all.
    """
    limit = budget.allowance(len(data))
    if method == "gzip":
        result, step = _zlib(data, 16 + zlib.MAX_WBITS, limit), "gzip"
    elif method in ("deflate", "deflate-raw"):
        result, step = _zlib(data, zlib.MAX_WBITS, limit), "deflate"
        if result.failed:
            result, step = _zlib(data, -zlib.MAX_WBITS, limit), "deflate-raw"
    elif method == "br":
        result, step = _brotli(data, limit), "br"
    elif method == "zstd":
        result, step = _zstd(data, limit), "zstd"
    else:
        raise ValueError(f"unsupported compression {method!r}")
    if result.failed:
        raise ValueError(f"{step}: {result.problem}")
    budget.spend(len(result.data))
    return result.data, step, result.problem


def _unpack(
    data: bytes, chain: tuple[str, ...], budget: Budget, problems: list[Problem]
) -> tuple[bytes, tuple[str, ...], bool]:
    """Peel compressions recognised by their magic bytes, a bounded number of times;
    the flag says the output stops early.

    Magic bytes that do not start a valid stream may be chance: the data is then left as
    it is, and the failure is recorded only if the data turns out not to be text.
    """
    for _ in range(MAX_COMPRESSION_LAYERS):
        method = sniff_compression(data)
        if method is None:
            break
        try:
            inflated, step, problem = decompress(data, method, budget)
        except ValueError as error:
            if utf8_text(data) is None:
                problems.append(Problem("undecodable", str(error), chain))
            break
        chain = (*chain, step)
        data = inflated
        if problem is not None:
            if not any(known.reason == CUT_BY_CAPTURE for known in problems):
                problems.append(Problem("partial", f"{step}: {problem}", chain))
            return data, chain, True
    return data, chain, False


# --- text ----------------------------------------------------------------------------------


def utf8_text(data: bytes, *, partial: bool = False) -> str | None:
    """``data`` as UTF-8 text; a cut multi-byte character at the end of a partial stream is
    dropped. None when the data is not UTF-8 text."""
    try:
        if partial:
            return codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def printable(text: str) -> bool:
    """Text a person could read: no control characters but tab and line breaks."""
    stripped = text.replace("\n", "").replace("\r", "").replace("\t", "")
    return bool(text.strip()) and stripped.isprintable()


def text_runs(data: bytes, limit: int = 4096) -> tuple[str, ...]:
    """Printable UTF-8 runs of an unknown binary format (strings in a binary protocol)."""
    runs = []
    for match in _TEXT_RUN_RE.finditer(data):
        text = utf8_text(match.group())
        if text is not None and printable(text):
            runs.append(text)
            if len(runs) >= limit:
                break
    return tuple(runs)


def content_encodings(headers: Sequence[Sequence[str]]) -> list[str]:
    """The ``Content-Encoding`` codings of a request, in the order they were applied."""
    codings = []
    for header in headers:
        if len(header) == 2 and header[0].lower() == "content-encoding":
            codings += [part.strip().lower() for part in header[1].split(",") if part.strip()]
    return [coding for coding in codings if coding != "identity"]


def decode_body(
    data: bytes,
    *,
    encodings: Sequence[str] = (),
    truncated: bool = False,
    was_text: bool = False,
    budget: Budget | None = None,
) -> BodyDecoding:
    """A request body as text: ``Content-Encoding`` first, then magic bytes.

    ``was_text`` says the capture kept the body as text (it was valid UTF-8): then only a
    declared encoding is tried, since text may start with bytes shaped like a zlib header.
    """
    budget = budget or Budget()
    problems: list[Problem] = []
    chain: tuple[str, ...] = ()
    if truncated:
        problems.append(Problem("partial", CUT_BY_CAPTURE))
    for coding in reversed(list(encodings)):
        method = _CONTENT_ENCODINGS.get(coding)
        if method is None:
            problems.append(Problem("undecodable", f"unsupported Content-Encoding {coding!r}"))
            return BodyDecoding(None, chain, (), tuple(problems))
        try:
            data, step, problem = decompress(data, method, budget)
        except ValueError as error:
            if was_text:
                break  # the header describes what the script meant, not these bytes
            problems.append(Problem("undecodable", f"Content-Encoding {coding}: {error}", chain))
            return BodyDecoding(None, chain, text_runs(data), tuple(problems))
        chain = (*chain, step)
        if problem is not None and not (truncated and problem.endswith("(truncated)")):
            problems.append(Problem("partial", f"{step}: {problem}", chain))
    if not was_text or chain:
        data, chain, _ = _unpack(data, chain, budget, problems)
    partial = any(problem.kind == "partial" for problem in problems)
    text = utf8_text(data, partial=partial)
    if text is None:
        if not any(problem.kind == "undecodable" for problem in problems):
            problems.append(Problem("undecodable", "binary body in an unknown format", chain))
        return BodyDecoding(None, chain, text_runs(data), tuple(problems))
    return BodyDecoding(text, chain, (), tuple(problems))


# --- values --------------------------------------------------------------------------------


def base64_bytes(text: str) -> bytes | None:
    """The bytes a base64 string (standard or URL-safe, padded or not) decodes to."""
    data = text.strip().replace(" ", "+").rstrip("=")
    if len(data) < 6 or len(data) % 4 == 1:
        return None
    urlsafe = "-" in data or "_" in data
    if urlsafe and ("+" in data or "/" in data):
        return None
    try:
        return base64.b64decode(
            data + "=" * (-len(data) % 4), altchars=b"-_" if urlsafe else None, validate=True
        )
    except (binascii.Error, ValueError):
        return None


def decode_base64(text: str, budget: Budget, problems: list[Problem]) -> Decoded | None:
    """Printable text that a base64 value carries, directly or compressed inside.

    A long value that decodes to neither is recorded as undecodable (short ones are
    indistinguishable from random identifiers and are not).
    """
    raw = base64_bytes(text)
    if raw is None:
        return None
    found: list[Problem] = []
    data, chain, cut = _unpack(raw, ("base64",), budget, found)
    decoded = utf8_text(data, partial=cut)
    if decoded is not None and printable(decoded):
        problems += found
        return Decoded(decoded, chain)
    if found or len(chain) > 1:
        problems += found or [Problem("undecodable", "compressed value is not text", chain)]
    elif len(text) >= MIN_OPAQUE_BASE64 and not _HEX_RE.fullmatch(text):
        # hex digests and ids use a subset of the base64 alphabet: not undecodable data
        problems.append(Problem("undecodable", "base64 value in an unknown binary format", chain))
    return None


def decode_lz_string(text: str, budget: Budget, problems: list[Problem]) -> Decoded | None:
    """Readable text an lz-string value decompresses to, trying the forms its alphabet
    allows; None when no form gives readable text (random tokens rarely do)."""
    stripped = text.strip()
    if len(stripped) < 8:
        return None
    limit = max(min(budget.remaining, len(stripped) * MAX_RATIO), 0)
    attempts: list[tuple[str, Callable[[str, int], str | None]]] = []
    if _B64_ALPHABET_RE.fullmatch(stripped) and "-" not in stripped and "_" not in stripped:
        attempts.append(("lz-string(base64)", lzstring.decompressFromBase64))
    if _LZ_URI_RE.fullmatch(stripped):
        attempts.append(("lz-string(uri)", lzstring.decompressFromEncodedURIComponent))
    if not attempts and sum(ord(char) > 0x7F for char in stripped) * 2 > len(stripped):
        attempts.append(("lz-string(utf16)", lzstring.decompressFromUTF16))
        attempts.append(("lz-string", lzstring.decompress))
    for step, function in attempts:
        try:
            decoded = function(stripped, limit)
        except lzstring.OutputLimit:
            problems.append(Problem("partial", f"lz-string {_limit_words(limit)}", (step,)))
            return None
        if decoded and _readable(decoded):
            budget.spend(len(decoded))
            return Decoded(decoded, (step,))
    return None


def _readable(text: str) -> bool:
    """Mostly ASCII printable text: what a decoded payload looks like, unlike the noise a
    wrong guess decompresses to."""
    if not printable(text):
        return False
    ascii_chars = sum(char.isascii() for char in text)
    return ascii_chars * 10 >= len(text) * 9
