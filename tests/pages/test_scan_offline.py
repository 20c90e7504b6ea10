"""The offline-tolerant scan on a phone: a tap the network loses is kept, sent when the network returns, and
counts once however often the page is opened again; and a screen code that expires during login still works."""

import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.checkins.models import Checkin
from app.events import codes as tokens
from app.extensions import db
from tests.factories import PASSWORD
from tests.pages.conftest import log_in, serious_violations

SAVED = "已保存，联网后自动提交"


def _checkins(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin))


def _status(page) -> str:
    return page.locator("[data-checkin-status]").get_attribute("data-checkin-status")


def test_a_tap_with_the_network_cut_is_kept_and_counts_once_when_the_network_returns(app, make, phone):
    community = make.community()
    member = make.member(community)
    event = make.event(community, title="十二月回家日")
    path = f"/c/{tokens.printed(app.config['SECRET_KEY'], event.id, 1)}"
    log_in(phone, member.phone, PASSWORD, next_path=path)
    phone.wait_for_url(f"**{path}")
    assert serious_violations(phone) == []

    phone.context.set_offline(True)
    phone.click("button[type=submit]")
    phone.get_by_text(SAVED).wait_for()
    assert _checkins(app) == 0
    assert serious_violations(phone) == []

    phone.context.set_offline(False)
    phone.locator("[data-checkin-status=checked_in]").wait_for()
    assert "获得" in phone.content() and _checkins(app) == 1
    assert serious_violations(phone) == []

    phone.reload()
    assert _status(phone) == "already"
    phone.wait_for_timeout(300)  # room for any replay the reload might (wrongly) send
    assert _checkins(app) == 1
    assert phone.evaluate("localStorage.getItem('checkin-queue/v1')") == "[]"
    assert serious_violations(phone) == []


def test_a_screen_code_that_expires_during_login_still_checks_the_member_in(app, make, phone, new_phone):
    app.config["ROTATING_TOKEN_SECONDS"] = 3
    community = make.community()
    member, secretary = make.member(community), make.secretary(community)
    event = make.event(community)
    screen = new_phone()
    log_in(screen, secretary.phone, PASSWORD, next_path=f"/events/{event.id}/screen")
    screen.wait_for_url(f"**/events/{event.id}/screen")
    code = screen.evaluate(f"fetch('/events/{event.id}/screen/code.json').then(r => r.json())")

    token = code["token"]
    phone.goto(f"/c/{token}")
    assert "/login?next=" in phone.url
    # A slow first login: the code dies meanwhile.
    left = datetime.fromisoformat(code["expires_at"]) - datetime.now(UTC)
    phone.wait_for_timeout(max(0, left.total_seconds()) * 1000 + 200)
    phone.fill("input[name=phone]", member.phone)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(f"/c/{token}\\?g="))
    phone.click("button[type=submit]")
    phone.locator("[data-checkin-status=checked_in]").wait_for()
    assert _checkins(app) == 1
