"""Personal data in recorded requests (scanner.classify.pii)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from urllib.parse import quote

import pytest

from scanner.classify import lzstring
from scanner.classify.pii import PersonalData, PersonalDataFinder

EMAIL = "jane.doe@example.com"
PHONE = "+49 151 12345678"
KNOWN = (EMAIL, PHONE, "Jane")


Found = tuple[str, str, str, str, str]


def find_all(
    url: str = "https://t.example/c",
    headers: Sequence[Sequence[str]] = (),
    body: str | None = None,
    content_type: str | None = None,
    known: Iterable[str] = (),
) -> list[PersonalData]:
    finder = PersonalDataFinder(known)
    return finder.find_in_request(url, [list(h) for h in headers], body, content_type)


def find(
    url: str = "https://t.example/c",
    headers: Sequence[Sequence[str]] = (),
    body: str | None = None,
    content_type: str | None = None,
    known: Iterable[str] = (),
) -> list[Found]:
    """What was found, as (category, value, field, location, encoding)."""
    found = find_all(url, headers, body, content_type, known)
    return [(p.category, p.value, p.field, p.location, p.encoding) for p in found]


def pd(category: str, value: str, field: str, location: str, encoding: str) -> Found:
    return (category, value, field, location, encoding)


def b64(text: str, *, urlsafe: bool = False, padded: bool = True) -> str:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    encoded = encode(text.encode()).decode()
    return encoded if padded else encoded.rstrip("=")


def digest(algorithm: str, text: str) -> str:
    return hashlib.new(algorithm, text.encode()).hexdigest()


# --- the examples of the brief -----------------------------------------------------------


def test_double_encoded_page_url_in_a_query_parameter() -> None:
    url = (
        "https://collect.analytics.example/c?cid=1&dl=https%3A%2F%2Fwww.shop.test%2F"
        "newsletter%2Fthanks%3Femail%3Djane.doe%2540example.com"
    )
    assert find(url) == [pd("email", EMAIL, "dl", "query", "url-encoded")]


def test_beacon_json_sent_as_text_plain() -> None:
    body = (
        '{"email":"jane.doe@example.com","page":"https://www.shop.test/account","ts":1795465271231}'
    )
    found = find(body=body, content_type="text/plain;charset=UTF-8")
    assert found == [pd("email", EMAIL, "email", "body", "plain")]


# --- locations -----------------------------------------------------------------------------


def test_query_parameters_repeated_and_deduplicated() -> None:
    url = "https://t.example/c?email=a%40example.com&email=b@example.com&email=a@example.com"
    assert find(url) == [
        pd("email", "a@example.com", "email", "query", "plain"),
        pd("email", "b@example.com", "email", "query", "plain"),
    ]


def test_email_is_normalised() -> None:
    assert find("https://t.example/c?e=%20Jane.Doe@Example.COM%20") == [
        pd("email", EMAIL, "e", "query", "plain")
    ]


def test_url_path_segments() -> None:
    found = find("https://t.example/u/jane.doe%40example.com/x/jane%2540example.org")
    assert found == [
        pd("email", EMAIL, "path", "url-path", "plain"),
        pd("email", "jane@example.org", "path", "url-path", "url-encoded"),
    ]


def test_form_encoded_body() -> None:
    body = "first_name=Jane&last-name=Doe&email=jane.doe%40example.com&phone=%2B4915112345678"
    assert find(body=body, content_type="application/x-www-form-urlencoded") == [
        pd("name", "Jane", "first_name", "body", "plain"),
        pd("name", "Doe", "last-name", "body", "plain"),
        pd("email", EMAIL, "email", "body", "plain"),
        pd("phone", "+4915112345678", "phone", "body", "plain"),
    ]


def test_form_value_with_unescaped_leading_plus_is_a_phone() -> None:
    body = "ph=+4915112345678&fn=Anne+Marie"
    assert find(body=body, content_type="application/x-www-form-urlencoded") == [
        pd("phone", "+4915112345678", "ph", "body", "plain"),
        pd("name", "Anne Marie", "fn", "body", "plain"),
    ]


def test_nested_json_body_paths() -> None:
    body = json.dumps(
        {
            "user": {"email": EMAIL, "phone": PHONE, "address": {"zip": "10115"}},
            "items": [{"sku": "A1"}, {"mail": "JOHN@example.org"}],
            "ids": {"user_id": 4711, "external_id": "ext-77"},
        }
    )
    assert find(body=body, content_type="application/json") == [
        pd("email", EMAIL, "user.email", "body", "plain"),
        pd("phone", PHONE, "user.phone", "body", "plain"),
        pd("postal-code", "10115", "user.address.zip", "body", "plain"),
        pd("email", "john@example.org", "items[1].mail", "body", "plain"),
        pd("user-id", "4711", "ids.user_id", "body", "plain"),
        pd("user-id", "ext-77", "ids.external_id", "body", "plain"),
    ]


def test_json_array_body_and_json_lines() -> None:
    assert find(body='[{"email":"a@example.com"}]', content_type="application/json") == [
        pd("email", "a@example.com", "[0].email", "body", "plain")
    ]
    lines = '{"email":"a@example.com"}\n{"uid":"u-1"}\n'
    assert find(body=lines, content_type="application/x-ndjson") == [
        pd("email", "a@example.com", "email", "body", "plain"),
        pd("user-id", "u-1", "uid", "body", "plain"),
    ]


def test_batched_hit_lines_in_a_text_body() -> None:
    body = "en=page_view&uid=42\r\nen=sign_up&ep.email=jane.doe%40example.com"
    assert find(body=body, content_type="text/plain") == [
        pd("user-id", "42", "uid", "body", "plain"),
        pd("email", EMAIL, "ep.email", "body", "plain"),
    ]


def test_json_body_declared_as_form_encoded() -> None:
    # jQuery's default content type with a JSON.stringify'd body.
    body = '{"email":"jane.doe@example.com"}'
    assert find(body=body, content_type="application/x-www-form-urlencoded") == [
        pd("email", EMAIL, "email", "body", "plain")
    ]


def test_multipart_body() -> None:
    body = (
        "--XyZ\r\n"
        'Content-Disposition: form-data; name="email"\r\n\r\n'
        "jane.doe@example.com\r\n"
        "--XyZ\r\n"
        'Content-Disposition: form-data; name="zip"\r\n\r\n'
        "SW1A 1AA\r\n"
        "--XyZ--\r\n"
    )
    assert find(body=body, content_type="multipart/form-data; boundary=XyZ") == [
        pd("email", EMAIL, "email", "body", "plain"),
        pd("postal-code", "SW1A 1AA", "zip", "body", "plain"),
    ]


def test_unstructured_text_body() -> None:
    assert find(body="Contact: jane.doe@example.com please", content_type="text/plain") == [
        pd("email", EMAIL, "body", "body", "plain")
    ]


def test_referer_header_query_and_path() -> None:
    headers = [
        ["Referer", "https://www.shop.test/thanks/jane%40example.org?email=jane.doe%40example.com"]
    ]
    assert find(headers=headers) == [
        pd("email", "jane@example.org", "referer", "referer", "plain"),
        pd("email", EMAIL, "referer", "referer", "plain"),
    ]


def test_referer_uses_inner_field_names_for_gated_categories() -> None:
    headers = [["referer", "https://www.shop.test/a?tel=%2B4915112345678&zip=10115&page=2"]]
    assert find(headers=headers) == [
        pd("phone", "+4915112345678", "referer", "referer", "plain"),
        pd("postal-code", "10115", "referer", "referer", "plain"),
    ]


def test_referer_double_encoding_counts() -> None:
    headers = [["Referer", "https://www.shop.test/?e=jane.doe%2540example.com"]]
    assert find(headers=headers) == [pd("email", EMAIL, "referer", "referer", "url-encoded")]


def test_cookie_header() -> None:
    cookie = (
        f'uid=u-123; _ga=GA1.1.1795465271.1795465271; em="jane.doe%40example.com"; t={b64(EMAIL)}'
    )
    assert find(headers=[["Cookie", cookie]]) == [
        pd("user-id", "u-123", "uid", "cookie", "plain"),
        pd("email", EMAIL, "em", "cookie", "plain"),
        pd("email", EMAIL, "t", "cookie", "base64"),
    ]


def test_other_headers() -> None:
    headers = [
        [":path", "/c?email=jane.doe@example.com"],  # HTTP/2 pseudo-header repeats the URL
        ["X-Client-IP", "203.0.113.7"],
        ["X-Forwarded-For", "198.51.100.1, 2001:db8::1"],
        ["X-User-Email", "jane.doe@example.com"],
        ["User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0"],
    ]
    assert find(headers=headers) == [
        pd("ip-address", "203.0.113.7", "x-client-ip", "header", "plain"),
        pd("ip-address", "198.51.100.1", "x-forwarded-for", "header", "plain"),
        pd("ip-address", "2001:db8::1", "x-forwarded-for", "header", "plain"),
        pd("email", EMAIL, "x-user-email", "header", "plain"),
    ]


def test_bearer_token_claims() -> None:
    header = b64('{"alg":"HS256","typ":"JWT"}', urlsafe=True, padded=False)
    claims = b64('{"sub":"u-9","email":"jane.doe@example.com"}', urlsafe=True, padded=False)
    token = f"Bearer {header}.{claims}.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    assert find(headers=[["Authorization", token]]) == [
        pd("email", EMAIL, "authorization.email", "header", "base64")
    ]


def test_order_is_path_query_body_headers() -> None:
    found = find(
        "https://t.example/a@example.com?e=b@example.com",
        headers=[["Cookie", "e=d@example.com"], ["Referer", "https://s.test/?e=e@example.com"]],
        body="e=c@example.com",
        content_type="application/x-www-form-urlencoded",
    )
    assert [(p[1][0], p[3]) for p in found] == [
        ("a", "url-path"),
        ("b", "query"),
        ("c", "body"),
        ("d", "cookie"),
        ("e", "referer"),
    ]


# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected_field"),
    [
        (b64(json.dumps({"email": EMAIL})), "d.email"),  # standard, padded
        (b64(json.dumps({"email": EMAIL}), padded=False), "d.email"),
        (b64(json.dumps({"u": {"email": EMAIL}}), urlsafe=True, padded=False), "d.u.email"),
        (b64(EMAIL), "d"),
        (b64(EMAIL, urlsafe=True, padded=False), "d"),
    ],
)
def test_base64(value: str, expected_field: str) -> None:
    assert find(f"https://t.example/c?d={value}") == [
        pd("email", EMAIL, expected_field, "query", "base64")
    ]


def test_base64_url_encoded_padding_reports_base64() -> None:
    value = b64(json.dumps({"email": EMAIL})).replace("=", "%253D")
    assert find(f"https://t.example/c?d={value}") == [
        pd("email", EMAIL, "d.email", "query", "base64")
    ]


def test_base64_decoded_blob_uses_its_own_field_names() -> None:
    blob = b64('{"ph":"+4915112345678","note":"+4915112345678"}')
    assert find(f"https://t.example/c?uid={blob}") == [
        pd("user-id", blob, "uid", "query", "plain"),
        pd("phone", "+4915112345678", "uid.ph", "query", "base64"),
    ]


def test_json_inside_a_parameter_value() -> None:
    url = (
        "https://t.example/c?data="
        "%7B%22user%22%3A%7B%22email%22%3A%22jane.doe%40example.com%22%7D%7D"
    )
    assert find(url) == [pd("email", EMAIL, "data.user.email", "query", "plain")]


def test_double_encoded_json_inside_a_parameter_value() -> None:
    url = (
        "https://t.example/c?data=%257B%2522email%2522%253A%2522jane.doe%2540example.com%2522%257D"
    )
    assert find(url) == [pd("email", EMAIL, "data.email", "query", "url-encoded")]


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha256"])
def test_hashed_email_of_a_known_value(algorithm: str) -> None:
    url = f"https://t.example/c?em={digest(algorithm, EMAIL)}"
    assert find(url, known=KNOWN) == [pd("email", EMAIL, "em", "query", algorithm)]


def test_hash_is_of_the_normalised_value_and_case_insensitive() -> None:
    hashed = digest("sha256", EMAIL).upper()
    assert find(f"https://t.example/c?em={hashed}", known=["  Jane.Doe@Example.com "]) == [
        pd("email", EMAIL, "em", "query", "sha256")
    ]


def test_facebook_advanced_matching() -> None:
    url = (
        "https://www.facebook.com/tr/?id=123&ev=Lead"
        f"&ud[em]={digest('sha256', EMAIL)}"
        f"&ud[ph]={digest('sha256', '4915112345678')}"
        f"&ud[fn]={digest('sha256', 'jane')}"
        f"&ud[ln]={digest('sha256', 'doe')}"  # not a known value: a bare hash
        f"&eid={digest('sha256', 'order-1')}"
    )
    assert find(url, known=KNOWN) == [
        pd("email", EMAIL, "ud[em]", "query", "sha256"),
        pd("phone", "+4915112345678", "ud[ph]", "query", "sha256"),
        pd("name", "Jane", "ud[fn]", "query", "sha256"),
    ]


def test_hash_in_a_json_body() -> None:
    body = json.dumps({"user_data": {"sha256_email_address": digest("sha256", EMAIL)}})
    assert find(body=body, content_type="application/json", known=KNOWN) == [
        pd("email", EMAIL, "user_data.sha256_email_address", "body", "sha256")
    ]


def test_known_phone_in_any_field() -> None:
    body = '{"contact":"call +49-151-1234 5678","ts":1795465271231}'
    assert find(body=body, content_type="text/plain", known=KNOWN) == [
        pd("phone", "+49-151-1234 5678", "contact", "body", "plain")
    ]


# --- categories gated by field names ---------------------------------------------------------


def test_gated_categories_in_query() -> None:
    url = (
        "https://t.example/c?tel=%2B1%20(555)%20123-4567&FirstName=Jane&LN=O%27Brien"
        "&full-name=Jane+Doe&surname=Doe&postal_code=94107-1234&zp=10115"
        "&uip=2001%3Adb8%3A%3A1&client_ip=203.0.113.7&ip=1.2.3.4"
        "&userId=abc-123&customer_id=C0042&billing_phone=%2B441632960961"
    )
    assert find(url) == [
        pd("phone", "+1 (555) 123-4567", "tel", "query", "plain"),
        pd("name", "Jane", "FirstName", "query", "plain"),
        pd("name", "O'Brien", "LN", "query", "plain"),
        pd("name", "Jane Doe", "full-name", "query", "plain"),
        pd("name", "Doe", "surname", "query", "plain"),
        pd("postal-code", "94107-1234", "postal_code", "query", "plain"),
        pd("postal-code", "10115", "zp", "query", "plain"),
        pd("ip-address", "2001:db8::1", "uip", "query", "plain"),
        pd("ip-address", "203.0.113.7", "client_ip", "query", "plain"),
        pd("ip-address", "1.2.3.4", "ip", "query", "plain"),
        pd("user-id", "abc-123", "userId", "query", "plain"),
        pd("user-id", "C0042", "customer_id", "query", "plain"),
        pd("phone", "+441632960961", "billing_phone", "query", "plain"),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "ts=1795465271231",  # timestamp
        "id=4915112345678",  # digit run in a field that is no phone
        "ph=4915112345678",  # no "+": not E.164-like
        "phone=%2B49123",  # too short
        "tel=%2B1234567890123456",  # too long
        "name=",
        "name=true",
        "fn=J4ne",
        "zip=abcde",  # no digit
        "zip=123456789012",
        "ip=not-an-ip",
        "ip=999.1.1.1",
        "uid=null",
        "uid=undefined",
        "user_id=0",
        "hostname=shop",  # "name" must match exactly
        "tip=1.2.3.4",  # "ip" must match exactly
        "ship=10115",
        "username=jane",
        "v=1.2.3&ver=10.0.19045.1",  # version strings
    ],
)
def test_gated_categories_negative(query: str) -> None:
    assert find(f"https://t.example/c?{query}") == []


# --- negative cases --------------------------------------------------------------------------


def test_random_hex_ids_are_not_reported() -> None:
    url = (
        "https://t.example/c?id=5d41402abc4b2a76b9719d911017c592"
        "&h=aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
        f"&em={digest('sha256', 'someone.else@example.com')}"
    )
    assert find(url) == []
    assert find(url, known=KNOWN) == []


@pytest.mark.parametrize(
    "text",
    [
        "user@localhost",  # no top-level domain: not a routable address, not reported
        "@jane",
        "logo@2x.png",
        "icon@1.5x.webp",
        "jquery@3.6.0/dist/jquery.min.js",
        "lib@1.2.3",
        "a@b",
        "jane.doe(at)example.com",  # obfuscated addresses are out of scope
        "jane.doe%3Dexample.com",
    ],
)
def test_not_an_email(text: str) -> None:
    assert find(body=text, content_type="text/plain") == []
    assert find(f"https://t.example/{text}") == []


def test_not_base64_garbage() -> None:
    # Alphabet-valid words decode to bytes that are not printable UTF-8.
    assert find("https://t.example/c?q=newsletter&uid=abcd1234") == [
        pd("user-id", "abcd1234", "uid", "query", "plain")
    ]


def test_results_are_deterministic() -> None:
    url = "https://t.example/c?e=jane.doe@example.com&f=a@example.com&fn=Jane"
    finder = PersonalDataFinder(KNOWN)
    assert finder.find_in_request(url, [], None, None) == finder.find_in_request(
        url, [], None, None
    )


def test_findings_are_frozen() -> None:
    (finding,) = find_all("https://t.example/c?e=jane.doe@example.com")
    with pytest.raises(AttributeError):
        finding.value = "x"  # type: ignore[misc]


# --- hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        "a." * 50_000,
        "a@" * 50_000,
        "x@" + "a." * 50_000,
        "x@" + "a" * 100_000,
        "a" * 50_000 + "@" + "a-" * 25_000,
        "a@a." * 25_000,
        "%25" * 33_333,
        "[" * 100_000,
        "{" * 100_000,
        "0" * 100_000,
        "a=1&" * 25_000,
    ],
    ids=lambda text: repr(text[:8]),
)
def test_adversarial_input_is_fast(text: str) -> None:
    finder = PersonalDataFinder(KNOWN)
    started = time.perf_counter()
    finder.find_in_request(
        "https://t.example/c?q=" + text,
        [["Cookie", "c=" + text], ["Referer", "https://s.test/?r=" + text]],
        text,
        "text/plain",
    )
    assert time.perf_counter() - started < 0.5


# --- decoded before searched: chains, raw values, paths ---------------------------------------


def _lz_base64_of_identify() -> tuple[str, str]:
    """An lz-string (compressToBase64) value made by the npm package (see test_decode)."""
    text = '{"distinct_id":"u-1","$set":{"$email":"jane.doe@example.com","$name":"Jane Doe"}}'
    packed = (
        "N4IgJglgzgLhB2BjGB9CYQC4QFcC0AjCADQgAkUApjFqGZQLYCGEANliAFZPyUB0YAPaUAApQAeTBgAdW/"
        "RIIYly8KZQ4ApHpQAEAEWEgAvkaA=="
    )
    return text, packed


def test_raw_gzip_sent_as_text_plain_with_a_query_hint() -> None:
    batch = [{"event": "$pageview", "properties": {"$lib": "web"}}] * 3 + [
        {"event": "$identify", "properties": {"$lib": "web", "$set": {"email": EMAIL}}}
    ]
    finder = PersonalDataFinder()
    (found,) = finder.find_in_request(
        "https://eu.posthog.example/e/?compression=gzip-js&ver=1.449.2",
        [["Content-Type", "text/plain"]],
        None,
        "text/plain",
        body_bytes=gzip.compress(json.dumps({"batch": batch}).encode()),
    )
    assert found == PersonalData(
        "email", EMAIL, "batch[3].properties.$set.email", "body", "compressed",
        ("gzip", "json"), EMAIL, "batch[3].properties.$set.email",
    )  # fmt: skip
    assert found.decoding == "gzip > JSON"


def test_a_record_as_scan_json_keeps_a_binary_body() -> None:
    packed = gzip.compress(json.dumps({"user": {"email": EMAIL}}).encode())
    record = {
        "url": "https://t.example/i",
        "headers": [["Content-Type", "text/plain"]],
        "body": {"size": len(packed), "text": None,
                 "base64": base64.b64encode(packed).decode(), "truncated": False},
    }  # fmt: skip
    finder = PersonalDataFinder()
    result = finder.find_in_record(record)
    assert [(p.path, p.chain) for p in result.found] == [("user.email", ("gzip", "json"))]
    assert result.problems == ()
    assert finder.find_in_record(record) is result  # asked again by records and coverage


def test_form_field_holding_base64_json_mixpanel_shape() -> None:
    people = {"$token": "abc", "$distinct_id": "u-1",
              "$set": {"$email": EMAIL, "$name": "Jane Doe", "mp_lib": "web"}}  # fmt: skip
    body = "data=" + quote(b64(json.dumps(people)), safe="") + "&verbose=1"
    found = find_all("https://api.mixpanel.example/engage/", body=body,
                     content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert [(p.category, p.raw, p.path, p.decoding) for p in found] == [
        ("email", EMAIL, "data.$set.$email", "form > base64 > JSON"),
        ("name", "Jane Doe", "data.$set.$name", "form > base64 > JSON"),
    ]
    assert {p.encoding for p in found} == {"base64"}


def test_lz_string_packed_form_field() -> None:
    _, packed = _lz_base64_of_identify()
    body = f"data={quote(packed, safe='')}&compression=lz64"
    found = find_all("https://t.example/e/", body=body,
                     content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert [(p.category, p.path, p.chain, p.encoding) for p in found] == [
        ("email", "data.$set.$email", ("form", "lz-string(base64)", "json"), "compressed"),
        ("name", "data.$set.$name", ("form", "lz-string(base64)", "json"), "compressed"),
    ]


def test_raw_value_keeps_its_case_and_value_is_normalised() -> None:
    (found,) = find_all("https://t.example/c?e=Jane.Doe%40Example.COM")
    assert (found.value, found.raw, found.path, found.chain) == (
        EMAIL,
        "Jane.Doe@Example.COM",
        "e",
        (),
    )


def test_carried_url_reports_its_inner_parameter_in_the_path() -> None:
    (found,) = find_all(
        "https://t.example/c?dl=https%3A%2F%2Fs.test%2F%3Femail%3Djane.doe%2540example.com"
    )
    assert (found.field, found.path, found.chain) == ("dl", "dl.email", ("url-encoded",))


def test_hash_match_ends_the_chain() -> None:
    body = json.dumps({"ud": {"em": digest("sha256", EMAIL)}})
    (found,) = find_all(body=body, content_type="application/json", known=KNOWN)
    assert (found.chain, found.encoding, found.raw) == (
        ("json", "sha256"),
        "sha256",
        digest("sha256", EMAIL),
    )


def test_binary_body_of_an_unknown_format_is_searched_in_its_text_runs_and_reported() -> None:
    data = b"\x07\x00\x14" + EMAIL.encode() + b"\x00\xff\xfe\x01"
    record = {"url": "https://replay.example/v1/web/i", "headers": [],
              "body": {"size": len(data), "text": None,
                       "base64": base64.b64encode(data).decode(), "truncated": False}}  # fmt: skip
    result = PersonalDataFinder().find_in_record(record)
    assert [(p.value, p.chain) for p in result.found] == [(EMAIL, ("binary-strings",))]
    assert [(p.kind, p.reason) for p in result.problems] == [
        ("undecodable", "binary body in an unknown format")
    ]


def test_truncated_gzip_body_is_searched_as_far_as_it_goes() -> None:
    events = [{"n": n, "user": {"email": f"u{n}@example.com"}} for n in range(400)]
    packed = gzip.compress(json.dumps(events).encode())
    finder = PersonalDataFinder()
    cut = packed[: len(packed) // 2]
    found = finder.find_in_request(
        "https://t.example/b", [], None, "text/plain", body_bytes=cut, truncated=True
    )
    # the cut JSON is not a structure any more: the addresses are found as text
    assert found and found[0].value == "u0@example.com" and found[0].chain == ("gzip",)


# --- stored values (cookies, web storage) ------------------------------------------------------


def test_find_in_value_lz_string_utf16_in_local_storage() -> None:
    text, *_ = _lz_base64_of_identify()
    packed_utf16 = (
        "\u1be1\u0829\u414c\u0d00\u1728\u1da1\u4650\u1f62\u30a0\u2e30\u0b00\u2d20\u4630"
        "\xf0\u4024\u4520\u5338\u5aa6\u32a1\u3622\u0c40\u0385\u4420\u566f\u64c0\u1d38\x9b"
        "\u2520\u016a>\u262c=\u2e1a\u1228\u314e\u2f2a\u32a7I\u0f6a$B\u6140\u019c\u46a0 "
    )
    assert lzstring.decompressFromUTF16(packed_utf16) == text
    found = PersonalDataFinder().find_in_value(packed_utf16, "ph_state")
    assert [(p.category, p.location, p.path, p.chain) for p in found] == [
        ("email", "storage", "ph_state.$set.$email", ("lz-string(utf16)", "json")),
        ("name", "storage", "ph_state.$set.$name", ("lz-string(utf16)", "json")),
    ]


def test_find_in_value_cookie_named_email_and_base64_json() -> None:
    finder = PersonalDataFinder()
    (plain,) = finder.find_in_value("jane.doe%40example.com", "user_email", "cookie")
    assert (plain.field, plain.location, plain.encoding) == ("user_email", "cookie", "url-encoded")
    (packed,) = finder.find_in_value(b64(json.dumps({"fn": "Jane"})), "profile", "cookie")
    assert (packed.category, packed.path, packed.decoding) == (
        "name",
        "profile.fn",
        "base64 > JSON",
    )


# --- names: a person's, not a library's, a product's or an event's ---------------------------


def _names(payload: object) -> list[tuple[str, str]]:
    found = find_all(body=json.dumps(payload), content_type="application/json")
    return [(p.value, p.path) for p in found if p.category == "name"]


def test_segment_identify_traits_name_counts_library_name_does_not() -> None:
    payload = {
        "type": "identify",
        "userId": "u-1",
        "traits": {"name": "Jane Doe", "email": EMAIL},
        "context": {"library": {"name": "analytics.js", "version": "npm:next-1.84.3"},
                    "page": {"name": "Checkout"}},
    }  # fmt: skip
    assert _names(payload) == [("Jane Doe", "traits.name")]


def test_rudderstack_library_name_is_not_a_person_even_when_it_reads_like_one() -> None:
    payload = {
        "type": "track",
        "event": "Product Viewed",
        "context": {"library": {"name": "RudderLabs JavaScript SDK", "version": "3.0.0"},
                    "app": {"name": "Shop Front"}, "traits": {"email": EMAIL}},
    }  # fmt: skip
    assert _names(payload) == []


def test_products_events_campaigns_and_flags_are_not_people() -> None:
    payload = {
        "event": "Order Completed",
        "name": "Order Completed",
        "properties": {
            "name": "Trail Runner",
            "products": [{"name": "Trail Runner", "brand": {"name": "Acme"}}, {"name": "Sock"}],
            "campaign": {"name": "Spring Sale"},
            "$feature_flag": {"name": "New Checkout"},
            "item": {"name": "Gift Card"},
        },
    }
    assert _names(payload) == []


def test_bare_name_counts_next_to_an_email_or_phone() -> None:
    assert _names({"name": "Jane Doe", "email": EMAIL}) == [("Jane Doe", "name")]
    assert _names({"name": "Jane Doe", "phone": "+4915112345678"}) == [("Jane Doe", "name")]
    assert _names({"name": "Jane Doe", "title": "Checkout"}) == []
    body = "name=Jane+Doe&email=jane.doe%40example.com"
    found = find(body=body, content_type="application/x-www-form-urlencoded")
    assert pd("name", "Jane Doe", "name", "body", "plain") in found


def test_posthog_person_properties_and_lib() -> None:
    payload = {
        "event": "$identify",
        "properties": {"$lib": "web", "$lib_version": "1.449.2", "title": "Shop",
                       "$set": {"$name": "Jane Doe", "email": EMAIL},
                       "$set_once": {"name": "Jane"}},
    }  # fmt: skip
    assert _names(payload) == [
        ("Jane Doe", "properties.$set.$name"),
        ("Jane", "properties.$set_once.name"),
    ]


def test_amplitude_user_properties_is_a_person() -> None:
    payload = {"events": [{"event_type": "sign_up", "user_properties": {"name": "Jane Doe"},
                           "library": "amplitude-ts/2.48.1"}]}  # fmt: skip
    assert _names(payload) == [("Jane Doe", "events[0].user_properties.name")]


@pytest.mark.parametrize(
    ("field", "value", "counts"),
    [
        ("first_name", "Jane", True),
        ("given_name", "Anne-Marie", True),
        ("family_name", "O'Brien", True),
        ("full_name", "J. R. Tolkien", True),
        ("ln", "Doe", True),
        ("ln", "en", False),  # a language
        ("ln", "de-DE", False),
        ("first_name", "analytics.js", False),  # a file
        ("last_name", "v1.2.3", False),  # a version
        ("full_name", "Trail Runner 2", False),  # digits
        ("full_name", "a/b", False),
        ("full_name", "One Two Three Four Five", False),  # more than four words
        ("first_name", "First Name", False),  # a placeholder
        ("first_name", "null", False),
    ],
)
def test_explicit_name_fields_need_a_plausible_value(field: str, value: str, counts: bool) -> None:
    found = find(f"https://t.example/c?{field}={quote(value)}")
    assert (found == [pd("name", value, field, "query", "plain")]) is counts


def test_bare_name_next_to_an_email_needs_capitalised_words() -> None:
    # a Segment track call whose properties carry the page's name beside the address
    payload = {"type": "track", "event": "Checkout Started",
               "properties": {"name": "checkout", "email": EMAIL}}  # fmt: skip
    assert _names(payload) == []
    assert _names({"traits": {"name": "Ludwig van Beethoven"}}) == [
        ("Ludwig van Beethoven", "traits.name")
    ]


@pytest.mark.parametrize(
    ("glued", "expected"),
    [
        (b"exampleS", "jane.roe@realshop-customer.example"),  # a capital tag byte
        (b"examplez", "jane.roe@realshop-customer.example"),  # OpenReplay's next message
        (b"comzq", "jane.roe@realshop-customer.com"),  # two bytes glued to a real TLD
        (b"shop", "jane.roe@realshop-customer.shop"),  # a TLD of its own: nothing cut
        (b"corpnet", "jane.roe@realshop-customer.corpnet"),  # no TLD within reach: kept
    ],
)
def test_an_address_in_a_binary_format_loses_the_next_fields_glued_byte(
    glued: bytes, expected: str
) -> None:
    body = b"\x00\x07\x1ajane.roe@realshop-customer." + glued + b"\x02\x10more-text-here"
    found = PersonalDataFinder().find_in_request(
        "https://ingest.example/batch", [], None, None, body_bytes=body
    )
    assert {item.value for item in found if item.category == "email"} == {expected}


def test_an_address_in_text_keeps_an_unknown_top_level_domain() -> None:
    found = find("https://t.example/c?email=jane.roe%40realshop-customer.examplez")
    assert [item[1] for item in found] == ["jane.roe@realshop-customer.examplez"]
