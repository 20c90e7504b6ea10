"""/c/{token}, the page a phone opens from the code, and the hall's screen that renews its code."""
import base64
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.checkins.models import Checkin
from app.extensions import db
from tests.factories import PASSWORD


@pytest.fixture
def phone(app):
    """A browser with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _status(html: str) -> str:
    return re.search(r'data-checkin-status="([^"]+)"', html).group(1)


def _log_in(phone, account, path):
    page = phone.get(f"/login?next={path}")
    return phone.post(f"/login?next={path}", data={"phone": account.phone, "password": PASSWORD,
                                                   "csrf_token": _csrf(page.get_data(as_text=True))})


def _tap(phone, path):
    page = phone.get(path).get_data(as_text=True)
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return phone.post(path, data=form)


def _checkins(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin))


def test_a_member_scans_logs_in_taps_once_and_is_checked_in_once(app, phone, hall, printed):
    path = f"/c/{printed(hall.event)}"
    first = phone.get(path)
    assert first.status_code == 302 and first.location == f"/login?next={path}"

    logged_in = _log_in(phone, hall.member.account, path)
    assert logged_in.status_code == 302 and logged_in.location == path

    page = phone.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<button") == 1 and hall.event.title in html
    assert _checkins(app) == 0  # opening the link (or a link preview) checks nobody in

    tapped = _tap(phone, path)
    assert tapped.status_code == 200 and _status(tapped.get_data(as_text=True)) == "checked_in"
    assert "签到成功" in tapped.get_data(as_text=True)

    again = _tap(phone, path)
    assert _status(again.get_data(as_text=True)) == "already"
    assert _checkins(app) == 1


def test_a_tap_without_the_pages_csrf_token_checks_nobody_in(app, phone, hall, printed):
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.member.account, path)
    assert phone.post(path, data={}).status_code == 400
    assert _checkins(app) == 0


def test_a_refusal_shows_its_code_in_chinese(app, phone, hall, screen):
    path = f"/c/{screen(hall.event, seconds=-5)}"
    _log_in(phone, hall.member.account, path)
    refused = _tap(phone, path)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 410 and _status(html) == "token_expired" and "过期" in html


def test_a_bogus_code_is_refused_on_the_page(phone, hall):
    _log_in(phone, hall.member.account, "/c/x")
    assert _status(_tap(phone, "/c/not-a-real-code").get_data(as_text=True)) == "invalid_token"


def test_what_a_secretary_typed_is_shown_escaped(make, phone, hall, printed):
    event = make.event(hall.community, kind="service", title='<script>alert("x")</script>', place="<b>礼堂</b>")
    path = f"/c/{printed(event)}"
    _log_in(phone, hall.member.account, path)
    for html in (phone.get(path).get_data(as_text=True), _tap(phone, path).get_data(as_text=True)):
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html and "<b>礼堂" not in html


def test_the_hall_screen_shows_a_code_that_renews_and_works(phone, hall, scan):
    path = f"/events/{hall.event.id}/screen"
    assert phone.get(path).status_code == 302
    _log_in(phone, hall.secretary, path)
    page = phone.get(path).get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page and "请用微信扫一扫签到" in page and "/static/screen.js" in page
    with phone.get("/static/screen.js") as script:
        assert "setTimeout" in script.text

    code = phone.get(f"/events/{hall.event.id}/screen/code.json")
    assert code.headers["Cache-Control"] == "no-store"
    body = code.get_json()
    assert datetime.fromisoformat(body["expires_at"]) - datetime.now(timezone.utc) <= timedelta(seconds=60)
    assert base64.b64decode(body["image"].split(",", 1)[1]).startswith(b"<?xml")
    assert scan(hall.member.account, body["token"]).status_code == 201


def test_only_the_events_secretary_or_an_admin_may_show_the_screen(make, phone, hall):
    path = f"/events/{hall.event.id}/screen"
    _log_in(phone, hall.member.account, path)
    assert phone.get(path).status_code == 403
    assert phone.get(f"/events/{hall.event.id}/screen/code.json").status_code == 403


def test_a_forged_key_with_a_nul_character_checks_nobody_in(app, phone, hall, printed):
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.member.account, path)
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', phone.get(path).get_data(as_text=True)))
    refused = phone.post(path, data={**form, "idempotency_key": "key\x00"})
    assert refused.status_code == 400 and _status(refused.get_data(as_text=True)) == "invalid_idempotency_key"
    assert _checkins(app) == 0
