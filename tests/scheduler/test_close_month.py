"""The close_month job: a month closes once its audit deadline has passed, missed months catch up once,
and the job's close is the same as an operator's."""

from datetime import UTC, datetime

from app.extensions import db
from app.org.models import CountySettings
from app.periods.models import Period
from scheduler.jobs import JOBS
from tests.factories import earn, ten_eight_eight_five

SEPTEMBER = datetime(2026, 9, 20, 2, 0, tzinfo=UTC)


def _closed(app):
    with app.app_context():
        return sorted(p.period for p in db.session.query(Period))


def test_a_month_waits_for_its_audit_deadline_then_closes_once(app, make):
    ten_eight_eight_five(app, make)
    with app.app_context():
        JOBS["close_month"].run(datetime(2026, 11, 5, 8, 0, tzinfo=UTC))  # the 5th: still auditing
    assert _closed(app) == []
    with app.app_context():
        JOBS["close_month"].run(datetime(2026, 11, 5, 16, 30, tzinfo=UTC))  # the 6th, China time
        first = db.session.get(Period, "2026-10").seal
        JOBS["close_month"].run(datetime(2026, 11, 7, 2, 0, tzinfo=UTC))
        assert db.session.get(Period, "2026-10").seal == first
    assert _closed(app) == ["2026-10"]


def test_after_downtime_every_missed_month_closes_oldest_first(app, make):
    member = make.member()
    earn(app, member, "return_day", period="2026-09", now=SEPTEMBER)
    earn(app, member, "return_day")
    earn(app, member, "service", period="2026-11", now=datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    with app.app_context():
        message = JOBS["close_month"].run(datetime(2026, 12, 10, 2, 0, tzinfo=UTC))
    assert _closed(app) == ["2026-09", "2026-10", "2026-11"]
    assert "2026-09、2026-10、2026-11" in message


def test_the_job_publishes_the_ranking_an_operator_would(app, make, client):
    ten_eight_eight_five(app, make)
    live = client.get("/api/v1/rankings?period=2026-10&by=member").get_json()
    with app.app_context():
        JOBS["close_month"].run(datetime(2026, 11, 6, 2, 0, tzinfo=UTC))
    closed = client.get("/api/v1/rankings?period=2026-10&by=member").get_json()
    assert closed["closed"] is True and closed["rows"] == live["rows"]
    assert [row["rank"] for row in closed["rows"]] == [1, 2, 2, 4]


def test_the_job_closes_only_the_months_that_hold_entries_however_far_back_the_first_one_is(app, make, ledger_verifies):
    member = make.member()
    # Written as an import would write it: the API refuses a visit this old (too_old).
    earn(app, member, "service", period="1900-01", now=datetime(2026, 10, 2, 2, 0, tzinfo=UTC))
    earn(app, member, "return_day")
    with app.app_context():
        message = JOBS["close_month"].run(datetime(2026, 11, 6, 2, 0, tzinfo=UTC))
    assert _closed(app) == ["1900-01", "2026-10"] and message == "结账 1900-01、2026-10"
    ledger_verifies()


def test_an_audit_day_past_the_end_of_a_short_month_is_its_last_day(app, make, ledger_verifies):
    with app.app_context():
        db.session.add(CountySettings(audit_day=30))
        db.session.commit()
    member = make.member()
    earn(app, member, "return_day", period="2026-12", now=datetime(2026, 12, 20, 2, 0, tzinfo=UTC))
    earn(app, member, "return_day", period="2027-01", now=datetime(2027, 1, 20, 2, 0, tzinfo=UTC))
    for now, closed in (
        (datetime(2027, 2, 10, 2, 0, tzinfo=UTC), ["2026-12"]),
        (datetime(2027, 2, 28, 2, 0, tzinfo=UTC), ["2026-12"]),  # the deadline itself
        (datetime(2027, 2, 28, 16, 0, tzinfo=UTC), ["2026-12", "2027-01"]),
    ):  # 1 March
        with app.app_context():
            JOBS["close_month"].run(now)
        assert _closed(app) == closed
    ledger_verifies()
