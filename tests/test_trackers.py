"""Tracker filter lists: the bundled EasyPrivacy, the user's own lists, bad paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.classify.trackers import TrackerMatcher
from scanner.errors import ConfigError

PAGE = "https://www.shop.test/"


def test_bundled_easyprivacy_knows_common_trackers_and_not_ordinary_files() -> None:
    matcher = TrackerMatcher.load()
    assert matcher.lists == ("easyprivacy.txt",)
    assert matcher.is_tracking("https://www.google-analytics.com/g/collect?v=2", PAGE, "ping")
    assert matcher.is_tracking("https://connect.facebook.net/en_US/fbevents.js", PAGE, "script")
    assert not matcher.is_tracking("https://cdn.shop-assets.test/app.js", PAGE, "script")


def test_a_users_list_adds_rules_and_exceptions(tmp_path: Path) -> None:
    own = tmp_path / "ours.txt"
    own.write_text("||metrics.partner.test^\n@@||www.google-analytics.com^\n")
    matcher = TrackerMatcher.load([own])
    assert matcher.is_tracking("https://metrics.partner.test/hit", PAGE, "image")
    assert not matcher.is_tracking("https://www.google-analytics.com/g/collect", PAGE, "ping")


def test_a_missing_list_is_one_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    with pytest.raises(ConfigError) as raised:
        TrackerMatcher.load([missing])
    assert str(raised.value) == (
        f"filter list {missing} does not exist; fix filter_lists in [rules]"
    )
