"""The check-in link as a member's phone opens it: log in from the link, one tap, checked in once."""

from sqlalchemy import func, select

from app.checkins.models import Checkin
from app.events import codes as tokens
from app.extensions import db
from tests.factories import PASSWORD
from tests.pages.conftest import log_in, serious_violations


def test_a_member_opens_the_code_logs_in_taps_and_is_checked_in_once_on_a_phone(app, make, phone):
    community = make.community()
    member = make.member(community)
    event = make.event(community, title="十一月回家日")
    path = f"/c/{tokens.printed(app.config['SECRET_KEY'], event.id, 1)}"

    phone.goto(path)
    assert phone.url.endswith(f"/login?next={path}")
    assert serious_violations(phone) == []
    log_in(phone, member.phone, PASSWORD, next_path=path)
    phone.wait_for_url(f"**{path}")
    assert "十一月回家日" in phone.content()
    assert serious_violations(phone) == []

    phone.click("button[type=submit]")
    assert phone.locator("[data-checkin-status]").get_attribute("data-checkin-status") == "checked_in"
    phone.reload()
    # Opened again, the page says so before any tap.
    assert phone.locator("[data-checkin-status]").get_attribute("data-checkin-status") == "already"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Checkin)) == 1
