"""Self-registration end to end in a real browser: a new member registers on a phone and waits; their
community's secretary confirms on the desk; the member logs in. Then the secretary opens /stats, sees the
chart and downloads the month's report with the session alone."""

from tests.factories import PASSWORD
from tests.pages.conftest import log_in, serious_violations

CHOSEN = "jianguo-2026"


def _clean(page):
    assert serious_violations(page) == [], page.url


def test_a_new_member_registers_on_a_phone_is_confirmed_at_the_desk_and_logs_in(make, phone, desk, new_phone):
    east = make.community("东街社区", grids=3)
    make.community("西街社区")
    unit = make.unit("县教育局")
    secretary = make.secretary(east)

    phone.goto("/register")
    _clean(phone)
    phone.fill("input[name=name]", "陈建国")
    phone.fill("input[name=phone]", "13900000002")
    phone.fill("input[name=password]", CHOSEN)
    phone.select_option("select[name=unit_id]", label="县教育局")
    phone.select_option("select[name=community_id]", label="东街社区")
    phone.select_option("select[name=grid_id]", label="东街社区 第2网格")
    phone.fill("textarea[name=address]", "东街幸福小区3栋201")
    phone.click("button[type=submit]")
    status = phone.locator("[data-register-status]")
    assert status.get_attribute("data-register-status") == "waiting"
    assert "东街社区" in status.inner_text()
    _clean(phone)

    log_in(desk, secretary.phone, PASSWORD)
    desk.wait_for_load_state()
    desk.goto("/desk/registrations")
    row = desk.locator("tr[data-state=waiting]", has_text="陈建国")
    assert "13900000002" in row.inner_text() and "第2网格" in row.inner_text() and unit.name in row.inner_text()
    _clean(desk)
    row.locator("button", has_text="确认").click()
    assert desk.locator("[data-registration-status]").get_attribute("data-registration-status") == "confirmed"
    assert desk.locator("tr[data-state=confirmed]", has_text="陈建国").count() == 1

    member = new_phone()
    log_in(member, "13900000002", CHOSEN)
    member.wait_for_url("**/me")

    desk.click("nav.desk-menu >> text=统计报表")
    chart = desk.locator("svg[role=img]")
    assert chart.is_visible() and "报到率" in chart.get_attribute("aria-label")
    _clean(desk)
    with desk.expect_download() as download:
        desk.locator("a", has_text="积分通报（PDF）").click()
    with open(download.value.path(), "rb") as report:
        assert report.read(4) == b"%PDF"
