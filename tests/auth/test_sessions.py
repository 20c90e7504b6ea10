"""Sessions end on the server: logout, a password change, a reset; the cookie is HttpOnly, SameSite=Lax,
Secure under https and rolls over 45 days (issue 14, finding 6)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.auth import operations
from app.auth.current import actor, login_session_id
from app.auth.models import LoginSession
from app.events import codes as tokens
from app.extensions import db
from tests.auth.conftest import csrf_token, log_in_page, login
from tests.factories import PASSWORD


@pytest.fixture
def checkin_page(app, make):
    """A page only a logged-in member sees: 200 logged in, a redirect to /login otherwise."""
    event = make.event(make.community())
    return f"/c/{tokens.printed(app.config['SECRET_KEY'], event.id, 1)}"


def _logged_in(client, path) -> bool:
    status = client.get(path).status_code
    assert status in (200, 302)
    return status == 200


def _copy_cookie(source, browser):
    """A second browser holding the first one's session cookie, as a thief who copied it would."""
    other = browser()
    other.set_cookie("session", source.get_cookie("session").value)
    return other


def test_logout_ends_the_session_on_the_server_so_the_old_cookie_logs_nobody_in(browser, make, checkin_page):
    member = make.member()
    phone = browser()
    log_in_page(phone, member.account)
    copy = _copy_cookie(phone, browser)
    assert _logged_in(copy, checkin_page)
    phone.post("/logout", data={"csrf_token": csrf_token(phone.get("/login").text)})
    assert not _logged_in(phone, checkin_page)
    assert not _logged_in(copy, checkin_page)


def test_logging_out_one_browser_keeps_the_members_other_devices(browser, make, checkin_page):
    member = make.member()
    phone, desk = browser(), browser()
    log_in_page(phone, member.account)
    log_in_page(desk, member.account)
    phone.post("/logout", data={"csrf_token": csrf_token(phone.get("/login").text)})
    assert not _logged_in(phone, checkin_page)
    assert _logged_in(desk, checkin_page)


def test_a_password_change_ends_every_other_session_and_token_and_keeps_its_own(client, browser, make, checkin_page):
    member = make.member()
    phone = browser()
    log_in_page(phone, member.account)
    old = {"Authorization": f"Bearer {login(client, member.phone).get_json()['access_token']}"}
    other = {"Authorization": f"Bearer {login(client, member.phone).get_json()['access_token']}"}

    answer = client.post(
        "/api/v1/me/password", json={"password": PASSWORD, "new_password": "新的密码-2026"}, headers=old
    )
    assert answer.status_code == 200 and answer.get_json()["token_type"] == "Bearer"
    fresh = {"Authorization": f"Bearer {answer.get_json()['access_token']}"}
    assert client.get("/api/v1/me", headers=fresh).status_code == 200
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert not _logged_in(phone, checkin_page)
    assert login(client, member.phone, PASSWORD).status_code == 401
    assert login(client, member.phone, "新的密码-2026").status_code == 200


def test_a_password_change_from_a_page_keeps_that_browser_logged_in(app, browser, make, checkin_page):
    """What /me/password will do: the operation keeps the session that asked."""
    member = make.member()
    phone, desk = browser(), browser()
    log_in_page(phone, member.account)
    log_in_page(desk, member.account)
    with app.test_request_context(environ_base={"HTTP_COOKIE": f"session={phone.get_cookie('session').value}"}):
        operations.change_password(
            actor(),
            PASSWORD,
            "新的密码-2026",
            "127.0.0.1",
            datetime.now(UTC),
            keep_session_id=login_session_id(),
        )
    assert _logged_in(phone, checkin_page)
    assert not _logged_in(desk, checkin_page)


def test_a_session_rolls_over_45_days_from_its_last_use(app, make):
    member = make.member()
    day = timedelta(days=1)
    start = datetime(2026, 1, 25, 1, 0, tzinfo=UTC)
    assert app.permanent_session_lifetime == 45 * day
    with app.app_context():
        token = operations.start_session(member.account, start)
        assert operations.find_session(token, start + 44 * day) is not None  # a monthly return day renews it
        assert operations.find_session(token, start + 88 * day) is not None
        assert operations.find_session(token, start + 134 * day) is None  # 46 days unused


def test_the_session_cookie_is_http_only_same_site_and_not_for_ninety_days(browser, make):
    cookie = log_in_page(browser(), make.member().account).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT")
    days = (expires.replace(tzinfo=UTC) - datetime.now(UTC)).days
    assert 44 <= days <= 45


@pytest.mark.parametrize("app_config", [{"BASE_URL": "https://dj.yongchun.example"}], indirect=True)
def test_the_session_cookie_is_secure_when_the_site_is_https(browser, make):
    cookie = log_in_page(browser(), make.member().account).headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _session_cookie_set(answer) -> str | None:
    return next((c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session=")), None)


def test_the_cookie_is_signed_anew_only_when_the_server_renews_the_session(app, browser, make, checkin_page):
    phone = browser()
    log_in_page(phone, make.member().account)
    phone.get(checkin_page)  # the first page may still add its CSRF token to the session
    assert _session_cookie_set(phone.get(checkin_page)) is None
    with app.app_context():
        # The session was last seen more than SESSION_TOUCH_SECONDS ago: this visit renews it.
        db.session.execute(update(LoginSession).values(seen_at=datetime.now(UTC) - timedelta(days=20)))
        db.session.commit()
    cookie = _session_cookie_set(phone.get(checkin_page))
    assert cookie is not None
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT")
    assert 44 <= (expires.replace(tzinfo=UTC) - datetime.now(UTC)).days <= 45
    assert _session_cookie_set(phone.get(checkin_page)) is None
