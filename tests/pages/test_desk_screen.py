"""The hall's screen, the desk's notices and leave in a real browser: a member checks in from their own phone
and appears on the secretary's 1080p screen within 10 seconds; the screen says when the network drops and
recovers by itself; a notice published on the desk is read on the phone; a leave is approved."""

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from app.auth.models import Account
from app.db import utcnow
from app.extensions import db
from app.leave import operations as leave_operations
from tests.factories import PASSWORD
from tests.pages.conftest import DESK, log_in, serious_violations

HALL = {**DESK, "viewport": {"width": 1920, "height": 1080}}


def _ask_leave(app, member, event) -> int:
    with app.app_context():
        leave, _ = leave_operations.request_leave(
            db.session.get(Account, member.account.id), event.id, "外出学习", utcnow()
        )
        return leave.id


def test_a_check_in_shows_on_the_screen_a_lost_network_recovers_a_notice_is_read_and_leave_approved(
    app, make, browser, live_server, new_phone
):
    community = make.community(name="桃源社区")
    secretary = make.secretary(community)
    member = make.member(community, name="王建国")
    for i in range(40):
        make.member(community, name=f"党员{i:02d}")
    event = make.event(community, title="十二月回家日")
    next_month = make.event(community, title="一月回家日", starts_at=datetime.now(UTC) + timedelta(days=30))
    screen_path = f"/events/{event.id}/screen"

    context = browser.new_context(base_url=live_server, **HALL)
    context.set_default_timeout(10_000)
    hall = context.new_page()
    log_in(hall, secretary.phone, PASSWORD, next_path=screen_path)
    hall.wait_for_url(f"**{screen_path}")
    count = hall.locator("[data-checked-in-count]")
    expect(count).to_have_attribute("data-checked-in-count", "0")
    expect(hall.locator("[data-member-id]")).to_have_count(41)
    assert serious_violations(hall) == []

    url = hall.request.get(f"{screen_path}/code.json").json()["url"]
    phone = new_phone()
    path = url.removeprefix(live_server)
    log_in(phone, member.phone, PASSWORD, next_path=path)
    phone.wait_for_url(f"**{path}")
    phone.click("button[type=submit]")
    assert phone.locator("[data-checkin-status]").get_attribute("data-checkin-status") == "checked_in"

    expect(count).to_have_attribute("data-checked-in-count", "1", timeout=10_000)
    expect(hall.locator(f"[data-member-id='{member.id}']")).to_have_attribute("data-checked-in", "true")
    expect(hall.locator("#recent")).to_contain_text("王建国")

    stale = hall.locator("#stale")
    expect(stale).to_be_hidden()
    context.set_offline(True)
    expect(stale).to_be_visible(timeout=10_000)
    expect(stale).to_contain_text("网络中断，正在重新连接")
    context.set_offline(False)
    expect(stale).to_be_hidden(timeout=10_000)

    desk = context.new_page()
    desk.set_viewport_size(DESK["viewport"])
    desk.goto("/desk/notices")
    assert serious_violations(desk) == []
    desk.fill("input[name=title]", "一月回家日安排")
    desk.fill("textarea[name=body]", "一月回家日上午九点在社区党群服务中心集合。")
    desk.click("button[type=submit].primary")
    expect(desk.locator("[data-notice-status]")).to_have_attribute("data-notice-status", "published")
    assert serious_violations(desk) == []
    phone.goto("/me/notices")
    expect(phone.locator("[data-notice-id]").filter(has_text="一月回家日安排")).to_have_count(1)

    leave_id = _ask_leave(app, member, next_month)
    desk.goto("/desk/leave")
    row = desk.locator(f"tr[data-leave-id='{leave_id}']")
    expect(row).to_have_attribute("data-leave-state", "pending")
    assert serious_violations(desk) == []
    row.locator("button[value=approve]").click()
    expect(desk.locator("[data-leave-decision]")).to_have_attribute("data-leave-decision", "approved")
    expect(desk.locator(f"tr[data-leave-id='{leave_id}']")).to_have_attribute("data-leave-state", "approved")
    context.close()
