"""A secretary runs an event from the desk at 1366×768: publishes it through the form, lands on its page,
downloads its poster with the session alone, voids the printed codes after confirming, and checks in a
member by proxy, found by name, who then shows in the check-in list; every page is axe-clean, and the
event's page still reads on a 390×844 phone."""

import os
from datetime import timedelta

from playwright.sync_api import expect

from app.db import utcnow
from ledger import periods
from tests.factories import PASSWORD
from tests.pages.conftest import PHONE, log_in, serious_violations

SHOTS = os.environ.get("DESK_EVENTS_SHOTS")  # a folder: keep screenshots of each page there


def _clean(page, name: str):
    assert serious_violations(page) == [], page.url
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/deskevents-{name}.png", full_page=True)


def test_a_secretary_publishes_an_event_prints_voids_and_proxies_a_member(make, browser, live_server, desk):
    community = make.community()
    secretary = make.secretary(community)
    member = make.member(community, name="王桂兰")
    today = periods.local(utcnow())
    # Starting now, so that a proxy check-in is already open; ending within the day.
    start = today.replace(second=0, microsecond=0)
    end = min(start + timedelta(hours=2), start.replace(hour=23, minute=59))

    log_in(desk, secretary.phone, PASSWORD, next_path="/desk/events")
    desk.wait_for_url("**/desk/events")
    _clean(desk, "list-empty")
    desk.click("text=发布活动")
    desk.wait_for_url("**/desk/events/new")
    assert desk.locator("select[name=community_id]").input_value() == str(community.id)
    _clean(desk, "new")
    desk.fill("input[name=title]", "文明倡导进小区")
    desk.fill("input[name=category]", "文明倡导")
    desk.select_option("select[name=kind]", "service")
    desk.fill("input[name=place]", "幸福小区广场")
    # On the spot, the secretary's phone gives the fence's centre; the radius takes its default.
    desk.context.grant_permissions(["geolocation"], origin=live_server)
    desk.context.set_geolocation({"latitude": 25.321, "longitude": 118.294})
    desk.click("#use-position")
    # Playwright's own wait, not wait_for_function: a string predicate that has to poll is evaluated in the
    # page, where its Content-Security-Policy forbids eval (a flaky failure whenever the position came late).
    expect(desk.locator("#latitude")).not_to_have_value("")
    assert (desk.input_value("#latitude"), desk.input_value("#longitude")) == ("25.321000", "118.294000")
    assert desk.input_value("#radius_m") == "300"
    desk.fill("input[name=starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
    desk.fill("input[name=ends_at]", end.strftime("%Y-%m-%dT%H:%M"))
    desk.click("button[type=submit].primary")
    desk.wait_for_url("**/desk/events/*")
    event_id = desk.url.rstrip("/").rsplit("/", 1)[1]
    assert event_id.isdecimal() and "活动已发布" in desk.content()
    assert "300 米以内" in desk.content()
    _clean(desk, "event")

    # The poster link, fetched with nothing but the page's session cookie.
    href = desk.locator("a", has_text="A4 海报").get_attribute("href")
    poster = desk.request.get(href)
    assert poster.status == 200 and poster.body().startswith(b"%PDF")

    desk.check("input[name=confirm]")
    desk.click(".void-form button[type=submit]")
    desk.wait_for_url(f"**/desk/events/{event_id}#codes")
    assert "旧码已作废" in desk.content()

    desk.fill("input[name=q]", "王桂")
    desk.click("#proxy button:has-text('查找')")
    desk.locator(f'[data-found-member-id="{member.id}"] input').check()
    desk.fill("textarea[name=reason]", "老人没有智能手机")
    desk.click("#proxy button:has-text('代签到')")
    assert desk.locator("[data-proxy-status]").get_attribute("data-proxy-status") == "created"
    row = desk.locator(f'#checkins [data-member-id="{member.id}"]')
    assert row.get_attribute("data-proxy") == "true" and "王桂兰" in row.inner_text()
    _clean(desk, "event-proxied")

    desk.goto("/desk/events")
    assert desk.locator(f'[data-event-id="{event_id}"] [data-checked-in]').get_attribute("data-checked-in") == "1"
    _clean(desk, "list")

    # The same pages on a phone: the secretary's session in a 390×844 window.
    phone = browser.new_context(base_url=live_server, storage_state=desk.context.storage_state(), **PHONE)
    try:
        page = phone.new_page()
        for path, name in ((f"/desk/events/{event_id}", "phone-event"), ("/desk/events/new", "phone-new")):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            _clean(page, name)
    finally:
        phone.close()
