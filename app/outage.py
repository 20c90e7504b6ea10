"""The database out of reach (down, restarting, disk full, refusing writes): a Chinese 503 with Retry-After
instead of a 500, and pooled connections that the server has closed left behind before a request gets them."""

import logging
import select
import sqlite3

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InvalidatePoolError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.errors import Refusal

log = logging.getLogger(__name__)

# SQLSTATE classes that say "not now" rather than "never": 08 the connection, 53 insufficient resources
# (disk full, out of memory, too many connections), 57 operator intervention (shutting down, starting up,
# a statement cancelled), 58 the server's own I/O.
_PG_CLASSES = ("08", "53", "57", "58")
# 25006: a read-only transaction (a standby, or default_transaction_read_only) asked to write.
_PG_STATES = {"25006"}
# SQLite's primary result codes for the same: busy and locked past the busy timeout, read-only, I/O error,
# disk full, cannot open the file, a broken lock protocol.
_SQLITE_CODES = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PROTOCOL,
}

RETRY_AFTER_SECONDS = 5


class DatabaseUnavailable(Refusal):
    status = 503
    retry_after = RETRY_AFTER_SECONDS

    def __init__(self) -> None:
        super().__init__("database_unavailable", "系统繁忙或正在维护，数据库暂时无法使用，请稍后再试；本次操作没有生效")


def release_session() -> None:
    """Roll the request's session back after the database failed under it, so that nothing after the error
    (the error page, an after-request hook) meets a transaction PostgreSQL has aborted."""
    from app.extensions import db  # here, not above: the extensions' session class imports this module

    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.info("the session could not be rolled back; the pool will drop its connection")


def is_unavailable(error: BaseException) -> bool:
    """Whether an error says the database cannot serve now (worth a retry later), not that a request is wrong."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig = error.orig
    if isinstance(orig, psycopg.Error):
        state = orig.sqlstate
        if state is None:
            # No answer from a server at all: refused, reset, closed under us.
            return isinstance(orig, psycopg.OperationalError)
        return state[:2] in _PG_CLASSES or state in _PG_STATES
    if isinstance(orig, sqlite3.Error):
        return (getattr(orig, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_CODES
    return False


@event.listens_for(Engine, "checkout")
def _drop_closed_connection(dbapi_connection, _record, _proxy):
    """A pooled PostgreSQL connection whose socket has something to read while idle has been closed by the
    server (a restart, an administrator's terminate): its farewell or the EOF is waiting there.

    Checked with one poll of the socket, no round trip (pool_pre_ping costs one), so it holds with or without
    the ping. InvalidatePoolError makes the pool drop every connection older than this one and hand
    out a fresh connection instead; a connection lost silently (a network cut) shows only on its first
    statement, and that one request answers 503."""
    if not isinstance(dbapi_connection, psycopg.Connection) or dbapi_connection.closed:
        return
    try:
        # poll, not select: a worker may hold more than select's 1,024 descriptors.
        poller = select.poll()
        poller.register(dbapi_connection.pgconn.socket, select.POLLIN)
        readable = bool(poller.poll(0))
    except (OSError, ValueError, psycopg.OperationalError):
        readable = True
    if readable:
        log.warning("a pooled database connection was closed by the server; reconnecting")
        raise InvalidatePoolError("closed by the server while idle in the pool")
