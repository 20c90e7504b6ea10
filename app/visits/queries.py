"""Reads of visits: what a member has logged, for their households page."""

from sqlalchemy import select

from app.extensions import db
from app.points.models import EntryStatus
from app.visits.models import Visit


def member_visits(member_id: int, *, limit: int = 200) -> list[dict]:
    """The member's visits, newest first, each with the state of the points it earned."""
    rows = db.session.execute(
        select(Visit.id, Visit.household_id, Visit.category, Visit.visited_on, EntryStatus.state)
        .outerjoin(EntryStatus, (EntryStatus.source == "visit") & (EntryStatus.source_id == Visit.id))
        .where(Visit.member_id == member_id)
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
        .limit(limit)
    )
    return [
        {
            "id": r.id,
            "household_id": r.household_id,
            "category": r.category,
            "visited_on": r.visited_on,
            "state": r.state,
        }
        for r in rows
    ]
