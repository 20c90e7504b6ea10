"""回家日: every community's return-day event on the last Sunday of a month, created once however often asked."""

from datetime import datetime, time

from sqlalchemy import select, text

from app.catalogue.models import ServiceCategory
from app.db import insert, transaction
from app.events.models import Event
from app.events.operations import CHECKIN_OPENS_BEFORE
from app.extensions import db
from app.org.models import Community
from app.org.settings import county_settings
from ledger import periods


def _at(day, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=periods.TZ)


@transaction()
def ensure_return_days(period: str, now: datetime) -> int:
    """Create the month's return-day event in every community that lacks it; returns how many were new."""
    settings = county_settings()
    day = periods.return_day(period)
    starts_at, ends_at = _at(day, settings.return_day_start), _at(day, settings.return_day_end)
    category = db.session.scalars(select(ServiceCategory.name).order_by(ServiceCategory.position)).first() or "政策宣传"
    month = int(period[5:])
    rows = [
        {
            "community_id": c.id,
            "title": f"{month}月回家日",
            "category": category,
            "kind": "return_day",
            "place": c.address or f"{c.name}党群服务中心",
            "starts_at": starts_at,
            "ends_at": ends_at,
            "checkin_opens_at": starts_at - CHECKIN_OPENS_BEFORE,
            "checkin_closes_at": ends_at,
            "key_version": 1,
            "created_at": now,
        }
        for c in db.session.scalars(select(Community).order_by(Community.id))
    ]
    if not rows:
        return 0
    # The partial unique index on (community, start) of return days makes a second run a no-op.
    stmt = (
        insert(Event)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["community_id", "starts_at"], index_where=text("kind = 'return_day'"))
        .returning(Event.id)
    )
    # Counted from RETURNING: psycopg reports the rowcount of a many-row INSERT … ON CONFLICT as -1.
    return len(db.session.execute(stmt).all())
