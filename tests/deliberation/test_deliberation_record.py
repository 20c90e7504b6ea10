"""What the year-end record takes from 议事日: days attended, days due as a part-time committee member, terms."""

from datetime import UTC, date, datetime

from app.deliberation.models import CommitteeTerm, DeliberationAttendance, DeliberationDay
from app.deliberation.queries import for_record
from app.extensions import db

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def _day(community, on):
    day = DeliberationDay(community_id=community.id, period=on.strftime("%Y-%m"), held_on=on, created_at=NOW)
    db.session.add(day)
    db.session.flush()
    return day


def test_attendance_and_the_days_due_within_a_term_are_counted_per_member(app, make):
    community, other = make.community("花石社区"), make.community()
    serving, resident = make.member(community), make.member(community)
    secretary = make.secretary(community)
    with app.app_context():
        days = [_day(community, date(2026, m, d)) for m, d in ((3, 2), (4, 1), (5, 1), (6, 1))]
        _day(other, date(2026, 4, 1))
        _day(community, date(2025, 12, 1))
        db.session.add(
            CommitteeTerm(
                member_id=serving.id,
                community_id=community.id,
                starts_on=date(2026, 4, 1),
                ends_on=date(2026, 5, 31),
                created_by=secretary.id,
                created_at=NOW,
            )
        )
        for day, who in ((days[1], serving), (days[2], serving), (days[3], resident)):
            db.session.add(
                DeliberationAttendance(day_id=day.id, member_id=who.id, recorded_by=secretary.id, recorded_at=NOW)
            )
        db.session.commit()
        record = for_record([serving.id, resident.id], 2026)
        assert for_record([serving.id], 2025)[serving.id] == {"attended": 0, "days": None, "terms": []}
    assert record[serving.id] == {
        "attended": 2,
        "days": 2,
        "terms": [{"community": "花石社区", "start": "2026-04-01", "end": "2026-05-31"}],
    }
    assert record[resident.id] == {"attended": 1, "days": None, "terms": []}


def test_no_members_asks_nothing(app):
    with app.app_context():
        assert for_record([], 2026) == {}
