"""The facts the Observatory reads from a page's HTML: script elements and meta policies.

The Observatory parses the HTML as served (no script runs), finds every ``<script>``
element, every ``<meta http-equiv="Content-Security-Policy">`` and the last
``<meta name="referrer">``. Python's HTML parser finds the same elements in ordinary pages;
it differs from a full HTML5 parser only on malformed markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from .exchange import ScriptElement
from .jsstr import js_trim

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_SCRIPTS = 10_000
"""A hostile page may hold millions of script tags; past this many the rest are ignored."""


@dataclass
class HtmlFacts:
    scripts: list[ScriptElement] = field(default_factory=list)
    meta_csp: list[str] = field(default_factory=list)
    meta_referrer: str | None = None


def is_html(content_type: str | None) -> bool:
    """The Observatory's test: the media type before any ``;``, exactly (case and spaces)."""
    return (content_type or "").split(";")[0] in HTML_TYPES


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = HtmlFacts()
        self._template_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "template":
            self._template_depth += 1  # template content is not part of the document
        if self._template_depth:
            return
        first: dict[str, str] = {}
        for name, value in attrs:
            first.setdefault(name, value or "")  # HTML keeps the first of repeated attributes
        if tag == "script" and len(self.facts.scripts) < MAX_SCRIPTS:
            self.facts.scripts.append(
                ScriptElement(
                    src=first.get("src"),
                    integrity=first.get("integrity"),
                    crossorigin=first.get("crossorigin"),
                )
            )
        elif tag == "meta":
            self._meta(first)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "template":
            self._template_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "template" and self._template_depth:
            self._template_depth -= 1

    def _meta(self, attrs: dict[str, str]) -> None:
        if "http-equiv" in attrs and "content" in attrs:
            equiv = js_trim(attrs["http-equiv"].lower())
            if attrs["content"] and equiv == "content-security-policy":
                self.facts.meta_csp.append(attrs["content"])
        elif js_trim(attrs.get("name", "").lower()) == "referrer" and attrs.get("content"):
            self.facts.meta_referrer = attrs["content"]


def read_html(html: str) -> HtmlFacts:
    """Script elements and meta policies of an HTML document (never raises)."""
    reader = _Reader()
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):  # the parser gives up on some broken markup
        pass
    return reader.facts
