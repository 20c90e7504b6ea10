"""The board's tab 群众点单 on a 390-pixel phone: reached from the board's tabs, a done order reads on the
screen without sideways scrolling, and axe finds nothing serious."""

from tests.needs_figures.conftest import Needs, small_county
from tests.pages.conftest import serious_violations


def test_a_phone_reads_the_months_done_orders_and_the_units_ranking(app, make, phone):
    county = small_county(app, make)
    Needs(app, county)(
        county.east,
        (2026, 10, 2, 10),
        unit=county.one,
        servers=[county.members["a"]],
        done=(2026, 10, 4, 10),
        rated=(2026, 10, 5, 9),
        stars=5,
    )
    phone.goto("/board?period=2026-10")
    phone.get_by_role("link", name="群众点单").click()
    phone.wait_for_url("**/board/needs?period=2026-10**")
    assert serious_violations(phone) == []
    order = phone.locator("tr[data-need-id]")
    assert order.count() == 1
    assert "县教育局" in order.inner_text() and "5星" in order.inner_text()
    assert phone.locator("table.needs-units tr[data-rank]").count() == 3
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
