"""A secretary runs the month's 议事日 at the desk (1366×768): moves the day to today, ticks who attended,
raises an agenda item and carries it through 商议 and 践议 to 议评, then reads its history; every page
axe-clean, and the desk page still reads on a 390×844 phone."""

import os

from app.db import utcnow
from app.extensions import db
from app.org.models import Unit
from ledger import periods
from scheduler.jobs import JOBS
from tests.factories import PASSWORD
from tests.pages.conftest import PHONE, log_in, serious_violations

SHOTS = os.environ.get("DELIBERATION_SHOTS")  # a folder: keep screenshots of each page there


def _clean(page, name: str):
    assert serious_violations(page) == [], page.url
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/deliberation-{name}.png", full_page=True)


def test_a_secretary_moves_the_day_ticks_attendance_and_carries_an_item_to_its_evaluation(
    app, make, browser, live_server, desk
):
    community = make.community("花石社区")
    unit = make.unit("县委组织部")
    secretary = make.secretary(community)
    resident = make.member(community, name="林秀英")
    make.member(make.community(), unit=unit, name="黄文山")
    with app.app_context():
        db.session.get(Unit, unit.id).community_id = community.id
        db.session.commit()
        JOBS["deliberation_days"].run(utcnow())
    today = periods.local(utcnow()).date().isoformat()

    log_in(desk, secretary.phone, PASSWORD, next_path="/desk/deliberation")
    desk.wait_for_url("**/desk/deliberation")
    _clean(desk, "month")

    desk.fill("input[name=on]", today)
    desk.click("button:has-text('改期')")
    assert desk.locator("[data-deliberation-outcome]").get_attribute("data-deliberation-outcome") == "done"
    assert desk.locator("[data-day-on]").get_attribute("data-day-on") == today

    desk.locator(f'[data-member-id="{resident.id}"] input').check()
    desk.click("button:has-text('保存出席名单')")
    assert desk.locator("[data-attended]").get_attribute("data-attended") == "1"
    assert desk.locator(f'[data-member-id="{resident.id}"]').get_attribute("data-present") == "true"

    desk.click("summary:has-text('登记新议题')")
    desk.fill("input[name=title]", "老旧小区加装电梯")
    desk.fill("input[name=raised_by]", "居民代表王阿姨")
    desk.fill("textarea[name=detail]", "三栋居民联名提出")
    desk.click("button:has-text('登记议题')")
    item = desk.locator('[data-stage="proposed"]').first
    item_id = item.get_attribute("data-item-id")
    _clean(desk, "item-raised")

    for stage, note in (
        ("deliberated", "议事会商议通过"),
        ("implemented", "结对单位出资落实"),
        ("evaluated", "居民评议"),
    ):
        row = desk.locator(f'[data-item-id="{item_id}"]')
        row.locator("summary").click()
        form = row.locator(f'form[data-advance-to="{stage}"]')
        form.locator("textarea[name=note]").fill(note)
        if stage == "evaluated":
            form.locator("select[name=result]").select_option("satisfied")
        form.locator("select[name=day_id]").select_option(index=1)
        form.locator("button[type=submit]").click()
        assert desk.locator("[data-deliberation-outcome]").get_attribute("data-deliberation-outcome") == "done"
        assert desk.locator(f'[data-item-id="{item_id}"]').get_attribute("data-stage") == stage
    assert desk.locator(f'[data-item-id="{item_id}"] [data-result]').get_attribute("data-result") == "satisfied"
    _clean(desk, "evaluated")

    desk.click("a:has-text('老旧小区加装电梯')")
    desk.wait_for_url(f"**/desk/deliberation/items/{item_id}")
    assert [s.get_attribute("data-step") for s in desk.locator("[data-step]").all()] == [
        "proposed",
        "deliberated",
        "implemented",
        "evaluated",
    ]
    assert "结对单位出资落实" in desk.content()
    _clean(desk, "history")

    phone = browser.new_context(base_url=live_server, **PHONE).new_page()
    phone.context.add_cookies(desk.context.cookies())
    phone.goto("/desk/deliberation")
    _clean(phone, "phone")
