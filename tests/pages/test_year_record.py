"""年度记实 at a desk: a unit's secretary logs in, opens /desk/year, sees their members' table, starts the
unit's PDF and follows its progress bar, with JavaScript and without, to the download, with the session
alone; axe-core on both pages; screenshots for a person to look at."""

import os
import subprocess
import threading

from playwright.sync_api import expect

from app.year_record import operations
from tests.factories import PASSWORD
from tests.pages.conftest import DESK, log_in, serious_violations
from tests.year_record.conftest import YEAR, county  # noqa: F401  (the fixture, shared with tests/year_record)

SHOTS = os.environ.get("SCREENSHOTS")  # a folder: the page at 1366×768 and at 390×844


def held_after_the_first_member(monkeypatch) -> threading.Event:
    """The unit's file job stops after its first member until the test lets it go: the page is seen running."""
    release, build = threading.Event(), operations.unit_file

    def held(record, kind, progress):
        def report(done, total):
            progress(done, total)
            if done == 1:
                release.wait(30)

        return build(record, kind, report)

    monkeypatch.setattr(operations, "unit_file", held)
    return release


def test_a_unit_secretary_opens_the_year_record_and_follows_the_units_pdf_to_its_download(
    county,  # noqa: F811
    desk,
    browser,
    live_server,
    monkeypatch,
    tmp_path,
):
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

    release = held_after_the_first_member(monkeypatch)
    desk.click('button[data-year-download="pdf"]')
    desk.wait_for_url("**/desk/year/jobs/*")
    rows = desk.locator("section.job-progress [data-rows]")
    expect(rows).to_have_text("第 1 / 2 名党员")  # the script moved it, or the page came in after the first
    expect(desk.locator("section.job-progress progress")).to_have_attribute("value", "1")
    assert serious_violations(desk) == []
    if SHOTS:
        desk.screenshot(path=f"{SHOTS}/year-record-job.png", full_page=True)

    # Without JavaScript the same page refreshes itself.
    plain = browser.new_context(base_url=live_server, java_script_enabled=False, **DESK)
    try:
        still = plain.new_page()
        log_in(still, county.unit_secretary.phone, PASSWORD, next_path=desk.url.removeprefix(live_server))
        expect(still.locator("section.job-progress [data-rows]")).to_have_text("第 1 / 2 名党员")
        assert still.locator('meta[http-equiv="refresh"]').count() == 1
        release.set()
        expect(still.locator("a[data-job-file]")).to_be_visible(timeout=20_000)
    finally:
        plain.close()

    link = desk.locator("a[data-job-file]")
    expect(link).to_be_visible(timeout=20_000)
    with desk.expect_download() as download:
        link.click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert f"县财政局 · {YEAR}年 · 党员 2 人" in text and "张三" in text and "李四" in text
