"""The county office sets up at a desk: names a secretary for a community (who logs in with the one-time
password and lands on their home), changes a rule for next month and sees this month's points unchanged;
/office/org, /office/accounts and /office/rules pass axe."""

from urllib.parse import urlsplit

from app.db import utcnow
from app.extensions import db
from app.points.models import EntryStatus
from ledger import periods
from tests.factories import PASSWORD, earn
from tests.pages.conftest import log_in, serious_violations


def _no_serious_violations(page):
    assert serious_violations(page) == [], page.url


def test_an_admin_names_a_secretary_and_changes_a_rule_for_next_month(app, make, desk, new_phone, fresh_rankings):
    community = make.community("桃东社区")
    admin = make.admin()
    member = make.member(community, name="李明")
    this_month = periods.month_of(utcnow())
    (entry,) = earn(app, member, "return_day", period=this_month, now=utcnow())

    log_in(desk, admin.phone, PASSWORD, next_path="/office/org")
    desk.wait_for_url("**/office/org")
    assert desk.locator(f'[data-community-id="{community.id}"]').is_visible()
    _no_serious_violations(desk)

    desk.click("nav.office-menu >> text=账号")
    desk.wait_for_url("**/office/accounts")
    _no_serious_violations(desk)
    form = desk.locator("form", has=desk.locator("input[name=action][value=name_secretary]"))
    form.locator("select[name=scope]").select_option(f"community:{community.id}")
    form.locator("input[name=phone]").fill("13955556666")
    form.locator("input[name=name]").fill("陈书记")
    form.locator("button[type=submit]").click()
    assert desk.locator("[data-office-status]").get_attribute("data-office-status") == "done"
    password = desk.locator("[data-one-time-password]").get_attribute("data-one-time-password")
    assert password and password in desk.locator(".one-time").inner_text()
    _no_serious_violations(desk)

    secretary = new_phone()
    log_in(secretary, "13955556666", password)
    secretary.wait_for_url("**/me/password*")
    secretary.fill("input[name=password]", password)
    secretary.fill("input[name=new_password]", "chen-2026-new")
    secretary.fill("input[name=new_password_again]", "chen-2026-new")
    secretary.click("button[type=submit]")
    secretary.wait_for_load_state()
    assert urlsplit(secretary.url).path in ("/", "/desk")
    assert "陈书记" in secretary.locator("header").inner_text()

    desk.click("nav.office-menu >> text=积分规则")
    desk.wait_for_url("**/office/rules")
    _no_serious_violations(desk)
    row = desk.locator('[data-rule-code="checkin.return_day"]')
    row.locator("summary").click()
    next_month = periods.next_month(this_month)
    row.locator("select[name=from_month]").select_option(next_month)
    row.locator("input[name=points]").fill("8")
    row.locator("button[type=submit]").click()
    assert desk.locator("[data-office-status]").get_attribute("data-office-status") == "done"
    row = desk.locator('[data-rule-code="checkin.return_day"]')
    assert row.get_attribute("data-points") == "5"
    assert row.locator('[data-version-state="future"]').inner_text().startswith("8 分")
    _no_serious_violations(desk)

    desk.goto(f"/board?period={this_month}")
    assert (
        "李明" in desk.locator('[data-rank="1"]').inner_text() and "5" in desk.locator('[data-rank="1"]').inner_text()
    )
    with app.app_context():
        assert db.session.get(EntryStatus, entry).points == 5
