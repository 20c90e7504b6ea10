"""The database beyond one host: public reads on a streaming replica (READ_DATABASE_URL) while it is up and
in step, PgBouncer's transaction pooling (DATABASE_NO_PREPARE), and the scheduler's direct line to the
primary (SCHEDULER_DATABASE_URL) for its session advisory lock."""

import logging
import time

from flask import current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.outage import is_unavailable

log = logging.getLogger(__name__)

# Seconds behind the primary, or NULL when the replica is not streaming (then its age cannot be told). A
# replica that has replayed all it received is in step however old its last transaction (an idle primary).
_LAG = text(
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN NULL"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


class RoutedSession(Session):
    """Flask-SQLAlchemy's session, sending its statements to the replica inside `on_replica` only."""

    def get_bind(self, *args, **kwargs):
        replica = self.info.get("replica")
        return replica if replica is not None else super().get_bind(*args, **kwargs)


def _no_prepare(options: dict) -> dict:
    # PgBouncer before 1.21 (Debian 12 ships 1.18) hands each transaction any server connection, where a
    # statement psycopg prepared on another does not exist: psycopg must prepare nothing.
    return {**options, "connect_args": {**options.get("connect_args", {}), "prepare_threshold": None}}


def configure(app) -> None:
    """Before the engines are made: the pooler's engine options."""
    if app.config.get("DATABASE_NO_PREPARE"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _no_prepare(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})


def init_app(app) -> None:
    url = app.config.get("READ_DATABASE_URL")
    if not url:
        return
    options = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}}
    app.extensions["replica"] = {
        "engine": create_engine(url, **(_no_prepare(options) if app.config.get("DATABASE_NO_PREPARE") else options)),
        "checked_until": 0.0,
        "usable": False,
    }


def scheduler_engine(app) -> Engine | None:
    """An engine of its own for the scheduler's leadership lock, when the web's URL goes through a pooler."""
    url = app.config.get("SCHEDULER_DATABASE_URL")
    return create_engine(url) if url else None


def _replica() -> Engine | None:
    """The replica's engine if one is set, answers and lags at most READ_MAX_LAG_SECONDS; asked at most once
    every READ_CHECK_SECONDS per process, so a board under load costs the replica no extra round trip."""
    state = current_app.extensions.get("replica")
    if state is None:
        return None
    now = time.monotonic()
    if now >= state["checked_until"]:
        state["checked_until"] = now + current_app.config["READ_CHECK_SECONDS"]
        try:
            with state["engine"].connect() as conn:
                lag = conn.execute(_LAG).scalar()
        except SQLAlchemyError as error:
            log.warning("replica skipped: %s", error.__class__.__name__)
            lag = None
        limit = current_app.config["READ_MAX_LAG_SECONDS"]
        usable = lag is not None and float(lag) <= limit
        if not usable and lag is not None:
            log.warning("replica skipped: %.1f s behind the primary (limit %s s)", float(lag), limit)
        state["usable"] = usable
    return state["engine"] if state["usable"] else None


def on_replica(session, compute):
    """compute() with `session`'s reads sent to the replica when it serves; else, and whenever the replica
    fails under it, on the primary. Never inside an operation's transaction: what it writes (a month's
    closing snapshot) must read the primary."""
    if session.info.get("replica") is not None or session.info.get("transaction_depth", 0):
        return compute()
    replica = _replica()
    if replica is None:
        return compute()
    session.info["replica"] = replica
    try:
        return compute()
    except DBAPIError as error:
        if not is_unavailable(error):
            raise
        log.warning("replica failed mid-read, reading the primary: %s", error.__class__.__name__)
        current_app.extensions["replica"]["usable"] = False
    finally:
        session.info.pop("replica", None)
    # Only reads ran in this request's session so far (writes run in operations, never here).
    session.rollback()
    return compute()
