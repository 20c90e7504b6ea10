"""Months are picked from a <select>: WeChat's older in-app browsers show <input type=month> as a bare text
box, where an older member would have to type "2026-11" by hand."""

import re
from pathlib import Path

from tests.factories import log_in

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def test_no_page_asks_for_a_month_in_a_month_input():
    month_inputs = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"""type\s*=\s*["']?month""", path.read_text(encoding="utf-8"))
    ]
    assert month_inputs == []


def test_the_points_page_offers_the_last_months_and_keeps_one_from_a_link(client, make):
    log_in(client, make.member().account)
    page = client.get("/me/points?period=2019-05").text
    assert '<select name="period" id="period">' in page
    assert '<option value="2019-05" selected>2019年5月</option>' in page
