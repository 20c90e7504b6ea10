"""The county office at a desk: an admin logs in and lands on /office, imports a roster with one bad row
(sees it, nothing imported), fixes it and imports it (the progress, then the summary), then closes a month
after seeing its pending entries. axe-core on every page it opens; screenshots for a person to look at."""

import os

from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.members import importer
from app.members.models import Member
from ledger import periods
from tests.factories import PASSWORD, claim_visit, earn
from tests.pages.conftest import log_in, serious_violations

SHOTS = os.environ.get("SCREENSHOTS")  # a folder: each page at 1366×768 and at 390×844, for a person to look at


def _look(page, name: str) -> None:
    assert serious_violations(page) == [], page.url
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/officecore-{name}-desk.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{SHOTS}/officecore-{name}-phone.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 768})


def _roster(tmp_path, phone_of_wang: str):
    rows = [
        ("陈建国", "13800001111", "县教育局", "桃东社区", "第1网格", "桃东路8号幸福家园3栋201室", "2024-03-01"),
        ("王强", phone_of_wang, "县教育局", "桃东社区", "", "某路2号", ""),
        ("林秀英", "13900002222", "县教育局", "桃东社区", "", "五里街12号", ""),
    ]
    path = tmp_path / "名册.csv"
    path.write_text("\n".join([",".join(importer.COLUMNS), *(",".join(r) for r in rows)]), encoding="utf-8")
    return path


def _job_done(desk):
    desk.wait_for_selector('[data-job-state="done"], [data-job-state="rejected"], [data-job-state="failed"]')


def test_an_admin_imports_a_roster_and_closes_a_month_at_the_desk(app, make, desk, tmp_path):
    two_ago = periods.prev_month(periods.prev_month(periods.month_of(utcnow())))
    community = make.community("桃东社区")
    make.unit("县教育局")
    member = make.member(community)
    earn(app, member, "return_day", period=two_ago)
    claim_visit(app, member, period=two_ago)
    admin = make.admin()

    log_in(desk, admin.phone, PASSWORD)
    desk.wait_for_url("**/office")
    assert desk.locator("[data-pending-county]").get_attribute("data-pending-county") == "1"
    assert desk.locator("svg.chart").count() == 1
    _look(desk, "home")

    desk.click("nav.office-menu >> text=名册导入")
    assert desk.locator('a[href="/office/import/template.xlsx"]').count() == 1
    _look(desk, "import")
    desk.set_input_files("input[name=file]", str(_roster(tmp_path, "2380000444")))
    desk.click("button[type=submit] >> text=上传并导入")
    _job_done(desk)
    bad = desk.locator("tr[data-row]")
    assert bad.count() == 1 and bad.get_attribute("data-row") == "3" and "手机号" in bad.inner_text()
    _look(desk, "job-rejected")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Member)) == 1  # only the one made above

    desk.click("text=导入另一个文件")
    desk.set_input_files("input[name=file]", str(_roster(tmp_path, "13800004444")))
    desk.click("button[type=submit] >> text=上传并导入")
    assert desk.locator("progress").count() == 1  # the job's page shows its bar from the start
    _job_done(desk)
    assert desk.locator("[data-created]").get_attribute("data-created") == "3"
    assert desk.locator("progress").get_attribute("value") == desk.locator("progress").get_attribute("max") == "3"
    _look(desk, "job-done")

    desk.click("nav.office-menu >> text=月份结账")
    form = desk.locator(".close-month")
    assert form.get_attribute("data-closable") == two_ago and "桃东社区" in form.inner_text()
    assert form.locator("[data-pending]").first.get_attribute("data-pending") == "1"
    _look(desk, "periods")
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    desk.wait_for_selector(f'tr[data-period="{two_ago}"][data-closed="true"]')
    assert "已结账" in desk.locator("p.flash").inner_text()
    _look(desk, "periods-closed")
