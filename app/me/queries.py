"""What a member's own pages show: the home figures of GET /api/v1/me, and the home page gathered from each
domain's own reads (no figure computed twice)."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.duty.queries import member_met
from app.events.queries import next_return_day, signed_up
from app.extensions import db
from app.leave.queries import my_leave
from app.notices.queries import my_notices, unread_count
from app.points.models import Balance
from ledger import periods

UNREAD_SHOWN = 3


def member_summary(member, now) -> dict:
    """This month's and all-time posted points, and this month's rank in the county (None with no points)."""
    month = periods.month_of(now)
    mine = db.session.get(Balance, (member.id, month))
    total = db.session.execute(
        select(func.coalesce(func.sum(Balance.posted), 0)).where(Balance.member_id == member.id)
    ).scalar_one()
    rank = None
    if mine is not None and mine.posted_entries > 0:
        above = db.session.execute(
            select(func.count())
            .select_from(Balance)
            .where(Balance.period == month, Balance.posted_entries > 0, Balance.posted > mine.posted)
        ).scalar_one()
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


def home(account, now: datetime) -> dict:
    """首页: the figures of GET /api/v1/me, this quarter's duty, the next return day, unread notices."""
    member = account.member
    quarter = periods.quarter_of(now)
    event = next_return_day(member.community_id, now)
    unread = unread_count(member.id)
    return {
        "summary": member_summary(member, now),
        "month": periods.month_of(now),
        "quarter": quarter,
        "duty_met": member_met(member.id, quarter),
        "quarter_last_day": periods.local(periods.bounds(quarter)[1] - timedelta(seconds=1)).date(),
        "return_day": event,
        "signed_up": signed_up(member.id, event.id) if event else False,
        "leave": my_leave(member.id, event.id) if event else None,
        "unread": unread,
        "unread_notices": my_notices(member.id, limit=UNREAD_SHOWN, unread_only=True) if unread else [],
    }
