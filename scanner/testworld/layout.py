"""The HTML skeleton shared by every page of the world."""

from collections.abc import Mapping
from html import escape


def attrs(values: Mapping[str, str | bool]) -> str:
    """Render HTML attributes; True renders a bare attribute, False omits it."""
    parts = []
    for name, value in values.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False:
            parts.append(f' {name}="{escape(value)}"')
    return "".join(parts)


def script(src: str, *, async_: bool = False) -> str:
    """An external ``<script>`` element."""
    return f"<script{attrs({'src': src, 'async': async_})}></script>"


def inline_script(code: str, *, nonce: str | None = None) -> str:
    """An inline ``<script>`` element, optionally carrying a CSP nonce."""
    return f"<script{attrs({'nonce': nonce} if nonce else {})}>{code}</script>"


def link(href: str, label: str) -> str:
    """An ``<a>`` element; ``href`` and ``label`` are escaped."""
    return f"<a{attrs({'href': href})}>{escape(label)}</a>"


def link_list(links: list[tuple[str, str]]) -> str:
    """A ``<ul>`` of links given as (href, label) pairs."""
    items = "".join(f"<li>{link(href, label)}</li>" for href, label in links)
    return f"<ul>{items}</ul>"


def document(title: str, body: str, *, head: str = "") -> str:
    """A complete HTML5 document; ``body`` and ``head`` are trusted markup.

    ``head`` comes after ``<title>`` so that head scripts can already read ``document.title``.
    A ``<meta http-equiv>`` policy in ``head`` still precedes every element it governs.
    """
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"{head}"
        "</head>\n"
        f"<body>\n{body}\n</body>\n"
        "</html>\n"
    )
