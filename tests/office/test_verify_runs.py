"""Every `ledger verify` run is recorded (when, how, passed or the first failure), from the command line
and from the nightly job, so the county office sees the last one."""

from datetime import UTC, datetime

from sqlalchemy import select, text

from app.extensions import db
from app.integrity.models import VerifyRun
from app.points.models import LedgerRecord
from scheduler.jobs import JOBS
from tests.factories import earn

NIGHT = datetime(2026, 11, 6, 18, 30, tzinfo=UTC)  # 02:30 in Beijing


def _runs(app):
    with app.app_context():
        return [
            (r.how, r.ok, r.records, r.failure) for r in db.session.scalars(select(VerifyRun).order_by(VerifyRun.id))
        ]


def test_the_nightly_job_run_twice_records_two_passing_runs(app, make):
    earn(app, make.member(), "return_day", "service")
    with app.app_context():
        first, second = JOBS["verify_ledger"].run(NIGHT), JOBS["verify_ledger"].run(NIGHT)
    assert first == second == "台账校验通过：2 条记录"
    assert _runs(app) == [("scheduler", True, 2, None), ("scheduler", True, 2, None)]


def test_a_tampered_ledger_records_a_failed_run_naming_the_first_bad_record(app, make):
    entry_id = earn(app, make.member(), "return_day")[0]
    with app.app_context():
        db.session.execute(text("UPDATE ledger_records SET points = 50 WHERE id = :id"), {"id": entry_id})
        db.session.commit()
        chain = db.session.get(LedgerRecord, entry_id).chain
        message = JOBS["verify_ledger"].run(NIGHT)
    assert message.startswith("台账校验未通过")
    [(how, ok, records, failure)] = _runs(app)
    assert (how, ok, records) == ("scheduler", False, 0)
    assert f"chain={chain} seq=1 id={entry_id}" in failure and failure in message


def test_the_command_records_its_run_too(app, make, runner, ledger_verifies):
    earn(app, make.member(), "return_day")
    ledger_verifies()
    assert _runs(app) == [("cli", True, 1, None)]


def test_the_job_runs_at_half_past_two_beijing_after_the_nights_close():
    job = JOBS["verify_ledger"]
    after_close = job.trigger.get_next_fire_time(None, datetime(2026, 11, 6, 18, 0, tzinfo=UTC))
    assert after_close == datetime(2026, 11, 6, 18, 30, tzinfo=UTC)
