"""Pledges in a real browser: a member writes a pledge and a progress on a phone, their community's secretary
reviews it at a desk, the member sees the review; every page axe-clean."""

import pytest

from app.catalogue.models import ServiceCategory
from app.extensions import db
from tests.factories import PASSWORD, local
from tests.pages.conftest import log_in, serious_violations

NOW = local(2026, 12, 10, 10, 0)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    # Inside the year and its review window, whatever day the suite runs.
    for module in ("app.pledges.pages", "app.desk.pledges"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: NOW)


def _clean(page):
    assert serious_violations(page) == [], page.url


def test_a_member_pledges_and_marks_progress_on_a_phone_and_sees_the_secretarys_review(app, make, phone, desk):
    with app.app_context():
        db.session.add_all([ServiceCategory(name="政策宣传", position=1), ServiceCategory(name="义诊", position=2)])
        db.session.commit()
    community = make.community("桃源社区")
    zhang = make.member(community, name="张明")
    secretary = make.secretary(community)

    log_in(phone, zhang.phone, PASSWORD)
    phone.wait_for_url("**/me")
    phone.click("text=我的承诺")
    phone.wait_for_url("**/me/pledges")
    _clean(phone)
    phone.select_option("#new-category", "义诊")
    phone.fill("#new-text", "参加两次社区健康义诊")
    phone.click("text=保存承诺")
    assert phone.locator("[data-pledge-status]").get_attribute("data-pledge-status") == "added"
    pledge = phone.locator("[data-pledge-id]")
    assert pledge.count() == 1 and "参加两次社区健康义诊" in pledge.inner_text()
    _clean(phone)
    pledge.locator("summary", has_text="记录一次践诺").click()
    pledge.locator("textarea[name=note]").fill("十二月义诊，量血压二十人")
    pledge.locator("button", has_text="记录践诺").click()
    assert phone.locator("[data-pledge-status]").get_attribute("data-pledge-status") == "progressed"
    assert phone.locator("[data-progress-id]").count() == 1
    _clean(phone)

    log_in(desk, secretary.phone, PASSWORD)
    desk.wait_for_url("**/desk")
    desk.click("nav.desk-menu >> text=承诺践诺")
    desk.wait_for_url("**/desk/pledges")
    row = desk.locator(f'tr[data-member-id="{zhang.id}"]')
    assert row.get_attribute("data-reviewed") == "false"
    assert row.locator("[data-pledge-count]").get_attribute("data-pledge-count") == "1"
    _clean(desk)
    row.locator("a", has_text="张明").click()
    desk.wait_for_url(f"**/desk/pledges/{zhang.id}**")
    assert "十二月义诊，量血压二十人" in desk.content()
    _clean(desk)
    desk.check("input[name=grade][value=excellent]")
    desk.fill("textarea[name=comment]", "承诺具体，践诺扎实")
    desk.click("text=保存评议")
    assert desk.locator("[data-review-status]").get_attribute("data-review-status") == "reviewed"
    _clean(desk)

    phone.goto("/me/pledges?year=2026")
    review = phone.locator("[data-review-grade]")
    assert review.get_attribute("data-review-grade") == "excellent"
    assert "承诺具体，践诺扎实" in review.inner_text() and "优秀" in review.inner_text()
    _clean(phone)
