"""A read sent to the replica inside a transaction that already holds the primary's connection takes the
replica's: the connection cached for the hot path is cached per bind."""

from sqlalchemy import create_engine

from app.db import connection
from app.extensions import db


def test_the_cached_connection_follows_the_session_s_bind(app, database_url, tmp_path):
    # SQLite's writer lock would hold a second engine on the same file: the replica is another file there.
    replica = create_engine(database_url if database_url.startswith("postgresql") else f"sqlite:///{tmp_path}/r.db")
    try:
        with app.app_context():
            primary = connection()
            db.session.info["replica"] = replica  # as app.hosts.on_replica routes a public read
            try:
                assert connection().engine is replica
            finally:
                db.session.info.pop("replica")
            assert connection() is primary
            db.session.rollback()
    finally:
        replica.dispose()
