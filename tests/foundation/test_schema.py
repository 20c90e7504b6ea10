"""`flask db upgrade` brings an empty database to exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db
from config import TestConfig


def test_migrations_build_the_models_schema_from_nothing(database_url, tmp_path):
    url = database_url
    if url.startswith("postgresql"):
        # A database of its own: the shared one is built by create_all for the other tests.
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS migrations_check WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE migrations_check"))
        admin.dispose()
        url = url.rsplit("/", 1)[0] + "/migrations_check"
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = url
    app = create_app(config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], diff
        assert "ledger_records" in inspect(db.engine).get_table_names()
        db.engine.dispose()
