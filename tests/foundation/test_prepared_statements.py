"""A worker's PostgreSQL connection keeps the statements it prepared across the rollback that ends every
read-only request (app.prepared): PostgreSQL parses and plans a page's statements once per connection, not on
every request. Asked of the server itself, so a psycopg that changes its private cache fails here."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db


@pytest.fixture
def postgresql(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite prepares nothing on a server")


def _prepared(app) -> list[str]:
    with app.app_context():
        names = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
        db.session.rollback()
        return names


@pytest.fixture
def served(app, client, postgresql):
    """Eight /healthz on one connection, made by the app's engine as a worker makes it: psycopg prepares `SELECT 1`
    from its fifth use, and each of these requests ends with a ROLLBACK."""
    with app.app_context():
        db.engine.dispose()
    for _ in range(8):
        assert client.get("/healthz").status_code == 200


def test_read_only_requests_leave_their_statements_prepared(app, served):
    assert "SELECT 1" in _prepared(app)


def test_a_statement_that_drops_something_still_forgets_them(app, served):
    with app.app_context():
        db.session.execute(text("CREATE TEMPORARY TABLE scratch (id integer)"))
        db.session.execute(text("DROP TABLE scratch"))
        db.session.commit()
    assert "SELECT 1" not in _prepared(app)


def test_a_transaction_that_failed_on_the_server_forgets_them(app, served):
    # As a statement whose plan a migration made stale would fail: the next request must prepare afresh.
    with app.app_context():
        with pytest.raises(DBAPIError):
            db.session.execute(text("SELECT 1 / 0"))
        db.session.rollback()
    assert "SELECT 1" not in _prepared(app)
