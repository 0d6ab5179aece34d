"""Rendering the report: Jinja2 templates to one self-contained HTML file, and to PDF.

The same HTML is written as report.html and laid out by WeasyPrint as report.pdf (the
print rules are in the stylesheet), so both always say the same thing. Autoescaping is
on for every template and WeasyPrint may not fetch anything: scanned sites are hostile
input, and a report must not reach out to the network when it is opened or rendered.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from markupsafe import Markup

from scanner.report.svg import format_bytes
from scanner.report.text import DEFAULT_LIMIT, Redactor, clean, value_markup
from scanner.resources import data_dir

HTML_FILE = "report.html"
PDF_FILE = "report.pdf"
ENTRY_TEMPLATE = "report.html.j2"


def _refuse_fetch(url: str, *_args: Any, **_kwargs: Any) -> NoReturn:
    raise ValueError(f"the report may not load external resources ({url[:80]})")


def _days(value: float | None) -> str:
    if value is None:
        return "session"
    return f"{value:,.0f} days" if value >= 1 else f"{value * 24:,.1f} hours"


def _size(value: float | None) -> str:
    return "unknown" if value is None else format_bytes(value)


def _evidence_items(item: dict[str, Any]) -> list[tuple[str, str]]:
    """An evidence record as label/value pairs; the page and kind are shown elsewhere."""
    return [
        (key.replace("_", " "), value if isinstance(value, str) else json.dumps(value))
        for key, value in item.items()
        if key not in ("page", "kind") and value not in (None, [], {}, "")
    ]


def environment(redact: Callable[[str], str]) -> jinja2.Environment:
    """Templates with autoescape, strict undefined names and the report's filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(data_dir("templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def site_value(value: object, limit: int = DEFAULT_LIMIT) -> Markup:
        return value_markup(redact(clean(value, limit)))

    env.filters.update(
        v=site_value,
        plain=lambda value, limit=DEFAULT_LIMIT: redact(clean(value, limit)),
        days=_days,
        size=_size,
        evidence_items=_evidence_items,
    )
    return env


def render_html(contents: dict[str, Any], redactor: Redactor) -> str:
    return environment(redactor).get_template(ENTRY_TEMPLATE).render(**contents)


def write_reports(out_dir: Path, contents: dict[str, Any], redactor: Redactor) -> int:
    """Write report.html and report.pdf into ``out_dir`` (each appears whole or not at
    all); return the PDF's number of pages."""
    from weasyprint import HTML  # slow to import: only when a report is written

    html = render_html(contents, redactor)
    _atomic_write(out_dir / HTML_FILE, html.encode("utf-8"))
    document = HTML(string=html, url_fetcher=_refuse_fetch).render()
    _atomic_write(out_dir / PDF_FILE, document.write_pdf())
    return len(document.pages)


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".partial")
    temporary.write_bytes(data)
    os.replace(temporary, path)
