"""Personal data in recorded requests (scanner.classify.pii)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Iterable, Sequence

import pytest

from scanner.classify.pii import PersonalData, PersonalDataFinder

EMAIL = "jane.doe@example.com"
PHONE = "+49 151 12345678"
KNOWN = (EMAIL, PHONE, "Jane")


def find(
    url: str = "https://t.example/c",
    headers: Sequence[Sequence[str]] = (),
    body: str | None = None,
    content_type: str | None = None,
    known: Iterable[str] = (),
) -> list[PersonalData]:
    finder = PersonalDataFinder(known)
    return finder.find_in_request(url, [list(h) for h in headers], body, content_type)


def pd(category: str, value: str, field: str, location: str, encoding: str) -> PersonalData:
    return PersonalData(category, value, field, location, encoding)


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
    assert [(p.value[0], p.location) for p in found] == [
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
    (finding,) = find("https://t.example/c?e=jane.doe@example.com")
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
