"""Who loaded whom: page -> vendor -> vendor, from the requests' initiators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scanner.classify.parties import Party, PartyClassifier

SITE = "site"


@dataclass(frozen=True)
class LoadEdge:
    loader: str
    """'site' or the vendor id whose script (or frame) made the request."""
    vendor: str
    request_url: str
    initiator_url: str


def load_edges(page: dict[str, Any], parties: PartyClassifier) -> list[LoadEdge]:
    """For each third-party request with a known initiator: who caused it.

    A vendor's requests caused by its own scripts are not edges; what matters is the
    first contact with each vendor and who made the browser reach it.
    """
    edges: dict[tuple[str, str], LoadEdge] = {}
    for request in page["requests"]:
        target = _party(request["url"], parties)
        initiator = request.get("initiator") or {}
        source_url = initiator.get("url")
        if target is None or target.first_party or not source_url:
            continue
        source = _party(source_url, parties)
        if source is None:
            continue
        loader = SITE if source.first_party else source.vendor_id
        if loader == target.vendor_id:
            continue
        edges.setdefault(
            (loader, target.vendor_id),
            LoadEdge(loader, target.vendor_id, request["url"], source_url),
        )
    return list(edges.values())


def _party(url: str, parties: PartyClassifier) -> Party | None:
    host = urlsplit(url).hostname
    return parties.classify(host) if host else None
