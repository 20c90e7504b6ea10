"""The database down, full, locked or refusing writes: a Chinese 503 with Retry-After on the API, a Chinese
503 page, /healthz 503, and nothing half-written; once it is back, the same request goes through."""

import sqlite3

import pytest
from sqlalchemy import event, func, select, text

from app.checkins.models import Checkin
from app.events import codes
from app.extensions import db
from app.points.models import Balance, LedgerRecord
from tests.factories import PASSWORD
from tests.faults.conftest import app_on, close, postgres_only, sqlite_only


def token(app, event_row) -> str:
    return codes.printed(app.config["SECRET_KEY"], event_row.id, 1)


def assert_unavailable(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["code"] == "database_unavailable"
    assert "数据库" in body["message"] and "稍后" in body["message"]


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "暂时无法服务" in page and "数据库暂时无法使用" in page


def written(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model)) for model in (Checkin, LedgerRecord, Balance)
        )


@sqlite_only
def test_a_read_only_sqlite_file_answers_503_and_writes_nothing(app, client, auth, hall, database_url, ledger_verifies):
    headers = auth(hall.member.account)
    before = written(app)
    path = database_url.removeprefix("sqlite:///")
    read_only = app_on(f"sqlite:///file:{path}?mode=ro&uri=true").test_client()

    assert_unavailable(read_only.post("/api/v1/checkins", json={"token": token(app, hall.event)}, headers=headers))
    assert_unavailable_page(read_only.post("/login", data={"phone": hall.member.phone, "password": PASSWORD}))
    assert written(app) == before

    assert client.post("/api/v1/checkins", json={"token": token(app, hall.event)}, headers=headers).status_code == 201
    ledger_verifies()


@sqlite_only
def test_an_sqlite_database_locked_past_the_busy_timeout_answers_503(app, client, auth, hall, database_url):
    headers = auth(hall.member.account)
    with app.app_context():
        db.engine.dispose()

        # After the app's own settings (30 s), so that the test waits a fifth of a second, not half a minute.
        @event.listens_for(db.engine, "connect")
        def short_wait(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA busy_timeout=200")

    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        assert_unavailable(client.post("/api/v1/checkins", json={"token": token(app, hall.event)}, headers=headers))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert written(app)[0] == 0
    assert client.post("/api/v1/checkins", json={"token": token(app, hall.event)}, headers=headers).status_code == 201


def test_healthz_answers_503_when_the_database_cannot_be_opened(tmp_path):
    client = app_on(f"sqlite:///{tmp_path}/no/such/folder/ledger.sqlite3").test_client()
    assert_unavailable(client.get("/healthz"))
    assert_unavailable(client.get("/api/v1/rankings?period=2026-11"))
    assert_unavailable_page(client.get("/board"))


@pytest.fixture
def read_only_database(app, database_url):
    """The test database with default_transaction_read_only on, as a standby or a full-disk guard sets it."""
    name = database_url.rsplit("/", 1)[1]

    def switch(on: bool):
        with app.app_context():
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("SET default_transaction_read_only = off"))
                conn.execute(
                    text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}')
                )
            db.engine.dispose()

    switch(True)
    yield
    switch(False)


@postgres_only
def test_a_database_refusing_writes_answers_503_and_writes_nothing(app, client, auth, hall, request):
    headers = auth(hall.member.account)
    # Read-only from here on: the token above was issued while writes were still taken.
    request.getfixturevalue("read_only_database")
    assert_unavailable(client.post("/api/v1/checkins", json={"token": token(app, hall.event)}, headers=headers))
    assert_unavailable_page(client.post("/login", data={"phone": hall.member.phone, "password": PASSWORD}))
    assert written(app) == (0, 0, 0)


@postgres_only
def test_a_disk_full_in_mid_check_in_rolls_the_whole_check_in_back(
    app, client, auth, hall, database_url, ledger_verifies
):
    headers = auth(hall.member.account)
    # The server's own disk-full error (SQLSTATE 53100), raised after the check-in and its ledger record are
    # written and before the balance is: the one moment a half-written check-in could be left behind.
    with app.app_context():
        db.session.execute(
            text(
                "CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$"
            )
        )
        db.session.execute(
            text("CREATE TRIGGER disk_full BEFORE INSERT ON balances FOR EACH ROW EXECUTE FUNCTION disk_full()")
        )
        db.session.commit()
    try:
        assert_unavailable(client.post("/api/v1/checkins", json={"token": token(app, hall.event)}, headers=headers))
        assert written(app) == (0, 0, 0)
    finally:
        with app.app_context():
            db.session.execute(text("DROP TRIGGER disk_full ON balances"))
            db.session.execute(text("DROP FUNCTION disk_full()"))
            db.session.commit()
    assert client.post("/api/v1/checkins", json={"token": token(app, hall.event)}, headers=headers).status_code == 201
    ledger_verifies()


def test_a_stopped_server_answers_503_everywhere_and_serves_again_once_started(own_postgres, own_database):
    app = app_on(own_database)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    own_postgres.stop()
    try:
        assert_unavailable(client.get("/healthz"))
        assert_unavailable(client.get("/api/v1/rankings?period=2026-11"))
        assert_unavailable(client.post("/api/v1/auth/token", json={"phone": "13800000001", "password": PASSWORD}))
        assert_unavailable_page(client.get("/board"))
        assert_unavailable_page(client.post("/login", data={"phone": "13800000001", "password": PASSWORD}))
    finally:
        own_postgres.start_again()
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/rankings?period=2026-11").status_code == 200
    close(app)
