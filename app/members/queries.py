"""Reads of the member register for secretaries and the county."""

from datetime import datetime

from sqlalchemy import BindParameter, and_, func, or_, select

from app.auth import scope
from app.auth.models import Account
from app.extensions import db
from app.members.models import Member
from app.org.models import Community, Grid, Unit
from app.points.models import Balance
from app.points.queries import entries, why_not_audit
from ledger import periods

# A member's whole history fits: a few return days and visits a month, for years.
ENTRIES_SHOWN = 2000


def in_scope(
    query,
    *,
    community_id: int | BindParameter[int] | None = None,
    unit_id: int | BindParameter[int] | None = None,
    community=Member.community_id,
    unit=Member.unit_id,
):
    """The query narrowed to a community and a work unit, where named, on the given columns (a member's unless
    said): the one scope filter of the lists and rankings a secretary reads. An id may be a bound parameter, for
    a statement compiled once (app.rankings)."""
    if community_id is not None:
        query = query.where(community == community_id)
    if unit_id is not None:
        query = query.where(unit == unit_id)
    return query


def list_members(
    actor, *, community_id=None, unit_id=None, q=None, limit=50, offset=0, figures_at: datetime | None = None
) -> dict:
    """Members in the caller's scope (a secretary names their community or unit), filtered by name or phone.

    `figures_at`: each row also carries the member's posted points of that month (`points_month`) and
    whether they have met that quarter's duty (`duty_met`), as the desk's list shows them."""
    scope.require_scope(actor, community_id=community_id, unit_id=unit_id)
    query = in_scope(select(Member).where(Member.active.is_(True)), community_id=community_id, unit_id=unit_id)
    if q and q.strip():
        query = query.where(
            or_(Member.name.contains(q.strip(), autoescape=True), Member.phone.contains(q.strip(), autoescape=True))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    query = (
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
    )
    if figures_at is not None:
        query = _with_figures(query, figures_at)
    rows = db.session.execute(query.order_by(Member.id).limit(limit).offset(offset))
    keys: tuple[str, ...] = ("member_id", "name", "phone", "community_id", "community", "unit_id", "unit", "grid")
    keys += ("points_month", "duty_met") if figures_at is not None else ()
    members = [dict(zip(keys, r, strict=True)) for r in rows]
    if figures_at is not None:
        for m in members:
            # No balance row yet is no points; SQLite answers EXISTS with 0 or 1.
            m["points_month"], m["duty_met"] = int(m["points_month"] or 0), bool(m["duty_met"])
    return {"members": members, "total": total}


def _with_figures(query, now: datetime):
    # Imported here: the duty rule reads the register's scope filter (in_scope) from this module.
    from app.duty.queries import reported

    start, end = periods.bounds(periods.quarter_of(now))
    month = periods.month_of(now)
    return query.outerjoin(Balance, and_(Balance.member_id == Member.id, Balance.period == month)).add_columns(
        Balance.posted, reported(start, end)
    )


def member_card(actor, member_id: int) -> dict:
    """One member as the desk shows them, with their account (for a password reset) and every ledger entry
    of theirs, oldest first: the ledger list's rows and scope rule (403 out of the caller's scope)."""
    found = entries(actor, member_id=member_id, limit=ENTRIES_SHOWN)
    row = db.session.execute(
        select(Member, Community.name, Unit.name, Grid.name, Account)
        .join(Community, Community.id == Member.community_id)
        .join(Unit, Unit.id == Member.unit_id)
        .outerjoin(Grid, Grid.id == Member.grid_id)
        .outerjoin(Account, Account.member_id == Member.id)
        .where(Member.id == member_id)
    ).one()
    member, community, unit, grid, account = row
    return {
        "member_id": member.id,
        "name": member.name,
        "phone": member.phone,
        "community_id": member.community_id,
        "community": community,
        "unit": unit,
        "grid": grid,
        "active": member.active,
        "account_id": account.id if account is not None else None,
        "may_reset_password": account is not None and scope.may_reset_password(actor, account),
        "why_not_audit": why_not_audit(actor, member),
        "entries": found,
    }
