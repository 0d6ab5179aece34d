"""Which scripts fingerprint the browser, from the API calls a page recorded.

Offline and explainable: each technique is a published or stated criterion over a page's
``api_calls`` (scanner.capture.api_calls), applied per calling script.

- Canvas: the criteria of Englehardt and Narayanan, "Online Tracking: A 1-million-site
  Measurement and Analysis" (CCS 2016, section 6.1): the canvas is at least 16x16 px;
  text was written on it in at least two colours or with at least 10 distinct
  characters; the image is read back whole (toDataURL, toBlob, convertToBlob) or with a
  getImageData area of at least 16x16 px; not in a lossy format (JPEG or WebP, or with a
  quality argument). Their third criterion excused scripts that also call save, restore
  or addEventListener on the canvas; it is not applied: real libraries call those too
  (FingerprintJS listens for webglcontextlost on its canvas) and would be excused.
- Font probing: at least 50 distinct fonts measured (canvas measureText) or checked
  (document.fonts.check).
- WebGL: the unmasked GPU vendor or renderer read (WEBGL_debug_renderer_info's
  parameters), or the supported extensions listed and at least 20 distinct parameters
  read.
- Audio: an offline audio context rendered, with an oscillator or a compressor made in
  an offline context by the same script.
- Surfaces: how many of the distinct surfaces below one script read on the page, a
  score; 6 or more is reported when no technique above was met.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SURFACES: dict[str, str] = {
    "canvas": "canvas image read back",
    "canvas-fonts": "canvas text measured",
    "webgl": "WebGL parameters and extensions",
    "audio": "audio rendering",
    "webrtc": "WebRTC (local addresses)",
    "plugins": "plugins and MIME types",
    "hardware": "CPU cores and memory",
    "languages": "languages",
    "client-hints": "high-entropy client hints",
    "screen": "screen properties",
    "timezone": "time zone",
    "font-checks": "installed fonts checked",
    "battery": "battery status",
    "media-devices": "media devices listed",
}
"""Surface id -> what it is, in the report's words."""

_SURFACE_OF_INTERFACE = {
    "HTMLCanvasElement": "canvas",
    "OffscreenCanvas": "canvas",
    "WebGLRenderingContext": "webgl",
    "WebGL2RenderingContext": "webgl",
    "OfflineAudioContext": "audio",
    "BaseAudioContext": "audio",
    "RTCPeerConnection": "webrtc",
    "RTCIceCandidate": "webrtc",
    "NavigatorUAData": "client-hints",
    "Screen": "screen",
    "Intl.DateTimeFormat": "timezone",
    "FontFaceSet": "font-checks",
    "MediaDevices": "media-devices",
}
_SURFACE_OF_API = {
    "Navigator.plugins": "plugins",
    "Navigator.mimeTypes": "plugins",
    "Navigator.hardwareConcurrency": "hardware",
    "Navigator.deviceMemory": "hardware",
    "Navigator.languages": "languages",
    "Navigator.getBattery": "battery",
}
_READ_BACK = ("toDataURL", "toBlob", "convertToBlob", "getImageData")
_LOSSY_TYPES = ("image/jpeg", "image/jpg", "image/webp")
_UNMASKED = {"37445": "vendor", "37446": "renderer"}
"""UNMASKED_VENDOR_WEBGL and UNMASKED_RENDERER_WEBGL (WEBGL_debug_renderer_info)."""

MIN_CANVAS_PX = 16
MIN_TEXT_CHARS = 10
MIN_TEXT_COLOURS = 2
MIN_PROBED_FONTS = 50
MIN_WEBGL_PARAMETERS = 20
MIN_SURFACES = 6

CANVAS, FONTS, WEBGL, AUDIO, SURFACE_COUNT = (
    "canvas",
    "font-probing",
    "webgl",
    "audio",
    "many-surfaces",
)


def surface_of(api: str) -> str | None:
    """The surface an API call reads, or None for an API the probes do not classify."""
    if api in _SURFACE_OF_API:
        return _SURFACE_OF_API[api]
    interface, _, member = api.rpartition(".")
    if member == "measureText":
        return "canvas-fonts"
    if member in ("fillText", "strokeText"):
        return None
    if interface.endswith("RenderingContext2D") and member == "getImageData":
        return "canvas"
    return _SURFACE_OF_INTERFACE.get(interface)


@dataclass
class Technique:
    """One criterion a script met on a page, with what met it."""

    name: str
    criterion: str
    evidence: dict[str, Any]


@dataclass
class ScriptUse:
    """What one script asked of the fingerprinting-relevant APIs on one page."""

    script_url: str | None
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    """API -> its api_calls entry."""

    @property
    def surfaces(self) -> list[str]:
        found = {surface_of(api) for api in self.calls}
        return [surface for surface in SURFACES if surface in found]

    def values(self, *members: str) -> set[str]:
        return {
            value
            for api, call in self.calls.items()
            if api.rpartition(".")[2] in members
            for value in call["values"]
        }

    def dropped(self, *members: str) -> int:
        return sum(
            call["values_dropped"]
            for api, call in self.calls.items()
            if api.rpartition(".")[2] in members
        )

    def has(self, member: str) -> bool:
        return any(api.rpartition(".")[2] == member for api in self.calls)


