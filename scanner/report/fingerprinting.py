"""The report's fingerprinting section (scripts, techniques, surfaces) and what the
in-page API probes could not see, for the coverage section."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scanner.capture.api_calls import IN_PAGE_LIMITS
from scanner.classify.fingerprinting import SURFACES

AREA = "fingerprinting"
MAX_ROWS = 50
NOT_SEEN = (
    "Scripts running in workers (dedicated, shared and service workers): the probes run in "
    "every frame's page, cross-site frames included, but not in workers",
    "Font probing by layout (the width of text spans in many fonts, as FingerprintJS's font "
    "source does it) is not a canvas or font-check call and is not counted",
    "Properties read too often by ordinary scripts to attribute cheaply: the user agent, "
    "platform, device pixel ratio, touch points, the Date time-zone offset and CSS media "
    "queries",
    "WebRTC: peer connections are seen when they make an offer or a data channel, and ICE "
    "candidates when read, not when merely created",
    "Whether a fingerprint left the page is traced only through the requests of the script "
    "and its vendor, not by the value itself",
)


def fingerprinting_rows(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per fingerprinting script: its techniques, surfaces, pages and where its
    data went, from the findings of the area (already numbered with anchors)."""
    rows: dict[str, dict[str, Any]] = {}
    for finding in findings:
        if finding["area"] != AREA:
            continue
        row = rows.setdefault(
            finding["subject"],
            {
                "script": finding["subject"],
                "vendor": None,
                "techniques": [],
                "surfaces": set(),
                "pages": set(),
                "sent_to": set(),
                "anchor": finding["anchor"],
            },
        )
        row["techniques"].append(finding["title"])
        row["pages"].update(finding["pages"])
        for evidence in finding["evidence"]:
            row["vendor"] = row["vendor"] or evidence.get("vendor")
            row["surfaces"].update(evidence.get("surfaces") or [])
            row["sent_to"].update(d["vendor"] for d in evidence.get("sent_to") or [])
    return [
        {
            **row,
            "surfaces": [SURFACES[s] for s in SURFACES if s in row["surfaces"]],
            "pages": len(row["pages"]),
            "sent_to": sorted(row["sent_to"]),
        }
        for row in list(rows.values())[:MAX_ROWS]
    ]


def probe_coverage(scan: dict[str, Any]) -> dict[str, Any]:
    """Pages the probes could not watch, calls counted without their script, the caps."""
    rendered = [page for page in scan["pages"] if page["outcome"] == "rendered"]
    unwatched = sum(page.get("api_calls") is None for page in rendered)
    unattributed: Counter[str] = Counter()
    for page in rendered:
        unattributed.update((page.get("api_calls") or {}).get("unattributed") or {})
    return {
        "unwatched_pages": unwatched,
        "unattributed": sum(unattributed.values()),
        "unattributed_apis": [api for api, _ in unattributed.most_common(5)],
        "limits": IN_PAGE_LIMITS,
        "not_seen": NOT_SEEN,
    }
