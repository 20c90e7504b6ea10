"""One resident's need in real browsers (群众点单 → 联盟派单 → 支部接单 → 大众评单): the resident's form on a
phone, the community's secretary dispatching to a work unit, the unit's secretary assigning a member on
their phone, the member marking it done, the resident rating it with the code they were shown once, and the
secretary approving the entry it wrote, which the member then sees posted, and the done order on the public
board (nothing private on it). axe on every page."""

from app.catalogue.models import ServiceCategory
from app.extensions import db
from tests.factories import PASSWORD
from tests.pages.conftest import log_in, serious_violations


def _clean(page):
    assert serious_violations(page) == [], page.url


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_a_need_goes_from_the_public_form_to_a_posted_entry(app, make, desk, new_phone, ledger_verifies):
    community = make.community("桃源社区")
    unit = make.unit("县教育局")
    zhang = make.member(community, unit, name="张明")
    secretary = make.secretary(community)
    unit_secretary = make.secretary(unit=unit)
    with app.app_context():
        db.session.add(ServiceCategory(name="助老助残", position=1))
        db.session.commit()

    resident = new_phone()
    resident.goto(f"/n/{community.id}")
    _clean(resident)
    _fits(resident)
    resident.fill("input[name=resident_name]", "赵阿婆")
    resident.fill("input[name=resident_phone]", "13712345678")
    resident.select_option("select[name=grid_id]", label="第1网格")
    resident.select_option("select[name=category_id]", label="助老助残")
    resident.fill("textarea[name=content]", "家里水管漏水，想请人帮忙看看")
    resident.click("button[type=submit]")
    code = resident.locator("[data-need-code]").get_attribute("data-need-code")
    need_id = resident.locator("[data-need-id]").get_attribute("data-need-id")
    assert code and "请记下" in resident.content()
    _clean(resident)
    _fits(resident)
    resident.click("text=查看办理进度")
    resident.wait_for_url(f"**/n/{community.id}/t/{need_id}?code={code}")
    track = resident.url
    assert resident.locator("[data-need-status]").get_attribute("data-need-status") == "received"
    _clean(resident)

    log_in(desk, secretary.phone, PASSWORD)
    desk.wait_for_url("**/desk")
    desk.click("nav.desk-menu >> text=群众点单")
    desk.wait_for_url("**/desk/needs")
    assert desk.locator('[data-count="received"]').inner_text() == "1"
    _clean(desk)
    desk.click(f"text=第{need_id}号")
    desk.wait_for_url(f"**/desk/needs/{need_id}")
    assert "13712345678" in desk.content()
    _clean(desk)
    desk.select_option("select[name=unit_id]", label="县教育局")
    desk.click("button[value=dispatch]")
    assert desk.locator("[data-need-status]").first.get_attribute("data-need-status") == "dispatched"
    _clean(desk)

    unit_phone = new_phone()
    log_in(unit_phone, unit_secretary.phone, PASSWORD, next_path="/desk/needs")
    unit_phone.wait_for_url("**/desk/needs")
    _clean(unit_phone)
    _fits(unit_phone)
    unit_phone.click(f"text=第{need_id}号")
    unit_phone.locator(f'[data-member-id="{zhang.id}"]').click()
    unit_phone.click("button[value=assign]")
    assert unit_phone.locator("[data-need-status]").first.get_attribute("data-need-status") == "taken"
    _clean(unit_phone)
    _fits(unit_phone)

    member = new_phone()
    log_in(member, zhang.phone, PASSWORD)
    member.wait_for_url("**/me")
    member.click("nav.links >> text=群众点单")
    member.wait_for_url("**/me/needs")
    served = member.locator(f'[data-need-id="{need_id}"]')
    assert served.get_attribute("data-need-status") == "taken" and "13712345678" in served.inner_text()
    _clean(member)
    served.locator("summary").click()
    served.locator("textarea[name=note]").fill("已上门换好水管")
    served.locator("button[type=submit]").click()
    assert member.locator("[data-done-status]").get_attribute("data-done-status") == "done"
    _clean(member)
    _fits(member)

    resident.goto(track)
    assert resident.locator("[data-need-status]").get_attribute("data-need-status") == "done"
    assert "已上门换好水管" in resident.content()
    _clean(resident)
    resident.locator("input[name=stars][value='5']").check()
    resident.fill("textarea[name=comment]", "很及时，谢谢")
    resident.click("button[type=submit]")
    assert resident.locator("[data-rating-status]").get_attribute("data-rating-status") == "rated"
    assert resident.locator("[data-need-status]").get_attribute("data-need-status") == "closed"
    _clean(resident)

    desk.click("nav.desk-menu >> text=积分审核")
    desk.wait_for_url("**/desk/audit")
    row = desk.locator("[data-entry-id]", has_text="张明")
    entry_id = row.get_attribute("data-entry-id")
    assert "群众点单" in row.inner_text()
    _clean(desk)
    row.locator("label.tick").click()
    desk.click("button[value=approve]")
    assert desk.locator("[data-done]").get_attribute("data-done") == "1"

    member.goto("/me/points")
    assert member.locator(f'[data-entry-id="{entry_id}"]').get_attribute("data-state") == "posted"
    assert "助老助残" in member.locator(f'[data-entry-id="{entry_id}"]').inner_text()
    _clean(member)
    ledger_verifies()

    resident.goto("/board")
    resident.get_by_role("link", name="群众点单").click()
    resident.wait_for_url("**/board/needs**")
    order = resident.locator(f'tr[data-need-id="{need_id}"]')
    assert "县教育局" in order.inner_text() and order.get_attribute("data-rating") == "5"
    assert "赵阿婆" not in resident.content() and "13712345678" not in resident.content()
    _clean(resident)
    _fits(resident)
