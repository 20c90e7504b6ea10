"""Rate limits: logins and anonymous calls per address, a logged-in account's calls per account, so a hall
of 500 behind one address checks in unslowed while a guesser is slowed (issue 14, finding 5). Each test
runs on the in-memory store and on a real Redis (TEST_REDIS_URL)."""

import re
import threading
import time

import pytest

from app import create_app
from app.auth.limits import SweptMemoryStorage
from app.auth.models import Account
from app.events import codes as tokens
from app.extensions import db
from config import TestConfig
from tests.auth.conftest import REAL_LIMITS, csrf_token, log_in_page, login, redis_config
from tests.factories import PASSWORD

HALL = "10.8.0.1"  # the community hall's one public address, shared by every phone on its Wi-Fi


@pytest.fixture(params=["memory", "redis"])
def app_config(request):
    store = {"RATELIMIT_STORAGE_URI": "memory://"} if request.param == "memory" else redis_config()
    return {**REAL_LIMITS, **store}


def _bearer(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def _assert_rate_limited(response):
    assert response.status_code == 429
    assert response.get_json()["code"] == "rate_limited" and "请求过于频繁" in response.get_json()["message"]
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.slow
def test_a_hall_of_500_members_behind_one_address_all_log_in_and_check_in_unslowed(app, client, make, crowd):
    community = make.community()
    members = crowd(500, community)
    code = tokens.printed(app.config["SECRET_KEY"], make.event(community).id, 1)
    # As fast as the test can send them: stricter than 500 phones over ten minutes.
    answers = []
    for member in members:
        headers = _bearer(login(client, member.phone, PASSWORD, HALL))
        answers.append(
            client.post(
                "/api/v1/checkins", json={"token": code}, headers=headers, environ_base={"REMOTE_ADDR": HALL}
            ).status_code
        )
    assert answers == [201] * 500


def test_a_member_scanning_eight_events_in_ten_seconds_is_not_slowed(app, browser, make):
    community = make.community()
    member = make.member(community)
    events = [make.event(community) for _ in range(8)]
    phone = browser()
    assert log_in_page(phone, member.account).status_code == 302
    for event in events:
        path = f"/c/{tokens.printed(app.config['SECRET_KEY'], event.id, 1)}"
        opened = phone.get(path)
        assert opened.status_code == 200
        key = re.search(r'name="idempotency_key" value="([^"]+)"', opened.text).group(1)
        tapped = phone.post(path, data={"csrf_token": csrf_token(opened.text), "idempotency_key": key})
        assert tapped.status_code == 200 and 'data-checkin-status="checked_in"' in tapped.text


def test_fifty_wrong_passwords_a_minute_from_one_address_are_slowed_while_another_address_logs_in(app, client, make):
    member = make.member()
    most = int(app.config["RATELIMIT_LOGIN_FAILURES"].split()[0])
    assert most < 50
    # Fifty phones, so that it is the address that is slowed and not one phone locked out.
    answers = [login(client, f"1390000{n:04d}", "guess", "203.0.113.9") for n in range(50)]
    assert [a.status_code for a in answers[:most]] == [401] * most
    _assert_rate_limited(answers[-1])
    _assert_rate_limited(login(client, member.phone, PASSWORD, "203.0.113.9"))
    assert login(client, member.phone, PASSWORD, "198.51.100.7").status_code == 200


def test_a_logged_in_account_is_limited_per_account_and_never_per_address(app, client, make):
    busy, neighbour = make.member(), make.member()
    busy_headers = _bearer(login(client, busy.phone))
    neighbour_headers = _bearer(login(client, neighbour.phone))
    most = int(app.config["RATELIMIT_ACCOUNT"].split()[0])
    # The same account from ever new addresses counts as one.
    answers = [
        client.get("/api/v1/me", headers=busy_headers, environ_base={"REMOTE_ADDR": f"10.0.{n}.1"})
        for n in range(most + 1)
    ]
    assert [a.status_code for a in answers[:most]] == [200] * most
    _assert_rate_limited(answers[-1])
    # Another account behind the first address is not slowed by it.
    assert (
        client.get("/api/v1/me", headers=neighbour_headers, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
    )


def test_anonymous_calls_are_limited_per_address_and_pages_say_so_in_chinese(app, client):
    most = int(app.config["RATELIMIT_ANONYMOUS"].split()[0])
    answers = [client.get("/api/v1/rankings", environ_base={"REMOTE_ADDR": "203.0.113.9"}) for _ in range(most)]
    assert {a.status_code for a in answers} == {200}
    _assert_rate_limited(client.get("/api/v1/rankings", environ_base={"REMOTE_ADDR": "203.0.113.9"}))
    page = client.get("/board", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert page.status_code == 429 and page.mimetype == "text/html" and "请求过于频繁" in page.text
    assert int(page.headers["Retry-After"]) > 0
    assert client.get("/api/v1/rankings", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200


def test_a_slowed_login_page_shows_the_form_with_the_reason(app, browser):
    phone = browser()
    csrf = csrf_token(phone.get("/login").text)
    for n in range(int(app.config["RATELIMIT_LOGIN_FAILURES"].split()[0]) + 1):
        answer = phone.post("/login", data={"phone": f"1390000{n:04d}", "password": "guess", "csrf_token": csrf})
    assert answer.status_code == 429 and "请求过于频繁" in answer.text and 'name="phone"' in answer.text
    assert int(answer.headers["Retry-After"]) > 0


def test_healthz_is_never_limited(app, client):
    most = int(app.config["RATELIMIT_ANONYMOUS"].split()[0])
    assert {client.get("/healthz").status_code for _ in range(most + 10)} == {200}


def test_a_mistyped_limit_stops_the_app_at_start_not_on_every_request():
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    with pytest.raises(ValueError):
        create_app({**config, "RATELIMIT_ACCOUNT": "forty a minute", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_in_memory_counts_start_no_thread_per_request_and_a_quiet_accounts_counts_are_swept(monkeypatch):
    # limits' own memory:// started a timer thread on nearly every count: a third of a check-in's CPU.
    started = []

    class Timer:
        def __init__(self, *args, **kwargs):
            pass

        def start(self):
            started.append(self)

        def is_alive(self):
            return False

    monkeypatch.setattr(threading, "Timer", Timer)
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app({**config, "RATELIMIT_STORAGE_URI": "memory://", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    storage = app.extensions["rate_limiter"]._storage
    assert isinstance(storage, SweptMemoryStorage)
    started.clear()
    answers = [storage.acquire_entry("account:1", 40, 10) for _ in range(41)]
    assert answers == [True] * 40 + [False] and started == []
    later = time.time() + 11
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert storage.acquire_entry("account:2", 40, 10)
    assert "account:1" not in storage.events and started == []


@pytest.mark.slow
def test_a_token_from_before_a_password_change_cannot_spend_its_owners_calls(app, client, make):
    # The check-in counts its account on the token's word, before it reads the account: a stolen token
    # revoked by a password change must not lock its owner out.
    community = make.community()
    member = make.member(community)
    event = make.event(community)
    stolen = _bearer(login(client, member.phone))
    with app.app_context():
        db.session.get(Account, member.account.id).token_version += 1
        db.session.commit()
    own = _bearer(login(client, member.phone))
    code = tokens.printed(app.config["SECRET_KEY"], event.id, 1)
    most = int(app.config["RATELIMIT_ACCOUNT"].split()[0])
    answers = [client.post("/api/v1/checkins", json={"token": code}, headers=stolen) for _ in range(most + 1)]
    assert {a.status_code for a in answers[:most]} == {401}
    _assert_rate_limited(answers[-1])
    assert client.post("/api/v1/checkins", json={"token": code}, headers=own).status_code == 201
    assert client.get("/api/v1/me", headers=own).status_code == 200
