"""The public board in a real browser: a phone reads one line per member, and the hall's big screen
reaches the last row by itself; no serious accessibility finding on either."""

from tests.factories import earn
from tests.pages.conftest import serious_violations


def test_the_halls_big_screen_pages_to_its_last_row_by_itself_and_a_phone_reads_one_line_each(app, make, phone, desk):
    community = make.community("桃城社区")
    unit = make.unit("县市场监督管理局机关第一党支部")
    members = [make.member(community, unit) for _ in range(7)]
    for member in members:
        earn(app, member, "return_day")
    last = sorted(m.name for m in members)  # seven tied rows: the names are all the screen must reach

    phone.goto("/board?period=2026-10")
    assert serious_violations(phone) == []
    row = phone.locator("tr[data-rank]").first
    cells = row.locator("td:visible")
    # Rank, name, unit and points on one line of a 390-pixel phone: one row's height is one line's.
    assert cells.count() == 4
    heights = {round(cells.nth(i).bounding_box()["height"]) for i in range(4)}
    assert max(heights) < 2 * 18 * 1.6

    desk.set_viewport_size({"width": 1920, "height": 1080})
    # axe reads the screen while it stands still: on a loaded machine its run outlasts a 2-second page.
    desk.goto("/board?period=2026-10&screen=1&rows=5&every=60")
    assert serious_violations(desk) == []
    desk.goto("/board?period=2026-10&screen=1&rows=5&every=2")
    desk.wait_for_selector('[data-screen-page="1"]', timeout=8_000)
    seen = set(desk.locator("td.name").all_inner_texts())
    desk.wait_for_selector('[data-screen-page="2"]', timeout=8_000)
    seen |= set(desk.locator("td.name").all_inner_texts())
    assert sorted(seen) == last
    # After the last screen the first comes again, with the standings as they are then.
    desk.wait_for_selector('[data-screen-page="1"]', timeout=8_000)
