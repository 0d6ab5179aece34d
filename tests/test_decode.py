"""Decoding what trackers send (scanner.classify.decode, scanner.classify.lzstring)."""

from __future__ import annotations

import base64
import gzip
import json
import zlib

import brotli
import pytest
import zstandard

from scanner.classify import decode, lzstring
from scanner.classify.decode import Budget, Problem, decode_body

EVENT = json.dumps({"event": "$identify", "$set": {"email": "jane.doe@example.com"}}).encode()

# Produced by the npm package lz-string 1.5.0 under Node.js: (text, compressToBase64,
# compressToEncodedURIComponent, compressToUTF16, compress) of each text.
LZ_VECTORS = [
    (
        "",
        "Q===",
        "Q",
        "\u2020 ",
        "\u4000",
    ),
    (
        "a",
        "IZA=",
        "IZA",
        "\u10e8 ",
        "\u2190",
    ),
    (
        "hello hello hello hello",
        "BYUwNmD2AEoTcq3FIA==",
        "BYUwNmD2AEoTcq3FIA",
        "\u02e2\u4c2d\u4c3e\u6024\u50bb\u4ad7\u0a60 ",
        "\u0585\u3036\u60f6J\u1372\uadc5\u2000",
    ),
    (
        ('{"distinct_id":"u-1","$set":{"$email":"jane.doe@example.com","$name":"Jane Doe"}}'),
        (
            "N4IgJglgzgLhB2BjGB9CYQC4QFcC0AjCADQgAkUApjFqGZQLYCGEANliAFZPyUB0YAPaUAApQAeTBg"
            "AdW/RIIYly8KZQ4ApHpQAEAEWEgAvkaA=="
        ),
        (
            "N4IgJglgzgLhB2BjGB9CYQC4QFcC0AjCADQgAkUApjFqGZQLYCGEANliAFZPyUB0YAPaUAApQAeTBg"
            "AdW-RIIYly8KZQ4ApHpQAEAEWEgAvkaA"
        ),
        (
            "\u1be1\u0829\u414c\u0d00\u1728\u1da1\u4650\u1f62\u30a0\u2e30\u0b00\u2d20\u4630"
            "\xf0\u4024\u4520\u5338\u5aa6\u32a1\u3622\u0c40\u0385\u4420\u566f\u64c0\u1d38"
            "\x9b\u2520\u016a>\u262c=\u2e1a\u1228\u314e\u2f2a\u32a7I\u0f6a$B\u6140\u019c"
            "\u46a0 "
        ),
        (
            "\u3782\u2026\u0960\uce02\ue107\u6063\u181f\u4261\xb8\u4057\u02d0\u08c24\u2002"
            "\u4500\ua631\u6a19\u940b\u6021\u8400\ud962V\u4fc9\u4074\u6003\uda50)\u4007"
            "\u9306\x1d\u5bf4\u4821\u8972\uf0a6\u50e0\u0a47\ua500\u0400\u4584\u800b\ue468"
            "\x00"
        ),
    ),
    (
        "Gr\xfc\xdfe, \u6771\u4eac \U0001f600 ok",
        "OIJwPw+wpgNABIR3NA1cnQvBuAA9uB7A1kA=",
        "OIJwPw+wpgNABIR3NA1cnQvBuAA9uB7A1kA",
        ("\u1c61\u1c2f\u6216\u0a80\u1a20\u1231\u6e88\u0d7c\u4ea5\u708e'\u5ba1\u7626\u5920 "),
        "\u3882\u703f\u0fb0\ua603\u4004\u8477\u340d\u5c9d\u0bc1\ub800\u3db8\u1ec0\ud640",
    ),
    (
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        ),
        "IY18ZXTt/DRA",
        "IY18ZXTt-DRA",
        "\u10e6\u5f39\u2ebd\u5fe3\u2220 ",
        "\u218d\u7c65\u74ed\ufc34\u4000",
    ),
]


# --- lz-string -------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", LZ_VECTORS, ids=lambda v: ascii(v[0][:12]))
def test_lz_string_decompresses_what_the_npm_package_compressed(vector: tuple[str, ...]) -> None:
    text, from_base64, from_uri, from_utf16, raw = vector
    assert lzstring.decompressFromBase64(from_base64) == text
    assert lzstring.decompressFromEncodedURIComponent(from_uri) == text
    assert lzstring.decompressFromUTF16(from_utf16) == text
    assert lzstring.decompress(raw) == text


