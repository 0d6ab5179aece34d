"""Hostile content from a scanned site stays inert and legible in report.html and report.pdf.

The scan below is what a malicious or broken site could make the browser record: markup
in cookie names and URLs, a style-closing tag, control characters, a bidi override,
right-to-left and CJK text, and a 20,000-character value. It goes through the real rules,
the real templates and the real WeasyPrint.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scanner.findings.catalog import RuleCatalog
from scanner.findings.engine import run_checks
from scanner.findings.output import findings_document
from scanner.report.contents import ReportMeta, build_contents
from scanner.report.render import render_html, write_reports
from scanner.report.text import Redactor
from tests.report_fixtures import full_scan
from tests.rule_fixtures import HOME, context_of, cookie, page, request

SCRIPT = '<script>alert("pwned")</script>'
STYLE_BREAK = "</style><style>body{display:none}</style>"
RTL = "עברית"
ARABIC = "العربية"
CJK = "会话标识"
LONG = "A" * 20_000
EVIL_URL = f'https://evil.example/p?q="><img src=x onerror=alert(1)>&t={CJK}'


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path]:
    cookies = [
        cookie(f"{SCRIPT}\x07\x1b[31m", "www.shop.test", set_by=HOME, secure=False),
        cookie(f"{STYLE_BREAK}{CJK}", "www.shop.test", set_by=HOME, secure=False),
        cookie(f"{RTL}_{ARABIC}", "www.shop.test", set_by=HOME, secure=False),
        cookie(f"x\u202egnp.exe{LONG}", "www.shop.test", set_by=HOME, secure=False),
    ]
    hostile_page = page(
        f"{HOME}search?q={SCRIPT}\x00nul",
        cookies=cookies,
        requests=[request(0, EVIL_URL)],
    )
    document = full_scan(hostile_page)
    ctx = context_of(document)
    findings = run_checks(ctx, RuleCatalog.load())
    findings_doc = findings_document(findings, document)
    meta = ReportMeta(f"{SCRIPT} auditor", "2026-11-23T20:02:00+00:00", "ab" * 32, None)
    contents = build_contents(ctx, findings_doc, meta)
    out = tmp_path_factory.mktemp("hostile")
    write_reports(out, contents, Redactor())
    html = (out / "report.html").read_text(encoding="utf-8")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert render_html(contents, Redactor()) == html
    return html, text, out


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def _parsed(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def test_no_markup_from_the_site_becomes_an_element(rendered: tuple[str, str, Path]) -> None:
    elements = _parsed(rendered[0])
    assert "script" not in elements.tags
    assert "img" not in elements.tags
    assert not [name for name in elements.attributes if name.startswith("on")]
    assert elements.tags.count("style") == 1  # only the report's own stylesheet
    assert "display:none" not in "".join(elements.styles)


def test_markup_is_shown_as_text(rendered: tuple[str, str, Path]) -> None:
    text = "".join(_parsed(rendered[0]).text)
    assert SCRIPT in text
    assert STYLE_BREAK in text
    assert "onerror=alert(1)" in text


def test_invisible_characters_are_shown_not_embedded(rendered: tuple[str, str, Path]) -> None:
    html = rendered[0]
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202e]", html)
    assert "\\x07\\x1b[31m" in html
    assert "x\\u202egnp.exe" in html
    assert "\\x00nul" in html


def test_long_values_are_capped(rendered: tuple[str, str, Path]) -> None:
    html = rendered[0]
    assert LONG not in html
    assert "characters in all)" in html
    assert len(html) < 400_000


def test_pdf_shows_hostile_text_legibly(rendered: tuple[str, str, Path]) -> None:
    text = rendered[1]
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", SCRIPT) in flat
    assert CJK in text
    assert RTL in text or RTL[::-1] in text
    assert ARABIC in text or ARABIC[::-1] in text
    assert "\\x07" in text


def test_pdf_fonts_cover_the_cjk_text(rendered: tuple[str, str, Path]) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(rendered[2] / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "WenQuanYi" in fonts
    assert "DejaVu" in fonts
