"""A bench-only WSGI app: the real app, counting every round trip each request makes to the database.

`gunicorn bench.burst.counting_wsgi:app` serves the app unchanged but for an `X-DB-Round-Trips` header
on every response; `trips` holds the current request's trips for an in-process caller. Counted: each
statement the app executes (at psycopg's cursor: the hot path's statements, app.hot_statements, go there
without SQLAlchemy's execute events), the pool's liveness ping on checkout (pool_pre_ping), and the BEGIN,
COMMIT and ROLLBACK that psycopg sends as statements of their own."""

import psycopg
from sqlalchemy import event

from app import create_app
from app.extensions import db

app = create_app()
trips: list[str] = []


def _note(what: str) -> None:
    trips.append(" ".join(what.split()))


class _CountingCursor(psycopg.Cursor):
    def execute(self, query, params=None, **kwargs):
        _note(str(query))
        return super().execute(query, params, **kwargs)

    def executemany(self, query, params_seq, **kwargs):
        _note(str(query))
        return super().executemany(query, params_seq, **kwargs)


def _count_cursors(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, psycopg.Connection):
        dbapi_connection.cursor_factory = _CountingCursor


with app.app_context():
    engine = db.engine
    event.listen(engine, "connect", _count_cursors)
    engine.dispose()  # so that every connection from here on is made, and counted, after the listener
    event.listen(engine, "begin", lambda conn: _note("BEGIN"))
    event.listen(engine, "commit", lambda conn: _note("COMMIT"))
    event.listen(engine, "rollback", lambda conn: _note("ROLLBACK"))
    # The ping runs on every checkout of a pooled connection, below SQLAlchemy's execute events.
    event.listen(engine.pool, "checkout", lambda *args: engine.pool._pre_ping and _note("SELECT 1 -- pool_pre_ping"))


_serve = app.wsgi_app


def _counted(environ, start_response):
    # From the first byte of the request, not from a before_request hook: the app's own hooks (the bearer's
    # account, the rate limiter) run before any hook added here and make round trips of their own.
    trips.clear()
    return _serve(environ, start_response)


app.wsgi_app = _counted  # type: ignore[method-assign]


@app.after_request
def _header(response):
    response.headers["X-DB-Round-Trips"] = str(len(trips))
    return response