def test_lz_string_uri_form_reads_a_space_as_plus() -> None:
    text, _, from_uri, _, _ = LZ_VECTORS[4]
    assert "+" in from_uri
    assert lzstring.decompressFromEncodedURIComponent(from_uri.replace("+", " ")) == text


def test_lz_string_invalid_and_cut_streams_give_none() -> None:
    _, from_base64, *_ = LZ_VECTORS[3]
    assert lzstring.decompressFromBase64(from_base64[: len(from_base64) // 2]) is None
    assert lzstring.decompressFromBase64("") is None
    assert lzstring.decompressFromBase64("////////////////") is None


def test_lz_string_output_is_bounded() -> None:
    *_, repeated = LZ_VECTORS
    with pytest.raises(lzstring.OutputLimit):
        lzstring.decompressFromBase64(repeated[1], max_output=20)


def test_lz_string_value_is_recognised_by_its_alphabet() -> None:
    text, from_base64, from_uri, from_utf16, _ = LZ_VECTORS[3]
    budget = Budget()
    assert decode.decode_lz_string(from_base64, budget, []) == decode.Decoded(
        text, ("lz-string(base64)",)
    )
    assert decode.decode_lz_string(from_uri, budget, []) == decode.Decoded(
        text, ("lz-string(uri)",)
    )
    assert decode.decode_lz_string(from_utf16, budget, []) == decode.Decoded(
        text, ("lz-string(utf16)",)
    )
    assert decode.decode_lz_string("dXNlci0xMjM0NTY3ODkw", budget, []) is None  # a plain token


# --- bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coding", "packed", "chain"),
    [
        ("gzip", gzip.compress(EVENT), ("gzip",)),
        ("x-gzip", gzip.compress(EVENT), ("gzip",)),
        ("deflate", zlib.compress(EVENT), ("deflate",)),
        ("deflate", zlib.compress(EVENT)[2:-4], ("deflate-raw",)),  # raw deflate
        ("br", brotli.compress(EVENT), ("br",)),
        ("zstd", zstandard.ZstdCompressor().compress(EVENT), ("zstd",)),
    ],
)
def test_content_encoding(coding: str, packed: bytes, chain: tuple[str, ...]) -> None:
    assert decode_body(packed, encodings=[coding]) == decode.BodyDecoding(EVENT.decode(), chain)


def test_content_encodings_apply_in_reverse_order_of_the_header() -> None:
    packed = brotli.compress(gzip.compress(EVENT))
    encodings = decode.content_encodings([["Content-Encoding", "gzip, br"]])
    assert encodings == ["gzip", "br"]
    assert decode_body(packed, encodings=encodings).chain == ("br", "gzip")


@pytest.mark.parametrize(
    ("packed", "chain"),
    [
        (gzip.compress(EVENT), ("gzip",)),
        (zlib.compress(EVENT), ("deflate",)),
        (zstandard.ZstdCompressor().compress(EVENT), ("zstd",)),
        (gzip.compress(gzip.compress(EVENT)), ("gzip", "gzip")),
        (gzip.compress(EVENT) + gzip.compress(EVENT), ("gzip",)),  # two gzip members
    ],
)
def test_compression_recognised_by_magic_bytes_without_a_header(
    packed: bytes, chain: tuple[str, ...]
) -> None:
    # e.g. raw gzip sent as text/plain with only ?compression=gzip-js saying so
    result = decode_body(packed)
    assert (result.chain, result.problems) == (chain, ())
    assert result.text is not None and result.text.startswith(EVENT.decode())


def test_text_shaped_like_a_zlib_header_is_left_as_text() -> None:
    assert decode.sniff_compression(b"x^ not zlib") == "deflate"
    result = decode_body(b"x^ not zlib", was_text=True)
    assert (result.text, result.chain, result.problems) == ("x^ not zlib", (), ())


def test_truncated_gzip_is_decoded_as_far_as_it_goes() -> None:
    events = "\n".join(f'{{"n":{n},"email":"user{n}@example.com"}}' for n in range(2000))
    packed = gzip.compress(events.encode())
    result = decode_body(packed[: len(packed) // 2], truncated=True)
    assert result.chain == ("gzip",)
    assert result.text is not None and events.startswith(result.text)
    assert 1000 < len(result.text) < len(events)
    assert result.problems == (Problem("partial", decode.CUT_BY_CAPTURE),)
    cut = decode_body(packed[:-12])  # no capture flag: the stream itself says it ends early
    assert [p.kind for p in cut.problems] == ["partial"] and "truncated" in cut.problems[0].reason


def test_gzip_bomb_is_cut_at_the_limit_and_reported() -> None:
    bomb = gzip.compress(b"A" * (64 * 1024 * 1024), 9)
    assert len(bomb) < 100_000
    result = decode_body(bomb)
    assert result.text is not None and len(result.text) == decode.MAX_OUTPUT_BYTES
    assert [(p.kind, p.chain) for p in result.problems] == [("partial", ("gzip",))]
    assert "limit" in result.problems[0].reason


def test_ratio_limit_cuts_small_bombs_earlier() -> None:
    budget = Budget()
    data, step, problem = decode.decompress(
        gzip.compress(b"\0" * (4 * 1024 * 1024)), "gzip", budget
    )
    assert (len(data), step) == (decode.RATIO_FLOOR_BYTES, "gzip") and problem is not None


def test_request_budget_is_shared_by_all_bodies_and_values() -> None:
    budget = Budget(total=1000)
    decode_body(gzip.compress(b"a" * 600), budget=budget)
    result = decode_body(gzip.compress(b"b" * 600), budget=budget)
    assert result.text == "b" * 400 and result.problems[0].kind == "partial"


@pytest.mark.parametrize(
    ("data", "encodings", "reason"),
    [
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 20, (), "gzip: corrupt"),
        (b"\x00\x01\x02\xff\xfe\x00protobuf-ish", (), "binary body in an unknown format"),
        (b"plain", ("compress",), "unsupported Content-Encoding 'compress'"),
        (b"\xff\xfenot gzip at all", ("gzip",), "Content-Encoding gzip: gzip: corrupt stream"),
    ],
)
def test_what_cannot_be_decoded_is_reported_with_a_reason(
    data: bytes, encodings: tuple[str, ...], reason: str
) -> None:
    result = decode_body(data, encodings=encodings)
    assert result.text is None
    assert [p.kind for p in result.problems] == ["undecodable"]
    assert result.problems[0].reason.startswith(reason)


def test_unknown_binary_keeps_its_text_runs() -> None:
    # a binary protocol (session-replay messages) with length-prefixed UTF-8 strings
    data = b"\x03\x00\x14jane.doe@example.com\x81\x02\x05Z\xc3\xbcrich\x00\xff"
    assert decode_body(data).text_runs == ("jane.doe@example.com", "Zürich")


def test_a_cut_utf8_character_at_the_end_of_a_partial_stream_is_dropped() -> None:
    assert decode.utf8_text("Zürich".encode()[:2], partial=True) == "Z"
    assert decode.utf8_text("Zürich".encode()[:2]) is None


# --- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        base64.b64encode(EVENT).decode(),
        base64.b64encode(EVENT).decode().rstrip("="),
        base64.urlsafe_b64encode(EVENT + b"??>>").decode().rstrip("="),
    ],
)
def test_base64_standard_and_url_safe_padded_or_not(encoded: str) -> None:
    decoded = decode.decode_base64(encoded, Budget(), [])
    assert decoded is not None and decoded.text.startswith(EVENT.decode())
    assert decoded.chain == ("base64",)


