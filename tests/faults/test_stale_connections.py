"""After PostgreSQL restarts (fast, or immediate: a crash and its recovery), the pooled connections it closed
are dropped on checkout and the very next request is served, with or without pool_pre_ping."""

import time

import pytest
from sqlalchemy import create_engine, text

from app.extensions import db
from tests.faults.conftest import app_on


@pytest.fixture
def served(own_database):
    """served(pre_ping) -> a client of an app on the test's own server, four connections warm in its pool."""
    apps = []

    def build(pre_ping: bool):
        app = app_on(own_database, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": pre_ping})
        apps.append(app)
        with app.app_context():
            held = [db.engine.connect() for _ in range(4)]
            for conn in held:
                conn.execute(text("SELECT 1"))
                conn.close()
            assert db.engine.pool.checkedin() == 4
        return app.test_client()

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("mode", ["fast", "immediate"])
@pytest.mark.parametrize("pre_ping", [True, False], ids=["pre_ping", "no_pre_ping"])
def test_the_first_request_after_a_restart_is_served(own_postgres, served, mode, pre_ping):
    client = served(pre_ping)
    own_postgres.restart(mode)
    restarted = time.monotonic()
    answers = [client.get("/api/v1/rankings?period=2026-11").status_code for _ in range(6)]
    assert answers == [200] * 6
    assert client.get("/healthz").status_code == 200
    assert time.monotonic() - restarted < 10


def test_a_connection_terminated_by_an_administrator_is_not_served(own_database, served):
    client = served(False)
    admin = create_engine(own_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        # The timeout makes the call wait until each backend has exited and closed its socket; without it the
        # signal is only sent, and the request could race the backend's farewell (a flaky 503 in CI).
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                " WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        )
    admin.dispose()
    assert client.get("/api/v1/rankings?period=2026-11").status_code == 200
