"""One visited URL in the scan result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from scanner.capture.model import PageCapture, PageError, RedirectHop

CONSENT_STATE = "before-consent"


@dataclass
class PageResult:
    url: str
    outcome: str
    """'rendered', 'not-html' (recorded, not rendered) or 'failed'."""
    depth: int
    found_via: str
    """'start', 'link' or 'sitemap' (a redirect's target is this page's final_url)."""
    found_on: str | None
    visited_at: str
    duration_ms: float
    """From the start of the download (not the time queued) to the end of the capture."""
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    size_bytes: int | None = None
    redirects: list[RedirectHop] = field(default_factory=list)
    response_headers: list[list[str]] = field(default_factory=list)
    tls: dict[str, Any] | None = None
    """The browser's TLS details of the document; None over http and for files fetched
    without the browser."""
    error: PageError | None = None
    consent_state: str = CONSENT_STATE
    screenshot: str | None = None
    """The first view's screenshot (viewport, before any interaction), as a path
    relative to the scan's output folder in POSIX form; None when none was taken."""
    capture: PageCapture = field(default_factory=PageCapture)

    def to_json(self) -> dict[str, Any]:
        """The scan.json form: the capture's fields sit beside the page's own."""
        data = asdict(self)
        data.update(data.pop("capture"))
        return data
