"""Addresses on popular hosts that quietly defeat a host allowlist in a policy.

An allowlist such as ``script-src 'self' https://cdn.example`` only protects a page if every
script that every allowed host can serve is harmless. Some hosts break that:

- **JSONP endpoints** answer with JavaScript built from the request, usually a function
  name taken from a ``callback`` parameter: ``<script src="https://allowed.host/api?
  callback=alert(1)//">`` runs the attacker's code from an allowed host. Tag managers
  belong here too: they serve whatever container the ``id`` in the address names.
- **AngularJS copies** (1.x) evaluate ``{{ ... }}`` expressions in the HTML, so markup
  injection becomes script execution once the library loads from an allowed host.
- **Flash files** that run script, for ``object-src``.

The lists are CSP Evaluator's data, shipped unchanged under ``rules/csp-bypasses/`` (see
its README for source, licence and refresh). An absent host is not a safe host.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from scanner.resources import data_dir

from .policy import HostSource

BYPASS_FOLDER = "csp-bypasses"
JSONP = "jsonp"
ANGULAR = "angular"
FLASH = "flash"


@dataclass(frozen=True)
class Endpoint:
    """One listed address: lower-case host and path (``/`` when the list gives none)."""

    host: str
    path: str


@dataclass(frozen=True)
class BypassList:
    kind: str
    endpoints: tuple[Endpoint, ...]
    needs_eval: frozenset[str] = frozenset()
    """Hosts whose endpoints only help an attacker when ``'unsafe-eval'`` is allowed too."""


@cache
def bypass_list(kind: str) -> BypassList:
    """The shipped list of one kind (``jsonp``, ``angular`` or ``flash``)."""
    path = data_dir("rules") / BYPASS_FOLDER / f"{kind}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    endpoints = tuple(_endpoint(address) for address in data["urls"])
    needs_eval = frozenset(host.lower() for host in data.get("needsEval", ()))
    return BypassList(kind, endpoints, needs_eval)


def _endpoint(address: str) -> Endpoint:
    parts = urlsplit(address if "//" in address else f"//{address}")
    return Endpoint((parts.hostname or "").lower(), parts.path or "/")


def find_endpoint(source: HostSource, kind: str) -> Endpoint | None:
    """The first listed endpoint of ``kind`` that the host-source ``source`` allows."""
    for endpoint in bypass_list(kind).endpoints:
        if source_reaches(source, endpoint):
            return endpoint
    return None


def source_reaches(source: HostSource, endpoint: Endpoint) -> bool:
    """Whether an allowlist entry covers a listed endpoint (host and path; CSP rules)."""
    pattern = source.host.lower()
    if pattern.startswith("*."):
        if not endpoint.host.endswith(pattern[1:]):
            return False
    elif pattern != endpoint.host:
        return False
    path = source.path
    if path in ("", "/"):
        return True
    return endpoint.path.startswith(path) if path.endswith("/") else endpoint.path == path
