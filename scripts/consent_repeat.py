"""How reliably the consent choices are made: scan the test world's consent shop N times
in the before, reject and accept states and count, per state, the runs in which the
choice was made (succeeded, not a cosmetic hide) on the visitor's first page.

    .venv/bin/python scripts/consent_repeat.py 10

The issue's bar is 95% of runs for each of "reject" and "accept".
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from scanner.testworld import DEMO_VENDORS, running_test_world
from scanner.testworld.hosts import CONSENT_SHOP

STATES = ("reject", "accept")


def one_run(url: str, spki: str, work: Path) -> dict[str, str]:
    """Each state's outcome: 'first page', or why not."""
    config = work / "scanner.toml"
    config.write_text(f"[rules]\nvendor_files = [{json.dumps(str(DEMO_VENDORS))}]\n")
    command = [
        sys.executable, "-m", "scanner", "scan", url, "--config", str(config),
        "--progress", "never", "--no-history", "--screenshots", "0",
        "--map-host", "*=127.0.0.1", "--trust-spki", spki,
        "--consent", "before," + ",".join(STATES), "--out", str(work / "audit"),
    ]  # fmt: skip
    subprocess.run(command, capture_output=True, check=False)
    scan = json.loads((work / "audit" / "scan.json").read_text(encoding="utf-8"))
    outcomes = {}
    for visit in scan["consent_visits"]:
        choice, pages = visit["choice"], visit["pages"]
        first = pages[0] if pages else None
        if not choice or not choice.get("succeeded"):
            outcomes[visit["state"]] = "no choice"
        elif first is None or choice["page"] != first["url"]:
            outcomes[visit["state"]] = "later page"
        elif first["consent"]["cosmetic_only"]:
            outcomes[visit["state"]] = "cosmetic"
        else:
            outcomes[visit["state"]] = "first page"
    return outcomes


def main(runs: int) -> None:
    tally: dict[str, Counter[str]] = {state: Counter() for state in STATES}
    with running_test_world() as world:
        url = world.url(CONSENT_SHOP, "/")
        for number in range(1, runs + 1):
            with tempfile.TemporaryDirectory(prefix="consent-repeat-") as work:
                outcomes = one_run(url, world.spki_sha256, Path(work))
            print(f"run {number}: {outcomes}", flush=True)
            for state in STATES:
                tally[state][outcomes.get(state, "not visited")] += 1
    for state in STATES:
        share = tally[state]["first page"] / runs
        print(f"{state}: made on the first page in {share:.0%} of {runs} runs {dict(tally[state])}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
