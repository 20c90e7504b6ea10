"""The deliberation_days job: each community's 议事日 on the first working day of this month and the next,
made once however often it runs, caught up after downtime, and never moved back once a secretary moved it."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.deliberation import operations
from app.deliberation.models import DeliberationDay
from app.extensions import db
from scheduler.jobs import JOBS

# 2026-11-02 09:00 in China, a Monday: November's first working day (the 1st is a Sunday).
NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def _days(app):
    with app.app_context():
        return sorted(
            (d.community_id, d.period, d.held_on.isoformat()) for d in db.session.scalars(select(DeliberationDay))
        )


def test_every_community_gets_this_and_next_months_day_once_however_often_the_job_runs(app, make):
    first, second = make.community(), make.community()
    with app.app_context():
        said = JOBS["deliberation_days"].run(NOW)
        again = JOBS["deliberation_days"].run(NOW)
    assert "2026-11: 2" in said and "2026-12: 2" in said
    assert "2026-11: 0" in again and "2026-12: 0" in again
    assert _days(app) == [
        (first.id, "2026-11", "2026-11-02"),
        (first.id, "2026-12", "2026-12-01"),
        (second.id, "2026-11", "2026-11-02"),
        (second.id, "2026-12", "2026-12-01"),
    ]


def test_a_month_that_begins_on_a_saturday_meets_on_monday_the_3rd(app, make):
    make.community()
    with app.app_context():
        JOBS["deliberation_days"].run(datetime(2026, 7, 15, 1, 0, tzinfo=UTC))
    assert [d[1:] for d in _days(app)] == [("2026-07", "2026-07-01"), ("2026-08", "2026-08-03")]


def test_after_a_week_down_the_job_makes_what_is_missing_and_no_month_before_the_current_one(app, make):
    community = make.community()
    with app.app_context():
        JOBS["deliberation_days"].run(datetime(2026, 10, 20, 17, 10, tzinfo=UTC))  # 21 October, then down
    late = make.community()  # added while the scheduler was down
    with app.app_context():
        # Back on 4 December: November's day for the new community is in the past, and is not made.
        JOBS["deliberation_days"].run(datetime(2026, 12, 3, 17, 10, tzinfo=UTC))
    assert _days(app) == [
        (community.id, "2026-10", "2026-10-01"),
        (community.id, "2026-11", "2026-11-02"),
        (community.id, "2026-12", "2026-12-01"),
        (community.id, "2027-01", "2027-01-01"),
        (late.id, "2026-12", "2026-12-01"),
        (late.id, "2027-01", "2027-01-01"),
    ]


def test_a_day_the_secretary_moved_is_not_moved_back_by_the_job(app, make):
    community = make.community()
    secretary = make.secretary(community)
    with app.app_context():
        JOBS["deliberation_days"].run(NOW)
        day = db.session.scalars(select(DeliberationDay).where(DeliberationDay.period == "2026-11")).one()
        operations.move_day(db.session.merge(secretary), day.id, date(2026, 11, 4), NOW)
        JOBS["deliberation_days"].run(NOW)
    assert (community.id, "2026-11", "2026-11-04") in _days(app)
