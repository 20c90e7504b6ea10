"""/board: the public ranking as a page, the same rows as the API, and nothing private."""

import re

from app.periods.operations import close_month
from tests.factories import AFTER_OCTOBER, earn, ten_eight_eight_five


def _rows(html: str) -> list[tuple[int, str]]:
    return [
        (int(rank), name)
        for rank, name in re.findall(r'<tr data-rank="(\d+)"><td>\d+</td><td class="name">([^<]*)</td>', html)
    ]


def test_the_board_shows_every_row_of_the_api_ranking_in_order(app, make, client):
    ten_eight_eight_five(app, make)
    for by in ("member", "unit", "community"):
        api = client.get(f"/api/v1/rankings?period=2026-10&by={by}&limit=500").get_json()
        page = client.get(f"/board?period=2026-10&by={by}")
        assert page.status_code == 200
        assert _rows(page.get_data(as_text=True)) == [(r["rank"], r["name"]) for r in api["rows"]]


def test_the_board_holds_nothing_private(app, make, client):
    community = make.community()
    member = make.member(community)
    make.household(community, member=member, sickness=True)
    earn(app, member, "return_day")
    html = client.get("/board?period=2026-10").get_data(as_text=True)
    assert member.name in html
    assert member.phone not in html and "幸福路" not in html and "安居小区" not in html and "住户" not in html


def test_a_closed_month_is_marked_final_on_the_board(app, make, client):
    earn(app, make.member(), "return_day")
    assert "已结账" not in client.get("/board?period=2026-10").get_data(as_text=True)
    with app.app_context():
        close_month("2026-10", None, AFTER_OCTOBER)
    html = client.get("/board?period=2026-10").get_data(as_text=True)
    assert "已结账" in html and 'data-closed="true"' in html


def _next_screen(html: str) -> str:
    return re.search(r'data-next-screen="([^"]+)"', html).group(1).replace("&amp;", "&")


def test_the_big_screen_pages_through_every_row_and_starts_over(app, make, client):
    ten_eight_eight_five(app, make)
    for _ in range(3):
        earn(app, make.member(), "service")  # seven ranked members: two screens of five
    url, seen = "/board?period=2026-10&screen=1&rows=5&every=3", []
    for _ in range(3):
        html = client.get(url).get_data(as_text=True)
        seen.append(_rows(html))
        url = _next_screen(html)
    api = [(r["rank"], r["name"]) for r in client.get("/api/v1/rankings?period=2026-10&limit=500").get_json()["rows"]]
    assert len(api) == 7 and seen[0] + seen[1] == api and seen[2] == seen[0]
    assert "every=3" in url and "rows=5" in url
    # Without a script, a plain refresh turns the page all the same.
    assert '<noscript><meta http-equiv="refresh" content="3;url=' in html
    assert "refresh" not in client.get("/board").get_data(as_text=True)


def test_a_big_screen_can_be_kept_to_one_community(app, make, client):
    home, other = make.community("桃城社区"), make.community("石鼓社区")
    earn(app, make.member(home, name="甲党员"), "return_day")
    earn(app, make.member(other, name="乙党员"), "return_day")
    html = client.get(f"/board?period=2026-10&screen=1&community_id={home.id}").get_data(as_text=True)
    assert [name for _, name in _rows(html)] == ["甲党员"]
    assert f"community_id={home.id}" in _next_screen(html)


def test_a_bad_board_query_is_a_400_page(client):
    for query in ("period=2026-13", "by=household", "metric=per_member"):
        response = client.get(f"/board?{query}")
        assert response.status_code == 400 and "text/html" in response.content_type


def test_a_board_id_that_is_no_id_is_ignored_not_a_server_error(client):
    for query in ("community_id=²", "unit_id=99999999999999999999", "page=²", "community_id=" + "9" * 5000):
        response = client.get(f"/board?period=2026-10&{query}")
        assert response.status_code == 200 and "text/html" in response.content_type
