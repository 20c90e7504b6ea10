"""Each process keeps the points rules and the county settings between scans: a rule change, a settings
change and a month close are seen by the very next check-in in the same process, and a change rolled back
is never served."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.catalogue.models import PointsRule
from app.db import transaction, utcnow
from app.extensions import db
from app.org.models import CountySettings
from app.periods.operations import close_month
from app.points.models import EntryStatus
from app.points.operations import append_entry
from ledger import periods

RETURN_DAY = "checkin.return_day"  # 5 points, no audit (ledger.rules.default_rules)


@pytest.fixture
def checks_in(app, make, printed, scan):
    """checks_in(**event fields) -> (points, period) of a new check-in of one member at a new event."""
    community = make.community()
    member = make.member(community)

    def check_in(**fields):
        response = scan(member.account, printed(make.event(community, **fields)))
        assert response.status_code == 201, response.get_json()
        with app.app_context():
            entry = db.session.get_one(EntryStatus, response.get_json()["entry_id"])
            return entry.points, entry.period

    return check_in


def _rule(app):
    with app.app_context():
        return db.session.scalars(select(PointsRule).where(PointsRule.code == RETURN_DAY)).one()


def test_a_rule_edited_or_added_prices_the_next_check_in(app, checks_in, ledger_verifies):
    assert checks_in()[0] == 5
    with app.app_context():
        db.session.get_one(PointsRule, _rule(app).id).points = 7
        db.session.commit()
    assert checks_in()[0] == 7
    old = _rule(app)
    with app.app_context():
        db.session.add(
            PointsRule(
                code=RETURN_DAY,
                name=old.name,
                source="checkin",
                match="return_day",
                points=9,
                needs_audit=False,
                cap_month=None,
                valid_from=utcnow() - timedelta(days=1),
            )
        )
        db.session.commit()
    assert checks_in()[0] == 9
    ledger_verifies()


def test_a_new_month_cap_caps_the_next_check_in(app, checks_in):
    assert checks_in()[0] == 5
    with app.app_context():
        db.session.add(CountySettings(month_cap=6))
        db.session.commit()
    assert checks_in()[0] == 1


def test_a_check_in_after_its_month_closed_lands_in_the_open_month(app, checks_in, ledger_verifies):
    now = utcnow()
    this_month = periods.month_of(now)
    this_month_start = periods.bounds(this_month)[0]
    last_month = periods.month_of(this_month_start - timedelta(seconds=1))

    # Events of last month (Asia/Shanghai) whose check-in is still open: their entries belong to last month.
    def late(minutes):
        starts_at = this_month_start - timedelta(hours=6, minutes=minutes)
        return {"starts_at": starts_at, "hours": int((now - starts_at).total_seconds() // 3600) + 3}

    assert checks_in(**late(0))[1] == last_month
    with app.app_context():
        close_month(last_month, None, now)
    assert checks_in(**late(1)) == (5, this_month)
    ledger_verifies()


def test_rules_read_inside_a_change_that_rolled_back_are_not_kept(app, make, checks_in):
    assert checks_in()[0] == 5
    member = make.member()
    with app.app_context(), pytest.raises(RuntimeError), transaction():
        db.session.get_one(PointsRule, _rule(app).id).points = 50
        db.session.flush()
        entry = append_entry(
            member.id,
            natural_period=periods.month_of(utcnow()),
            source="checkin",
            source_id=None,
            now=utcnow(),
            kind="return_day",
        )
        assert entry.points == 50  # priced inside the change, by the changed rule
        raise RuntimeError("the change is abandoned")
    assert checks_in()[0] == 5


def test_the_version_moves_with_every_kind_of_change(app, make):
    from app.org.models import ConfigVersion

    make.county()

    def version():
        with app.app_context():
            row = db.session.get(ConfigVersion, 1)
            return row.version if row else None

    seen = [version()]
    with app.app_context():
        db.session.add(CountySettings(month_cap=80))
        db.session.commit()
    seen.append(version())
    with app.app_context():
        db.session.scalars(select(CountySettings)).one().month_cap = 90
        db.session.commit()
    seen.append(version())
    with app.app_context():
        db.session.delete(db.session.get_one(PointsRule, _rule(app).id))
        db.session.commit()
    seen.append(version())
    assert None not in seen and len(set(seen)) == len(seen), seen
