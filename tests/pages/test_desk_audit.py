"""A secretary's audit round at the desk in a real browser: log in and land on /desk, approve two entries
at once and reject a third with a reason, reverse a member's entry; every page axe-clean, and the queue
usable on a phone."""

from datetime import UTC, datetime, timedelta

from ledger import periods
from tests.factories import PASSWORD, check_in
from tests.pages.conftest import PHONE, log_in, serious_violations


def _clean(page):
    assert serious_violations(page) == [], page.url


def test_a_secretary_audits_in_bulk_rejects_with_a_reason_and_reverses_an_entry(
    app, make, browser, live_server, desk, ledger_verifies
):
    community = make.community("桃源社区")
    unit = make.unit("县教育局")
    secretary = make.secretary(community)
    zhang, li, chen = (make.member(community, unit, name=n) for n in ("张明", "李华", "陈静"))
    now = datetime.now(UTC)
    starts = max(now - timedelta(hours=2), periods.bounds(periods.month_of(now))[0])
    event = make.event(community, kind="service", title="政策宣讲", starts_at=starts)
    ids = {m.name: check_in(app, m, event, decision="pending") for m in (zhang, li, chen)}

    log_in(desk, secretary.phone, PASSWORD)
    desk.wait_for_url("**/desk")
    assert desk.locator("[data-pending-count]").get_attribute("data-pending-count") == "3"
    _clean(desk)

    desk.click("nav.desk-menu >> text=积分审核")
    desk.wait_for_url("**/desk/audit")
    assert desk.locator("[data-entry-id]").count() == 3
    assert desk.locator("#select-all").is_visible()  # the script shows 全选; without it each box is ticked
    _clean(desk)
    for name in ("张明", "李华"):
        desk.locator(f'[data-entry-id="{ids[name]}"] label.tick').click()
    desk.click("button[value=approve]")
    result = desk.locator("[data-done]")
    assert (result.get_attribute("data-done"), result.get_attribute("data-refused")) == ("2", "0")
    assert desk.locator("[data-entry-id]").count() == 1
    _clean(desk)

    desk.locator(f'[data-entry-id="{ids["陈静"]}"] label.tick').click()
    desk.click("button[value=reject]")
    assert desk.locator("[data-audit-status]").get_attribute("data-audit-status") == "reason_required"
    desk.locator(f'[data-entry-id="{ids["陈静"]}"] input[name=ids]').check()
    desk.fill("textarea[name=reason]", "当天未到现场")
    desk.click("button[value=reject]")
    result = desk.locator("[data-done]")
    assert (result.get_attribute("data-done"), result.get_attribute("data-refused")) == ("1", "0")
    assert "没有待审核的积分" in desk.content()

    desk.click("nav.desk-menu >> text=党员")
    desk.wait_for_url("**/desk/members")
    assert desk.locator("tr[data-member-id]").count() == 3
    _clean(desk)
    desk.click("text=张明")
    desk.wait_for_url(f"**/desk/members/{zhang.id}")
    _clean(desk)
    entry = desk.locator(f'[data-entry-id="{ids["张明"]}"]')
    entry.locator("summary").click()
    entry.locator("textarea[name=reason]").fill("重复登记")
    entry.locator("button[type=submit]").click()
    assert desk.locator("[data-reverse-status]").get_attribute("data-reverse-status") == "reversed"
    assert "重复登记" in desk.content()
    _clean(desk)

    desk.click("nav.desk-menu >> text=季度报到")
    desk.wait_for_url("**/desk/duty")
    met = {m: desk.locator(f'tr[data-member-id="{m.id}"]').get_attribute("data-met") for m in (zhang, li, chen)}
    # Li's approved check-in at home meets the quarter; Zhang's was reversed, Chen's rejected.
    assert met == {zhang: "false", li: "true", chen: "false"}
    _clean(desk)
    ledger_verifies()

    phone = browser.new_context(base_url=live_server, **PHONE).new_page()
    try:
        check_in(app, zhang, make.event(community, kind="service", title="义诊", starts_at=starts), decision="pending")
        log_in(phone, secretary.phone, PASSWORD, next_path="/desk/audit")
        phone.wait_for_url("**/desk/audit")
        tick = phone.locator("[data-entry-id] label.tick").first.bounding_box()
        assert tick["width"] >= 48 and tick["height"] >= 48
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        _clean(phone)
    finally:
        phone.context.close()
