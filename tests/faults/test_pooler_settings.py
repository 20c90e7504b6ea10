"""Behind PgBouncer's transaction pooling: DATABASE_NO_PREPARE makes psycopg prepare nothing (a prepared
statement lives on one server connection, and the next transaction may get another), and the scheduler's
session advisory lock takes SCHEDULER_DATABASE_URL, a direct line to the primary."""

from sqlalchemy.engine import make_url

from app.extensions import db
from app.hosts import scheduler_engine
from tests.faults.conftest import app_on, postgres_only


@postgres_only
def test_database_no_prepare_leaves_psycopg_preparing_nothing(database_url):
    for setting, threshold in ((False, 5), (True, None)):
        app = app_on(database_url, DATABASE_NO_PREPARE=setting)
        with app.app_context():
            with db.engine.connect() as conn:
                assert conn.connection.driver_connection.prepare_threshold == threshold
            db.engine.dispose()


def test_the_scheduler_leads_on_its_own_url_when_one_is_given(tmp_path):
    direct = f"sqlite:///{tmp_path / 'direct.sqlite3'}"
    assert scheduler_engine(app_on(f"sqlite:///{tmp_path / 'pooled.sqlite3'}")) is None
    engine = scheduler_engine(app_on(f"sqlite:///{tmp_path / 'pooled.sqlite3'}", SCHEDULER_DATABASE_URL=direct))
    assert engine is not None and engine.url == make_url(direct)