def script_uses(page: dict[str, Any]) -> list[ScriptUse]:
    """The page's calls grouped by calling script (unattributed calls are not here)."""
    record = page.get("api_calls") or {}
    uses: dict[str | None, ScriptUse] = {}
    for call in record.get("calls", []):
        use = uses.setdefault(call["script_url"], ScriptUse(call["script_url"]))
        use.calls[call["api"]] = call
    return list(uses.values())


def techniques(use: ScriptUse) -> list[Technique]:
    """The fingerprinting techniques one script met on one page, in a fixed order."""
    found = [_canvas(use), _font_probing(use), _webgl(use), _audio(use)]
    return [technique for technique in found if technique is not None]


def surface_score(use: ScriptUse) -> Technique | None:
    """The many-surfaces signal, when the script read at least MIN_SURFACES of them."""
    surfaces = use.surfaces
    if len(surfaces) < MIN_SURFACES:
        return None
    return Technique(
        SURFACE_COUNT,
        f"read {len(surfaces)} of the {len(SURFACES)} fingerprinting surfaces "
        f"(reported from {MIN_SURFACES})",
        {"score": len(surfaces), "of": len(SURFACES)},
    )


def fingerprinting_scripts(page: dict[str, Any]) -> Iterable[tuple[ScriptUse, list[Technique]]]:
    """Each script of the page that met a technique, or else the surface score."""
    for use in script_uses(page):
        met = techniques(use)
        if not met:
            score = surface_score(use)
            met = [score] if score is not None else []
        if met:
            yield use, met


def _canvas(use: ScriptUse) -> Technique | None:
    reads = [
        read
        for api, call in use.calls.items()
        if api.rpartition(".")[2] in _READ_BACK
        for read in call["canvas_reads"]
        if _fingerprint_like(read)
    ]
    if not reads:
        return None
    return Technique(
        CANVAS,
        "canvas of at least 16x16 px with text in 2 colours or 10 distinct characters, "
        "read back in a lossless format (Englehardt and Narayanan, 2016)",
        {"reads": reads[:5]},
    )


def _fingerprint_like(read: dict[str, Any]) -> bool:
    width, height = read["width"] or 0, read["height"] or 0
    if width < MIN_CANVAS_PX or height < MIN_CANVAS_PX:
        return False
    if read["text_colours"] < MIN_TEXT_COLOURS and read["text_chars"] < MIN_TEXT_CHARS:
        return False
    kind = (read["type"] or "").lower()
    if kind in _LOSSY_TYPES or read["quality"] is not None:
        return False
    if kind == "image-data":
        area_w, area_h = abs(read["area_width"] or 0), abs(read["area_height"] or 0)
        return area_w >= MIN_CANVAS_PX and area_h >= MIN_CANVAS_PX
    return True


def _font_probing(use: ScriptUse) -> Technique | None:
    fonts = use.values("measureText", "check")
    count = len(fonts) + use.dropped("measureText", "check")
    if count < MIN_PROBED_FONTS:
        return None
    return Technique(
        FONTS,
        f"{count} distinct fonts measured or checked (reported from {MIN_PROBED_FONTS})",
        {"fonts": count, "examples": sorted(fonts)[:10]},
    )


def _webgl(use: ScriptUse) -> Technique | None:
    parameters = use.values("getParameter")
    unmasked = sorted(_UNMASKED[value] for value in parameters if value in _UNMASKED)
    distinct = len(parameters) + use.dropped("getParameter")
    if unmasked:
        criterion = "read the GPU's unmasked " + " and ".join(unmasked)
    elif use.has("getSupportedExtensions") and distinct >= MIN_WEBGL_PARAMETERS:
        criterion = f"listed the WebGL extensions and read {distinct} distinct parameters"
    else:
        return None
    return Technique(
        WEBGL,
        criterion,
        {
            "unmasked": unmasked,
            "parameters": distinct,
            "extensions_listed": use.has("getSupportedExtensions"),
            "read_pixels": use.has("readPixels"),
        },
    )


def _audio(use: ScriptUse) -> Technique | None:
    if not use.has("startRendering"):
        return None
    offline_nodes = [
        api.rpartition(".")[2].removeprefix("create")
        for api, call in use.calls.items()
        if api.rpartition(".")[2] in ("createOscillator", "createDynamicsCompressor")
        and "offline" in call["values"]
    ]
    if not offline_nodes:
        return None
    return Technique(
        AUDIO,
        "rendered an offline audio context through " + " and ".join(sorted(offline_nodes)),
        {"nodes": sorted(offline_nodes)},
    )
