"""The hot path's statements go to psycopg itself (app.hot_statements): a connection lost under one of them is
translated and invalidated as SQLAlchemy does it for its own, so the scan answers 503 and the next is served."""

from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from app.checkins import operations
from app.events import codes
from app.extensions import db
from app.hot_statements import HotStatement
from app.members.models import Member
from app.outage import is_unavailable
from tests.faults.conftest import postgres_only

_ONE_MEMBER = HotStatement(select(Member.id).where(Member.id == 1))


def _terminate(url: str, pid: int) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        # Wait (up to 5 s) for the backend to exit, so the lost connection is lost before the next statement.
        conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    admin.dispose()


@postgres_only
def test_a_connection_lost_under_a_hot_statement_is_unavailable_and_invalidated(app, database_url):
    with app.app_context():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        _terminate(database_url, pid)
        try:
            _ONE_MEMBER.run({})
        except DBAPIError as error:
            assert error.connection_invalidated and is_unavailable(error)
        else:
            raise AssertionError("a statement on a terminated connection ran")
        db.session.rollback()
        assert db.session.execute(text("SELECT pg_backend_pid()")).scalar() != pid


@postgres_only
def test_a_scan_whose_connection_is_lost_mid_way_answers_503_and_the_next_scan_lands(
    app, client, auth, hall, database_url, monkeypatch
):
    headers = auth(hall.member.account)
    token = codes.printed(app.config["SECRET_KEY"], hall.event.id, 1)
    scan = operations._SCAN
    lose_once = [True]

    def lost_before_the_scan(params):
        if lose_once:
            lose_once.clear()
            _terminate(database_url, db.session.execute(text("SELECT pg_backend_pid()")).scalar())
        return HotStatement.run(scan, params)

    monkeypatch.setattr(scan, "run", lost_before_the_scan)
    answer = client.post("/api/v1/checkins", json={"token": token}, headers=headers)
    assert answer.status_code == 503 and answer.get_json()["code"] == "database_unavailable"
    assert client.post("/api/v1/checkins", json={"token": token}, headers=headers).status_code == 201
