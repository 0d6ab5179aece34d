"""The reports hide every personal value the finder reported, wherever it was found."""

from __future__ import annotations

import base64
import gzip
import json

from scanner.report.redaction import report_redactor
from tests.rule_fixtures import context_of, page, request, scan

PHONE = "+44 20 7946 0321"
NAME = "Jane Roe"


def _gzip_batch() -> dict[str, object]:
    batch = json.dumps({"batch": [{"$set": {"first_name": "Jane", "phone": PHONE}}]})
    packed = request(1, "https://collect.analytics.example/batch", method="POST")
    data = gzip.compress(batch.encode())
    packed["body"] = {
        "size": len(data),
        "text": None,
        "base64": base64.b64encode(data).decode(),
        "truncated": False,
    }
    return packed


def test_values_found_only_in_a_compressed_body_are_redacted() -> None:
    ctx = context_of(scan(page(requests=[_gzip_batch()])))
    redact = report_redactor(ctx)
    shown = redact(f"first_name=Jane; phone {PHONE}")
    assert "Jane" not in shown
    assert PHONE not in shown


def test_redaction_off_shows_the_values() -> None:
    ctx = context_of(scan(page(requests=[_gzip_batch()])))
    assert report_redactor(ctx, enabled=False)(NAME) == NAME


def test_short_numbers_stay_readable() -> None:
    ids = request(1, "https://collect.analytics.example/c?uid=2024&zip=1000")
    ctx = context_of(scan(page(requests=[ids])))
    assert report_redactor(ctx)("Scanned in 2024: 1000 requests") == (
        "Scanned in 2024: 1000 requests"
    )
