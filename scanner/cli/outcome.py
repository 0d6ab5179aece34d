"""After a crawl: the rules, the reports and the manifest, and the exit code they make."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from scanner.cli.inputs import Tables, bundle_options, config_base, rule_settings
from scanner.errors import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_INTERNAL, EXIT_OK
from scanner.findings.model import SEVERITIES


def say(line: str) -> None:
    print(line, file=sys.stderr)


def analyse(
    args: argparse.Namespace,
    out_dir: Path,
    tables: Tables,
    vendor_files: list[Path],
    default_dpa_dir: Path | None = None,
    options: Any = None,
    shown_dir: Path | None = None,
    origin: str = "scan",
) -> int:
    """Rules, then reports and the evidence manifest, the audit history; the --fail-on
    verdict.

    ``shown_dir`` is the folder named to the user, when the audit is written elsewhere
    first (a scan replacing an audit moves its folder into place at the end).
    """
    from scanner.findings.analysis import analyse_scan
    from scanner.history.snapshot import snapshot_of_analysis
    from scanner.outputs.bundle import finish_bundle
    from scanner.report.redaction import report_redactor

    shown = shown_dir or out_dir
    settings, catalog = rule_settings(args, tables, vendor_files, default_dpa_dir)
    options = options or bundle_options(args, tables)
    recorder = history_recorder(args, tables)

    def redact(context: Any, document: Any) -> Any:
        return report_redactor(context, options.redact).document(document)

    analysis = analyse_scan(out_dir, settings, catalog, redact)
    counts = Counter(finding.severity for finding in analysis.findings)
    summary = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts.get(s))
    say(f"{len(analysis.findings)} findings ({summary or 'none'}) -> {shown / 'findings.json'}")
    current = snapshot_of_analysis(
        analysis.context, analysis.document["findings"], str(shown.resolve()), origin
    )
    comparison = recorder.comparison(current, options.previous_dir)
    bundle = finish_bundle(out_dir, analysis, options, comparison)
    signed = f"signed by {bundle.key_fingerprint}" if bundle.key_fingerprint else "unsigned"
    say(
        f"Report ({bundle.report_pages} pages) -> {shown / 'report.pdf'} and report.html; "
        f"manifest.json {signed}, "
        f"evidence fingerprint {bundle.evidence_fingerprint} (sealed in "
        f"{bundle.sealing_seconds:.3f} s)"
    )
    if bundle.encrypted:
        say(f"{len(bundle.encrypted)} raw evidence files encrypted (.enc)")
    _record(recorder, current, bundle, comparison)
    return gate(getattr(args, "fail_on", None), counts)


def history_recorder(args: argparse.Namespace, tables: Tables) -> Any:
    """The history this audit is compared with and recorded in."""
    from scanner.cli.history_options import approved_list, history_location
    from scanner.history.recorder import AuditRecorder

    base = config_base(args)
    location = history_location(args, tables["history"], base)
    return AuditRecorder(location, approved_list(args, tables["history"], base), say)


def _record(recorder: Any, current: Any, bundle: Any, comparison: Any) -> None:
    from dataclasses import replace

    from scanner.history.render import summary_line

    recorded = recorder.record(
        replace(
            current,
            evidence_fingerprint=bundle.evidence_fingerprint,
            manifest_sha256=bundle.manifest_sha256,
        )
    )
    recorder.close()
    if recorded is None:
        return
    line = f"Recorded as audit #{recorded.audit_id} in the history {recorder.history_where}"
    if comparison is not None and comparison.diff is not None:
        line += f"; since {comparison.diff.before.label}: {summary_line(comparison.diff)}"
    say(line)


def gate(fail_on: str | None, counts: Counter[str]) -> int:
    """The pre-launch gate: findings at or above --fail-on make the command fail."""
    if fail_on is None:
        return EXIT_OK
    at_or_above = [s for s in SEVERITIES[: SEVERITIES.index(fail_on) + 1] if counts.get(s)]
    if not at_or_above:
        return EXIT_OK
    total = sum(counts[s] for s in at_or_above)
    detail = ", ".join(f"{counts[s]} {s}" for s in at_or_above)
    say(f"fail-on {fail_on}: {total} findings at {fail_on} or above ({detail})")
    return EXIT_FINDINGS


def crawl_summary(outcome: Any, shown_dir: Path | None) -> str:
    """What the crawl did, and where scan.json is (when it is kept)."""
    counts = outcome.outcomes
    where = f" -> {shown_dir / outcome.scan_file.name}" if shown_dir else ""
    return (
        f"Scanned {sum(counts.values())} pages ({counts.get('rendered', 0)} rendered, "
        f"{counts.get('failed', 0)} failed, {counts.get('not-html', 0)} not HTML){where}"
    )


def verdict(outcome: Any) -> int:
    """The crawl's own exit code, with the line that explains it."""
    counts = outcome.outcomes
    if outcome.schema_problems:
        say(
            f"error: scan.json does not match its schema ({outcome.schema_problems[0]}); "
            "this is a scanner bug, please report it with the scan folder"
        )
        return EXIT_INTERNAL
    if not counts.get("rendered"):
        hint = f" ({outcome.first_error})" if outcome.first_error else ""
        say(f"error: no page could be rendered{hint}")
        if outcome.first_error and outcome.first_error.startswith("tls:"):
            say("hint: if you trust this server, pass its key hash with --trust-spki")
        return EXIT_INCOMPLETE
    if not outcome.complete:
        reasons = outcome.not_visited_reasons
        missing = sum(reasons.values())
        listed = ", ".join(f"{count} {reason}" for reason, count in reasons.most_common())
        what = f": {missing} page{'s' if missing != 1 else ''} not visited ({listed})"
        say(
            f"warning: the scan is incomplete ({outcome.finish_reason})"
            f"{what if missing else ''}; scan.json lists the pages not visited"
        )
        return EXIT_INCOMPLETE
    return EXIT_OK
