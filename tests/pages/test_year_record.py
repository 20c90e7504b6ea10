"""年度记实 at a desk: a unit's secretary logs in, opens /desk/year, sees their members' table and downloads
the unit's PDF with the session alone; axe-core on the page; screenshots for a person to look at."""

import os
import subprocess

from tests.factories import PASSWORD
from tests.pages.conftest import log_in, serious_violations
from tests.year_record.conftest import YEAR, county  # noqa: F401  (the fixture, shared with tests/year_record)

SHOTS = os.environ.get("SCREENSHOTS")  # a folder: the page at 1366×768 and at 390×844


def test_a_unit_secretary_opens_the_year_record_and_downloads_the_units_pdf(county, desk, tmp_path):  # noqa: F811
    log_in(desk, county.unit_secretary.phone, PASSWORD, next_path=f"/desk/year?year={YEAR}")
    desk.wait_for_selector("table.year-record")
    assert desk.locator('nav.desk-menu a[href="/desk/year"]').get_attribute("aria-current") == "page"
    names = desk.locator("table.year-record tbody th[scope=row]").all_inner_texts()
    assert names == ["张三", "李四"]
    zhang = county.members[0]
    assert desk.locator(f'tr[data-member-id="{zhang.id}"]').get_attribute("data-points") == "18"
    assert serious_violations(desk) == []
    if SHOTS:
        desk.screenshot(path=f"{SHOTS}/year-record-desk.png", full_page=True)
        desk.set_viewport_size({"width": 390, "height": 844})
        desk.screenshot(path=f"{SHOTS}/year-record-phone.png", full_page=True)
        desk.set_viewport_size({"width": 1366, "height": 768})

    link = desk.locator('a[data-year-download="pdf"]')
    answer = desk.request.get(link.get_attribute("href"))  # the page's own cookies, no token
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    with desk.expect_download() as download:
        link.click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert f"县财政局 · {YEAR}年 · 党员 2 人" in text and "张三" in text and "李四" in text