def test_base64_of_gzip() -> None:
    problems: list[Problem] = []
    encoded = base64.b64encode(gzip.compress(EVENT)).decode()
    assert decode.decode_base64(encoded, Budget(), problems) == decode.Decoded(
        EVENT.decode(), ("base64", "gzip")
    )
    assert problems == []


def test_long_opaque_base64_is_reported_short_tokens_are_not() -> None:
    problems: list[Problem] = []
    assert (
        decode.decode_base64(base64.b64encode(bytes(range(16))).decode(), Budget(), problems)
        is None
    )
    assert problems == []
    opaque = base64.b64encode(bytes(range(256)) * 2).decode()
    assert decode.decode_base64(opaque, Budget(), problems) is None
    assert problems == [
        Problem("undecodable", "base64 value in an unknown binary format", ("base64",))
    ]


def test_lz_string_past_the_output_limit_is_reported_partial() -> None:
    text, from_base64, *_ = LZ_VECTORS[3]
    assert len(text) > 5
    problems: list[decode.Problem] = []
    assert decode.decode_lz_string(from_base64, Budget(5), problems) is None
    assert [problem.kind for problem in problems] == ["partial"]


def test_a_long_hex_id_is_not_undecodable_base64() -> None:
    problems: list[decode.Problem] = []
    assert decode.decode_base64("ab12" * 32, Budget(10**6), problems) is None
    assert problems == []
