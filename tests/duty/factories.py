"""Factories the duty, pairing and stats tests share: check-ins made directly (the check-in API is another
feature's), grids, the county's pairing target, and moments on the China clock."""
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import Account
from app.checkins.models import Checkin
from app.db import transaction
from app.extensions import db
from app.org.models import CountySettings, Grid
from app.points import operations
from ledger import periods


def check_in(app, member, event, *, decision: str | None = None, secretary=None) -> int:
    """Checks the member in at the event; `decision` None leaves the entry as the rules price it (a
    return day posts at once), "pending" holds it, "reject" has `secretary` reject it. Returns the entry id."""
    now = event.starts_at + timedelta(minutes=5)
    with app.app_context():
        with transaction():
            checkin = Checkin(event_id=event.id, member_id=member.id, method="printed", created_at=now)
            db.session.add(checkin)
            db.session.flush()
            entry = operations.append_entry(member.id, natural_period=periods.month_of(event.starts_at),
                                            source="checkin", source_id=checkin.id, now=now, kind=event.kind,
                                            force_pending=decision is not None)
            entry_id = entry.id
        if decision not in (None, "pending"):
            with transaction():
                operations.decide(db.session.get(Account, secretary.id), entry_id, decision, "未到现场", now)
    return entry_id


def local(*args) -> datetime:
    """A moment on the China clock, e.g. local(2026, 3, 31, 23, 59)."""
    return datetime(*args, tzinfo=periods.TZ)


def into_grid(app, grid_index: int, *rows) -> None:
    """Moves members or households into their community's n-th grid (the conftest factory uses the first)."""
    with app.app_context():
        for row in rows:
            stored = db.session.get(type(row), row.id)
            grids = db.session.scalars(select(Grid.id).where(Grid.community_id == stored.community_id)
                                       .order_by(Grid.id)).all()
            stored.grid_id = row.grid_id = grids[grid_index]
        db.session.commit()


def pairing_target(app, households: int) -> None:
    """The county's 1+10 target, set by the organisation department."""
    with app.app_context():
        db.session.add(CountySettings(pairing_target=households))
        db.session.commit()
