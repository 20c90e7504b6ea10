"""A member's evening on the phone: log in, see the figures, read an entry's explanation, log a visit,
sign up for an event, ask for leave, read a notice, change the password, log out for good."""

from datetime import UTC, datetime, timedelta

from app.auth.models import Account
from app.db import utcnow
from app.extensions import db
from app.notices import operations as notices
from tests.factories import PASSWORD
from tests.pages.conftest import PHONE, log_in, serious_violations
from tests.points.conftest import Ledger


def _no_serious_violations(page):
    assert serious_violations(page) == [], page.url


def test_a_member_goes_through_their_pages_on_a_phone_and_logs_out_for_good(app, make, browser, live_server, phone):
    community = make.community()
    secretary = make.secretary(community)
    member = make.member(community)
    household = make.household(community, member, hardship=True)
    ledger = Ledger(app, make)
    entry = ledger.checkin(member, make.event(community, kind="service", title="本月政策宣讲"))
    ledger.decide(secretary, entry)
    soon = datetime.now(UTC) + timedelta(days=3)
    return_day = make.event(community, title="下次回家日", starts_at=soon + timedelta(days=1))
    clinic = make.event(make.community(), kind="service", title="义诊服务", capacity=20, starts_at=soon)
    with app.app_context():
        notice = notices.publish(
            db.session.get(Account, secretary.id),
            title="回家日提醒",
            body="请带好党员证。",
            community_id=community.id,
            now=utcnow(),
        )
        notice_id = notice.id

    log_in(phone, member.phone, PASSWORD)
    phone.wait_for_url("**/me")
    figure = phone.locator("[data-points-month]")
    assert int(figure.get_attribute("data-points-month")) > 0
    assert phone.locator("[data-duty-met]").get_attribute("data-duty-met") == "true"
    assert "下次回家日" in phone.content() and "回家日提醒" in phone.content()
    _no_serious_violations(phone)

    phone.click("nav.menu >> text=我的积分")
    row = phone.locator(f'[data-entry-id="{entry}"]')
    assert row.get_attribute("data-state") == "posted" and "本月政策宣讲" in row.inner_text()
    _no_serious_violations(phone)

    phone.click("nav.menu >> text=我的联系户")
    card = phone.locator(f'[data-household-id="{household.id}"]')
    card.locator("summary").click()
    card.locator("label.choice", has_text="困难群众").click()
    card.locator("textarea[name=note]").fill("老人身体好些了")
    card.locator("button[type=submit]").click()
    assert phone.locator("[data-visit-status]").get_attribute("data-visit-status") == "created"
    _no_serious_violations(phone)

    phone.click("nav.menu >> text=活动")
    phone.locator(f'[data-event-id="{clinic.id}"] button[type=submit]').click()
    assert phone.locator("[data-signup-status]").get_attribute("data-signup-status") == "signed_up"
    assert "您已报名" in phone.locator(f'[data-event-id="{clinic.id}"]').inner_text()
    _no_serious_violations(phone)

    phone.click("nav.menu >> text=首页")
    assert phone.locator("[data-event-id]").first.get_attribute("data-event-id") == str(return_day.id)
    phone.click("text=不能参加？点这里请假")
    phone.fill("textarea[name=reason]", "那天要去医院复查")
    phone.click("text=提交请假")
    assert phone.locator("[data-leave-status]").get_attribute("data-leave-status") == "requested"
    _no_serious_violations(phone)

    phone.click("nav.menu >> text=通知")
    assert phone.locator(f'[data-notice-id="{notice_id}"]').get_attribute("data-read") == "false"
    _no_serious_violations(phone)
    phone.click(f'[data-notice-id="{notice_id}"] a')
    assert "请带好党员证。" in phone.content()
    _no_serious_violations(phone)
    phone.click("text=返回通知列表")
    assert phone.locator(f'[data-notice-id="{notice_id}"]').get_attribute("data-read") == "true"

    phone.click("text=首页")
    phone.click("text=修改密码")
    _no_serious_violations(phone)
    phone.fill("input[name=password]", PASSWORD)
    phone.fill("input[name=new_password]", "my-own-pass-9")
    phone.fill("input[name=new_password_again]", "my-own-pass-9")
    phone.click("text=确认修改")
    phone.wait_for_url("**/me")
    assert "密码已修改" in phone.content()

    cookies = phone.context.cookies()
    phone.click("input.logout")
    phone.wait_for_url("**/login")
    assert "您已退出登录" in phone.content()
    again = browser.new_context(base_url=live_server, **PHONE)
    try:
        again.add_cookies(cookies)
        old = again.new_page()
        old.goto("/me")
        assert "/login" in old.url
    finally:
        again.close()
