"""Hostile text made legible, and personal data redacted, before it reaches a report."""

from __future__ import annotations

from scanner.report.text import REDACTED, REDACTED_EMAIL, Redactor, clean, value_markup


def test_control_and_bidi_characters_are_shown_as_escapes() -> None:
    shown = clean("a\x00b\x07c\x1b[31md\x7f\u202egnp.exe\u2066x\ufeff")
    assert shown == "a\\x00b\\x07c\\x1b[31md\\x7f\\u202egnp.exe\\u2066x\\ufeff"


def test_lone_surrogates_become_visible_escapes() -> None:
    assert clean("ok\ud800") == "ok\\ud800"


def test_line_breaks_collapse_to_one_space() -> None:
    assert clean("one\r\n\ttwo\nthree") == "one two three"


def test_long_values_are_capped_with_their_length_stated() -> None:
    shown = clean("x" * 10_000, limit=50)
    assert shown == "x" * 50 + "… (10,000 characters in all)"


def test_right_to_left_and_cjk_text_is_kept() -> None:
    assert clean("עברית العربية 中文") == "עברית العربية 中文"


def test_none_is_empty() -> None:
    assert clean(None) == ""


def test_value_markup_escapes_and_isolates() -> None:
    markup = str(value_markup('</bdi><script>alert("x")</script>'))
    assert markup == (
        '<bdi class="v">&lt;/bdi&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</bdi>'
    )


def test_known_values_are_redacted_in_every_encoding() -> None:
    redact = Redactor(["+44 20 7946 0958"])
    assert redact("tel=+44 20 7946 0958") == f"tel={REDACTED}"
    assert redact("tel=%2B44%2020%207946%200958") == f"tel={REDACTED}"
    assert redact("tel=%2B44+20+7946+0958") == f"tel={REDACTED}"
    assert redact("tel=%252B44%252020%25207946%25200958") == f"tel={REDACTED}"


def test_anything_shaped_like_an_email_address_is_redacted() -> None:
    redact = Redactor()
    assert redact("to jane.doe@example.com.") == f"to {REDACTED_EMAIL}."
    assert redact("?email=jane.doe%40example.com&x=1") == f"?email={REDACTED_EMAIL}&x=1"
    assert redact("dl=thanks%3Femail%3Djane.doe%2540example.com") == (
        f"dl=thanks%3Femail%3D{REDACTED_EMAIL}"
    )


def test_short_known_values_are_not_used_as_patterns() -> None:
    assert Redactor(["ab"])("about cabbage") == "about cabbage"


def test_disabled_redactor_changes_nothing() -> None:
    text = "jane.doe@example.com"
    assert Redactor(["jane"], enabled=False)(text) == text


def test_documents_are_redacted_throughout_keys_included() -> None:
    document = {"a": ["x jane@example.com", {"jane@example.com": 3}], "n": 1, "b": None}
    assert Redactor().document(document) == {
        "a": [f"x {REDACTED_EMAIL}", {REDACTED_EMAIL: 3}],
        "n": 1,
        "b": None,
    }
