"""Methodology and coverage: what the scan saw, what it could not, and how it was run."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from scanner.classify import decode
from scanner.findings.context import ScanContext
from scanner.report.consent_comparison import STATE_TITLES
from scanner.report.fingerprinting import probe_coverage

MAX_LISTED = 200
SETTINGS_SHOWN = (
    "max_pages",
    "max_depth",
    "concurrency",
    "timeout",
    "obey_robots",
    "use_sitemap",
    "include_hosts",
    "exclude_hosts",
    "include_paths",
    "exclude_paths",
    "max_per_pattern",
    "screenshots",
)


DECODING_LIMITS = (
    f"Bodies and values are decompressed up to {decode.MAX_OUTPUT_BYTES // (1024 * 1024)} MiB "
    f"per request and {decode.MAX_RATIO} times their compressed size, through at most "
    f"{decode.MAX_COMPRESSION_LAYERS} nested compressions"
)


def consent_limits(scan: dict[str, Any]) -> str:
    """What the scan tells of behaviour after a consent choice, and what it cannot."""
    visits = scan.get("consent_visits") or []
    if not visits:
        return (
            f"{scan['consent']['note']} Behaviour after consent was given or refused was not "
            "tested (see --consent)."
        )
    visited = [_visitor(v["state"]) for v in visits if not v.get("skipped")]
    skipped = [v for v in visits if v.get("skipped")]
    said = ["The crawl saw every page before any choice on a consent banner."]
    if visited:
        said.append(f"{_the_visitors(visited)} then visited the same pages.")
    said.append(
        "Choices are made only through autoconsent's rules for the consent managers it "
        "knows: a banner it does not know is neither accepted nor refused."
    )
    for visit in visits:
        if missing := visit["summary"]["not_visited"]:
            said.append(f"The visitor {_visitor(visit['state'])} missed {missing} pages.")
    if skipped:
        names = _the_visitors([_visitor(v["state"]) for v in skipped])
        said.append(f"{names} did not visit: {skipped[0]['skipped']}.")
    return " ".join(said)


def _the_visitors(names: list[str]) -> str:
    return f"The visitor{'s' if len(names) > 1 else ''} {' and '.join(names)}"


def _visitor(state: str) -> str:
    """'after “reject all”': a state's title as it reads inside a sentence."""
    title = STATE_TITLES[state]
    return title[0].lower() + title[1:]


def decoding_coverage(ctx: ScanContext) -> list[dict[str, Any]]:
    """Per third-party vendor: the requests whose body or parameters the personal-data
    search could not decode (or decoded only in part), with the reasons, most first."""
    requests: dict[str, int] = defaultdict(int)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for page in ctx.pages:
        for request in page["requests"]:
            party = ctx.party_of(request["url"])
            if party is None or party.first_party:
                continue
            problems = ctx.personal_data.find_in_record(request).problems
            if not problems:
                continue
            names[party.vendor_id] = party.vendor_name
            requests[party.vendor_id] += 1
            for reason in dict.fromkeys(_words(problem) for problem in problems):
                reasons[party.vendor_id][reason] += 1
    return [
        {
            "vendor_id": vendor_id,
            "vendor_name": names[vendor_id],
            "requests": count,
            "reasons": reasons[vendor_id].most_common(),
        }
        for vendor_id, count in sorted(requests.items(), key=lambda item: (-item[1], item[0]))
    ]


def _words(problem: decode.Problem) -> str:
    where = f" (after {' > '.join(problem.chain)})" if problem.chain else ""
    kind = "not decoded" if problem.kind == "undecodable" else "decoded in part"
    return f"{kind}: {problem.reason}{where}"


def coverage(scan: dict[str, Any], decoding: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Counts, failures grouped by reason, and the pages the report cannot speak for.

    ``decoding`` is :func:`decoding_coverage` of the same scan: the requests the
    personal-data search could not look into.
    """
    pages = scan["pages"]
    failed = [page for page in pages if page["outcome"] == "failed"]
    reasons = Counter(page["error"]["kind"] if page["error"] else "unknown" for page in failed)
    settings = scan.get("settings", {})
    return {
        "summary": scan["summary"],
        "found": scan["summary"]["pages"] + scan["summary"]["not_visited"],
        "failure_reasons": reasons.most_common(),
        "failed": failed[:MAX_LISTED],
        "failed_more": max(len(failed) - MAX_LISTED, 0),
        "not_visited": scan["not_visited"][:MAX_LISTED],
        "not_visited_more": max(len(scan["not_visited"]) - MAX_LISTED, 0),
        "skipped": sorted(scan["summary"]["skipped"].items()),
        "settings": [(name, settings[name]) for name in SETTINGS_SHOWN if name in settings],
        "browser": scan["browser"],
        "consent_note": consent_limits(scan),
        "decoding": None if decoding is None else decoding[:MAX_LISTED],
        "decoding_requests": sum(row["requests"] for row in decoding or []),
        "decoding_limits": DECODING_LIMITS,
        "fingerprinting": probe_coverage(scan),
    }
