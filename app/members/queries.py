"""Reads of the member register for secretaries and the county."""

from sqlalchemy import func, or_, select

from app.auth import scope
from app.extensions import db
from app.members.models import Member
from app.org.models import Community, Grid, Unit


def in_scope(
    query,
    *,
    community_id: int | None = None,
    unit_id: int | None = None,
    community=Member.community_id,
    unit=Member.unit_id,
):
    """The query narrowed to a community and a work unit, where named, on the given columns (a member's unless
    said): the one scope filter of the lists and rankings a secretary reads."""
    if community_id is not None:
        query = query.where(community == community_id)
    if unit_id is not None:
        query = query.where(unit == unit_id)
    return query


def list_members(actor, *, community_id=None, unit_id=None, q=None, limit=50, offset=0) -> dict:
    """Members in the caller's scope (a secretary names their community or unit), filtered by name or phone."""
    scope.require_scope(actor, community_id=community_id, unit_id=unit_id)
    query = in_scope(select(Member).where(Member.active.is_(True)), community_id=community_id, unit_id=unit_id)
    if q and q.strip():
        query = query.where(
            or_(Member.name.contains(q.strip(), autoescape=True), Member.phone.contains(q.strip(), autoescape=True))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.with_only_columns(
            Member.id,
            Member.name,
            Member.phone,
            Member.community_id,
            Community.name,
            Member.unit_id,
            Unit.name,
            Grid.name,
        )
        .join(Community, Community.id == Member.community_id)
        .join(Unit, Unit.id == Member.unit_id)
        .outerjoin(Grid, Grid.id == Member.grid_id)
        .order_by(Member.id)
        .limit(limit)
        .offset(offset)
    )
    return {
        "members": [
            {
                "member_id": r[0],
                "name": r[1],
                "phone": r[2],
                "community_id": r[3],
                "community": r[4],
                "unit_id": r[5],
                "unit": r[6],
                "grid": r[7],
            }
            for r in rows
        ],
        "total": total,
    }
