"""The demo's 议事日: every community gets its days, committee members, attendance and agenda items, and a
second run adds nothing."""

from sqlalchemy import func, select

from app.db import utcnow
from app.deliberation.demo import add_demo
from app.deliberation.models import AgendaItem, CommitteeTerm, DeliberationAttendance, DeliberationDay
from app.deliberation.queries import for_record
from app.extensions import db
from app.org.models import Community
from ledger import periods


def test_the_demo_adds_a_handful_of_rows_per_community_once(app, runner, monkeypatch):
    monkeypatch.setattr("app.demo.loader.CALENDAR", ())  # the county alone: this part is added below
    result = runner.invoke(args=["demo", "--members", "40"])
    assert result.exit_code == 0, result.output
    now = utcnow()
    with app.app_context():
        added = add_demo(now)
        assert add_demo(now) == 0
        communities = db.session.scalar(select(func.count()).select_from(Community))
        count = {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (DeliberationDay, DeliberationAttendance, AgendaItem, CommitteeTerm)
        }
        evaluated = db.session.scalar(select(func.count()).where(AgendaItem.stage == "evaluated"))
        serving = db.session.scalars(select(CommitteeTerm.member_id)).all()
        record = for_record(serving, periods.local(now).year)
    assert added > 0
    assert count["deliberation_days"] == 5 * communities and count["agenda_items"] == 2 * communities
    assert evaluated == communities and count["committee_terms"] <= 2 * communities
    assert all(r["days"] is not None and r["terms"] for r in record.values())
    assert count["deliberation_attendance"] > 0
