"""What one page view produced, as typed records.

These records are serialised as they are into ``scan.json``; the JSON Schema in
``schemas/scan-result.schema.json`` documents every field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Initiator:
    """Why the browser made a request: the HTML parser, a script, a redirect...

    ``type`` is DevTools' vocabulary (parser, script, preload, preflight, other...),
    with ``script`` also set by the scanner when its in-page hooks saw a script ask for
    the URL, and ``frame-document`` for requests of an out-of-process frame that no
    script asked for (loaded by that frame's document).
    """

    type: str
    url: str | None = None
    """The document (parser) or the script (script) responsible."""
    line: int | None = None
    stack_urls: list[str] = field(default_factory=list)
    """Script URLs on the call stack, innermost first, async parents included."""


@dataclass
class Body:
    size: int
    text: str | None = None
    base64: str | None = None
    truncated: bool = False


@dataclass
class ResponseRecord:
    status: int
    status_text: str
    headers: list[list[str]]
    mime_type: str | None = None
    remote_address: str | None = None


@dataclass
class Timing:
    started_ms: float
    """Since the navigation started."""
    ttfb_ms: float | None = None
    duration_ms: float | None = None


@dataclass
class Failure:
    error_text: str
    reason: str
    """timeout, csp, mixed-content, blocked, cors, dns, tls, connection, aborted or other."""


@dataclass
class RequestRecord:
    id: int
    url: str
    method: str
    resource_type: str
    frame: int | None
    navigation: bool
    phase: str
    """'load' until the load event, 'dwell' while the visitor stays on the loaded page,
    'unload' for what was sent while the page was left (the navigation away: pagehide,
    unload, sendBeacon, keepalive fetches)."""
    timing: Timing
    initiator: Initiator | None = None
    redirected_from: int | None = None
    headers: list[list[str]] = field(default_factory=list)
    body: Body | None = None
    response: ResponseRecord | None = None
    response_body_bytes: int | None = None
    transfer_bytes: int | None = None
    failure: Failure | None = None


@dataclass
class FrameRecord:
    id: int
    url: str
    parent: int | None
    name: str


@dataclass
class CookieRecord:
    name: str
    value: str
    domain: str
    host_only: bool
    path: str
    source: str
    """'header' (Set-Cookie response header) or 'script' (document.cookie)."""
    set_by_url: str | None
    """The response URL (header) or the script URL (script) that set it."""
    set_by_request: int | None
    frame_url: str | None
    raw: str
    secure: bool
    http_only: bool
    same_site: str | None
    partitioned: bool
    session: bool
    expires: float | None
    """Expiry as stored by the browser (seconds since the epoch); None for a session
    cookie and for a cookie the browser did not store."""
    requested_lifetime_s: float | None
    """What the site asked for (Max-Age, or Expires minus now), before browser caps."""
    stored: bool
    deletion: bool
    outcome: str
    """What came of the write: 'stored', 'refused', 'removed-by-script',
    'removed-by-server' or 'deleted' (see scanner.capture.cookie_attribution)."""
    probe: bool
    """Part of a script looking for where a cookie can be stored (a cookie-domain probe):
    not a cookie the site keeps."""
    refused_reasons: list[str] = field(default_factory=list)
    """DevTools' reason names (browser) or the scanner's inferred ones."""
    refusal_source: str | None = None
    """'browser' when Chromium reported the reason, 'inferred' when deduced by the scanner."""


@dataclass
class StorageWrite:
    area: str
    origin: str
    op: str
    key: str
    value: str | None
    script_url: str | None
    frame_url: str


@dataclass
class CspPolicy:
    source: str
    """'header' or 'meta'."""
    disposition: str
    """'enforce' or 'report'."""
    value: str


@dataclass
class CspViolation:
    frame_url: str
    blocked_url: str
    violated_directive: str
    effective_directive: str
    disposition: str
    policy: str
    source_file: str | None
    line: int | None
    sample: str | None


@dataclass
class MixedContentIssue:
    insecure_url: str
    main_resource_url: str
    resolution: str
    """'blocked', 'automatically-upgraded' or 'warning' (loaded as is)."""
    resource_type: str | None
    request: int | None


@dataclass
class BrowserIssue:
    """Any other DevTools issue the browser raised for the page (cookies, CORS...)."""

    code: str
    details: dict[str, Any]


@dataclass
class FormRecord:
    action: str
    method: str
    fields: list[dict[str, str]]


@dataclass
class RedirectHop:
    url: str
    status: int
    location: str | None


@dataclass
class PageError:
    kind: str
    """http-status, renderer-crash, or a network failure reason (see Failure.reason)."""
    message: str


@dataclass
class ConsoleEntry:
    """An error or warning the page's scripts wrote to the console, or an uncaught
    exception: a broken tag is part of what an audit reports."""

    level: str
    """'error', 'warning' or 'exception' (uncaught)."""
    text: str
    source_url: str | None
    line: int | None
    phase: str


@dataclass
class CanvasRead:
    """One way a canvas was read back (toDataURL, toBlob, getImageData...), with what
    had been written on it as text: what the canvas-fingerprinting criteria look at."""

    width: int | None
    height: int | None
    area_width: int | None
    """getImageData's area; None for the calls that read the whole canvas."""
    area_height: int | None
    type: str | None
    """The image type asked for ('image/jpeg'...), 'image-data' for getImageData; None
    for the default (PNG)."""
    quality: float | None
    text_chars: int
    """Distinct characters written on the canvas as text before (counted up to 64)."""
    text_colours: int
    """Distinct fill/stroke styles of that text (counted up to 16)."""
    in_document: bool
    """Whether the canvas was part of the page (a fingerprinting canvas rarely is)."""
    count: int


@dataclass
class ApiCall:
    """The calls one script made to one fingerprinting-relevant browser API on a page."""

    script_url: str | None
    """The first script on the call stack (the page's URL for its inline scripts); None
    when no script URL was on the stack."""
    api: str
    """'Interface.member', as ``HTMLCanvasElement.toDataURL`` or ``Navigator.languages``."""
    count: int
    values: list[str] = field(default_factory=list)
    """Distinct arguments, where they tell something: the font measured or checked, the
    WebGL parameter or extension, the client hints asked for, the audio context kind."""
    values_dropped: int = 0
    canvas_reads: list[CanvasRead] = field(default_factory=list)
    canvas_reads_dropped: int = 0
    frame_urls: list[str] = field(default_factory=list)
    """The documents the calls were made in (their frames' URLs)."""


@dataclass
class ApiCalls:
    """What the page's scripts asked of the fingerprinting-relevant APIs."""

    calls: list[ApiCall] = field(default_factory=list)
    unattributed: dict[str, int] = field(default_factory=dict)
    """Calls counted by API only, past the per-document and per-page caps."""
    documents: int = 0
    """Documents (frames' pages) that reported calls."""


@dataclass
class PageCapture:
    """Everything recorded while one page was rendered (complete or not)."""

    frames: list[FrameRecord] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    cookies: list[CookieRecord] = field(default_factory=list)
    storage: list[StorageWrite] = field(default_factory=list)
    csp_policies: list[CspPolicy] = field(default_factory=list)
    csp_violations: list[CspViolation] = field(default_factory=list)
    mixed_content: list[MixedContentIssue] = field(default_factory=list)
    browser_issues: list[BrowserIssue] = field(default_factory=list)
    forms: list[FormRecord] = field(default_factory=list)
    console: list[ConsoleEntry] = field(default_factory=list)
    console_dropped: int = 0
    """Console errors and warnings beyond the per-page limit, counted, not kept."""
    meta_referrer: str | None = None
    title: str | None = None
    lang: str | None = None
    consent: dict[str, Any] | None = None
    """What the consent automation saw and did on the page (ConsentVisit.as_json)."""
    consent_signals: dict[str, Any] | None = None
    """What the page's CMP APIs (TCF, GPP, US Privacy) answered, decoded; None when the
    page has none of them (see scanner.capture.consent_signals)."""
    consent_first_layer: dict[str, Any] | None = None
    """The refusals and acceptances the banner's first layer offers, read before any
    choice where a banner was found open; None elsewhere (see scanner.capture.first_layer)."""
    api_calls: ApiCalls | None = None
    """Fingerprinting-relevant API calls by script (see scanner.capture.api_calls)."""
    capture_errors: list[str] = field(default_factory=list)
