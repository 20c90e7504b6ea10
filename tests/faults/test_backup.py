"""`flask db backup FILE`: a consistent copy of the SQLite database taken while a writer is busy, which opens
and verifies as a database of its own; on PostgreSQL the command names pg_dump instead."""

import threading

from flask_migrate.cli import db as db_cli
from sqlalchemy import func, select

from app.checkins.models import Checkin
from app.extensions import db
from tests.factories import check_in
from tests.faults.conftest import app_on, postgres_only, sqlite_only

MEMBERS = 24


@sqlite_only
def test_a_backup_taken_while_check_ins_are_written_restores_and_verifies(app, make, runner, database_url, tmp_path):
    community = make.community()
    event = make.event(community)
    members = [make.member(community) for _ in range(MEMBERS)]
    done = threading.Semaphore(0)

    def writer():
        for member in members:
            check_in(app, member, event)
            done.release()

    busy = threading.Thread(target=writer)
    busy.start()
    for _ in range(5):
        done.acquire()
    result = runner.invoke(db_cli, ["backup", str(tmp_path / "backup.sqlite3")])
    busy.join()
    assert result.exit_code == 0, result.output
    assert "已备份" in result.output

    restored = app_on(f"sqlite:///{tmp_path / 'backup.sqlite3'}")
    with restored.app_context():
        copied = db.session.scalar(select(func.count()).select_from(Checkin))
        db.engine.dispose()
    # As of one moment in the middle of the writing: some check-ins, not all, each with all of its ledger rows.
    assert 5 <= copied < MEMBERS
    verified = restored.test_cli_runner().invoke(args=["ledger", "verify", "--workers", "1"])
    assert verified.exit_code == 0, verified.output
    assert f"{copied} records" in verified.output


@sqlite_only
def test_a_backup_never_overwrites_a_file(
    runner,
    database_url,
    tmp_path,
):
    (tmp_path / "old.sqlite3").write_bytes(b"yesterday")
    result = runner.invoke(db_cli, ["backup", str(tmp_path / "old.sqlite3")])
    assert result.exit_code == 1
    assert "已存在" in result.output
    assert (tmp_path / "old.sqlite3").read_bytes() == b"yesterday"


@postgres_only
def test_on_postgresql_the_backup_command_names_pg_dump(runner, database_url, tmp_path):
    result = runner.invoke(db_cli, ["backup", str(tmp_path / "dump")])
    assert result.exit_code == 1
    assert "pg_dump -Fc" in result.output and "pg_restore" in result.output
    assert not (tmp_path / "dump").exists()
