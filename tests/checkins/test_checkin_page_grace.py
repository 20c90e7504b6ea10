"""The expired-in-login case: a screen code valid when the phone opened /c still checks its member in if they
log in and tap within 5 minutes; nobody else's phone, and no later tap, gets that grace. And the page's
script: a JSON answer, and an offline scan kept by the phone judged at its own time."""

import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.auth.models import Account
from app.checkins import grace
from app.checkins.models import Checkin
from app.extensions import db
from tests.checkins.test_checkin_page import _form, _log_in, _status
from tests.factories import PASSWORD

SCRIPT = {"X-Requested-With": "scan"}


@pytest.fixture
def phone(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


@pytest.fixture
def new_phone(app):
    return app.test_client


def _checkins(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin))


def _screen_code(app, client, secretary, event) -> tuple[str, datetime]:
    """A code from the hall's screen, living ROTATING_TOKEN_SECONDS (shortened here), and its expiry."""
    app.config["ROTATING_TOKEN_SECONDS"] = 3
    _log_in(client, secretary, "/")
    code = client.get(f"/events/{event.id}/screen/code.json").get_json()
    return code["token"], datetime.fromisoformat(code["expires_at"])


def _sleep_past(moment: datetime) -> None:
    time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.2)


def test_a_code_that_expires_while_the_member_logs_in_still_checks_them_in(app, phone, new_phone, hall):
    token, expires_at = _screen_code(app, new_phone(), hall.secretary, hall.event)
    path = f"/c/{token}"

    opened = phone.get(path)
    assert opened.status_code == 302
    back = parse_qs(urlsplit(opened.location).query)["next"][0]
    assert back.startswith(f"{path}?g=")
    _sleep_past(expires_at)  # a first login on a slow phone takes longer than the code lives

    logged_in = _log_in(phone, hall.member.account, back)
    assert logged_in.status_code == 302 and logged_in.location == back
    page = phone.get(back).get_data(as_text=True)
    assert "data-checkin-status" not in page and page.count("<button") == 1
    tapped = phone.post(path, data=_form(page))
    assert _status(tapped.get_data(as_text=True)) == "checked_in" and _checkins(app) == 1


def test_the_grace_serves_neither_another_phone_nor_a_code_that_was_dead_when_opened(app, phone, new_phone, hall):
    token, expires_at = _screen_code(app, new_phone(), hall.secretary, hall.event)
    back = parse_qs(urlsplit(phone.get(f"/c/{token}").location).query)["next"][0]
    _sleep_past(expires_at)

    # The link, grace and all, forwarded to a phone that never saw the code.
    forwarded = new_phone()
    _log_in(forwarded, hall.member.account, back)
    assert _status(forwarded.get(back).get_data(as_text=True)) == "token_expired"
    # A phone opening the code after it expired is offered no grace.
    late = new_phone().get(f"/c/{token}")
    assert late.location.endswith(f"next=/c/{token}")
    assert _checkins(app) == 0


def _signed(app, token, account, seen):
    with app.test_request_context():
        return grace.offer(token, datetime.now(UTC), account=account, seen=seen)


@pytest.mark.parametrize(
    "seen_before, expired_before, counts",
    [
        (timedelta(seconds=60), timedelta(seconds=30), True),  # seen valid 60 s ago, expired since: within 5 min
        (timedelta(minutes=6), timedelta(minutes=5, seconds=30), False),  # seen valid, but the tap comes too late
    ],
)
def test_a_grace_lasts_5_minutes_from_the_opening(app, phone, hall, screen, seen_before, expired_before, counts):
    token = screen(hall.event, seconds=-expired_before.total_seconds())
    path = f"/c/{token}"
    _log_in(phone, hall.member.account, path)
    form = _form(phone.get(path).get_data(as_text=True))
    with app.app_context():
        account = db.session.get(Account, hall.member.account.id)
        form.update(
            csrf_token=re.search(r'data-csrf="([^"]+)"', phone.get(path).get_data(as_text=True)).group(1),
            idempotency_key="tap-1",
            grace=_signed(app, token, account, datetime.now(UTC) - seen_before),
        )
    answer = phone.post(path, data=form)
    assert _status(answer.get_data(as_text=True)) == ("checked_in" if counts else "token_expired")


def test_a_grace_signed_for_one_account_does_not_serve_another(app, make, phone, hall, screen):
    token = screen(hall.event, seconds=-30)
    other = make.member(hall.community)
    path = f"/c/{token}"
    _log_in(phone, hall.member.account, path)
    html = phone.get(path).get_data(as_text=True)
    form = {
        "csrf_token": re.search(r'data-csrf="([^"]+)"', html).group(1),
        "idempotency_key": "tap-1",
        "grace": _signed(app, token, other.account, datetime.now(UTC) - timedelta(seconds=60)),
    }
    assert _status(phone.post(path, data=form).get_data(as_text=True)) == "token_expired"
    assert _checkins(app) == 0


def test_the_pages_script_gets_the_same_result_as_a_small_json_body(app, phone, hall, printed):
    path = f"/c/{printed(hall.event)}"
    _log_in(phone, hall.member.account, path)
    form = _form(phone.get(path).get_data(as_text=True))
    first = phone.post(path, data=form, headers=SCRIPT)
    assert first.status_code == 200 and first.get_json()["status"] == "checked_in"
    assert 'data-checkin-status="checked_in"' in first.get_json()["html"]
    again = phone.post(path, data=form, headers=SCRIPT)
    assert again.get_json()["status"] == "already" and _checkins(app) == 1
    phone.delete_cookie("session")
    lost = phone.post(path, data=form, headers=SCRIPT)
    assert lost.status_code == 401 and lost.get_json()["code"] == "login_required"
    assert lost.get_json()["login"] == f"/login?next={path}"


def test_a_scan_kept_offline_by_the_page_counts_at_its_own_time(app, make, phone, hall, printed):
    ended = make.event(hall.community, kind="service", starts_at=datetime.now(UTC) - timedelta(hours=1), hours=0.5)
    path = f"/c/{printed(ended)}"
    _log_in(phone, hall.member.account, path)
    html = phone.get(path).get_data(as_text=True)
    assert _status(html) == "outside_window"  # now, the window has closed
    form = {"csrf_token": re.search(r'data-csrf="([^"]+)"', html).group(1), "idempotency_key": "kept-1"}
    kept_at = (datetime.now(UTC) - timedelta(minutes=45)).isoformat()
    for _ in range(3):  # replayed however often, it counts once
        answer = phone.post(path, data={**form, "scanned_at": kept_at}, headers=SCRIPT)
        assert answer.get_json()["status"] in ("checked_in", "already")
    assert _checkins(app) == 1
    bad = phone.post(path, data={**form, "idempotency_key": "kept-2", "scanned_at": "yesterday"}, headers=SCRIPT)
    assert bad.status_code == 400 and bad.get_json()["status"] == "invalid_request"


def test_a_login_from_the_link_keeps_the_password_form_working(phone, hall, printed):
    # The grace rides in `next`: the login form still posts and redirects to it, nothing else.
    path = f"/c/{printed(hall.event)}"
    opened = phone.get(path)
    assert opened.location == f"/login?next={path}"  # a printed code needs no grace
    page = phone.get(opened.location)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = phone.post(opened.location, data={"phone": hall.member.phone, "password": PASSWORD, "csrf_token": csrf})
    assert done.location == path
