"""A :class:`Site` from the scan's site probe (scan.json ``site_probe``).

The probe is the Observatory's own retrieval made beside the crawl (see
:mod:`scanner.crawl.site_probe`), so every test can run on it: this is the grade the
Observatory would give the start host. Its cookie jar is the graded session's, as in the
Observatory: the Set-Cookie lines of every response on the way of ``https://host/`` (of
``http://host/`` when HTTPS did not answer).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .exchange import CorsResponse, Headers, Hop, Response
from .grader import ObservatoryReport, grade_site
from .retrieval import CookieWrite, site_from_retrieval


def site_report(scan: dict[str, Any]) -> ObservatoryReport | None:
    """The Observatory's grade of the scan's start host; None for a scan without a probe
    (made before it existed, or stopped before it was sent)."""
    probe = scan.get("site_probe")
    if not probe or not (probe["https"]["complete"] or (probe["http"] or {}).get("complete")):
        return None
    return grade_probe(probe, verified=not _certificate_refused(scan["pages"], probe["host"]))


def _certificate_refused(pages: list[dict[str, Any]], host: str) -> bool:
    """Whether the browser refused the host's certificate on any page of the crawl."""
    for page in pages:
        error = page.get("error") or {}
        if error.get("kind") == "tls" and urlsplit(page["url"]).hostname == host:
            return True
    return False


def grade_probe(probe: dict[str, Any], verified: bool = True) -> ObservatoryReport:
    """The Observatory's grade of the probed host; ``verified`` is False when the
    browser refused the host's HTTPS certificate during the crawl."""
    https = _final(probe["https"], verified)
    http_retrieval = probe.get("http")
    http = _final(http_retrieval, verified) if http_retrieval else None
    route = None
    if http_retrieval and http_retrieval["complete"]:
        route = [Hop(hop["url"], hop["status"]) for hop in http_retrieval["hops"]]
    graded = probe["https"] if https is not None else http_retrieval
    preflight = probe.get("preflight")
    cors = None
    if preflight and preflight["hops"]:
        cors = CorsResponse(Headers(preflight["hops"][-1]["headers"]), probe["cors_origin"])
    site = site_from_retrieval(
        probe["host"],
        https,
        http,
        http_redirects=route,
        cors=cors,
        cors_observed=bool(preflight and preflight["complete"]),
        cookie_writes=_cookie_writes(graded) if graded else None,
        html=graded.get("html") if graded else None,
    )
    return grade_site(site)


def _final(retrieval: dict[str, Any], verified: bool) -> Response | None:
    """The final response of a retrieval; None when none came (or a redirect was the last
    thing received before an error)."""
    if retrieval["error"] is not None or not retrieval["hops"]:
        return None
    last = retrieval["hops"][-1]
    secure_on_the_way = any(hop["url"].lower().startswith("https:") for hop in retrieval["hops"])
    return Response(
        url=last["url"],
        status=last["status"],
        headers=Headers(last["headers"]),
        verified=verified or not secure_on_the_way,
    )


def _cookie_writes(retrieval: dict[str, Any]) -> list[CookieWrite]:
    writes = []
    for hop in retrieval["hops"]:
        lines = tuple(value for name, value in hop["headers"] if name.lower() == "set-cookie")
        if lines:
            writes.append(CookieWrite(hop["url"], lines))
    return writes
