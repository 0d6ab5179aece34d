"""Mixed content: insecure subresources and forms on HTTPS pages, HTTP pages left on HTTP.

Blockable versus optionally-blockable follows the W3C Mixed Content spec: only images,
audio and video are "upgradeable" (optionally-blockable); everything else is blockable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.findings.context import ScanContext
from scanner.findings.model import Observation

OPTIONALLY_BLOCKABLE = frozenset({"image", "audio", "video", "track"})


def check(ctx: ScanContext) -> Iterator[Observation]:
    for page in ctx.pages:
        url = ctx.page_url(page)
        if url.startswith("http://") and page["outcome"] == "rendered":
            yield Observation(
                "http-page-without-https-redirect",
                url.split("/")[2],
                url,
                f"{url} is served over HTTP without a redirect to HTTPS.",
                {"kind": "page", "url": url},
            )
        if url.startswith("https://"):
            yield from _insecure_forms(page, url)
            yield from _insecure_subresources(page, url)


def _insecure_forms(page: dict[str, Any], url: str) -> Iterator[Observation]:
    for form in page["forms"]:
        if form["action"].startswith("http://"):
            yield Observation(
                "mixed-content-form",
                form["action"],
                url,
                f"A form on an HTTPS page submits to {form['action']} over HTTP.",
                {"kind": "form", "action": form["action"], "method": form["method"]},
            )


def _insecure_subresources(page: dict[str, Any], url: str) -> Iterator[Observation]:
    for issue in page["mixed_content"]:
        kind = (issue["resource_type"] or "other").lower()
        if kind == "form":
            continue  # reported from the page's forms, with their method
        rule = (
            "mixed-content-optionally-blockable"
            if kind in OPTIONALLY_BLOCKABLE
            else "mixed-content-blockable"
        )
        yield Observation(
            rule,
            issue["insecure_url"],
            url,
            f"The HTTPS page loads {issue['insecure_url']} ({kind}) over HTTP; the browser "
            f"{_decision(issue['resolution'])}.",
            {
                "kind": "mixed-content",
                "insecure_url": issue["insecure_url"],
                "resource_type": kind,
                "browser_decision": issue["resolution"],
            },
        )


def _decision(resolution: str) -> str:
    return {
        "blocked": "blocked it",
        "automatically-upgraded": "upgraded it to HTTPS automatically",
        "warning": "loaded it with a warning",
    }.get(resolution, f"reported '{resolution}'")
