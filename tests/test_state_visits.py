"""When each consent state's visitor visits which page (scanner.crawl.state_visits)."""

from __future__ import annotations

from scanner.crawl.state_visits import StateVisits


def _found(visits: StateVisits, url: str, banner: bool) -> list[tuple[str, str]]:
    return [(v.state, v.url) for v in visits.page_found(url, 1, "link", "/", banner)]


def test_a_choosing_visitor_starts_on_the_first_page_with_a_banner() -> None:
    visits = StateVisits(["reject", "accept"])
    assert _found(visits, "/a", banner=False) == []
    assert _found(visits, "/b", banner=False) == []
    assert _found(visits, "/c", banner=True) == [("reject", "/c"), ("accept", "/c")]
    # the pages before it wait for the choice page to be over, then go
    assert _found(visits, "/d", banner=False) == []
    assert [v.url for v in visits.first_page_over("reject")] == ["/a", "/b", "/d"]
    assert _found(visits, "/e", banner=True) == [("reject", "/e")]
    assert [v.url for v in visits.first_page_over("accept")] == ["/a", "/b", "/d", "/e"]
    assert visits.first_page_over("accept") == []  # once only
    assert visits.planned("reject") == visits.planned("accept") == 5


def test_on_a_site_without_a_banner_a_choosing_visitor_never_starts() -> None:
    visits = StateVisits(["reject", "accept"])
    for n in range(20):
        assert _found(visits, f"/{n}", banner=False) == []
    # nothing was sent: the first banner, were one to come, would still be the first page
    assert _found(visits, "/late", banner=True) == [("reject", "/late"), ("accept", "/late")]
    assert [v.url for v in visits.first_page_over("reject")] == [f"/{n}" for n in range(20)]


def test_the_gpc_visitor_makes_no_choice_and_starts_at_once() -> None:
    visits = StateVisits(["reject", "gpc"])
    assert _found(visits, "/a", banner=False) == [("gpc", "/a")]
    assert _found(visits, "/b", banner=False) == []
    assert [v.url for v in visits.first_page_over("gpc")] == ["/b"]
    assert _found(visits, "/c", banner=True) == [("reject", "/c"), ("gpc", "/c")]
    assert [v.url for v in visits.first_page_over("reject")] == ["/a", "/b"]
