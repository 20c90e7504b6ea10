"""Fixtures: an app on a real database (a fresh SQLite file, or TEST_DATABASE_URL's PostgreSQL),
a client, and `make`, the factory of the domain's rows (tests/factories.py)."""

import os
import threading
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.factories import PASSWORD, Make, bearer


def _postgres_database():
    """A throw-away database on the PostgreSQL server that TEST_DATABASE_URL names, created per test run."""
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, name, server.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url():
    if not os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    admin, name, url = _postgres_database()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(postgres_url, tmp_path):
    return postgres_url or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app_config(request):
    """Settings over TestConfig's for the app of a test: a folder's conftest may override this, a test
    may parametrise it (indirect=True)."""
    return getattr(request, "param", {})


@pytest.fixture
def app(database_url, app_config, tmp_path):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(app_config)
    config["SQLALCHEMY_DATABASE_URI"] = database_url
    app = create_app(config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if database_url.startswith("postgresql"):
            # One database for the run: empty every table so each test starts clean.
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def live_server(app):
    """The test app on 127.0.0.1 at a free port, for the length of one test; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def make(app):
    return Make(app)


@pytest.fixture
def statements(app):
    """with statements() as seen: every SQL statement the block sends, in order."""

    @contextmanager
    def count():
        seen: list[str] = []

        def note(_conn, _cursor, sql, *_args):
            seen.append(sql)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", note)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", note)

    return count


@pytest.fixture
def auth(client):
    """auth(account) -> the Authorization header of a fresh bearer token."""
    return lambda account, password=PASSWORD: bearer(client, account, password)


@pytest.fixture
def fresh_rankings(app):
    """Rankings read straight from the database unless a test asks for the cache (the rankings, periods
    and reports folders use it throughout)."""
    app.config["RANKING_CACHE_SECONDS"] = 0


@pytest.fixture
def ledger_verifies(runner):
    """ledger_verifies() asserts that `flask ledger verify` passes: how every integrity scenario ends."""

    def check():
        result = runner.invoke(args=["ledger", "verify", "--workers", "1"])
        assert result.exit_code == 0, result.output
        assert "ledger verify: OK" in result.output

    return check
