"""The request and response objects that the server hands to, and gets back from, the sites."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Request:
    """One parsed HTTP request, already routed to a host."""

    method: str
    scheme: str  # "http" or "https"
    host: str  # lower-cased, without the port
    path: str  # without the query string
    query: str  # the raw query string, without "?"
    headers: Message
    body: bytes = b""

    @property
    def target(self) -> str:
        """Path plus query string, as it appeared in the request line."""
        return f"{self.path}?{self.query}" if self.query else self.path

    def param(self, name: str) -> str | None:
        """The first value of query parameter ``name``, or None."""
        values = parse_qs(self.query, keep_blank_values=True).get(name)
        return values[0] if values else None


@dataclass
class Response:
    """What a site answers; the server adds Content-Length, Date and Server."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    def with_header(self, name: str, value: str) -> "Response":
        """Add a header (headers may repeat, e.g. Set-Cookie) and return self for chaining."""
        self.headers.append((name, value))
        return self


Handler = Callable[[Request], Response]
"""A site, or one route of a site: maps a request to a response."""

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JAVASCRIPT = "application/javascript"
CSS = "text/css"
XML = "application/xml"
GIF = "image/gif"
PNG = "image/png"
PDF = "application/pdf"


def html(body: str, status: int = 200) -> Response:
    """An HTML response."""
    return Response(status, body.encode("utf-8"), HTML)


def text(body: str, status: int = 200, content_type: str = TEXT) -> Response:
    """A text response of any textual content type."""
    return Response(status, body.encode("utf-8"), content_type)


def redirect(location: str, status: int = 301) -> Response:
    """A redirect with a tiny text body."""
    response = text(f"Moved to {location}\n", status)
    return response.with_header("Location", location)


def no_content() -> Response:
    """204 No Content."""
    return Response(204)


def random_token(n_bytes: int = 16) -> str:
    """A random hex token for cookie values and ids."""
    return secrets.token_hex(n_bytes)
