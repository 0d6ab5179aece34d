"""Older scan.json files still go through the rules: missing fields are filled in."""

from __future__ import annotations

from scanner.result.compat import upgrade_older_scan


def _scan(*cookies: dict[str, object]) -> dict[str, object]:
    return {"pages": [{"cookies": list(cookies)}]}


def test_old_cookie_records_get_the_outcome_their_flags_meant() -> None:
    scan = upgrade_older_scan(
        _scan(
            {"name": "kept", "stored": True, "deletion": False},
            {"name": "refused", "stored": False, "deletion": False},
            {"name": "gone", "stored": False, "deletion": True},
        )
    )
    cookies = scan["pages"][0]["cookies"]  # type: ignore[index]
    assert [(c["name"], c["outcome"], c["probe"]) for c in cookies] == [
        ("kept", "stored", False),
        ("refused", "refused", False),
        ("gone", "deleted", False),
    ]


def test_current_records_are_left_as_they_are() -> None:
    cookie = {"name": "probe", "stored": False, "deletion": False}
    cookie |= {"outcome": "removed-by-script", "probe": True}
    scan = upgrade_older_scan(_scan(cookie))
    assert scan["pages"][0]["cookies"][0] == cookie  # type: ignore[index]
