"""The return_days job: each community's 回家日 on the month's last Sunday, created once however often it runs."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from ledger import periods
from scheduler.jobs import JOBS

NOW = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)


def test_every_community_gets_one_return_day_on_the_last_sunday(app, make):
    communities = [make.community(), make.community()]
    with app.app_context():
        first, second = JOBS["return_days"].run(NOW), JOBS["return_days"].run(NOW)
        events = db.session.scalars(select(Event).order_by(Event.community_id)).all()
    assert [e.community_id for e in events] == [c.id for c in communities]
    assert (first, second) == ("新建回家日活动 2026-11: 2", "新建回家日活动 2026-11: 0")  # on PostgreSQL too
    for event in events:
        starts = periods.local(event.starts_at)
        assert event.kind == "return_day"
        assert starts.date().isoformat() == "2026-11-29" and starts.strftime("%H:%M") == "09:00"
        assert (event.starts_at - event.checkin_opens_at).total_seconds() == 30 * 60


def test_after_the_return_day_only_next_months_is_made_as_no_event_starts_in_the_past(app, make):
    make.community()
    after = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    with app.app_context():
        JOBS["return_days"].run(after)
        days = sorted(periods.local(e.starts_at).date().isoformat() for e in db.session.scalars(select(Event)))
    assert days == ["2026-12-27"]


def test_on_the_return_day_itself_the_days_event_is_made(app, make):
    make.community()
    with app.app_context():
        JOBS["return_days"].run(datetime(2026, 11, 28, 17, 0, tzinfo=UTC))  # 01:00 on the 29th in China
        days = [periods.local(e.starts_at).date().isoformat() for e in db.session.scalars(select(Event))]
    assert days == ["2026-11-29"]
