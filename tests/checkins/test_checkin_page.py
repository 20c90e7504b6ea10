"""/c/{token}, the page a phone opens from the code, and the hall's screen that renews its code."""

import base64
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from app.auth.models import Account
from app.checkins.models import Checkin
from app.events.models import Event
from app.extensions import db
from app.org.models import CountySettings
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
    return phone.post(
        f"/login?next={path}",
        data={"phone": account.phone, "password": PASSWORD, "csrf_token": _csrf(page.get_data(as_text=True))},
    )


def _form(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _tap(phone, path):
    return phone.post(path, data=_form(phone.get(path).get_data(as_text=True)))


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

    # Opened again, the page says so before any tap, and offers no button to tap.
    again = phone.get(path).get_data(as_text=True)
    assert _status(again) == "already" and "<button" not in again
    assert _checkins(app) == 1


def test_a_tap_without_the_pages_csrf_token_checks_nobody_in_and_goes_to_login_and_back(app, phone, hall, printed):
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.member.account, path)
    lost = phone.post(path, data={})
    assert lost.status_code == 302 and lost.location == f"/login?next={path}"
    assert _checkins(app) == 0


def test_a_tap_after_the_session_was_lost_goes_to_login_and_back_to_the_same_code(app, phone, hall, printed):
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.member.account, path)
    form = _form(phone.get(path).get_data(as_text=True))
    phone.delete_cookie("session")
    lost = phone.post(path, data=form)
    assert lost.status_code == 302 and lost.location == f"/login?next={path}"
    assert _checkins(app) == 0


@pytest.mark.parametrize(
    "code, status, words",
    [
        (lambda c: c.screen(c.hall.event, seconds=-5), "token_expired", "过期"),
        (lambda c: c.printed(c.hall.event, key_version=0), "token_revoked", "作废"),
        (lambda c: "not-a-real-code", "invalid_token", "二维码无效"),
    ],
)
def test_a_bad_voided_or_expired_code_says_so_before_the_tap_with_no_button(
    phone, hall, printed, screen, code, status, words
):
    path = f"/c/{code(SimpleNamespace(hall=hall, printed=printed, screen=screen))}"
    _log_in(phone, hall.member.account, path)
    page = phone.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and _status(html) == status and words in html and "<button" not in html


def test_a_code_that_fails_between_opening_and_the_tap_is_refused_after_it(app, phone, hall, printed):
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.member.account, path)
    form = _form(phone.get(path).get_data(as_text=True))
    with app.app_context():
        db.session.get(Event, hall.event.id).key_version = 2
        db.session.commit()
    refused = phone.post(path, data=form)
    assert refused.status_code == 410 and _status(refused.get_data(as_text=True)) == "token_revoked"
    assert _checkins(app) == 0


def test_the_page_shows_the_events_time_in_beijing_and_when_check_in_opens(make, phone, hall, printed):
    later = make.event(
        hall.community,
        kind="service",
        title="义诊",
        starts_at=datetime(2030, 5, 18, 1, 0, tzinfo=UTC),
        hours=2,
    )
    path = f"/c/{printed(later)}"
    _log_in(phone, hall.member.account, path)
    html = phone.get(path).get_data(as_text=True)
    assert "5月18日 星期六 09:00–11:00" in html and "签到 08:30 开始" in html and html.count("<button") == 1
    assert "data-checkin-status" not in html


def test_after_the_tap_the_page_shows_the_points_and_whether_they_wait_for_audit(make, phone, hall, printed):
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.member.account, path)
    assert "获得 5 积分，已计入" in _tap(phone, path).get_data(as_text=True)

    own = make.event(hall.community, kind="service", title="书记自己的活动")
    secretary = make.secretary(hall.community, member=make.member(hall.community, with_account=False))
    path = f"/c/{printed(own)}"
    _log_in(phone, secretary, path)
    html = _tap(phone, path).get_data(as_text=True)
    assert _status(html) == "checked_in" and "待社区书记审核后计入" in html and 'href="/me"' in html


def test_the_tap_and_its_answer_are_one_transaction(app, phone, hall, printed):
    """The answer's points are read in the check-in's own transaction, not in a second one after its commit."""
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.member.account, path)
    form = _form(phone.get(path).get_data(as_text=True))
    with app.app_context():
        engine = db.engine
    begun = []
    listener = lambda _conn: begun.append(1)  # noqa: E731
    event.listen(engine, "begin", listener)
    try:
        html = phone.post(path, data=form).get_data(as_text=True)
    finally:
        event.remove(engine, "begin", listener)
    assert _status(html) == "checked_in" and "获得 5 积分，已计入" in html
    assert len(begun) == 1


def test_a_check_in_past_the_months_cap_says_it_is_recorded_without_points(app, make, phone, hall, printed):
    with app.app_context():
        db.session.add(CountySettings(month_cap=5))
        db.session.commit()
    _log_in(phone, hall.member.account, f"/c/{printed(hall.event)}")
    assert "获得 5 积分，已计入" in _tap(phone, f"/c/{printed(hall.event)}").get_data(as_text=True)
    path = f"/c/{printed(make.event(hall.community, title='第二场'))}"
    html = _tap(phone, path).get_data(as_text=True)
    assert _status(html) == "checked_in" and "本月积分已达上限，记录保留，不计分。" in html
    assert "获得 0 积分" not in html
    again = phone.get(path).get_data(as_text=True)  # opened again, the page says the same before any tap
    assert _status(again) == "already" and "本月积分已达上限" in again


def test_an_event_of_another_community_says_it_does_not_count_for_the_quarterly_duty(make, phone, hall, printed):
    elsewhere = make.event(make.community(), kind="service", title="邻社区义诊")
    for path in (f"/c/{printed(elsewhere)}", f"/c/{printed(hall.event)}"):
        _log_in(phone, hall.member.account, path)
        shown = "不算您本季度回居住社区报到" in phone.get(path).get_data(as_text=True)
        assert shown == (path.endswith(printed(elsewhere)))


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
    assert datetime.fromisoformat(body["expires_at"]) - datetime.now(UTC) <= timedelta(seconds=60)
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
    form = _form(phone.get(path).get_data(as_text=True))
    refused = phone.post(path, data={**form, "idempotency_key": "key\x00"})
    assert refused.status_code == 400 and _status(refused.get_data(as_text=True)) == "invalid_idempotency_key"
    assert _checkins(app) == 0


def test_an_account_suspended_while_logged_in_is_told_before_the_tap_and_its_tap_checks_nobody_in(
    app, phone, hall, printed
):
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.member.account, path)
    form = _form(phone.get(path).get_data(as_text=True))
    with app.app_context():
        db.session.get(Account, hall.member.account.id).suspended = True
        db.session.commit()
    page = phone.get(path).get_data(as_text=True)
    assert _status(page) == "not_allowed" and "<button" not in page
    refused = phone.post(path, data=form)
    assert refused.status_code == 403 and _status(refused.get_data(as_text=True)) == "not_allowed"
    assert _checkins(app) == 0


def test_a_secretary_without_a_member_record_is_told_the_page_is_for_members(app, phone, hall, printed):
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.secretary, path)
    page = phone.get(path).get_data(as_text=True)
    assert _status(page) == "not_allowed" and "<button" not in page
    assert _checkins(app) == 0
