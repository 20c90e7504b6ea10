"""The member's home figures: this month's and all-time points, and this month's rank."""
from sqlalchemy import func, select

from app.extensions import db
from app.points.models import Balance
from ledger import periods


def member_summary(member, now) -> dict:
    month = periods.month_of(now)
    mine = db.session.get(Balance, (member.id, month))
    total = db.session.scalar(select(func.coalesce(func.sum(Balance.posted), 0)).where(Balance.member_id == member.id))
    rank = None
    if mine is not None and mine.posted_entries > 0:
        above = db.session.scalar(
            select(func.count()).select_from(Balance).where(
                Balance.period == month, Balance.posted_entries > 0, Balance.posted > mine.posted))
        rank = above + 1
    return {
        "member_id": member.id,
        "name": member.name,
        "community_id": member.community_id,
        "unit_id": member.unit_id,
        "points_month": mine.posted if mine else 0,
        "points_total": int(total),
        "rank_month": rank,
    }
