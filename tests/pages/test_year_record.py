"""年度记实 at a desk: a unit's secretary logs in, opens /desk/year, sees their members' table, starts the
unit's PDF and follows its progress bar, with JavaScript and without, to the download, with the session
alone; an admin does the same from the office's reports page, on the same job page in the office's frame;
axe-core on every page; screenshots for a person to look at."""

import os
import subprocess
import threading

from playwright.sync_api import expect

from app.year_record import operations
from tests.factories import PASSWORD
from tests.pages.conftest import DESK, log_in, serious_violations
from tests.year_record.conftest import YEAR, county  # noqa: F401  (the fixture, shared with tests/year_record)

SHOTS = os.environ.get("SCREENSHOTS")  # a folder: the page at 1366×768 and at 390×844


def at_both_sizes(page, desk_name: str, phone_name: str) -> None:
    """With SCREENSHOTS set, the whole page at the desk's size and at a phone's, for a person to look at."""
    if not SHOTS:
        return
    page.screenshot(path=f"{SHOTS}/{desk_name}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/{phone_name}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})


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
    at_both_sizes(desk, "year-record-desk", "year-record-phone")

    release = held_after_the_first_member(monkeypatch)
    desk.click('button[data-year-download="pdf"]')
    desk.wait_for_url("**/desk/year/jobs/*")
    rows = desk.locator("section.job-progress [data-rows]")
    expect(rows).to_have_text("第 1 / 2 名党员")  # the script moved it, or the page came in after the first
    expect(desk.locator("section.job-progress progress")).to_have_attribute("value", "1")
    # With a script, no refresh reloads the page under it (the script moves the bar and reloads at the end).
    assert desk.locator('meta[http-equiv="refresh"]').count() == 0
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

    text = downloaded_pdf(desk, tmp_path)
    assert f"县财政局 · {YEAR}年 · 党员 2 人" in text and "张三" in text and "李四" in text

    # Back on the year's page the file is listed, to be taken again without building it anew.
    desk.click("text=返回年度记实")
    expect(desk.locator("section.recent-files a[data-recent-file]")).to_have_count(1)
    assert serious_violations(desk) == []
    at_both_sizes(desk, "year-record-recent-desk", "year-record-recent-phone")


def downloaded_pdf(page, tmp_path) -> str:
    """The text of the file behind the job page's download link, once it shows."""
    link = page.locator("a[data-job-file]")
    expect(link).to_be_visible(timeout=20_000)
    with page.expect_download() as download:
        link.click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout


def test_an_admin_starts_a_units_pdf_on_the_offices_reports_page_and_follows_it_to_its_download(
    county,  # noqa: F811
    desk,
    monkeypatch,
    tmp_path,
):
    log_in(desk, county.admin.phone, PASSWORD, next_path=f"/office/reports?year={YEAR}%26year_unit={county.unit.id}")
    button = desk.locator('#year-record button[data-year-record="pdf"]')
    expect(button).to_be_visible()
    assert serious_violations(desk) == []
    if SHOTS:
        desk.screenshot(path=f"{SHOTS}/year-record-office.png", full_page=True)
        desk.set_viewport_size({"width": 390, "height": 844})
        desk.locator("#year-record").screenshot(path=f"{SHOTS}/year-record-office-phone.png")
        desk.set_viewport_size({"width": 1366, "height": 768})

    release = held_after_the_first_member(monkeypatch)
    button.click()
    desk.wait_for_url("**/desk/year/jobs/*?from=office")
    expect(desk.locator("section.job-progress [data-rows]")).to_have_text("第 1 / 2 名党员")
    # The desk's job page, in the office's frame: its menu, with 报表 marked, and no desk menu.
    assert desk.locator('nav.office-menu a[href="/office/reports"]').get_attribute("aria-current") == "page"
    assert desk.locator("nav.desk-menu").count() == 0
    assert serious_violations(desk) == []
    at_both_sizes(desk, "year-record-office-job", "year-record-office-job-phone")
    release.set()

    text = downloaded_pdf(desk, tmp_path)
    assert f"县财政局 · {YEAR}年 · 党员 2 人" in text and "张三" in text and "李四" in text
    assert serious_violations(desk) == []
    if SHOTS:
        desk.screenshot(path=f"{SHOTS}/year-record-office-done.png", full_page=True)
        desk.set_viewport_size({"width": 390, "height": 844})
        desk.screenshot(path=f"{SHOTS}/year-record-office-done-phone.png", full_page=True)
    back = desk.locator("a", has_text="返回报表")
    back.click()
    desk.wait_for_url(f"**/office/reports?year={YEAR}&year_unit={county.unit.id}#year-record")
