"""Database plumbing shared by every domain: UTC timestamps, SQLite settings, one transaction per operation."""

import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, event, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.types import TypeDecorator

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # We issue BEGIN ourselves (below), so the driver must not.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    # SQLite has one writer. BEGIN IMMEDIATE takes the write lock at the start of every transaction, so a
    # read-then-write never fails half way with "database is locked": SQLite serialises, PostgreSQL scales.
    if conn.dialect.name == "sqlite":
        # A long read-only pass (ledger verify, export) reads a WAL snapshot instead: it must not hold the
        # writer lock for its whole length, nor wait on the other readers beside it.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("read_only") else "BEGIN IMMEDIATE")


@contextmanager
def transaction():
    """A public operation's unit of work: commit on success, roll back on any error.

    Re-entrant: opened inside another it joins the outer one, so an operation that calls another lands in
    the same commit; only the outermost commits or rolls back. A `with` block or a decorator
    (`@transaction()`) alike; callers (views, commands, jobs) never open one, the operation does."""
    info = db.session.info
    depth = info.get("transaction_depth", 0)
    info["transaction_depth"] = depth + 1
    try:
        yield db.session
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        info["transaction_depth"] = depth


def lock(model, id_):
    """Lock one row for the rest of the transaction (PostgreSQL); SQLite's writer lock already holds."""
    return db.session.get(model, id_, with_for_update=True, populate_existing=True)


def per_transaction(key, load):
    """`load()` once per transaction (the rules, the closed months): a new transaction reads afresh."""
    session = db.session()
    current = session.get_transaction()
    if current is None:
        session.connection()  # begins the transaction, so that the cache belongs to it
        current = session.get_transaction()
    cache = session.info.setdefault("per_transaction", {})
    if cache.get("transaction") is not current:
        cache.clear()
        cache["transaction"] = current
    if key not in cache:
        cache[key] = load()
    return cache[key]


def connection() -> Connection:
    """The session's connection, looked up once per transaction: the hot path asks for it at every statement,
    and each ask walks the session's state machine. Inside app.hosts.on_replica it is the replica's, which the
    same session transaction holds beside the primary's."""
    session = db.session()
    return per_transaction(("connection", session.info.get("replica")), session.connection)


def advisory_lock(key: int, *, shared: bool, taken_by=None) -> None:
    """A PostgreSQL advisory lock until the transaction ends; SQLite's one writer lock already excludes.

    `taken_by`, when given, takes it instead, in a statement that does more in the same round trip."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    take = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    per_transaction(("advisory", key, shared), taken_by or (lambda: db.session.execute(select(take(key))).scalar()))


def insert(model):
    """The engine's own INSERT, which knows ON CONFLICT: the same code inserts once on SQLite and PostgreSQL."""
    dialect_insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(model)
