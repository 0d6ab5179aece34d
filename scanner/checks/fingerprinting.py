"""Browser fingerprinting: a script read what tells this browser apart from others.

The criteria are scanner.classify.fingerprinting's; this turns each script that met one
on a page into an observation naming the script, its vendor, the technique with what
met it, every surface the script read, and where the page then sent data on that
script's behalf (best effort, see :func:`sent_to`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.classify.fingerprinting import (
    SURFACES,
    ScriptUse,
    Technique,
    fingerprinting_scripts,
)
from scanner.classify.parties import Party
from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

RULES = {
    "canvas": "fingerprinting-canvas",
    "font-probing": "fingerprinting-font-probing",
    "webgl": "fingerprinting-webgl",
    "audio": "fingerprinting-audio",
    "many-surfaces": "fingerprinting-many-surfaces",
}
MAX_SENT_TO = 5
SENT_TO_NOTE = (
    "best effort: third-party requests the script made (its URL on the request's "
    "initiator stack) or, for a third party's script, later requests to its own vendor; "
    "the fingerprint value itself is not traced"
)


def check(ctx: ScanContext) -> Iterator[Observation]:
    for page in ctx.pages:
        for use, met in fingerprinting_scripts(page):
            owner = _owner(ctx, page, use)
            destinations = sent_to(ctx, page, use, owner)
            for technique in met:
                yield _observation(ctx, page, use, owner, technique, destinations)


def _owner(ctx: ScanContext, page: dict[str, Any], use: ScriptUse) -> Party | None:
    return ctx.party_of(use.script_url) if use.script_url else None


def sent_to(
    ctx: ScanContext, page: dict[str, Any], use: ScriptUse, owner: Party | None
) -> list[dict[str, str]]:
    """Third parties the page sent requests to on the script's behalf: requests whose
    initiator stack holds the script, and, for a third party's script, requests to its
    vendor's hosts other than the script itself."""
    found: list[dict[str, str]] = []
    for request in page["requests"]:
        if request["url"] == use.script_url or request["navigation"]:
            continue
        party = ctx.party_of(request["url"])
        if party is None or party.first_party:
            continue
        initiator = request.get("initiator") or {}
        by_script = use.script_url is not None and (
            initiator.get("url") == use.script_url
            or use.script_url in (initiator.get("stack_urls") or [])
        )
        to_owner = (
            owner is not None and not owner.first_party and party.vendor_id == owner.vendor_id
        )
        if not (by_script or to_owner) or request["resource_type"] == "script":
            continue
        entry = {"vendor": party.vendor_name, "host": party.host, "url": request["url"]}
        if entry not in found:
            found.append(entry)
        if len(found) >= MAX_SENT_TO:
            break
    return found


def _observation(
    ctx: ScanContext,
    page: dict[str, Any],
    use: ScriptUse,
    owner: Party | None,
    technique: Technique,
    destinations: list[dict[str, str]],
) -> Observation:
    third_party = owner is not None and not owner.first_party
    script = use.script_url or "a script with no URL on its stack"
    by = f" ({owner.vendor_name})" if third_party and owner else ""
    surfaces = use.surfaces
    sent = (
        "; data then went to " + ", ".join(sorted({d["vendor"] for d in destinations}))
        if destinations
        else ""
    )
    return Observation(
        RULES[technique.name],
        use.script_url or "(no script URL)",
        ctx.page_url(page),
        f"{script}{by} {technique.criterion}; it read {len(surfaces)} fingerprinting "
        f"surfaces ({', '.join(SURFACES[s] for s in surfaces)}){sent}.",
        {
            "kind": "fingerprinting",
            "technique": technique.name,
            "criterion": technique.criterion,
            "script_url": use.script_url,
            "vendor": owner.vendor_name if third_party and owner else None,
            "surfaces": surfaces,
            "apis": {api: call["count"] for api, call in sorted(use.calls.items())},
            **technique.evidence,
            "sent_to": destinations,
            "sent_to_method": SENT_TO_NOTE,
        },
        owner.vendor_id if third_party and owner else None,
    )
