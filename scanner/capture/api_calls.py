"""The fingerprinting-API counts the in-page probes report (api_probes.js), per page.

Each document of the page (the top one and every frame's) keeps its own cumulative
counts and sends them as snapshots, several times over its life: the latest snapshot of
each document is the one kept. The page's documents are then merged per (script, API),
within the caps below; what a cap leaves out is counted by API, never lost silently.
Everything in a snapshot comes from the page and is checked and bounded here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scanner.capture.model import ApiCall, ApiCalls, CanvasRead

MAX_CALL_ENTRIES = 500
"""(script, API) pairs kept per page; the in-page cap is 300 per document."""
MAX_VALUES = 64
MAX_CANVAS_READS = 8
MAX_FRAME_URLS = 5
MAX_API_CHARS = 80
MAX_VALUE_CHARS = 100
_MAX_SNAPSHOT_ENTRIES = 300
"""What api_probes.js sends at most per document: more is not the probes'."""
IN_PAGE_LIMITS = (
    "20,000 attributed calls and 300 (script, API) pairs per document, 64 distinct "
    "argument values and 8 distinct canvas reads per pair"
)
"""The caps api_probes.js applies, for the report's coverage section."""


@dataclass
class _Snapshot:
    version: int
    frame_url: str
    payload: dict[str, Any]


class ApiCallLog:
    """Collects one page's snapshots and merges them when the capture finishes."""

    def __init__(self, max_url_chars: int) -> None:
        self._max_url_chars = max_url_chars
        self._documents: dict[str, _Snapshot] = {}

    def offer(self, payload: Any, frame_url: str) -> None:
        """A snapshot from one document; an older one than already held is ignored."""
        if not isinstance(payload, dict):
            return
        document, version = payload.get("doc"), _count(payload.get("version"))
        if not isinstance(document, str):
            return
        held = self._documents.get(document)
        if held is None or version > held.version:
            self._documents[document] = _Snapshot(version, frame_url, payload)

    def result(self) -> ApiCalls:
        merged: dict[tuple[str | None, str], ApiCall] = {}
        unattributed: dict[str, int] = {}
        for snapshot in self._documents.values():
            for api, count in _mapping(snapshot.payload.get("overflow")).items():
                _add(unattributed, api, count)
            for raw in _list(snapshot.payload.get("calls"))[:_MAX_SNAPSHOT_ENTRIES]:
                call = self._call(raw, snapshot.frame_url)
                if call is None:
                    continue
                key = (call.script_url, call.api)
                if key in merged:
                    _merge(merged[key], call)
                elif len(merged) < MAX_CALL_ENTRIES:
                    merged[key] = call
                else:
                    _add(unattributed, call.api, call.count)
        calls = sorted(merged.values(), key=lambda c: (c.script_url or "", c.api))
        return ApiCalls(calls=calls, unattributed=unattributed, documents=len(self._documents))

    def _call(self, raw: Any, frame_url: str) -> ApiCall | None:
        if not isinstance(raw, dict):
            return None
        api, script = raw.get("api"), raw.get("script")
        if (
            not isinstance(api, str)
            or not api
            or (script is not None and not isinstance(script, str))
        ):
            return None
        values = raw.get("values")
        reads = raw.get("samples")
        kept_values = [v[:MAX_VALUE_CHARS] for v in _list(values) if isinstance(v, str)]
        kept_reads = [read for read in map(_canvas_read, _list(reads)) if read is not None]
        return ApiCall(
            script_url=script[: self._max_url_chars] if script else None,
            api=api[:MAX_API_CHARS],
            count=_count(raw.get("count")),
            values=kept_values[:MAX_VALUES],
            values_dropped=_count(raw.get("valuesDropped")) + max(0, len(kept_values) - MAX_VALUES),
            canvas_reads=kept_reads[:MAX_CANVAS_READS],
            canvas_reads_dropped=_count(raw.get("samplesDropped"))
            + max(0, len(kept_reads) - MAX_CANVAS_READS),
            frame_urls=[frame_url[: self._max_url_chars]],
        )


def _merge(into: ApiCall, other: ApiCall) -> None:
    into.count += other.count
    for value in other.values:
        if value in into.values:
            continue
        if len(into.values) < MAX_VALUES:
            into.values.append(value)
        else:
            into.values_dropped += 1
    into.values_dropped += other.values_dropped
    for read in other.canvas_reads:
        same = next((kept for kept in into.canvas_reads if _same_read(kept, read)), None)
        if same is not None:
            same.count += read.count
        elif len(into.canvas_reads) < MAX_CANVAS_READS:
            into.canvas_reads.append(read)
        else:
            into.canvas_reads_dropped += read.count
    into.canvas_reads_dropped += other.canvas_reads_dropped
    for url in other.frame_urls:
        if url not in into.frame_urls and len(into.frame_urls) < MAX_FRAME_URLS:
            into.frame_urls.append(url)


def _same_read(a: CanvasRead, b: CanvasRead) -> bool:
    return (a.width, a.height, a.area_width, a.area_height, a.type, a.quality) == (
        b.width,
        b.height,
        b.area_width,
        b.area_height,
        b.type,
        b.quality,
    ) and (a.text_chars, a.text_colours, a.in_document) == (
        b.text_chars,
        b.text_colours,
        b.in_document,
    )


def _canvas_read(raw: Any) -> CanvasRead | None:
    if not isinstance(raw, dict):
        return None
    kind = raw.get("type")
    quality = raw.get("quality")
    return CanvasRead(
        width=_size(raw.get("width")),
        height=_size(raw.get("height")),
        area_width=_size(raw.get("areaWidth")),
        area_height=_size(raw.get("areaHeight")),
        type=kind[:MAX_API_CHARS] if isinstance(kind, str) else None,
        quality=float(quality) if _finite(quality) else None,
        text_chars=_count(raw.get("textChars")),
        text_colours=_count(raw.get("textColours")),
        in_document=raw.get("inDocument") is True,
        count=max(1, _count(raw.get("count"))),
    )


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _size(value: Any) -> int | None:
    """A canvas or area dimension (getImageData's may be negative: it counts backwards)."""
    return int(value) if _finite(value) and abs(value) < 2**31 else None


def _count(value: Any) -> int:
    return int(value) if _finite(value) and 0 <= value < 2**53 else 0


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    items = [(key, count) for key, count in value.items() if isinstance(key, str)]
    return {key[:MAX_API_CHARS]: _count(count) for key, count in items[:_MAX_SNAPSHOT_ENTRIES]}


def _add(counts: dict[str, int], api: str, count: int) -> None:
    counts[api] = counts.get(api, 0) + count
