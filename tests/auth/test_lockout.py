"""Wrong passwords lock a phone out only for the address that sent them, and an unknown phone looks exactly
like a known one with a wrong password (issue 14, finding 5)."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from app import create_app
from app.auth import operations
from app.errors import Refusal
from app.extensions import db
from tests.auth.conftest import csrf_token, login
from tests.factories import PASSWORD

STRANGER, OWNER = "203.0.113.9", "198.51.100.7"


def test_strangers_guessing_the_admins_password_lock_out_only_themselves(app, client, make):
    admin = make.admin()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(client, admin.phone, "guess", STRANGER).status_code == 401
    locked = login(client, admin.phone, PASSWORD, STRANGER)
    assert locked.status_code == 429 and locked.get_json()["code"] == "locked_out"
    assert "分钟后再试" in locked.get_json()["message"] and int(locked.headers["Retry-After"]) > 0
    assert login(client, admin.phone, PASSWORD, OWNER).status_code == 200


def test_an_unknown_phone_is_answered_exactly_as_a_known_one_with_a_wrong_password(app, client, make):
    member = make.member()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        known = login(client, member.phone, "guess", "10.0.0.1")
        unknown = login(client, "13999999999", "guess", "10.0.0.2")
        assert (unknown.status_code, unknown.get_json()) == (known.status_code, known.get_json())
    assert known.status_code == 429 and known.get_json()["code"] == "locked_out"


def test_an_unknown_phone_takes_as_long_to_refuse_as_a_wrong_password(app, client, make):
    app.config["PASSWORD_HASH_FAST"] = False  # production's work factor: the hash is most of the time
    member = make.member()

    def seconds(phone, address):
        started = time.perf_counter()
        assert login(client, phone, "guess", address).status_code == 401
        return time.perf_counter() - started

    seconds("13999999999", "10.0.1.0")  # the first unknown phone makes the dummy hash once
    # Interleaved, and the fastest of each kept: a busy machine only ever adds time. Without the dummy hash
    # an unknown phone answered 27 times faster; a factor of 4 leaves room for the noise of a shared host.
    pairs = [(seconds(member.phone, f"10.0.0.{i}"), seconds("13999999999", f"10.0.1.{i}")) for i in range(1, 5)]
    known, unknown = min(k for k, _ in pairs), min(u for _, u in pairs)
    assert unknown > known / 4, (known, unknown)


def test_the_login_page_locks_out_the_same_way(app, browser, make):
    member = make.member()
    guesser, owner = browser(), browser()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        page = guesser.get("/login", environ_base={"REMOTE_ADDR": STRANGER})
        answer = guesser.post(
            "/login",
            data={"phone": member.phone, "password": "guess", "csrf_token": csrf_token(page.text)},
            environ_base={"REMOTE_ADDR": STRANGER},
        )
    assert answer.status_code == 429 and "密码错误次数过多" in answer.text and 'name="password"' in answer.text
    page = owner.get("/login", environ_base={"REMOTE_ADDR": OWNER})
    answer = owner.post(
        "/login",
        data={"phone": member.phone, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
        environ_base={"REMOTE_ADDR": OWNER},
    )
    assert answer.status_code == 302


def test_every_worker_counts_the_same_failures(app, make, database_url):
    """The counts are in the database: a guesser whose requests land on two workers (or hosts) is locked
    out after the same five."""
    member = make.member()
    other_worker = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": database_url})
    workers = [app.test_client(), other_worker.test_client()]
    try:
        for attempt in range(app.config["LOGIN_MAX_FAILURES"]):
            assert login(workers[attempt % 2], member.phone, "guess", STRANGER).status_code == 401
        assert login(workers[0], member.phone, PASSWORD, STRANGER).status_code == 429
        assert login(workers[1], member.phone, PASSWORD, STRANGER).status_code == 429
    finally:
        with other_worker.app_context():
            db.engine.dispose()


def test_a_lock_out_ends_after_its_time_and_a_success_forgets_the_failures(app, make):
    member = make.member()
    now = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    lock = timedelta(seconds=app.config["LOGIN_LOCK_SECONDS"])
    with app.app_context():
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            with pytest.raises(Refusal, match="手机号或密码不正确"):
                operations.login(member.phone, "guess", STRANGER, now)
        with pytest.raises(Refusal) as refused:
            operations.login(member.phone, PASSWORD, STRANGER, now + lock - timedelta(seconds=1))
        assert refused.value.code == "locked_out"
        assert operations.login(member.phone, PASSWORD, STRANGER, now + lock).id == member.account.id

        # Four more wrong passwords after a success do not lock: the count began again.
        for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
            with pytest.raises(Refusal):
                operations.login(member.phone, "guess", STRANGER, now + lock)
        assert operations.login(member.phone, PASSWORD, STRANGER, now + lock).id == member.account.id
